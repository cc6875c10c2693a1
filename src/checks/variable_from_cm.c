/* variable_from_cm.c — kind "variable-from-cm-in-start-soon" (ASYNC111): `n.start(...)`, `n.start_soon(...)` or
 * `n.create_task(...)` where `n` is a nursery or task group bound by a `with` item (made by one of the rule's
 * `match:` calls), given a variable bound by a `with` item opened *inside* that nursery's block: that context
 * manager closes when its block ends, while the task may still run until the nursery's block ends. The `with`
 * statements counted are those of the same function (or module) as the call; a name inside a nested lambda or
 * function is not the argument. Reported on the variable, in any code (sync too, as flake8-async). */
#include <string.h>

#include "checks/cancelled.h"
#include "util/buf.h"

#define MAX_ITEMS 64

struct item {
    const char *name;
    uint32_t at;   /* where its context manager is written (its line is found only when reporting) */
    bool group;
};

/* Whether binding b (a `with ... as name`) holds what one of the rule's calls made. */
static bool makes_group(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_binding *b)
{
    if (b->value.kind != AS_EXPR_CALL || *b->value.tail || b->value.call < 0) return false;
    const char *q = ctx->callee_names[b->value.call];
    for (size_t m = 0; q && m < rule->n_matches; m++)
        if (strcmp(q, rule->matches[m].pattern) == 0) return true;
    return false;
}

/* The `as` names of the with items around pos in function scope fn, outermost first. */
static size_t items_around(struct as_check_ctx *ctx, const struct as_rule *rule, uint32_t pos, int32_t fn,
                           struct item *out)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    int32_t chain[MAX_ITEMS];
    size_t n_chain = 0;
    size_t lo = 0, hi = f->n_withs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->withs[mid].body.start <= pos) lo = mid + 1;
        else hi = mid;
    }
    for (int32_t k = (int32_t)lo - 1; k >= 0 && n_chain < MAX_ITEMS; k = f->withs[k].parent) {
        const struct as_with *w = &f->withs[k];
        if (pos >= w->body.start && pos < w->body.end && as_model_context_scope(m, as_model_scope_at(m, w->span.start)) == fn)
            chain[n_chain++] = k;
    }
    size_t n = 0;
    for (size_t c = n_chain; c-- > 0 && n < MAX_ITEMS;) {
        const struct as_with *w = &f->withs[chain[c]];
        for (size_t i = 0; i < f->n_bindings && n < MAX_ITEMS; i++) {
            const struct as_binding *b = &f->bindings[i];
            if (b->kind != AS_BIND_WITH || b->pos < w->span.start || b->pos >= w->body.start) continue;
            uint32_t at = b->value.span.end ? b->value.span.start : b->pos;
            out[n++] = (struct item){b->name, at, makes_group(ctx, rule, b)};
        }
    }
    return n;
}

/* The message: {name} the variable, {line} where its context manager is, {group_line} the task group's. */
static void report(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_ref *r, const struct item *cm,
                   const struct item *group)
{
    struct as_buf b;
    as_buf_init(&b);
    for (const char *p = rule->message; *p;) {
        if (strncmp(p, "{name}", 6) == 0) {
            as_buf_puts(&b, r->name);
            p += 6;
        } else if (strncmp(p, "{line}", 6) == 0) {
            as_buf_printf(&b, "%u", as_line_of(ctx->src, cm->at));
            p += 6;
        } else if (strncmp(p, "{group_line}", 12) == 0) {
            as_buf_printf(&b, "%u", as_line_of(ctx->src, group->at));
            p += 12;
        } else {
            as_buf_putc(&b, *p++);
        }
    }
    const char *msg = as_arena_strndup(ctx->arena, b.data, b.len);
    as_buf_release(&b);
    struct as_finding fd = {rule, {r->pos, r->pos + (uint32_t)strlen(r->name)}, msg, rule->help, false};
    ctx->report(ctx, &fd);
}

static void check_call(struct as_check_ctx *ctx, const struct as_rule *rule, size_t ci)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    const struct as_call *c = &f->calls[ci];
    int32_t fn = as_model_context_scope(m, c->scope);
    struct item items[MAX_ITEMS];
    size_t n = items_around(ctx, rule, c->span.start, fn, items);
    size_t group = n;
    for (size_t i = 0; i < n; i++)   /* the innermost binding of the receiver's name decides */
        if (strcmp(items[i].name, c->callee.head) == 0) group = items[i].group ? i : n;
    if (group == n) return;
    for (size_t r = 0; r < f->n_refs; r++) {
        const struct as_ref *ref = &f->refs[r];
        if (ref->pos < c->callee.span.end || ref->pos >= c->span.end) continue;
        if (as_model_context_scope(m, ref->scope) != fn) continue;
        for (size_t i = group + 1; i < n; i++)
            if (strcmp(items[i].name, ref->name) == 0) {
                report(ctx, rule, ref, &items[i], &items[group]);
                break;
            }
    }
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    for (size_t ci = 0; ci < f->n_calls; ci++) {
        const struct as_call *c = &f->calls[ci];
        if (c->callee.kind != AS_EXPR_NAME) continue;
        const char *t = c->callee.tail;
        if (strcmp(t, ".start") == 0 || strcmp(t, ".start_soon") == 0 || strcmp(t, ".create_task") == 0)
            check_call(ctx, rule, ci);
    }
}

const struct as_check_kind as_check_variable_from_cm_in_start_soon = {
    "variable-from-cm-in-start-soon", false, NULL, on_file, false, NULL, AS_OUTLINE_NONE, true, false};
