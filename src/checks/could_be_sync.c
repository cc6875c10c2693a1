/* could_be_sync.c — kind "could-be-sync" (ASYNC124): an `async def` whose own body never checkpoints (no
 * await, `async for`, `async with`, async comprehension; those inside nested functions and generator
 * expressions, which run later, do not count) could be a plain def. Not reported: methods (an interface may
 * require them to be async), bodies that are only a docstring, `pass` or `...` (stubs, overridable defaults),
 * `@overload`, fixtures with parameters (they may depend on async fixtures), and functions decorated with
 * `asynccontextmanager` or a `no-checkpoint-warning-decorators` glob (flake8-async's option). Reported on the
 * def. */
#include <string.h>

#include "checks/cancelled.h"

static bool decorated_with(struct as_check_ctx *ctx, int32_t fn, const char *last_name)
{
    const char *const names[] = {last_name, NULL};
    return as_decorated_by_name(ctx, fn, names);
}

/* Whether a checkpoint of the function runs when it is called: not inside a generator expression. */
static bool checkpoints_now(struct as_check_ctx *ctx, int32_t fn)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    const struct as_scope *s = &f->scopes[fn];
    for (size_t i = 0; i < f->n_checkpoints; i++) {
        uint32_t p = f->checkpoints[i];
        if (p < s->body.start || p >= s->body.end) continue;
        int32_t sc = as_model_scope_at(m, p);
        if (as_model_context_scope(m, sc) != fn) continue;
        bool lazy = false;
        for (int32_t k = sc; k != fn && k > 0 && !lazy; k = f->scopes[k].parent)
            lazy = f->scopes[k].kind == AS_SCOPE_COMPREHENSION && ctx->src[f->scopes[k].node.start] == '(';
        if (!lazy) return true;
    }
    return false;
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    if (!ctx->outline) return;
    for (size_t i = 0; i < f->n_scopes; i++) {
        const struct as_scope *s = &f->scopes[i];
        int32_t fn = (int32_t)i, body = ctx->outline->body_of_scope[i];
        if (body < 0 || (s->parent >= 0 && f->scopes[s->parent].kind == AS_SCOPE_CLASS)) continue;
        if (as_stub_body(ctx, body, false) || checkpoints_now(ctx, fn) || decorated_with(ctx, fn, "overload")) continue;
        if (as_no_checkpoint_decorated(ctx, fn)) continue;   /* flake8-async's option (and default) cover it too */
        if (decorated_with(ctx, fn, "fixture") && s->params.end > s->params.start + 2) continue;
        struct as_finding fd = {rule, {s->node.start, s->name_span.end}, rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_could_be_sync = {
    "could-be-sync", true, NULL, on_file, false, NULL, AS_OUTLINE_ASYNC_FUNCTIONS, false, false};
