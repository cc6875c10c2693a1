/* cancel_scope.c — kind "cancel-scope" (ASYNC100): a `with`/`async with` whose last timeout item is a cancel
 * scope (the matched call) and whose body has no checkpoint (await, async for, async with, yield) in the same
 * function: the timeout can never fire. Skipped when, in an `async with`, the timeout item is followed by
 * further items (they may checkpoint). Reported on the whole statement. */
#include "checks/cancelled.h"

static bool has_checkpoint(const struct as_model *m, struct as_span body, int32_t fn)
{
    const struct as_facts *f = m->facts;
    return as_offsets_in(m, f->checkpoints, f->n_checkpoints, body, fn) || as_offsets_in(m, f->yields, f->n_yields, body, fn);
}

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_facts *f = ctx->model->facts;
    int32_t wi = f->calls[call_index].with_item;
    if (wi < 0) return;
    {
        const struct as_with *w = &f->withs[wi];
        for (uint32_t k = 0; k < w->n_items; k++) {
            if (w->item_call_index[k] != (int32_t)call_index) continue;
            if (w->is_async && k + 1 < w->n_items) return;
            /* Only the last timeout item counts: a later item that is also a cancel scope reports instead. */
            int32_t fn = as_model_context_scope(ctx->model, as_model_scope_at(ctx->model, w->span.start));
            if (has_checkpoint(ctx->model, w->body, fn)) return;
            struct as_finding fd = {rule, w->span, as_check_message(ctx, rule->message, call_index), rule->help, false};
            ctx->report(ctx, &fd);
            return;
        }
    }
}

const struct as_check_kind as_check_cancel_scope = {
    "cancel-scope", true, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
