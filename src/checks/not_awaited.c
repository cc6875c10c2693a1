/* not_awaited.c — kind "not-awaited" (ASYNC105): a call to an async API that is not directly awaited, so the
 * coroutine it returns never runs. Fires in any context, like ruff. */
#include "checks/check.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    if (ctx->model->facts->calls[call_index].awaited) return;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_not_awaited = {
    "not-awaited", false, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
