/* orphan_task.c — kind "orphan-task" (RUF006): the task a spawning call returns is thrown away, so the event
 * loop holds only a weak reference and it may be garbage-collected mid-flight. Two shapes, as in ruff:
 * the call is a whole expression statement, or it is the value of a single-target assignment (`t = ...`,
 * `t: T = ...`, `_ = ...`) whose name is never read. Awaited, returned, stored or passed-on tasks are fine. */
#include "checks/check.h"

#include <string.h>

static const struct as_binding *assigned_binding(const struct as_facts *f, const struct as_call *call)
{
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_ASSIGN || b->value.kind != AS_EXPR_CALL) continue;
        if (b->value.base.start == call->span.start && b->value.base.end == call->span.end && !*b->value.tail)
            return b;
    }
    return NULL;
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
            bool declared = false;
            for (int32_t k = 0; k < (int32_t)f->n_bindings; k++) {
                const struct as_binding *d = &f->bindings[k];
                if ((d->kind == AS_BIND_GLOBAL || d->kind == AS_BIND_NONLOCAL) && d->scope == b->scope &&
                    strcmp(d->name, b->name) == 0)
                    declared = true;
            }
            dropped = !declared;
        }
    }
    if (!dropped) return;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_orphan_task = {"orphan-task", false, on_call, NULL};
