/* timeout_parameter.c — kind "timeout-parameter" (ASYNC109): an `async def` with a parameter named `timeout`;
 * structured concurrency prefers a cancel scope around the call. The rule's `match:` lines name decorators that
 * exempt a function (typing.override). Reported on the parameter. */
#include <string.h>

#include "checks/check.h"

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_PARAM || strcmp(b->name, "timeout") != 0 || b->scope <= 0) continue;
        const struct as_scope *s = &f->scopes[b->scope];
        if (s->kind != AS_SCOPE_FUNCTION || !s->is_async) continue;
        if (as_check_in_scope_decorated(ctx, b->scope, rule)) continue;
        struct as_finding fd = {rule, {b->pos, b->pos + 7}, rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_timeout_parameter = {
    "timeout-parameter", true, NULL, on_file, false, "timeout", AS_OUTLINE_NONE, false, false};
