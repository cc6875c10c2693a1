/* orphan_task.c — kind "orphan-task" (RUF006): the task a spawning call returns is thrown away, so the event
 * loop holds only a weak reference and it may be garbage-collected mid-flight. Two shapes, as in ruff:
 * the call is a whole expression statement, or it is the value of a single-target assignment (`t = ...`,
 * `t: T = ...`, `_ = ...`) whose name is never read. Awaited, returned, stored or passed-on tasks are fine. */
#include "checks/check.h"

#include <string.h>

static const struct as_binding *assigned_binding(const struct as_facts *f, const struct as_call *call)
{
    return call->assigned_to >= 0 ? &f->bindings[call->assigned_to] : NULL;
}

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_facts *f = ctx->model->facts;
    const struct as_call *call = &f->calls[call_index];
    if (call->awaited) return;
    bool dropped = call->discarded;
    if (!dropped) {
        const struct as_binding *b = assigned_binding(f, call);
        /* Only the statement `name = call` itself: the assignment's value must be exactly this call. */
        if (b && !b->used) {
            dropped = !as_model_declared_outside(ctx->model, b);
        }
    }
    if (!dropped) return;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_orphan_task = {"orphan-task", false, on_call, NULL, false, NULL};
