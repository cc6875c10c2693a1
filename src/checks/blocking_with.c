/* blocking_with.c — kind "blocking-with" (ASC115): a plain `with` statement in async context whose context
 * manager's type matches one of the rule's patterns (`with self._lock:` where `self._lock = threading.Lock()`):
 * entering it waits synchronously. The item is resolved like a call's receiver, through the types
 * (analysis/types.h); `{text}` and `{callee}` in the message are the item as written. */
#include <string.h>

#include "checks/check.h"
#include "util/buf.h"
#include "util/name_match.h"

static bool matches(const struct as_rule *rule, const char *q, const char *typed)
{
    for (size_t i = 0; i < rule->n_matches; i++)
        if (as_qname_glob(rule->matches[i].pattern, q) || (typed != q && as_qname_glob(rule->matches[i].pattern, typed)))
            return true;
    return false;
}

/* The message with {text} and {callee} replaced by the item as written. Arena. */
static const char *item_message(struct as_check_ctx *ctx, const char *tmpl, const char *text)
{
    struct as_buf b;
    as_buf_init(&b);
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "{text}", 6) == 0 || strncmp(p, "{callee}", 8) == 0) {
            as_buf_puts(&b, text);
            p += p[1] == 't' ? 6 : 8;
        } else {
            as_buf_putc(&b, *p++);
        }
    }
    const char *out = as_arena_strndup(ctx->arena, b.data ? b.data : "", b.len);
    as_buf_release(&b);
    return out;
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    for (size_t i = 0; i < f->n_withs; i++) {
        const struct as_with *w = &f->withs[i];
        if (w->is_async) continue;
        int32_t scope = as_model_scope_at(m, w->span.start);
        if (!as_model_in_async(m, scope)) continue;
        for (uint32_t k = 0; k < w->n_items; k++) {
            const struct as_expr *v = &w->item_values[k];
            if (v->kind != AS_EXPR_NAME && v->kind != AS_EXPR_CALL) continue;
            const char *q = as_model_qualify(m, v, scope, v->span.start);
            if (!q || !matches(rule, q, as_model_flow(m, q))) continue;
            const char *text = as_check_text(ctx, v->span);
            struct as_finding fd = {rule, v->span, item_message(ctx, rule->message, text), rule->help, false};
            ctx->report(ctx, &fd);
        }
    }
}

const struct as_check_kind as_check_blocking_with = {
    "blocking-with", true, NULL, on_file, false, "with", AS_OUTLINE_NONE, false, false};
