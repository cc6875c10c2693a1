/* registry.c — expands checks.def into the table of check kinds, and the helpers all kinds share. */
#include "checks/check.h"

#include <string.h>

#include "util/buf.h"

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

bool as_check_rule_kind(const char *name, struct as_rule_kind_info *info)
{
    const struct as_check_kind *kind = as_check_kind_find(name);
    if (!kind) return false;
    info->kind = kind;
    info->async_only = kind->async_only;
    info->call_driven = kind->on_call != NULL;
    info->needs_matches = !kind->on_file && !kind->project_wide;
    return true;
}

const char *as_check_text(struct as_check_ctx *ctx, struct as_span span)
{
    return as_arena_strndup(ctx->arena, ctx->src + span.start, span.end - span.start);
}

const char *as_check_message(struct as_check_ctx *ctx, const char *tmpl, size_t call_index)
{
    if (!strchr(tmpl, '{')) return tmpl;
    const struct as_call *call = &ctx->model->facts->calls[call_index];
    const char *q = ctx->callee_names[call_index];
    const char *text = as_check_text(ctx, call->callee.span);
    struct as_buf b;
    as_buf_init(&b);
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "{callee}", 8) == 0) {
            as_buf_puts(&b, q && !strstr(q, "()") ? q : text);
            p += 8;
        } else if (strncmp(p, "{text}", 6) == 0) {
            as_buf_puts(&b, text);
            p += 6;
        } else if (strncmp(p, "{root}", 6) == 0) {
            const char *src = q ? q : text;
            const char *dot = strchr(src, '.');
            as_buf_add(&b, src, dot ? (size_t)(dot - src) : strlen(src));
            p += 6;
        } else if (strncmp(p, "{module}", 8) == 0) {
            const char *src = q ? q : text;
            const char *dot = strrchr(src, '.');
            size_t n = dot ? (size_t)(dot - src) : strlen(src);
            if (n >= 2 && src[n - 2] == '(' && src[n - 1] == ')') n -= 2;
            as_buf_add(&b, src, n);
            p += 8;
        } else {
            as_buf_putc(&b, *p++);
        }
    }
    const char *out = as_arena_strndup(ctx->arena, b.data, b.len);
    as_buf_release(&b);
    return out;
}

void as_check_report_call(struct as_check_ctx *ctx, const struct as_rule *rule, size_t call_index)
{
    const struct as_call *call = &ctx->model->facts->calls[call_index];
    struct as_finding f = {rule, rule->span == AS_SPAN_CALL ? call->span : call->callee.span,
                           as_check_message(ctx, rule->message, call_index),
                           rule->help ? as_check_message(ctx, rule->help, call_index) : NULL, false};
    ctx->report(ctx, &f);
}

bool as_check_in_scope_decorated(struct as_check_ctx *ctx, int32_t function_scope, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    if (function_scope <= 0) return false;
    const struct as_scope *s = &f->scopes[function_scope];
    for (size_t i = 0; i < f->n_decorators; i++) {
        const struct as_decorator *d = &f->decorators[i];
        if (d->function.start != s->node.start || d->function.end != s->node.end) continue;
        const char *q = as_model_qualify(ctx->model, &d->expr, s->parent, s->node.start);
        if (!q) continue;
        for (size_t k = 0; k < rule->n_matches; k++)
            if (strcmp(rule->matches[k].pattern, q) == 0) return true;
    }
    return false;
}

unsigned as_check_library_named(const char *name)
{
    static const char *const names[] = {"trio", "anyio", "asyncio"};
    for (unsigned i = 0; i < 3; i++)
        if (name && strcmp(name, names[i]) == 0) return 1u << i;
    return 0;
}

unsigned as_check_libraries(const struct as_check_ctx *ctx)
{
    if (ctx->library) return ctx->library;
    unsigned found = as_check_imported_libraries(ctx);
    return found ? found : AS_LIB_TRIO;
}

unsigned as_check_imported_libraries(const struct as_check_ctx *ctx)
{
    const struct as_facts *f = ctx->model->facts;
    unsigned found = 0;
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_IMPORT && b->kind != AS_BIND_FROM_IMPORT && b->kind != AS_BIND_STAR_IMPORT) continue;
        const char *m = b->kind == AS_BIND_IMPORT ? b->imported : b->module;
        if (!m) continue;
        size_t n = strcspn(m, ".");
        char root[8] = "";
        if (n < sizeof(root)) {
            memcpy(root, m, n);
            root[n] = 0;
        }
        found |= as_check_library_named(root);
    }
    return found;
}

bool as_check_is_async_file(const struct as_check_ctx *ctx)
{
    if (ctx->library || as_check_imported_libraries(ctx)) return true;
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_scopes; i++)
        if (f->scopes[i].is_async) return true;
    return false;
}

const struct as_checkpoints *as_check_checkpoints(struct as_check_ctx *ctx)
{
    if (!ctx->checkpoints && ctx->outline) {
        struct as_checkpoints *cp = as_arena_alloc(ctx->arena, sizeof(*cp));
        as_checkpoints_build(cp, ctx->arena, ctx->outline, ctx->model->facts, ctx->src, ctx->callee_names,
                             ctx->checkpoint_options);
        ctx->checkpoints = cp;
    }
    return ctx->checkpoints;
}
