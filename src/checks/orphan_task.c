/* orphan_task.c — kind "orphan-task" (RUF006): the task a spawning call returns is thrown away, so the event
 * loop holds only a weak reference and it may be garbage-collected mid-flight. Two shapes, as in ruff:
 * the call is a whole expression statement, or it is the value of a single-target assignment (`t = ...`,
 * `t: T = ...`, `_ = ...`, `t = u = ...`) whose names are never read, following the flow to each read
 * (analysis/flow.h: a task bound in both arms of an `if` and awaited after is read). Awaited, returned, stored
 * or passed-on tasks are fine. */
#include "checks/check.h"

#include "analysis/flow.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_facts *f = ctx->model->facts;
    const struct as_call *call = &f->calls[call_index];
    if (call->awaited) return;
    /* an assignment counts only when its value is exactly this call (`t = spawn()`, not `t = spawn().x`) */
    if (!call->discarded && !as_flow_call_value_unread(ctx->model, call_index)) return;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_orphan_task = {
    "orphan-task", false, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
