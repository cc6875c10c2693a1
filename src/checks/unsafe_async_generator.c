/* unsafe_async_generator.c — kind "unsafe-async-generator" (ASYNC900): an async generator (an `async def` with a
 * `yield` of its own) that no decorator turns into something safe: one named asynccontextmanager or fixture (any
 * library's, by last name as flake8-async matches them), trio's as_safe_channel, or one the configuration lists
 * in `transform-async-generator-decorators`. Reported once per function, on the def. */
#include <string.h>

#include "checks/cancelled.h"

static void visit_yield(struct as_check_ctx *ctx, const struct as_rule *rule, size_t yield, int32_t fn)
{
    static const char *const safe[] = {"asynccontextmanager", "fixture", "as_safe_channel", NULL};
    const struct as_facts *f = ctx->model->facts;
    for (size_t k = 0; k < yield; k++)   /* reported at the function's first yield only */
        if (as_model_context_scope(ctx->model, as_model_scope_at(ctx->model, f->yields[k])) == fn) return;
    if (as_decorated_by_name(ctx, fn, safe)) return;
    if (ctx->options && as_decorated_by_option(ctx, fn, ctx->options->generator_decorators,
                                               ctx->options->n_generator_decorators))
        return;
    const struct as_scope *s = &f->scopes[fn];
    const char *msg = as_flow_message(ctx, rule->message, s->name, NULL, 0);
    struct as_finding fd = {rule, {s->node.start, s->name_span.end}, msg, rule->help, false};
    ctx->report(ctx, &fd);
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule) { as_each_yield(ctx, rule, true, visit_yield); }

const struct as_check_kind as_check_unsafe_async_generator = {
    "unsafe-async-generator", true, NULL, on_file, false, "yield", AS_OUTLINE_NONE, false, false};
