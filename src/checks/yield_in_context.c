/* yield_in_context.c — kind "yield-in-context" (ASYNC119): a `yield` inside a `with`/`async with` block of an
 * async generator: if the consumer stops iterating, the context manager's cleanup waits for garbage collection.
 * The rule's `match:` lines name decorators that make it fine (contextlib.asynccontextmanager, pytest fixtures).
 * Reported on the yield. */
#include "checks/check.h"

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    for (size_t i = 0; i < f->n_yields; i++) {
        uint32_t p = f->yields[i];
        int32_t fn = as_model_context_scope(m, as_model_scope_at(m, p));
        if (fn <= 0 || f->scopes[fn].kind != AS_SCOPE_FUNCTION || !f->scopes[fn].is_async) continue;
        /* the last with whose body starts at or before p, then out through the enclosing ones */
        size_t lo = 0, hi = f->n_withs;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (f->withs[mid].body.start <= p) lo = mid + 1;
            else hi = mid;
        }
        bool inside = false;
        for (int32_t k = (int32_t)lo - 1; k >= 0 && !inside; k = f->withs[k].parent) {
            const struct as_with *w = &f->withs[k];
            if (p >= w->body.start && p < w->body.end &&
                as_model_context_scope(m, as_model_scope_at(m, w->span.start)) == fn)
                inside = true;
        }
        if (!inside || as_check_in_scope_decorated(ctx, fn, rule)) continue;
        struct as_finding fd = {rule, f->yield_spans[i], rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_yield_in_context = {"yield-in-context", true, NULL, on_file, false, "yield"};
