/* registry.c — expands checks.def into the table of check kinds, and the helpers all kinds share. */
#include "checks/check.h"

#include <string.h>

#define X(tok, name) extern const struct as_check_kind as_check_##tok;
#include "checks/checks.def"
#undef X

const struct as_check_kind *const as_check_kinds[] = {
#define X(tok, name) &as_check_##tok,
#include "checks/checks.def"
#undef X
    NULL,
};

const struct as_check_kind *as_check_kind_find(const char *name)
{
    for (size_t i = 0; as_check_kinds[i]; i++)
        if (strcmp(as_check_kinds[i]->name, name) == 0) return as_check_kinds[i];
    return NULL;
}

const char *as_check_text(struct as_check_ctx *ctx, struct as_span span)
{
    return as_arena_strndup(ctx->arena, ctx->src + span.start, span.end - span.start);
}

const char *as_check_message(struct as_check_ctx *ctx, const char *tmpl, size_t call_index)
{
    const char *p = strstr(tmpl, "{callee}");
    if (!p) return tmpl;
    const char *q = ctx->callee_names[call_index];
    if (!q || strstr(q, "()")) q = as_check_text(ctx, ctx->model->facts->calls[call_index].callee.span);
    return as_arena_printf(ctx->arena, "%.*s%s%s", (int)(p - tmpl), tmpl, q, p + 8);
}
