/* cancelled.c — the helpers of cancelled.h: classifying `except` clauses by what they catch (through imports
 * and aliases, like every qualified name), and position look-ups in the facts. */
#include "checks/cancelled.h"

#include "util/name_match.h"

#include <string.h>

#include "util/buf.h"

static size_t lower_bound(const uint32_t *v, size_t n, uint32_t pos)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid] < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bool as_offsets_in(const struct as_model *m, const uint32_t *v, size_t n, struct as_span span, int32_t fn)
{
    for (size_t i = lower_bound(v, n, span.start); i < n && v[i] < span.end; i++)
        if (as_model_context_scope(m, as_model_scope_at(m, v[i])) == fn) return true;
    return false;
}

int32_t as_call_at(const struct as_facts *f, struct as_span span)
{
    size_t lo = 0, hi = f->n_calls;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->calls[mid].span.start < span.start) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < f->n_calls && f->calls[i].span.start == span.start; i++)
        if (f->calls[i].span.end == span.end) return (int32_t)i;
    return -1;
}

const char *as_qualify_written(struct as_check_ctx *ctx, struct as_span sp, const char *text, bool *unbound)
{
    *unbound = false;
    size_t n = strlen(text), head = strcspn(text, ".");
    if (!n || head == 0) return NULL;
    for (size_t i = 0; i < n; i++)
        if (!(as_name_byte((unsigned char)text[i]) || (text[i] == '.' && i + 1 < n && text[i + 1] != '.'))) return NULL;
    struct as_expr e;
    memset(&e, 0, sizeof(e));
    e.kind = AS_EXPR_NAME;
    e.head = as_arena_strndup(ctx->arena, text, head);
    e.head_pos = sp.start;
    e.tail = text + head;
    e.span = sp;
    int32_t scope = as_model_scope_at(ctx->model, sp.start);
    if (!*e.tail && !as_model_lookup(ctx->model, scope, e.head, sp.start)) *unbound = true;
    return as_model_qualify(ctx->model, &e, scope, sp.start);
}

static struct as_catch classify(struct as_check_ctx *ctx, struct as_span sp)
{
    struct as_catch c = {AS_CATCH_NONE, 0, sp, as_check_text(ctx, sp)};
    size_t n = strlen(c.name);
    if (n >= 2 && c.name[n - 1] == ')') {
        int32_t k = as_call_at(ctx->model->facts, sp);
        const struct as_call *call = k >= 0 ? &ctx->model->facts->calls[k] : NULL;
        if (call && !call->n_args && !call->has_star_args && ctx->callee_names[k] &&
            strcmp(ctx->callee_names[k], "anyio.get_cancelled_exc_class") == 0) {
            c.kind = AS_CATCH_CANCELLED;
            c.library = AS_LIB_ANYIO;
        }
        return c;
    }
    bool unbound;
    const char *q = as_qualify_written(ctx, sp, c.name, &unbound);
    if ((unbound && strcmp(c.name, "BaseException") == 0) || (q && strcmp(q, "builtins.BaseException") == 0)) {
        c.kind = AS_CATCH_BROAD;
    } else if (q && strcmp(q, "trio.Cancelled") == 0) {
        c.kind = AS_CATCH_CANCELLED;
        c.library = AS_LIB_TRIO;
    } else if (q && (strcmp(q, "asyncio.CancelledError") == 0 || strcmp(q, "asyncio.exceptions.CancelledError") == 0)) {
        c.kind = AS_CATCH_CANCELLED;
        c.library = AS_LIB_ASYNCIO;
    }
    return c;
}

struct as_catch as_catch_of(struct as_check_ctx *ctx, const struct as_outline_node *except)
{
    if (!except->n_types) {
        struct as_catch c = {AS_CATCH_BROAD, 0, {except->span.start, except->span.start + 6}, "except:"};
        return c;
    }
    for (uint32_t i = 0; i < except->n_types; i++) {
        struct as_catch c = classify(ctx, ctx->outline->types[except->first_type + i]);
        if (c.kind != AS_CATCH_NONE) return c;
    }
    struct as_catch none = {AS_CATCH_NONE, 0, except->span, NULL};
    return none;
}

bool as_catch_critical(struct as_check_ctx *ctx, const struct as_outline_node *try_node, const struct as_outline_node *except,
                       bool named_always, struct as_catch *out)
{
    bool caught = false;
    for (int32_t k = try_node->first; k >= 0; k = ctx->outline->nodes[k].next) {
        const struct as_outline_node *h = &ctx->outline->nodes[k];
        if (h->kind != AS_OUTLINE_EXCEPT) continue;
        struct as_catch c = as_catch_of(ctx, h);
        bool critical = (named_always && c.kind == AS_CATCH_CANCELLED) || (c.kind != AS_CATCH_NONE && !caught);
        if (c.kind != AS_CATCH_NONE) caught = true;
        if (h == except) {
            if (out) *out = c;
            return critical;
        }
    }
    return false;
}

uint32_t as_line_of(const char *src, uint32_t pos)
{
    uint32_t line = 1;
    for (uint32_t i = 0; i < pos; i++) line += src[i] == '\n';
    return line;
}

const char *as_flow_message(struct as_check_ctx *ctx, const char *tmpl, const char *name, const char *group, unsigned libs)
{
    static const char *const classes[] = {"trio.Cancelled", "anyio.get_cancelled_exc_class()", "asyncio.CancelledError"};
    struct as_buf b;
    as_buf_init(&b);
    for (const char *p = tmpl; *p;) {
        if (strncmp(p, "{name}", 6) == 0) {
            as_buf_puts(&b, name ? name : "");
            p += 6;
        } else if (strncmp(p, "{group}", 7) == 0 || strncmp(p, "{param}", 7) == 0) {
            as_buf_puts(&b, group ? group : "");
            p += 7;
        } else if (strncmp(p, "{cancelled}", 11) == 0) {
            int n = 0;
            for (int i = 0; i < 3; i++)
                if (libs & (1u << i)) as_buf_printf(&b, "%s%s", n++ ? " / " : "", classes[i]);
            p += 11;
        } else {
            as_buf_putc(&b, *p++);
        }
    }
    const char *out = as_arena_strndup(ctx->arena, b.data, b.len);
    as_buf_release(&b);
    return out;
}

const struct as_with *as_with_at(const struct as_facts *f, uint32_t pos)
{
    size_t lo = 0, hi = f->n_withs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->withs[mid].body.start < pos) lo = mid + 1;
        else hi = mid;
    }
    /* first the withs around it whose body starts with this statement; then this one */
    while (lo < f->n_withs && f->withs[lo].body.start == pos) lo++;
    return lo < f->n_withs && f->withs[lo].span.start == pos ? &f->withs[lo] : NULL;
}

bool as_in_with_of_function(struct as_check_ctx *ctx, uint32_t pos, int32_t fn,
                            bool (*accept)(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_with *w),
                            const struct as_rule *rule)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    size_t lo = 0, hi = f->n_withs;   /* the last with whose body starts at or before pos, then outwards */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->withs[mid].body.start <= pos) lo = mid + 1;
        else hi = mid;
    }
    for (int32_t k = (int32_t)lo - 1; k >= 0; k = f->withs[k].parent) {
        const struct as_with *w = &f->withs[k];
        if (pos >= w->body.start && pos < w->body.end &&
            as_model_context_scope(m, as_model_scope_at(m, w->span.start)) == fn && (!accept || accept(ctx, rule, w)))
            return true;
    }
    return false;
}

void as_each_yield(struct as_check_ctx *ctx, const struct as_rule *rule, bool async_only,
                   void (*visit)(struct as_check_ctx *ctx, const struct as_rule *rule, size_t yield, int32_t fn))
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    for (size_t i = 0; i < f->n_yields; i++) {
        int32_t fn = as_model_context_scope(m, as_model_scope_at(m, f->yields[i]));
        if (fn > 0 && f->scopes[fn].kind == AS_SCOPE_FUNCTION && (!async_only || f->scopes[fn].is_async)) visit(ctx, rule, i, fn);
    }
}

/* Whether `accept` takes one of function fn's decorators, given its name resolved (NULL when it does not) and as
 * written (without its call arguments). */
static bool any_decorator(struct as_check_ctx *ctx, int32_t fn,
                          bool (*accept)(struct as_check_ctx *ctx, const char *q, const char *written, const void *ud),
                          const void *ud)
{
    const struct as_facts *f = ctx->model->facts;
    const struct as_scope *s = &f->scopes[fn];
    for (size_t i = 0; i < f->n_decorators; i++) {
        const struct as_decorator *d = &f->decorators[i];
        if (d->function.start != s->node.start || d->function.end != s->node.end) continue;
        const char *q = as_model_qualify(ctx->model, &d->expr, s->parent, s->node.start);
        if (accept(ctx, q, as_check_text(ctx, d->expr.span), ud)) return true;
    }
    return false;
}

static bool last_name_one_of(struct as_check_ctx *ctx, const char *q, const char *written, const void *ud)
{
    (void)ctx;
    const char *const *last_names = ud, *text = q ? q : written, *dot = strrchr(text, '.');
    for (size_t k = 0; last_names[k]; k++)
        if (strcmp(dot ? dot + 1 : text, last_names[k]) == 0) return true;
    return false;
}

bool as_decorated_by_name(struct as_check_ctx *ctx, int32_t fn, const char *const *last_names)
{
    return any_decorator(ctx, fn, last_name_one_of, last_names);
}

bool as_written_one_of(struct as_check_ctx *ctx, uint32_t s, uint32_t e, const char *const *names)
{
    while (s < e && strchr(" \t\r\n\\", ctx->src[s])) s++;
    const char *bracket = memchr(ctx->src + s, '[', e - s);
    if (bracket) e = (uint32_t)(bracket - ctx->src);
    while (e > s && strchr(" \t\r\n\\", ctx->src[e - 1])) e--;
    if (e <= s || memchr(ctx->src + s, '=', e - s)) return false;   /* empty, or a keyword (metaclass=...) */
    struct as_span sp = {s, e};
    bool unbound;
    const char *text = as_check_text(ctx, sp);
    const char *q = as_qualify_written(ctx, sp, text, &unbound);
    for (size_t m = 0; names[m]; m++) {
        if (q && strcmp(q, names[m]) == 0) return true;
        if (unbound && strncmp(names[m], "builtins.", 9) == 0 && strcmp(names[m] + 9, text) == 0) return true;
    }
    return false;
}

bool as_written_list_has(struct as_check_ctx *ctx, struct as_span list, const char *const *names)
{
    uint32_t s = list.start, e = list.end;
    while (s < e && strchr(" \t\r\n\\", ctx->src[s])) s++;
    if (s >= e || ctx->src[s] != '(') return as_written_one_of(ctx, s, e, names);
    while (e > s && ctx->src[e - 1] != ')') e--;
    if (e <= s + 1) return false;
    uint32_t start = s + 1, depth = 0;   /* inside the parentheses, split at top-level commas */
    for (uint32_t i = start; i < e - 1; i++) {
        char c = ctx->src[i];
        if (c == '(' || c == '[' || c == '{') depth++;
        else if ((c == ')' || c == ']' || c == '}') && depth) depth--;
        else if (c == ',' && !depth) {
            if (as_written_one_of(ctx, start, i, names)) return true;
            start = i + 1;
        }
    }
    return as_written_one_of(ctx, start, e - 1, names);
}

bool as_stub_body(struct as_check_ctx *ctx, int32_t body, bool raise_ok)
{
    const struct as_outline_node *nodes = ctx->outline->nodes;
    for (int32_t k = nodes[body].first; k >= 0; k = nodes[k].next) {
        if (raise_ok && nodes[k].kind == AS_OUTLINE_RAISE) continue;
        if (nodes[k].kind != AS_OUTLINE_SIMPLE) return false;
        const char *t = as_check_text(ctx, nodes[k].span);
        size_t prefix = strspn(t, "rRbBuUfF");
        if (strcmp(t, "pass") != 0 && strcmp(t, "...") != 0 && t[prefix] != '"' && t[prefix] != '\'') return false;
    }
    return true;
}

struct option_patterns {
    char *const *patterns;
    size_t n;
};

/* any_decorator's test for as_decorated_by_option: a pattern matches the decorator as written, resolved, or by
 * last name. */
static bool option_glob(struct as_check_ctx *ctx, const char *q, const char *written, const void *ud)
{
    (void)ctx;
    const struct option_patterns *o = ud;
    const char *last = strrchr(q ? q : written, '.');
    last = last ? last + 1 : q ? q : written;
    for (size_t k = 0; k < o->n; k++) {
        const char *plast = strrchr(o->patterns[k], '.');
        if (as_qname_glob(o->patterns[k], written) || (q && as_qname_glob(o->patterns[k], q)) ||
            as_qname_glob(plast ? plast + 1 : o->patterns[k], last))
            return true;
    }
    return false;
}

bool as_decorated_by_option(struct as_check_ctx *ctx, int32_t fn, char *const *patterns, size_t n)
{
    struct option_patterns o = {patterns, n};
    return n && any_decorator(ctx, fn, option_glob, &o);
}

uint32_t as_bracket_scan(const char *src, uint32_t i, uint32_t end, bool stop_at_comma)
{
    int depth = 0;
    for (; i < end; i++) {
        char c = src[i];
        if (c == '"' || c == '\'') {
            for (i++; i < end && src[i] != c; i++)
                if (src[i] == '\\') i++;
        } else if (c == '(' || c == '[' || c == '{') {
            depth++;
        } else if (c == ')' || c == ']' || c == '}') {
            if (depth-- == 0) return i;
        } else if (c == ',' && depth == 0 && stop_at_comma) {
            return i;
        }
    }
    return end;
}

static bool no_checkpoint_glob(struct as_check_ctx *ctx, const char *q, const char *written, const void *ud)
{
    (void)ud;
    const struct as_checkpoint_options *o = ctx->checkpoint_options;
    return as_checkpoint_glob_any(o->no_checkpoint_decorators, o->n_no_checkpoint_decorators, written, q);
}

bool as_no_checkpoint_decorated(struct as_check_ctx *ctx, int32_t fn)
{
    static const char *const cm[] = {"asynccontextmanager", NULL};
    if (as_decorated_by_name(ctx, fn, cm)) return true;
    const struct as_checkpoint_options *o = ctx->checkpoint_options;
    return o && o->n_no_checkpoint_decorators && any_decorator(ctx, fn, no_checkpoint_glob, NULL);
}
