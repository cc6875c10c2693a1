/* call.c — kind "call": the matched call is the finding, wherever it is (its `match:` conditions carry the
 * logic, e.g. ASYNC115 `trio.sleep` with a literal 0, ASYNC116 with more than 24 hours). */
#include "checks/check.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_call = {"call", false, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
