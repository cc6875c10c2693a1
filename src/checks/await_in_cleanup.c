/* await_in_cleanup.c — kinds "await-in-finally-or-cancelled" (ASYNC102) and "await-in-except" (ASYNC120): a
 * checkpoint (await, `async for`, `async with`) where a cancellation would do harm, unless it is inside a
 * shielded cancel scope opened there (`with trio.move_on_after(30, shield=True)`, or `cs.shield = True` on the
 * scope's `as` name before it).
 * - ASYNC102: in a `finally`, in a handler that catches the cancellation exception (cancelled.h), or in
 *   `__aexit__`: while the task is being cancelled, the checkpoint is cancelled at once, so the clean-up does
 *   not run. Not for asyncio-only files: its cancellation is delivered once, not at every later checkpoint.
 * - ASYNC120: in any other `except` handler, when the handler then raises: a cancellation at the checkpoint
 *   replaces the exception being handled, which is lost.
 * Awaiting `x.aclose()` (no arguments), `aclose_forcefully(x)` and `lowlevel.cancel_shielded_checkpoint()` is
 * meant for clean-up and exempt. The walk follows the statement outline (outline.h) in source order. */
#include <string.h>

#include "checks/cancelled.h"
#include "util/vec.h"

enum where { NOWHERE, IN_FINALLY, IN_CANCELLED_HANDLER, IN_HANDLER, IN_AEXIT };

/* a cancel scope opened by a `with` of the current clean-up code */
struct shield {
    const struct as_call *call;
    const char *as_name;       /* `as` target, NULL when none */
    struct as_span body;
    /* a nursery / task group: where `<as_name>.cancel_scope.shield = <constant>` is written in the body, and
     * whether the constant is true (arena) */
    uint32_t *group_sets;
    bool *group_values;
    size_t n_group_sets;
    bool group;
};

typedef VEC(struct shield) shield_vec;
typedef VEC(uint32_t) offset_vec;

struct walk {
    struct as_check_ctx *ctx;
    const struct as_rule *rule;
    bool for_except;           /* ASYNC120's kind */
    int32_t fn;
    bool report_finally;       /* ASYNC102 applies (not an asyncio-only file) */
    enum where where;
    uint32_t where_at;         /* the `try` (finally) or `except` clause, for the message's line */
    const char *catch_name;    /* IN_CANCELLED_HANDLER: what it catches */
    shield_vec *shields;
    offset_vec *pending;       /* ASYNC120: checkpoints of the handler, reported when it raises */
};

static bool constant_true(const struct as_expr *e)
{
    if (e->kind == AS_EXPR_CONST) return strcmp(e->text, "True") == 0;
    if (e->kind == AS_EXPR_NUMBER) return strspn(e->text, "0._") != strlen(e->text);
    return false;
}

static bool shielded_at(const struct walk *w, const struct shield *s, uint32_t pos)
{
    const struct as_facts *f = w->ctx->model->facts;
    int state = -1;   /* the last `name.shield = <constant>` before pos in the body */
    uint32_t last = 0;
    for (size_t i = 0; s->as_name && !s->group && i < f->n_attrs; i++) {
        const struct as_attr_assign *a = &f->attrs[i];
        if (a->pos < s->body.start || a->pos >= pos || a->pos < last || strcmp(a->name, "shield") != 0 ||
            strcmp(a->object, s->as_name) != 0)
            continue;
        last = a->pos;
        state = (a->value.kind == AS_EXPR_CONST || a->value.kind == AS_EXPR_NUMBER) && constant_true(&a->value);
    }
    for (size_t i = 0; s->group && i < s->n_group_sets && s->group_sets[i] < pos; i++) state = s->group_values[i];
    if (state >= 0 || s->group) return state > 0;
    for (uint32_t k = 0; k < s->call->n_args; k++)
        if (s->call->args[k].keyword && strcmp(s->call->args[k].keyword, "shield") == 0) return constant_true(&s->call->args[k].value);
    return false;
}

static const char *qualified(const struct walk *w, const struct as_call *call)
{
    return w->ctx->callee_names[call - w->ctx->model->facts->calls];
}

/* The call an `await` at pos awaits directly, or NULL. */
static const struct as_call *awaited_call(const struct walk *w, uint32_t pos)
{
    const char *src = w->ctx->src;
    const struct as_facts *f = w->ctx->model->facts;
    if (strncmp(src + pos, "await", 5) != 0) return NULL;
    uint32_t q = pos + 5;
    while (src[q] == ' ' || src[q] == '\t' || src[q] == '\\' || src[q] == '\n' || src[q] == '\r') q++;
    size_t lo = 0, hi = f->n_calls;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->calls[mid].span.start < q) lo = mid + 1;
        else hi = mid;
    }
    return lo < f->n_calls && f->calls[lo].span.start == q && f->calls[lo].awaited ? &f->calls[lo] : NULL;
}

static bool exempt(const struct walk *w, const struct as_call *call)
{
    if (!call) return false;
    const char *q = qualified(w, call);
    bool no_args = !call->n_args && !call->has_star_args;
    size_t tl = strlen(call->callee.tail);
    if (no_args && tl >= 7 && strcmp(call->callee.tail + tl - 7, ".aclose") == 0) return true;
    if (!q) return false;
    if (strcmp(q, "trio.aclose_forcefully") == 0 || strcmp(q, "anyio.aclose_forcefully") == 0) return true;
    return no_args && (strcmp(q, "trio.lowlevel.cancel_shielded_checkpoint") == 0 ||
                       strcmp(q, "anyio.lowlevel.cancel_shielded_checkpoint") == 0);
}

/* Where the checkpoint is, for the message (made only when reporting: finding the line reads the text). */
static const char *where_text(const struct walk *w)
{
    struct as_arena *a = w->ctx->arena;
    uint32_t line = as_line_of(w->ctx->src, w->where_at);
    switch (w->where) {
    case IN_FINALLY: return as_arena_printf(a, "the `finally` of the `try` on line %u", line);
    case IN_HANDLER: return as_arena_printf(a, "the `except` on line %u", line);
    case IN_CANCELLED_HANDLER:
        return strcmp(w->catch_name, "except:") == 0 ? as_arena_printf(a, "the bare `except:` on line %u", line)
                                                     : as_arena_printf(a, "`except %s` on line %u", w->catch_name, line);
    default: return "`__aexit__`";
    }
}

static void report(struct walk *w, uint32_t pos)
{
    const struct as_call *call = awaited_call(w, pos);
    struct as_span at = {pos, call ? call->span.end : pos + 5};
    const char *msg = as_flow_message(w->ctx, w->rule->message, where_text(w), NULL, 0);
    struct as_finding f = {w->rule, at, msg, w->rule->help, false};
    w->ctx->report(w->ctx, &f);
}

static void checkpoint(struct walk *w, uint32_t pos, bool is_await)
{
    if (w->where == NOWHERE) return;
    for (size_t i = 0; i < w->shields->len; i++)
        if (shielded_at(w, &w->shields->items[i], pos)) return;
    if (is_await && exempt(w, awaited_call(w, pos))) return;
    if (w->where == IN_HANDLER) {
        if (w->for_except) vec_push(w->pending, pos);
    } else if (!w->for_except && w->report_finally) {
        report(w, pos);
    }
}

/* The awaits in [span) of this function. */
static void awaits_in(struct walk *w, struct as_span span)
{
    const struct as_model *m = w->ctx->model;
    const struct as_facts *f = m->facts;
    size_t lo = 0, hi = f->n_checkpoints;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->checkpoints[mid] < span.start) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < f->n_checkpoints && f->checkpoints[i] < span.end; i++) {
        uint32_t p = f->checkpoints[i];
        if (as_model_context_scope(m, as_model_scope_at(m, p)) != w->fn) continue;
        if (strncmp(w->ctx->src + p, "await", 5) == 0) checkpoint(w, p, true);
    }
}

static void visit_block(struct walk *w, int32_t clause);

static bool named_one_of(const char *q, const char *const *names)
{
    for (size_t i = 0; q && names[i]; i++)
        if (strcmp(q, names[i]) == 0) return true;
    return false;
}

/* A nursery or task group whose cancel scope the body shields (`tg.cancel_scope.shield = True`): its
 * assignments are found once, by text, in the body. */
static void group_shield(struct walk *w, const struct as_with *wf, int32_t ci)
{
    const struct as_facts *f = w->ctx->model->facts;
    struct shield sh = {&f->calls[ci], NULL, wf->body, NULL, NULL, 0, true};
    for (size_t b = 0; b < f->n_bindings; b++)
        if (f->bindings[b].kind == AS_BIND_WITH && f->bindings[b].value.kind == AS_EXPR_CALL && f->bindings[b].value.call == ci)
            sh.as_name = f->bindings[b].name;
    if (!sh.as_name) return;
    const char *src = w->ctx->src, *attr = ".cancel_scope.shield";
    size_t n = strlen(sh.as_name), cap = 0;
    size_t attr_len = strlen(attr);
    for (const char *p = src + wf->body.start; p + attr_len <= src + wf->body.end; p++) {
        if (*p != '.' || memcmp(p, attr, attr_len) != 0) continue;
        const char *q = p + attr_len;
        if ((size_t)(p - src) < wf->body.start + n || memcmp(p - n, sh.as_name, n) != 0 ||
            (p - n > src && as_name_byte((unsigned char)p[-(ptrdiff_t)n - 1])))
            continue;
        while (*q == ' ' || *q == '\t') q++;
        if (q[0] != '=' || q[1] == '=') continue;
        for (q++; *q == ' ' || *q == '\t';) q++;
        if (sh.n_group_sets == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            uint32_t *ns = as_arena_alloc(w->ctx->arena, ncap * sizeof(uint32_t));
            bool *nv = as_arena_alloc(w->ctx->arena, ncap * sizeof(bool));
            if (cap) {
                memcpy(ns, sh.group_sets, cap * sizeof(uint32_t));
                memcpy(nv, sh.group_values, cap * sizeof(bool));
            }
            sh.group_sets = ns;
            sh.group_values = nv;
            cap = ncap;
        }
        sh.group_sets[sh.n_group_sets] = (uint32_t)(p - src);
        sh.group_values[sh.n_group_sets++] = strncmp(q, "True", 4) == 0 && !as_name_byte((unsigned char)q[4]);
    }
    if (sh.n_group_sets) vec_push(w->shields, sh);
}

static void visit_with(struct walk *w, const struct as_outline_node *s)
{
    static const char *const scopes[] = {"trio.move_on_after", "trio.move_on_at", "trio.fail_after", "trio.fail_at",
                                         "trio.CancelScope", "anyio.move_on_after", "anyio.move_on_at",
                                         "anyio.fail_after", "anyio.fail_at", "anyio.CancelScope", NULL};
    static const char *const groups[] = {"trio.open_nursery", "anyio.create_task_group", NULL};
    const struct as_facts *f = w->ctx->model->facts;
    awaits_in(w, s->head);
    const struct as_with *wf = as_with_at(f, s->span.start);
    size_t saved = w->shields->len;
    bool only_groups = wf && wf->n_items;
    for (uint32_t k = 0; wf && k < wf->n_items; k++) {
        int32_t ci = wf->item_call_index[k];
        only_groups &= named_one_of(ci >= 0 ? w->ctx->callee_names[ci] : NULL, groups);
    }
    /* entering an `async with` checkpoints before its scopes apply */
    if ((s->flags & AS_OUTLINE_ASYNC) && !only_groups) checkpoint(w, s->span.start, false);
    for (uint32_t k = 0; wf && k < wf->n_items; k++) {
        int32_t ci = wf->item_call_index[k];
        if (ci < 0 || !named_one_of(w->ctx->callee_names[ci], scopes)) continue;
        struct shield sh = {&f->calls[ci], NULL, wf->body, NULL, NULL, 0, false};
        for (size_t b = 0; b < f->n_bindings; b++)   /* the `as` name bound to this item's call */
            if (f->bindings[b].kind == AS_BIND_WITH && f->bindings[b].value.kind == AS_EXPR_CALL &&
                f->bindings[b].value.call == ci)
                sh.as_name = f->bindings[b].name;
        vec_push(w->shields, sh);
    }
    for (uint32_t k = 0; wf && k < wf->n_items; k++) {
        int32_t ci = wf->item_call_index[k];
        if (ci >= 0 && named_one_of(w->ctx->callee_names[ci], groups)) group_shield(w, wf, ci);
    }
    if (s->first >= 0) visit_block(w, s->first);
    w->shields->len = saved;
}

/* A clause visited as clean-up code of its own kind: fresh shields (those opened outside do not count) and,
 * for a handler, its own pending list. */
static void visit_cleanup(struct walk *w, int32_t clause, enum where where, uint32_t at, const char *catch_name,
                          bool own_pending)
{
    struct walk inner = *w;
    shield_vec shields = {0};
    offset_vec pending = {0};
    inner.where = where;
    inner.where_at = at;
    inner.catch_name = catch_name;
    inner.shields = &shields;
    if (own_pending) inner.pending = &pending;
    visit_block(&inner, clause);
    vec_free(&shields);
    vec_free(&pending);
}

static void visit_try(struct walk *w, const struct as_outline_node *s)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    for (int32_t c = s->first; c >= 0; c = nodes[c].next) {
        const struct as_outline_node *cl = &nodes[c];
        if (cl->kind == AS_OUTLINE_FINALLY) {
            visit_cleanup(w, c, IN_FINALLY, s->span.start, NULL, false);
        } else if (cl->kind == AS_OUTLINE_EXCEPT && (w->where == NOWHERE || w->where == IN_HANDLER)) {
            struct as_catch catch;
            bool cancelled = as_catch_critical(w->ctx, s, cl, false, &catch);
            visit_cleanup(w, c, cancelled ? IN_CANCELLED_HANDLER : IN_HANDLER, cl->span.start, catch.name, true);
        } else {
            visit_block(w, c);
        }
    }
}

static void visit(struct walk *w, const struct as_outline_node *s)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    switch (s->kind) {
    case AS_OUTLINE_SIMPLE: case AS_OUTLINE_RETURN: awaits_in(w, s->span); break;
    case AS_OUTLINE_RAISE:
        awaits_in(w, s->span);
        for (size_t i = 0; i < w->pending->len; i++) report(w, w->pending->items[i]);
        w->pending->len = 0;
        break;
    case AS_OUTLINE_IF: case AS_OUTLINE_WHILE: case AS_OUTLINE_FOR: case AS_OUTLINE_MATCH:
        if (s->kind == AS_OUTLINE_MATCH) awaits_in(w, s->head);
        if (s->kind == AS_OUTLINE_FOR && (s->flags & AS_OUTLINE_ASYNC)) checkpoint(w, s->span.start, false);
        for (int32_t c = s->first; c >= 0; c = nodes[c].next) {
            if (nodes[c].head.end) awaits_in(w, nodes[c].head);
            visit_block(w, c);
        }
        break;
    case AS_OUTLINE_WITH: visit_with(w, s); break;
    case AS_OUTLINE_TRY: visit_try(w, s); break;
    default: break;
    }
}

static void visit_block(struct walk *w, int32_t clause)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    for (int32_t k = nodes[clause].first; k >= 0; k = nodes[k].next) visit(w, &nodes[k]);
}

static void check_file(struct as_check_ctx *ctx, const struct as_rule *rule, bool for_except)
{
    const struct as_outline *flow = ctx->outline;
    if (!flow) return;
    const struct as_facts *f = ctx->model->facts;
    bool report_finally = as_check_libraries(ctx) != AS_LIB_ASYNCIO;
    for (size_t fn = 0; fn < f->n_scopes; fn++) {
        if (flow->body_of_scope[fn] < 0) continue;
        shield_vec shields = {0};
        offset_vec pending = {0};
        bool aexit = f->scopes[fn].name && strcmp(f->scopes[fn].name, "__aexit__") == 0;
        struct walk w = {ctx, rule, for_except, (int32_t)fn, report_finally, aexit ? IN_AEXIT : NOWHERE,
                         f->scopes[fn].node.start, NULL, &shields, &pending};
        visit_block(&w, flow->body_of_scope[fn]);
        vec_free(&shields);
        vec_free(&pending);
    }
}

static void on_file_102(struct as_check_ctx *ctx, const struct as_rule *rule) { check_file(ctx, rule, false); }
static void on_file_120(struct as_check_ctx *ctx, const struct as_rule *rule) { check_file(ctx, rule, true); }

const struct as_check_kind as_check_await_in_finally_or_cancelled = {
    "await-in-finally-or-cancelled", true, NULL, on_file_102, false, "finally except __aexit__",
    AS_OUTLINE_ASYNC_FUNCTIONS, false, false};
const struct as_check_kind as_check_await_in_except = {
    "await-in-except", true, NULL, on_file_120, false, "except", AS_OUTLINE_ASYNC_FUNCTIONS, false, false};
