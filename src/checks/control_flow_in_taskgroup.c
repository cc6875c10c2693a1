/* control_flow_in_taskgroup.c — kind "control-flow-in-taskgroup" (ASYNC121): a `return` anywhere inside an
 * `async with` of a task group (the rule's `match:` lines name what opens one: trio.open_nursery,
 * anyio.create_task_group, asyncio.TaskGroup), or a `break` / `continue` whose loop encloses the task group.
 * Such a statement takes effect only after all the group's tasks finish, and an exception from them replaces
 * it. Walks the statement outline (outline.h) with the stack of loops and task groups around each statement;
 * nested defs start afresh. A `return` inside several groups is reported once, naming the innermost. */
#include <string.h>

#include "checks/cancelled.h"
#include "util/vec.h"

enum frame { LOOP, NURSERY, TASK_GROUP };

typedef VEC(enum frame) frame_vec;

struct walk {
    struct as_check_ctx *ctx;
    const struct as_rule *rule;
    frame_vec stack;
};

static const char *const group_names[] = {"", "nursery", "task group"};

static void report(struct walk *w, const struct as_outline_node *s, const char *what, enum frame group)
{
    const char *msg = as_flow_message(w->ctx, w->rule->message, what, group_names[group], 0);
    const char *help = w->rule->help ? as_flow_message(w->ctx, w->rule->help, what, group_names[group], 0) : NULL;
    struct as_finding f = {w->rule, {s->span.start, s->span.start + (uint32_t)strlen(what)}, msg, help, false};
    w->ctx->report(w->ctx, &f);
}

/* The task groups an `async with` opens, pushed in item order. */
static void push_groups(struct walk *w, const struct as_outline_node *s)
{
    const struct as_facts *f = w->ctx->model->facts;
    const struct as_with *wf = as_with_at(f, s->span.start);
    for (uint32_t k = 0; wf && k < wf->n_items; k++) {
        int32_t ci = wf->item_call_index[k];
        const char *q = ci >= 0 ? w->ctx->callee_names[ci] : NULL;
        for (size_t m = 0; q && m < w->rule->n_matches; m++) {
            if (strcmp(w->rule->matches[m].pattern, q) != 0) continue;
            size_t n = strlen(q);
            enum frame g = n >= 12 && strcmp(q + n - 12, "open_nursery") == 0 ? NURSERY : TASK_GROUP;
            vec_push(&w->stack, g);
            break;
        }
    }
}

static void visit_block(struct walk *w, int32_t clause);

static void visit(struct walk *w, const struct as_outline_node *s)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    size_t depth = w->stack.len;
    switch (s->kind) {
    case AS_OUTLINE_RETURN:
        for (size_t i = w->stack.len; i-- > 0;)   /* the innermost group names it */
            if (w->stack.items[i] != LOOP) {
                report(w, s, "return", w->stack.items[i]);
                break;
            }
        return;
    case AS_OUTLINE_BREAK: case AS_OUTLINE_CONTINUE:
        if (w->stack.len && w->stack.items[w->stack.len - 1] != LOOP)
            report(w, s, s->kind == AS_OUTLINE_BREAK ? "break" : "continue", w->stack.items[w->stack.len - 1]);
        return;
    case AS_OUTLINE_WHILE: case AS_OUTLINE_FOR: {
        enum frame loop = LOOP;
        vec_push(&w->stack, loop);
        break;
    }
    case AS_OUTLINE_WITH:
        if (s->flags & AS_OUTLINE_ASYNC) push_groups(w, s);
        break;
    case AS_OUTLINE_DEF: case AS_OUTLINE_SIMPLE: case AS_OUTLINE_RAISE:
        return;
    default:
        break;
    }
    for (int32_t c = s->first; c >= 0; c = nodes[c].next) visit_block(w, c);
    w->stack.len = depth;
}

static void visit_block(struct walk *w, int32_t clause)
{
    const struct as_outline_node *nodes = w->ctx->outline->nodes;
    for (int32_t k = nodes[clause].first; k >= 0; k = nodes[k].next) visit(w, &nodes[k]);
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_outline *flow = ctx->outline;
    if (!flow) return;
    for (size_t fn = 0; fn < ctx->model->facts->n_scopes; fn++) {
        if (flow->body_of_scope[fn] < 0) continue;
        struct walk w = {ctx, rule, {0}};
        visit_block(&w, flow->body_of_scope[fn]);
        vec_free(&w.stack);
    }
}

const struct as_check_kind as_check_control_flow_in_taskgroup = {
    "control-flow-in-taskgroup", true, NULL, on_file, false, "return break continue", AS_OUTLINE_ASYNC_FUNCTIONS,
    false, false};
