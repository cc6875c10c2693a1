/* useless_nursery.c — kind "useless-nursery" (ASYNC112): a `with` / `async with` of a task group (the rule's
 * `match:` lines) bound by `as n`, whose whole body is one call of `n.start(...)` or `n.start_soon(...)`
 * (asyncio.TaskGroup: `n.create_task(...)`; awaited or not) that does not pass `n` on: the task group runs one task and waits for it, which a plain
 * call (awaited) does. Reported on each such item. */
#include <string.h>

#include "checks/cancelled.h"

/* Whether `name` appears as a whole word in [s, e). */
static bool mentions(const char *src, uint32_t s, uint32_t e, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t i = s; i + n <= e; i++) {
        if (memcmp(src + i, name, n) != 0) continue;
        if ((i > s && (as_name_byte((unsigned char)src[i - 1]) || src[i - 1] == '.')) ||
            (i + n < e && as_name_byte((unsigned char)src[i + n])))
            continue;
        uint32_t j = i + (uint32_t)n;   /* a keyword argument's name (`n=7`) is not the variable */
        while (j < e && (src[j] == ' ' || src[j] == '\t')) j++;
        if (j + 1 < e && src[j] == '=' && src[j + 1] != '=') continue;
        return true;
    }
    return false;
}

/* The call that is the whole body (after an optional `await`), or -1. */
static int32_t only_call(struct as_check_ctx *ctx, struct as_span body)
{
    const char *src = ctx->src;
    uint32_t s = body.start;
    if (strncmp(src + s, "await", 5) == 0 && !as_name_byte((unsigned char)src[s + 5])) {
        s += 5;
        while (s < body.end && strchr(" \t\\\r\n", src[s])) s++;
    }
    const struct as_facts *f = ctx->model->facts;
    size_t lo = 0, hi = f->n_calls;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->calls[mid].span.start < s) lo = mid + 1;
        else hi = mid;
    }
    return lo < f->n_calls && f->calls[lo].span.start == s && f->calls[lo].span.end == body.end ? (int32_t)lo : -1;
}

static void check_with(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_with *w)
{
    const struct as_facts *f = ctx->model->facts;
    int32_t ci = only_call(ctx, w->body);
    if (ci < 0) return;
    const struct as_call *call = &f->calls[ci];
    const char *tail = call->callee.tail;
    if (call->callee.kind != AS_EXPR_NAME) return;
    bool starts = strcmp(tail, ".start") == 0 || strcmp(tail, ".start_soon") == 0;   /* trio, anyio */
    bool creates = strcmp(tail, ".create_task") == 0;                              /* asyncio */
    for (uint32_t k = 0; k < w->n_items; k++) {
        int32_t item = w->item_call_index[k];
        const char *q = item >= 0 ? ctx->callee_names[item] : NULL;
        bool group = false;
        for (size_t m = 0; q && m < rule->n_matches && !group; m++) group = strcmp(rule->matches[m].pattern, q) == 0;
        if (!group || !(strncmp(q, "asyncio.", 8) == 0 ? creates : starts)) continue;
        const char *as_name = NULL;
        for (size_t b = 0; b < f->n_bindings; b++)
            if (f->bindings[b].kind == AS_BIND_WITH && f->bindings[b].value.kind == AS_EXPR_CALL &&
                f->bindings[b].value.call == item)
                as_name = f->bindings[b].name;
        if (!as_name || strcmp(as_name, call->callee.head) != 0) continue;
        uint32_t args = call->callee.span.end;
        if (mentions(ctx->src, args, call->span.end, as_name)) continue;
        struct as_finding fd = {rule, f->calls[item].span, rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_withs; i++) check_with(ctx, rule, &f->withs[i]);
}

const struct as_check_kind as_check_useless_nursery = {
    "useless-nursery", false, NULL, on_file, false, NULL, AS_OUTLINE_NONE, true, false};
