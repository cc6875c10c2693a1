/* startable.c — the startable functions: an `async def` taking a `task_status` parameter (by keyword: not
 * positional-only, not `*`/`**`), which a nursery's or task group's `.start()` runs until it calls
 * `task_status.started()`.
 * - kind "startable-not-in-config" (ASYNC114): such a function whose name is neither one of trio's startable
 *   functions nor listed in `startable-in-context-manager`, so ASYNC113 cannot know it.
 * - kind "task-status-never-started" (ASYNC128): such a function (or one with a parameter annotated `TaskStatus`,
 *   however qualified, `TaskStatus[int]` too) that never calls `<param>.started()` directly, in its own body
 *   or in a nested function or lambda that does not rebind the name; stub bodies are left alone.
 * Both report on the def. */
#include <string.h>

#include "checks/cancelled.h"

/* trio's startable functions (flake8-async knows these without configuration); `serve` is DTLSEndpoint.serve */
static const char *const trio_startable[] = {"serve", "run_process", "serve_ssl_over_tcp", "serve_tcp", "serve_listeners",
                                             NULL};

/* Where the item of the parameter list starting at i ends (its `,`, or the list's `)`). */
static uint32_t item_end(const char *src, uint32_t i, uint32_t end) { return as_bracket_scan(src, i, end, true); }

static uint32_t skip_blanks(const char *src, uint32_t i, uint32_t end)
{
    while (i < end && strchr(" \t\r\n\\", src[i])) i++;
    return i;
}

struct param {
    const char *name;
    struct as_span at;
    bool by_keyword;          /* can be passed as a keyword: not positional-only, not starred */
    bool starred;
    bool task_status_type;    /* annotated TaskStatus (any qualification, any subscript) */
};

/* Reads the parameter of binding b of the function scope s: starred, positional-only, its annotation. */
static struct param read_param(struct as_check_ctx *ctx, const struct as_scope *s, const struct as_binding *b)
{
    const char *src = ctx->src;
    struct param p = {b->name, {b->pos, b->pos + (uint32_t)strlen(b->name)}, true, false, false};
    uint32_t k = b->pos;
    while (k > s->params.start && (src[k - 1] == ' ' || src[k - 1] == '\t')) k--;
    p.starred = k > s->params.start && src[k - 1] == '*';
    uint32_t close = s->params.end - 1;   /* the list's `)` */
    uint32_t i = skip_blanks(src, p.at.end, close);
    if (i < close && src[i] == ':') {     /* the annotation, up to a default or the item's end */
        uint32_t a = skip_blanks(src, i + 1, close), e = item_end(src, a, close);
        for (uint32_t d = a; d < e; d++)
            if (src[d] == '=') e = d;
        uint32_t last = e;
        for (uint32_t d = a; d < e; d++)
            if (src[d] == '[') { last = d; break; }
        while (last > a && strchr(" \t\r\n\"'", src[last - 1])) last--;
        uint32_t first = last;
        while (first > a && as_name_byte((unsigned char)src[first - 1])) first--;
        p.task_status_type = last - first == 10 && memcmp(src + first, "TaskStatus", 10) == 0;
        if (!p.task_status_type && first == a) {   /* a plain name: an alias of TaskStatus (`import ... as`) */
            bool unbound;
            const char *q = as_qualify_written(ctx, (struct as_span){first, last},
                                               as_arena_strndup(ctx->arena, src + first, last - first), &unbound);
            const char *dot = q ? strrchr(q, '.') : NULL;
            p.task_status_type = dot && strcmp(dot, ".TaskStatus") == 0;
        }
    }
    /* positional-only: a `/` item follows it in the list */
    for (uint32_t j = item_end(src, i, close); j < close; j = item_end(src, j + 1, close)) {
        uint32_t t = skip_blanks(src, j + 1, close);
        if (t < close && src[t] == '/' && skip_blanks(src, t + 1, close) == item_end(src, t, close)) {
            p.by_keyword = false;
            break;
        }
    }
    p.by_keyword &= !p.starred;
    return p;
}

/* Whether function scope k has a parameter named `name`. */
static bool has_param(const struct as_facts *f, int32_t k, const char *name)
{
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind == AS_BIND_PARAM && b->scope == k && strcmp(b->name, name) == 0) return true;
    }
    return false;
}

/* Whether the body of function scope fn calls `<name>.started(...)` where `name` is fn's parameter: in fn itself
 * or in a nested function or lambda that does not rebind it. */
static bool calls_started(struct as_check_ctx *ctx, int32_t fn, const char *name)
{
    const struct as_facts *f = ctx->model->facts;
    const struct as_scope *s = &f->scopes[fn];
    for (size_t i = 0; i < f->n_calls; i++) {
        const struct as_call *c = &f->calls[i];
        if (c->span.start < s->body.start || c->span.start >= s->body.end) continue;
        if (c->callee.kind != AS_EXPR_NAME || strcmp(c->callee.tail, ".started") != 0 || strcmp(c->callee.head, name) != 0)
            continue;
        bool rebound = false;
        for (int32_t k = c->scope; k > fn && k >= 0 && !rebound; k = f->scopes[k].parent)
            rebound = (f->scopes[k].kind == AS_SCOPE_FUNCTION || f->scopes[k].kind == AS_SCOPE_LAMBDA) &&
                      has_param(f, k, name);
        if (!rebound) return true;
    }
    return false;
}

static bool listed(const char *name, char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0) return true;
    return false;
}

static void report_def(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_scope *s, const char *param)
{
    const char *msg = as_flow_message(ctx, rule->message, s->name, param, 0);
    const char *help = rule->help ? as_flow_message(ctx, rule->help, s->name, param, 0) : NULL;
    struct as_finding fd = {rule, {s->node.start, s->name_span.end}, msg, help, false};
    ctx->report(ctx, &fd);
}

/* Calls visit for every async function with the first parameter that makes it startable (for ASYNC114: named
 * task_status and passable by keyword; for ASYNC128: that, or annotated TaskStatus). */
static void each_startable(struct as_check_ctx *ctx, const struct as_rule *rule, bool by_annotation,
                           void (*visit)(struct as_check_ctx *, const struct as_rule *, int32_t, const struct param *))
{
    const struct as_facts *f = ctx->model->facts;
    int32_t done = -1;   /* the function whose startable parameter was found */
    for (size_t i = 0; i < f->n_bindings; i++) {   /* a parameter's scope is its function's (model.c) */
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_PARAM || b->scope <= 0 || b->scope == done) continue;
        const struct as_scope *s = &f->scopes[b->scope];
        if (s->kind != AS_SCOPE_FUNCTION || !s->is_async || !s->name || s->params.end <= s->params.start) continue;
        struct param p = read_param(ctx, s, b);
        bool named = p.by_keyword && strcmp(p.name, "task_status") == 0;
        if (!(named || (by_annotation && p.task_status_type && !p.starred))) continue;
        done = b->scope;
        visit(ctx, rule, b->scope, &p);
    }
}

static void visit_114(struct as_check_ctx *ctx, const struct as_rule *rule, int32_t fn, const struct param *p)
{
    const struct as_scope *s = &ctx->model->facts->scopes[fn];
    if (strcmp(p->name, "task_status") != 0 || listed(s->name, (char *const *)trio_startable, 5)) return;
    if (ctx->options && listed(s->name, ctx->options->startable, ctx->options->n_startable)) return;
    report_def(ctx, rule, s, p->name);
}

static void visit_128(struct as_check_ctx *ctx, const struct as_rule *rule, int32_t fn, const struct param *p)
{
    int32_t body = ctx->outline ? ctx->outline->body_of_scope[fn] : -1;
    if (body < 0 || as_stub_body(ctx, body, true) || calls_started(ctx, fn, p->name)) return;
    report_def(ctx, rule, &ctx->model->facts->scopes[fn], p->name);
}

static void on_file_114(struct as_check_ctx *ctx, const struct as_rule *rule) { each_startable(ctx, rule, false, visit_114); }
static void on_file_128(struct as_check_ctx *ctx, const struct as_rule *rule) { each_startable(ctx, rule, true, visit_128); }

const struct as_check_kind as_check_startable_not_in_config = {
    "startable-not-in-config", true, NULL, on_file_114, false, "task_status", AS_OUTLINE_NONE, false, false};
const struct as_check_kind as_check_task_status_never_started = {
    "task-status-never-started", true, NULL, on_file_128, false, "task_status TaskStatus", AS_OUTLINE_ASYNC_FUNCTIONS,
    false, false};
