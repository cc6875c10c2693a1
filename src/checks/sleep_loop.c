/* sleep_loop.c — kind "sleep-loop" (ASYNC110): a `while` loop whose whole body is `await <sleep>(...)` — a
 * busy-wait that an Event would replace. The matched call is the sleep; reported on the loop. */
#include "checks/check.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_facts *f = ctx->model->facts;
    int32_t li = f->calls[call_index].sleep_loop;
    if (li < 0) return;
    struct as_finding fd = {rule, f->sleep_loops[li].span, as_check_message(ctx, rule->message, call_index), rule->help, false};
    ctx->report(ctx, &fd);
}

const struct as_check_kind as_check_sleep_loop = {
    "sleep-loop", true, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
