/* yield_in_context.c — kind "yield-in-context" (ASYNC119): a `yield` inside a `with`/`async with` block of an
 * async generator: if the consumer stops iterating, the context manager's cleanup waits for garbage collection.
 * The rule's `match:` lines name decorators that make it fine (contextlib.asynccontextmanager, pytest fixtures), and
 * so do those the configuration lists in `transform-async-generator-decorators`.
 * Reported on the yield. */
#include "checks/cancelled.h"

static void visit_yield(struct as_check_ctx *ctx, const struct as_rule *rule, size_t yield, int32_t fn)
{
    const struct as_facts *f = ctx->model->facts;
    if (!as_in_with_of_function(ctx, f->yields[yield], fn, NULL, rule) || as_check_in_scope_decorated(ctx, fn, rule)) return;
    if (ctx->options && as_decorated_by_option(ctx, fn, ctx->options->generator_decorators,
                                               ctx->options->n_generator_decorators))
        return;
    struct as_finding fd = {rule, f->yield_spans[yield], rule->message, rule->help, false};
    ctx->report(ctx, &fd);
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule) { as_each_yield(ctx, rule, true, visit_yield); }

const struct as_check_kind as_check_yield_in_context = {
    "yield-in-context", true, NULL, on_file, false, "yield", AS_OUTLINE_NONE, false, false};
