/* reraise_cancelled.c — kinds "no-reraise-cancelled" (ASYNC103) and "cancelled-not-raised" (ASYNC104): an
 * `except` clause (in any code: async and plain functions, the top level) that catches the cancellation
 * exception (cancelled.h) must hand it on. The handler's body is followed path by path on the statement outline (outline.h), tracking whether the
 * exception is still un-raised: ASYNC103 when some path reaches the end of the handler without raising;
 * ASYNC104 at each `return`, `yield`, `break`/`continue` leaving the handler, or `raise` of another exception
 * met while it is un-raised. Branches, loops (a loop whose body may not run counts as not raising), `match`
 * (raising in every case needs a catch-all case) and nested `try` (only its `finally` can raise for it) are
 * followed; a nested handler that catches the cancellation is judged on its own. A call of a function of the file
 * annotated `-> NoReturn` / `-> Never` ends a path as a raise does (anyio's `self._convert_socket_error(exc)`).
 * asyncio's documented idiom `task.cancel()`, then `try: await task` / `except CancelledError: pass`, is left
 * alone: the exception caught is the one this code just put in the other task. */
#include <string.h>

#include "checks/cancelled.h"

struct walk {
    struct as_check_ctx *ctx;
    const struct as_rule *rule;   /* the rule reporting: ASYNC104's kind reports exits, ASYNC103's the end */
    bool exits;                   /* true for ASYNC104 */
    int32_t fn;
    const char *except_name;      /* the `as` name of the handler */
    bool unraised, unraised_break, unraised_continue;
    int loop_depth;
};

static void exit_found(struct walk *w, struct as_span at)
{
    if (!w->exits) return;
    struct as_finding f = {w->rule, at, w->rule->message, w->rule->help, false};
    w->ctx->report(w->ctx, &f);
}

static void visit_block(struct walk *w, int32_t clause);

static void visit_if_chain(struct walk *w, int32_t clause)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    visit_block(w, clause);
    bool raised = !w->unraised;
    w->unraised = true;
    int32_t next = nodes[clause].next;
    if (next >= 0 && nodes[next].kind == AS_OUTLINE_ELIF) visit_if_chain(w, next);
    else if (next >= 0) visit_block(w, next);
    w->unraised = !raised || w->unraised;
}

static void visit_loop(struct walk *w, const struct as_outline_node *s)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    bool forever = s->kind == AS_OUTLINE_WHILE && (s->flags & AS_OUTLINE_ALWAYS_TRUE);
    bool once = forever || (s->flags & AS_OUTLINE_RUNS_ONCE);
    bool saved_break = w->unraised_break, saved_continue = w->unraised_continue;
    w->unraised_break = w->unraised_continue = false;
    int32_t body = s->first, orelse = body >= 0 ? nodes[body].next : -1;
    w->loop_depth++;
    if (body >= 0) visit_block(w, body);
    w->loop_depth--;
    if (!(forever || (once && !w->unraised_continue))) w->unraised = true;
    if (orelse >= 0) visit_block(w, orelse);
    w->unraised |= w->unraised_break;
    w->unraised_break = saved_break;
    w->unraised_continue = saved_continue;
}

static void visit_try(struct walk *w, const struct as_outline_node *s)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    for (int32_t c = s->first; c >= 0; c = nodes[c].next) {
        if (nodes[c].kind == AS_OUTLINE_FINALLY) {
            visit_block(w, c);
            continue;
        }
        /* a nested handler that catches the cancellation itself is judged on its own */
        if (!(nodes[c].kind == AS_OUTLINE_EXCEPT && as_catch_critical(w->ctx, s, &nodes[c], true, NULL))) visit_block(w, c);
        w->unraised = true;
    }
}

static void visit_match(struct walk *w, const struct as_outline_node *s)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    bool all_raise = true, catch_all = false;
    for (int32_t c = s->first; c >= 0; c = nodes[c].next) {
        catch_all |= (nodes[c].flags & AS_OUTLINE_CATCH_ALL) != 0;
        visit_block(w, c);
        all_raise &= !w->unraised;
        w->unraised = true;
    }
    w->unraised = !(all_raise && catch_all);
}

/* Whether the file defines a function named `name` and every function of that name is annotated as never
 * returning (`NoReturn`, `Never`, however qualified or quoted). */
static bool never_returns(struct as_check_ctx *ctx, const char *name)
{
    const struct as_facts *f = ctx->model->facts;
    bool found = false;
    for (size_t i = 0; i < f->n_scopes; i++) {
        const struct as_scope *sc = &f->scopes[i];
        if (sc->kind != AS_SCOPE_FUNCTION || !sc->name || strcmp(sc->name, name) != 0) continue;
        /* the annotation as written, between the parameters and the body: `-> "NoReturn":` */
        if (!sc->params.end || sc->body.start <= sc->params.end) return false;
        const char *t = as_check_text(ctx, (struct as_span){sc->params.end, sc->body.start});
        const char *arrow = strstr(t, "->");
        const char *colon = arrow ? strrchr(arrow, ':') : NULL;
        if (!colon) return false;
        size_t n = (size_t)(colon - t);
        while (n && strchr("\"' \t\r\n\\", t[n - 1])) n--;
        size_t s = n;
        while (s && as_name_byte((unsigned char)t[s - 1])) s--;
        if (!((n - s == 8 && memcmp(t + s, "NoReturn", 8) == 0) || (n - s == 5 && memcmp(t + s, "Never", 5) == 0)))
            return false;
        found = true;
    }
    return found;
}

/* Whether statement s is a call, whole, of a function of the file that never returns. */
static bool calls_never_returning(struct walk *w, const struct as_outline_node *s)
{
    int32_t ci = as_call_at(w->ctx->model->facts, s->span);
    if (ci < 0) return false;
    const struct as_call *call = &w->ctx->model->facts->calls[ci];
    if (call->callee.kind != AS_EXPR_NAME) return false;
    const char *last = strrchr(call->callee.tail, '.');
    return never_returns(w->ctx, last ? last + 1 : call->callee.head);
}

static void visit_simple(struct walk *w, const struct as_outline_node *s)
{
    const struct as_facts *f = w->ctx->model->facts;
    if (calls_never_returning(w, s)) w->unraised = false;
    for (size_t i = 0; i < f->n_yields; i++) {   /* yields are few: a linear pass is fine */
        if (f->yields[i] < s->span.start || f->yields[i] >= s->span.end) continue;
        if (as_model_context_scope(w->ctx->model, as_model_scope_at(w->ctx->model, f->yields[i])) != w->fn) continue;
        exit_found(w, f->yield_spans[i]);
    }
}

static void visit(struct walk *w, const struct as_outline_node *s)
{
    switch (s->kind) {
    case AS_OUTLINE_SIMPLE: visit_simple(w, s); break;
    case AS_OUTLINE_RETURN: visit_simple(w, s); exit_found(w, s->span); break;
    case AS_OUTLINE_RAISE:
        if (s->head.end && !(s->name && w->except_name && strcmp(s->name, w->except_name) == 0)) exit_found(w, s->span);
        w->unraised = false;
        break;
    case AS_OUTLINE_BREAK: case AS_OUTLINE_CONTINUE:
        if (w->loop_depth == 0) exit_found(w, s->span);
        if (s->kind == AS_OUTLINE_BREAK) w->unraised_break = true;
        else w->unraised_continue = true;
        break;
    case AS_OUTLINE_IF: if (s->first >= 0) visit_if_chain(w, s->first); break;
    case AS_OUTLINE_WHILE: case AS_OUTLINE_FOR: visit_loop(w, s); break;
    case AS_OUTLINE_WITH: if (s->first >= 0) visit_block(w, s->first); break;
    case AS_OUTLINE_TRY: visit_try(w, s); break;
    case AS_OUTLINE_MATCH: visit_match(w, s); break;
    default: break;
    }
}

/* The statements of a clause, in order, while the exception is un-raised (afterwards no path reports). */
static void visit_block(struct walk *w, int32_t clause)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    for (int32_t k = nodes[clause].first; k >= 0 && w->unraised; k = nodes[k].next) visit(w, &nodes[k]);
}

/* Whether the try's body is only `await X` (X a dotted name) and the function called `X.cancel()` before the try:
 * asyncio's way to wait for a task it cancelled, where the CancelledError caught is that task's. */
static bool awaits_task_it_cancelled(struct as_check_ctx *ctx, int32_t fn, const struct as_outline_node *try_node)
{
    const struct as_outline_node *nodes = ctx->outline->nodes;
    int32_t body = try_node->first;
    if (body < 0 || nodes[body].kind != AS_OUTLINE_BODY) return false;
    int32_t only = nodes[body].first;
    if (only < 0 || nodes[only].next >= 0 || nodes[only].kind != AS_OUTLINE_SIMPLE) return false;
    const char *t = as_check_text(ctx, nodes[only].span);
    if (strncmp(t, "await", 5) != 0 || as_name_byte((unsigned char)t[5])) return false;
    t += 5;
    while (*t == ' ' || *t == '\t') t++;
    size_t n = strlen(t);
    if (!n || strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.") != n) return false;
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_calls && f->calls[i].span.start < try_node->span.start; i++) {
        const struct as_call *c = &f->calls[i];
        if (c->callee.kind != AS_EXPR_NAME || as_model_context_scope(ctx->model, c->scope) != fn) continue;
        size_t hl = strlen(c->callee.head), tl = strlen(c->callee.tail);
        if (tl < 7 || strcmp(c->callee.tail + tl - 7, ".cancel") != 0 || hl + tl - 7 != n) continue;
        if (memcmp(t, c->callee.head, hl) == 0 && memcmp(t + hl, c->callee.tail, tl - 7) == 0) return true;
    }
    return false;
}

static void check_handler(struct as_check_ctx *ctx, const struct as_rule *rule, bool exits, int32_t fn,
                          const struct as_outline_node *try_node, const struct as_outline_node *h)
{
    struct as_catch c;
    if (!as_catch_critical(ctx, try_node, h, true, &c)) return;
    if (awaits_task_it_cancelled(ctx, fn, try_node)) return;
    struct walk w = {ctx, rule, exits, fn, h->name, true, false, false, 0};
    visit_block(&w, (int32_t)(h - ctx->outline->nodes));
    if (exits || !w.unraised) return;
    unsigned libs = c.kind == AS_CATCH_CANCELLED ? c.library : as_check_libraries(ctx);
    const char *msg = as_flow_message(ctx, rule->message, c.name, NULL, libs);
    const char *help = rule->help ? as_flow_message(ctx, rule->help, c.name, NULL, libs) : NULL;
    struct as_finding f = {rule, c.at, msg, help, false};
    ctx->report(ctx, &f);
}

/* The handlers of the body rooted at `root` (a function's, or the module's for fn 0). */
static void check_body(struct as_check_ctx *ctx, const struct as_rule *rule, bool exits, int32_t fn, int32_t root)
{
    const struct as_outline *flow = ctx->outline;
    /* a body's nodes are contiguous, from its root to the next body's */
    for (size_t k = (size_t)root + 1; k < flow->n_nodes && flow->nodes[k].parent >= 0; k++) {
        const struct as_outline_node *h = &flow->nodes[k];
        if (h->kind == AS_OUTLINE_EXCEPT) check_handler(ctx, rule, exits, fn, &flow->nodes[h->parent], h);
    }
}

/* Every handler of an async file, in async functions, plain functions (a Cancelled raised in a task unwinds
 * through the sync frames it calls, as flake8-async judges them too), class bodies and at the top level;
 * findings come out in source order whatever the order of the bodies. */
static void check_file(struct as_check_ctx *ctx, const struct as_rule *rule, bool exits)
{
    const struct as_outline *flow = ctx->outline;
    if (!flow || !as_check_is_async_file(ctx)) return;   /* a plain script's `except:` is not judged */
    const struct as_facts *f = ctx->model->facts;
    if (flow->module_body >= 0) check_body(ctx, rule, exits, 0, flow->module_body);
    for (size_t fn = 0; fn < f->n_scopes; fn++) {
        if (flow->body_of_scope[fn] >= 0) check_body(ctx, rule, exits, (int32_t)fn, flow->body_of_scope[fn]);
        if (flow->body_of_sync_scope && flow->body_of_sync_scope[fn] >= 0)
            check_body(ctx, rule, exits, (int32_t)fn, flow->body_of_sync_scope[fn]);
    }
}

static void on_file_103(struct as_check_ctx *ctx, const struct as_rule *rule) { check_file(ctx, rule, false); }
static void on_file_104(struct as_check_ctx *ctx, const struct as_rule *rule) { check_file(ctx, rule, true); }

const struct as_check_kind as_check_no_reraise_cancelled = {
    "no-reraise-cancelled", false, NULL, on_file_103, false, "except", AS_OUTLINE_EVERY_FUNCTION, false, true};
const struct as_check_kind as_check_cancelled_not_raised = {
    "cancelled-not-raised", false, NULL, on_file_104, false, "except", AS_OUTLINE_EVERY_FUNCTION, false, true};
