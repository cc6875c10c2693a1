/* start_soon_in_aenter.c — kind "start-soon-in-aenter" (ASYNC113): in `__aenter__`, or in an
 * `@asynccontextmanager` function before its first `yield`, `<nursery>.start_soon(f, ...)` (asyncio:
 * `.create_task`) where f is a startable function (trio's own, or one listed in `startable-in-context-manager`):
 * the context is entered before f has set itself up, which `.start()` would wait for.
 * The receiver is a nursery or task group when it was made by the rule's `match:` calls (`with trio.open_nursery()
 * as n`, an annotation `n: trio.Nursery`), or, as flake8-async guesses, its text ends in `nursery` (trio code)
 * or `task_group` (anyio code). A call inside a `with` whose body never yields is left alone: that block ends,
 * and its tasks with it, before the context is entered. Reported on the call. */
#include <string.h>

#include "checks/cancelled.h"

/* Names flake8-async knows to be startable (trio's serving functions; `serve`: DTLSEndpoint.serve). */
static const char *const known_startable[] = {"serve", "run_process", "serve_ssl_over_tcp", "serve_tcp", "serve_listeners",
                                              NULL};

static bool in_list(const char *name, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0) return true;
    return false;
}

static bool configured(struct as_check_ctx *ctx, const char *name)
{
    for (size_t i = 0; ctx->options && i < ctx->options->n_startable; i++)
        if (strcmp(ctx->options->startable[i], name) == 0) return true;
    return false;
}

/* Whether the expression passed first is a startable function: a name in the lists, an attribute whose last name
 * is (trio's names only on `trio.` itself or a longer chain), or a call (functools.partial) one of whose
 * arguments is. */
static bool startable(struct as_check_ctx *ctx, const struct as_expr *e, int depth)
{
    const struct as_facts *f = ctx->model->facts;
    if (e->kind == AS_EXPR_CALL && !*e->tail && e->call >= 0 && depth < 8) {
        const struct as_call *c = &f->calls[e->call];
        for (uint32_t i = 0; i < c->n_args; i++)
            if (startable(ctx, &c->args[i].value, depth + 1)) return true;
        return false;
    }
    if (e->kind != AS_EXPR_NAME) return false;
    if (!*e->tail) return in_list(e->head, known_startable) || configured(ctx, e->head);
    const char *last = strrchr(e->tail, '.') + 1;
    if (configured(ctx, last) || strcmp(last, "serve") == 0) return true;
    if (!in_list(last, known_startable)) return false;
    return last == e->tail + 1 ? strcmp(e->head, "trio") == 0 : true;   /* `x.serve_tcp`: only trio's */
}

/* Whether the call's receiver is a nursery or task group. */
static bool on_task_group(struct as_check_ctx *ctx, const struct as_rule *rule, size_t ci)
{
    const struct as_call *c = &ctx->model->facts->calls[ci];
    const char *q = ctx->callee_names[ci];
    const char *dot = q ? strrchr(q, '.') : NULL;
    for (size_t m = 0; dot && m < rule->n_matches; m++) {
        size_t n = strlen(rule->matches[m].pattern);
        if ((size_t)(dot - q) == n + 2 && strncmp(q, rule->matches[m].pattern, n) == 0 && strncmp(q + n, "()", 2) == 0)
            return true;
    }
    const char *text = as_check_text(ctx, (struct as_span){c->callee.span.start, c->callee.span.end});
    const char *end = strrchr(text, '.');
    size_t n = end ? (size_t)(end - text) : 0;
    unsigned libs = as_check_libraries(ctx);
    return ((libs & AS_LIB_TRIO) && n >= 7 && strncmp(end - 7, "nursery", 7) == 0) ||
           ((libs & AS_LIB_ANYIO) && n >= 10 && strncmp(end - 10, "task_group", 10) == 0);
}

static bool yields_inside(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_with *w)
{
    (void)rule;
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_yields; i++)
        if (f->yields[i] >= w->body.start && f->yields[i] < w->body.end) return true;
    return false;
}

static bool never_yields(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_with *w)
{
    return !yields_inside(ctx, rule, w);
}

/* Where function scope fn yields first (UINT32_MAX when it does not). */
static uint32_t first_yield(struct as_check_ctx *ctx, int32_t fn)
{
    const struct as_model *m = ctx->model;
    for (size_t i = 0; i < m->facts->n_yields; i++)
        if (as_model_context_scope(m, as_model_scope_at(m, m->facts->yields[i])) == fn) return m->facts->yields[i];
    return UINT32_MAX;
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    static const char *const acm[] = {"asynccontextmanager", NULL};
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    int32_t fn_seen = -1;
    bool entering = false;
    uint32_t until = 0;
    for (size_t ci = 0; ci < f->n_calls; ci++) {
        const struct as_call *c = &f->calls[ci];
        if (c->callee.kind != AS_EXPR_NAME || !c->n_args || c->args[0].keyword) continue;
        const char *tail = c->callee.tail;
        size_t tl = strlen(tail);
        if (!((tl >= 11 && strcmp(tail + tl - 11, ".start_soon") == 0) || (tl >= 12 && strcmp(tail + tl - 12, ".create_task") == 0)))
            continue;
        int32_t fn = as_model_context_scope(m, c->scope);
        if (fn <= 0 || f->scopes[fn].kind != AS_SCOPE_FUNCTION || !f->scopes[fn].is_async) continue;
        if (fn != fn_seen) {   /* the function's kind, once */
            fn_seen = fn;
            bool aenter = f->scopes[fn].name && strcmp(f->scopes[fn].name, "__aenter__") == 0;
            entering = aenter || as_decorated_by_name(ctx, fn, acm);
            until = aenter ? UINT32_MAX : first_yield(ctx, fn);
        }
        if (!entering || c->span.start >= until || !startable(ctx, &c->args[0].value, 0) || !on_task_group(ctx, rule, ci))
            continue;
        if (as_in_with_of_function(ctx, c->span.start, fn, never_yields, rule)) continue;
        struct as_finding fd = {rule, c->span, rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_start_soon_in_aenter = {
    "start-soon-in-aenter", true, NULL, on_file, false, "start_soon create_task", AS_OUTLINE_NONE, false, false};
