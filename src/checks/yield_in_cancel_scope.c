/* yield_in_cancel_scope.c — kind "yield-in-cancel-scope" (ASYNC101): a `yield` of a generator (async or not) inside a
 * `with` / `async with` one of whose items opens a nursery, task group or cancel scope (the rule's `match:`
 * lines: trio/anyio/asyncio and third-party context managers that open one inside). While the generator is
 * suspended at the yield, the scope still covers the consumer's code: cancellations and errors of the scope's
 * tasks land in the wrong place. A generator that implements a context manager or a fixture (decorated with
 * something named contextmanager, asynccontextmanager or fixture, from any library, as flake8-async, or with one
 * listed in `transform-async-generator-decorators`) is fine.
 * Reported on the yield. */
#include <string.h>

#include "checks/cancelled.h"

/* The decorators that make a yield inside a scope the intended pattern, by their last name. */
static bool context_manager_like(struct as_check_ctx *ctx, int32_t fn)
{
    static const char *const names[] = {"contextmanager", "asynccontextmanager", "fixture", NULL};
    return as_decorated_by_name(ctx, fn, names) ||
           (ctx->options && as_decorated_by_option(ctx, fn, ctx->options->generator_decorators,
                                                   ctx->options->n_generator_decorators));
}

static bool opens_scope(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_with *w)
{
    for (uint32_t k = 0; k < w->n_items; k++) {
        int32_t ci = w->item_call_index[k];
        const char *q = ci >= 0 ? ctx->callee_names[ci] : NULL;
        for (size_t m = 0; q && m < rule->n_matches; m++)
            if (strcmp(rule->matches[m].pattern, q) == 0) return true;
    }
    return false;
}

static void visit_yield(struct as_check_ctx *ctx, const struct as_rule *rule, size_t yield, int32_t fn)
{
    const struct as_facts *f = ctx->model->facts;
    if (!as_in_with_of_function(ctx, f->yields[yield], fn, opens_scope, rule) || context_manager_like(ctx, fn)) return;
    struct as_finding fd = {rule, f->yield_spans[yield], rule->message, rule->help, false};
    ctx->report(ctx, &fd);
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule) { as_each_yield(ctx, rule, false, visit_yield); }

/* Sync generators too (a `with trio.move_on_after(...)` around a `yield` is as wrong there, as flake8-async
 * says): a finding needs one of the scopes the rule's `match:` lines name, so for the pre-parse skip those
 * patterns are needles in any code (needs_match). */
const struct as_check_kind as_check_yield_in_cancel_scope = {
    "yield-in-cancel-scope", false, NULL, on_file, false, "yield", AS_OUTLINE_NONE, true, false};
