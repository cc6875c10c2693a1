/* checkpoints.c — the checkpoint model (checkpoints.h): one walk over each async function's outline in source
 * order, carrying the set of "sources" a path may have come from without passing a checkpoint since: the
 * function's start, each yield, a loop's start (the LOOP marker, standing for "the previous iteration or the
 * code before the loop") and each cancel-scope item. A checkpoint empties the set; a `yield` reports every
 * source left and becomes the only one; a `return` reports them and keeps only the markers. Branches join
 * by union. The sets are bitsets, one bit per source of the function. */
#include "analysis/checkpoints.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"
#include "util/xalloc.h"

enum { SRC_DEF = 0, SRC_LOOP = 1, SRC_FIRST_YIELD = 2 };

typedef uint64_t word;

struct loop_ctx {
    bool infinite, once, has_break;
    word *before_continue, *before_break;
    VEC(struct as_cp_exit) marked;   /* exits met while the LOOP marker was in the set */
};

struct scope_item {
    bool is_scope;
    uint32_t id;
    uint64_t cancel_points_at_entry;
    struct as_span item;
};

struct nursery {
    const char *name;
    size_t len;
    bool started;   /* `name.start_soon(...)` met since it opened */
};

struct walk {
    const struct as_outline *ol;
    const struct as_facts *facts;
    const char *src;
    const char *const *callee;
    const struct as_checkpoint_options *opt;
    int32_t fn;
    size_t words;
    uint32_t first_event;      /* the function's first event: yield ids are 2 + (event - first_event) */
    uint32_t n_events;
    uint32_t next_item;        /* next cancel-scope item id */
    word *cur;
    bool has_yield;
    uint64_t cancel_points;    /* checkpoints, raises and yields so far: a cancel scope saw one when it grew */
    struct loop_ctx *loop;
    VEC(struct nursery) nurseries;
    VEC(struct as_cp_exit) exits;
    VEC(struct as_cp_scope) scopes;
    VEC(struct as_cp_loop) loops;
};

/* ---- sets ---- */

static word *set_new(const struct walk *w) { return as_xcalloc(w->words, sizeof(word)); }
static word *set_copy(const struct walk *w, const word *s)
{
    word *c = as_xmalloc(w->words * sizeof(word));
    memcpy(c, s, w->words * sizeof(word));
    return c;
}
static void set_clear(const struct walk *w, word *s) { memset(s, 0, w->words * sizeof(word)); }
static void set_add(word *s, uint32_t id) { s[id / 64] |= (word)1 << (id % 64); }
static void set_del(word *s, uint32_t id) { s[id / 64] &= ~((word)1 << (id % 64)); }
static bool set_has(const word *s, uint32_t id) { return (s[id / 64] >> (id % 64)) & 1; }
static void set_union(const struct walk *w, word *s, const word *t)
{
    for (size_t i = 0; i < w->words; i++) s[i] |= t[i];
}
static bool set_empty(const struct walk *w, const word *s)
{
    for (size_t i = 0; i < w->words; i++)
        if (s[i]) return false;
    return true;
}
static size_t set_count(const struct walk *w, const word *s)
{
    size_t n = 0;
    for (size_t i = 0; i < w->words; i++) n += (size_t)__builtin_popcountll(s[i]);
    return n;
}

/* The sources that are places (the start, yields): the ones reported; markers are not. */
static bool is_place(const struct walk *w, uint32_t id) { return id == SRC_DEF || (id >= SRC_FIRST_YIELD && id < SRC_FIRST_YIELD + w->n_events); }

/* ---- what happens at a point ---- */

static void cancel_point(struct walk *w)
{
    w->cancel_points++;
    w->nurseries.len = 0;   /* a checkpoint settles them: their exit need not be one */
}

static void checkpoint(struct walk *w)
{
    set_clear(w, w->cur);
    cancel_point(w);
}

/* A schedule point (a nursery's entry, a return): the places are settled, the markers stay. */
static void keep_markers(struct walk *w)
{
    set_del(w->cur, SRC_DEF);
    uint32_t lo = SRC_FIRST_YIELD, hi = SRC_FIRST_YIELD + w->n_events;
    for (uint32_t i = lo / 64; i * 64 < hi; i++) {
        uint32_t from = i * 64 > lo ? 0 : lo % 64, to = (i + 1) * 64 <= hi ? 64 : hi % 64;
        word mask = (to == 64 ? ~(word)0 : (((word)1 << to) - 1)) & ~(((word)1 << from) - 1);
        w->cur[i] &= ~mask;
    }
}

static void report(struct walk *w, const struct as_cp_exit *x, uint32_t id, bool generator)
{
    struct as_cp_exit e = *x;
    e.since_yield = id != SRC_DEF;
    e.since_pos = id == SRC_DEF ? w->facts->scopes[w->fn].node.start : w->ol->events[w->first_event + id - SRC_FIRST_YIELD].span.start;
    e.generator = generator;
    vec_push(&w->exits, e);
}

static void report_places(struct walk *w, const struct as_cp_exit *x, const word *s, bool generator)
{
    for (size_t i = 0; i < w->words; i++)
        for (word bits = s[i]; bits; bits &= bits - 1) {
            uint32_t id = (uint32_t)(i * 64 + (size_t)__builtin_ctzll(bits));
            if (is_place(w, id)) report(w, x, id, generator);
        }
}

/* A path leaves the function (or suspends it, at a yield) here. Inside a loop, a path that only lacks a
 * checkpoint since the loop's start is decided when the loop ends (it depends on how iterations end). */
static void leave_here(struct walk *w, enum as_cp_exit_kind kind, struct as_span at)
{
    if (set_empty(w, w->cur)) return;
    struct as_cp_exit x = {w->fn, kind, at, false, 0, false};
    if (w->loop && set_has(w->cur, SRC_LOOP)) {
        vec_push(&w->loop->marked, x);
        if (set_count(w, w->cur) == 1) return;
    }
    report_places(w, &x, w->cur, w->has_yield);
}

static void visit_events(struct walk *w, const struct as_outline_node *n)
{
    VEC(word *) saved;         /* per open branch: the set before it, then (after OR_ELSE) the first arm's */
    VEC(bool) alt;
    memset(&saved, 0, sizeof(saved));
    memset(&alt, 0, sizeof(alt));
    for (uint32_t i = n->first_event; i < n->first_event + n->n_events; i++) {
        const struct as_outline_event *e = &w->ol->events[i];
        switch (e->kind) {
        case AS_EVENT_CHECKPOINT: checkpoint(w); break;
        case AS_EVENT_YIELD:
            w->has_yield = true;
            cancel_point(w);
            leave_here(w, AS_CP_YIELD, e->span);
            set_clear(w, w->cur);
            set_add(w->cur, SRC_FIRST_YIELD + (i - w->first_event));
            break;
        case AS_EVENT_START_SOON:
            for (size_t k = 0; k < w->nurseries.len; k++)
                if (w->nurseries.items[k].len == e->span.end - e->span.start &&
                    memcmp(w->nurseries.items[k].name, w->src + e->span.start, w->nurseries.items[k].len) == 0)
                    w->nurseries.items[k].started = true;
            break;
        case AS_EVENT_BRANCH: {
            word *s = set_copy(w, w->cur);
            bool no = false;
            vec_push(&saved, s);
            vec_push(&alt, no);
            break;
        }
        case AS_EVENT_OR_ELSE:
            if (!saved.len) break;
            {   /* the first arm's result is kept; the second starts from the state before the branch */
                word *before = saved.items[saved.len - 1];
                saved.items[saved.len - 1] = w->cur;
                w->cur = before;
                alt.items[alt.len - 1] = true;
            }
            break;
        case AS_EVENT_JOIN:
            if (!saved.len) break;
            set_union(w, w->cur, saved.items[saved.len - 1]);
            free(saved.items[--saved.len]);
            alt.len--;
            break;
        }
    }
    while (saved.len) free(saved.items[--saved.len]);
    vec_free(&saved);
    vec_free(&alt);
}

/* ---- statements ---- */

static void visit_block(struct walk *w, int32_t clause);

static const struct as_outline_node *node(const struct walk *w, int32_t id) { return &w->ol->nodes[id]; }

/* An if/elif/else chain, iteratively (a chain may be long): each condition runs on the path where the ones
 * before it were false; the bodies' ends and the last false path (or the else) join. */
static void visit_if_chain(struct walk *w, int32_t clause)
{
    word *joined = set_new(w);
    int32_t c = clause;
    for (; c >= 0 && (c == clause || node(w, c)->kind == AS_OUTLINE_ELIF); c = node(w, c)->next) {
        visit_events(w, node(w, c));
        word *otherwise = set_copy(w, w->cur);
        visit_block(w, c);
        set_union(w, joined, w->cur);
        free(w->cur);
        w->cur = otherwise;
    }
    if (c >= 0) visit_block(w, c);
    set_union(w, w->cur, joined);
    free(joined);
}

static void end_loop_body(struct walk *w, const struct as_outline_node *s, int32_t id, word *pre, bool async);

static void visit_loop(struct walk *w, int32_t id)
{
    const struct as_outline_node *s = node(w, id);
    visit_events(w, s);   /* the condition / iterable: once, before the loop */
    struct loop_ctx l;
    memset(&l, 0, sizeof(l));
    l.infinite = s->kind == AS_OUTLINE_WHILE && (s->flags & AS_OUTLINE_ALWAYS_TRUE);
    l.once = l.infinite || (s->kind == AS_OUTLINE_FOR && (s->flags & AS_OUTLINE_RUNS_ONCE));
    l.before_continue = set_new(w);
    l.before_break = set_new(w);
    bool async = s->kind == AS_OUTLINE_FOR && (s->flags & AS_OUTLINE_ASYNC);
    struct loop_ctx *outer = w->loop;
    word *pre = w->cur;
    w->cur = set_new(w);
    if (async) cancel_point(w);   /* `async for` checkpoints before each iteration */
    else set_add(w->cur, SRC_LOOP);
    w->loop = &l;
    int32_t body = s->first, orelse = body >= 0 ? node(w, body)->next : -1;
    if (body >= 0) visit_block(w, body);
    end_loop_body(w, s, id, pre, async);
    if (orelse >= 0) visit_block(w, orelse);
    if (l.infinite && !l.has_break) set_clear(w, w->cur);   /* nothing comes after it */
    else set_union(w, w->cur, l.before_break);
    w->loop = outer;
    free(pre);
    free(l.before_continue);
    free(l.before_break);
    vec_free(&l.marked);
}

/* The end of a loop's body: the exits met with the LOOP marker are reported for every place the loop may have
 * been entered or repeated from; ASYNC913 when an endless loop's body may finish without a checkpoint; then
 * the marker stands for what came before the loop again. */
static void end_loop_body(struct walk *w, const struct as_outline_node *s, int32_t id, word *pre, bool async)
{
    struct loop_ctx *l = w->loop;
    word *from = set_copy(w, pre);
    set_union(w, from, w->cur);
    set_union(w, from, l->before_continue);
    for (size_t k = 0; k < l->marked.len; k++) report_places(w, &l->marked.items[k], from, w->has_yield);
    free(from);
    if (l->infinite && !l->has_break && set_has(w->cur, SRC_LOOP)) {
        struct as_cp_loop lp = {w->fn, id, {s->span.start, s->head.end > s->span.start ? s->head.end : s->span.end}};
        vec_push(&w->loops, lp);
    }
    word *sets[3] = {l->before_continue, l->before_break, w->cur};
    for (int k = 0; k < 3; k++)
        if (set_has(sets[k], SRC_LOOP)) {
            set_del(sets[k], SRC_LOOP);
            set_union(w, sets[k], pre);
        }
    if (async) {
        checkpoint(w);   /* it checkpoints when the iterator is exhausted too */
    } else {
        if (!l->once) set_union(w, w->cur, pre);
        if (!l->infinite) set_union(w, w->cur, l->before_continue);
    }
}

/* The facts' `with` statement starting at pos (withs are sorted by body start). */
static const struct as_with *with_at(const struct as_facts *f, uint32_t pos)
{
    for (size_t i = 0; i < f->n_withs; i++)
        if (f->withs[i].span.start == pos) return &f->withs[i];
    return NULL;
}

static bool one_of(const char *q, const char *const *names)
{
    for (; q && *names; names++)
        if (strcmp(q, *names) == 0) return true;
    return false;
}

static const char *const cancel_scopes[] = {
    "trio.fail_after", "trio.fail_at", "trio.move_on_after", "trio.move_on_at", "trio.CancelScope",
    "anyio.fail_after", "anyio.fail_at", "anyio.move_on_after", "anyio.move_on_at", "anyio.CancelScope",
    "asyncio.timeout", "asyncio.timeout_at", NULL};
static const char *const nurseries[] = {"trio.open_nursery", "anyio.create_task_group", NULL};
static const char *const suppressors[] = {"contextlib.suppress", NULL};

bool as_checkpoint_glob_any(char *const *globs, size_t n, const char *written, const char *qualified)
{
    for (size_t i = 0; i < n; i++) {
        const char *g = globs[i];
        while (*g == '@') g++;
        if ((written && fnmatch(g, written, 0) == 0) || (qualified && fnmatch(g, qualified, 0) == 0)) return true;
    }
    return false;
}

/* An item that may swallow exceptions: contextlib.suppress, or a call the options name. */
static bool suppressing(const struct walk *w, int32_t ci)
{
    const char *q = w->callee[ci];
    if (one_of(q, suppressors)) return true;
    if (!w->opt || !w->opt->n_suppressing_managers) return false;
    struct as_span callee = w->facts->calls[ci].callee.span;
    char written[256];
    size_t n = callee.end - callee.start;
    if (n >= sizeof(written)) return false;
    memcpy(written, w->src + callee.start, n);
    written[n] = 0;
    return as_checkpoint_glob_any(w->opt->suppressing_managers, w->opt->n_suppressing_managers, written, q);
}

/* The name after `as` following the item's call ("" when none). */
static size_t alias_of(const struct walk *w, uint32_t call_end, const char **name)
{
    const char *p = w->src + call_end;
    while (*p == ' ' || *p == '\t' || *p == '\\' || *p == '\n' || *p == '\r') p++;
    if (!(p[0] == 'a' && p[1] == 's' && (p[2] == ' ' || p[2] == '\t'))) return 0;
    p += 2;
    while (*p == ' ' || *p == '\t') p++;
    size_t n = 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_' ||
           (unsigned char)p[n] >= 0x80)
        n++;
    *name = p;
    return n;
}

static void exit_with(struct walk *w, const struct as_with *fw, size_t nursery_mark);

static void visit_with(struct walk *w, int32_t id)
{
    const struct as_outline_node *s = node(w, id);
    visit_events(w, s);   /* the items' expressions */
    const struct as_with *fw = with_at(w->facts, s->span.start);
    uint32_t n_items = fw ? fw->n_items : 0;
    struct scope_item *items = as_xcalloc(n_items + 1, sizeof(*items));
    word *saved = NULL;   /* the set before an exception-suppressing item: the body may stop anywhere */
    size_t nursery_mark = w->nurseries.len;
    for (uint32_t k = 0; k < n_items; k++) {
        int32_t ci = fw->item_call_index[k];
        const char *q = ci >= 0 ? w->callee[ci] : NULL;
        if (one_of(q, nurseries)) {   /* entering one is a schedule point, not a cancel point */
            const char *name = NULL;
            size_t len = alias_of(w, fw->item_calls[k].end, &name);
            if (len) {
                struct nursery nu = {name, len, false};
                vec_push(&w->nurseries, nu);
            }
            keep_markers(w);
            continue;
        }
        if (s->flags & AS_OUTLINE_ASYNC) checkpoint(w);
        if (ci < 0) continue;
        if (suppressing(w, ci)) {
            if (!saved) saved = set_copy(w, w->cur);
            continue;
        }
        if (one_of(q, cancel_scopes)) {
            items[k] = (struct scope_item){true, w->next_item++, w->cancel_points, fw->item_calls[k]};
            set_add(w->cur, items[k].id);
        }
    }
    if (s->first >= 0) visit_block(w, s->first);
    for (uint32_t k = n_items; k-- > 0;) {
        if (!items[k].is_scope || w->cancel_points == items[k].cancel_points_at_entry) continue;   /* none: ASYNC100's */
        if (!set_has(w->cur, items[k].id)) continue;
        set_del(w->cur, items[k].id);
        struct as_cp_scope sc = {w->fn, items[k].item};
        vec_push(&w->scopes, sc);
    }
    if (saved) {
        set_union(w, w->cur, saved);
        free(saved);
    }
    if (fw && (s->flags & AS_OUTLINE_ASYNC)) exit_with(w, fw, nursery_mark);
    if (w->nurseries.len > nursery_mark) w->nurseries.len = nursery_mark;
    free(items);
}

/* Leaving an `async with`: a checkpoint, unless its items are only nurseries / task groups, whose exit is a
 * schedule point only, or a cancel point when a task was started in it. */
static void exit_with(struct walk *w, const struct as_with *fw, size_t nursery_mark)
{
    for (uint32_t k = 0; k < fw->n_items; k++) {
        int32_t ci = fw->item_call_index[k];
        if (!one_of(ci >= 0 ? w->callee[ci] : NULL, nurseries)) {
            checkpoint(w);
            return;
        }
        const char *name = NULL;
        size_t len = alias_of(w, fw->item_calls[k].end, &name);
        for (size_t i = nursery_mark; len && i < w->nurseries.len; i++)
            if (w->nurseries.items[i].len == len && memcmp(w->nurseries.items[i].name, name, len) == 0) {
                bool started = w->nurseries.items[i].started;
                w->nurseries.items[i].len = 0;
                if (started) {
                    checkpoint(w);
                    return;
                }
            }
    }
    keep_markers(w);
}

/* The yields in the subtree of node id: a handler or `finally` may be entered right after any of them. */
static void add_yields_below(struct walk *w, word *s, int32_t id)
{
    int32_t end = id, up = id;
    while (up >= 0 && w->ol->nodes[up].next < 0) up = w->ol->nodes[up].parent;
    end = up >= 0 ? w->ol->nodes[up].next : -1;
    uint32_t last = end >= 0 ? w->ol->nodes[end].first_event : w->first_event + w->n_events;
    if (last > w->first_event + w->n_events) last = w->first_event + w->n_events;
    for (uint32_t i = w->ol->nodes[id].first_event; i < last; i++)
        if (w->ol->events[i].kind == AS_EVENT_YIELD) set_add(s, SRC_FIRST_YIELD + (i - w->first_event));
}

static bool catches_everything(const struct walk *w, const struct as_outline_node *h)
{
    if (!h->n_types) return true;
    struct as_span t = w->ol->types[h->first_type];
    return h->n_types == 1 && t.end - t.start == 13 && memcmp(w->src + t.start, "BaseException", 13) == 0;
}

static void visit_try(struct walk *w, int32_t id)
{
    int32_t body = node(w, id)->first;
    if (body < 0) return;
    word *entry = set_copy(w, w->cur);   /* what a handler may start from: anything in the body may raise */
    add_yields_below(w, entry, body);
    visit_block(w, body);
    word *handlers = set_new(w), *body_end = w->cur;
    w->cur = NULL;
    bool catch_all = false;
    int32_t c = node(w, body)->next;
    for (; c >= 0 && node(w, c)->kind == AS_OUTLINE_EXCEPT; c = node(w, c)->next) {
        catch_all |= catches_everything(w, node(w, c));
        free(w->cur);
        w->cur = set_copy(w, entry);
        visit_events(w, node(w, c));
        visit_block(w, c);
        set_union(w, handlers, w->cur);
    }
    free(w->cur);
    w->cur = body_end;
    if (c >= 0 && node(w, c)->kind == AS_OUTLINE_ELSE) {
        visit_block(w, c);
        c = node(w, c)->next;
    }
    set_union(w, w->cur, handlers);
    if (c >= 0 && node(w, c)->kind == AS_OUTLINE_FINALLY) {
        /* an exception may enter `finally` from anywhere in the body; it is re-raised after, so what that adds
         * counts inside `finally` only */
        word *added = set_copy(w, entry);
        for (size_t i = 0; i < w->words; i++) added[i] &= ~w->cur[i];
        if (!catch_all) set_union(w, w->cur, added);
        visit_block(w, c);
        for (size_t i = 0; i < w->words; i++) w->cur[i] &= ~added[i];
        free(added);
    }
    free(handlers);
    free(entry);
}

static void visit_match(struct walk *w, int32_t id)
{
    visit_events(w, node(w, id));   /* the subject */
    word *base = w->cur, *cases = set_new(w);
    bool fallback = false;
    w->cur = NULL;
    for (int32_t c = node(w, id)->first; c >= 0; c = node(w, c)->next) {
        free(w->cur);
        w->cur = set_copy(w, base);
        visit_events(w, node(w, c));
        /* `case _:` always runs when no case before did; so does `case _ if <guard>` whose guard checkpoints */
        fallback |= (node(w, c)->flags & AS_OUTLINE_CATCH_ALL) ||
                    ((node(w, c)->flags & AS_OUTLINE_BARE_PATTERN) && set_empty(w, w->cur));
        visit_block(w, c);
        set_union(w, cases, w->cur);
    }
    free(w->cur);
    w->cur = cases;
    if (!fallback) set_union(w, w->cur, base);
    free(base);
}

static void visit_statement(struct walk *w, int32_t id)
{
    const struct as_outline_node *s = node(w, id);
    switch (s->kind) {
    case AS_OUTLINE_SIMPLE: visit_events(w, s); break;
    case AS_OUTLINE_RETURN:
        visit_events(w, s);
        leave_here(w, AS_CP_RETURN, s->span);
        keep_markers(w);   /* what follows is not reached from here */
        break;
    case AS_OUTLINE_RAISE:   /* a raise needs no checkpoint: it counts as one */
        visit_events(w, s);
        checkpoint(w);
        break;
    case AS_OUTLINE_BREAK:
        if (w->loop) {
            w->loop->has_break = true;
            set_union(w, w->loop->before_break, w->cur);
        }
        break;
    case AS_OUTLINE_CONTINUE:
        if (w->loop) set_union(w, w->loop->before_continue, w->cur);
        break;
    case AS_OUTLINE_IF: if (s->first >= 0) visit_if_chain(w, s->first); break;
    case AS_OUTLINE_WHILE:
    case AS_OUTLINE_FOR: visit_loop(w, id); break;
    case AS_OUTLINE_WITH: visit_with(w, id); break;
    case AS_OUTLINE_TRY: visit_try(w, id); break;
    case AS_OUTLINE_MATCH: visit_match(w, id); break;
    case AS_OUTLINE_DEF: visit_events(w, s); break;   /* a nested def's default values */
    default: break;
    }
}

static void visit_block(struct walk *w, int32_t clause)
{
    for (int32_t k = node(w, clause)->first; k >= 0; k = node(w, k)->next) visit_statement(w, k);
}

/* The function whose body is outline node `body`: its events end where the next function's begin. */
static void walk_function(struct walk *w, int32_t fn, int32_t body, uint32_t events_end)
{
    const struct as_scope *sc = &w->facts->scopes[fn];
    w->fn = fn;
    w->first_event = w->ol->nodes[body].first_event;
    w->n_events = events_end - w->first_event;
    uint32_t items = 0;
    for (size_t i = 0; i < w->facts->n_withs; i++)
        if (w->facts->withs[i].span.start >= sc->body.start && w->facts->withs[i].span.start < sc->body.end)
            items += w->facts->withs[i].n_items;
    w->next_item = SRC_FIRST_YIELD + w->n_events;
    w->words = (SRC_FIRST_YIELD + w->n_events + items + 63) / 64;
    if (w->words > AS_CHECKPOINTS_MAX_WORDS) return;   /* hostile: every set operation would cost that much */
    w->cur = set_new(w);
    set_add(w->cur, SRC_DEF);
    w->has_yield = false;
    w->loop = NULL;
    w->nurseries.len = 0;
    visit_block(w, body);
    leave_here(w, AS_CP_EXIT, (struct as_span){sc->node.start, sc->name_span.end > sc->node.start ? sc->name_span.end : sc->node.start});
    free(w->cur);
    w->cur = NULL;
}

#define COPY_OUT(arena, dst, n, vec)                                                                  \
    do {                                                                                             \
        (n) = (vec).len;                                                                             \
        (dst) = as_arena_alloc((arena), ((vec).len ? (vec).len : 1) * sizeof(*(vec).items));         \
        if ((vec).len) memcpy((dst), (vec).items, (vec).len * sizeof(*(vec).items));                 \
        vec_free(&(vec));                                                                            \
    } while (0)

void as_checkpoints_build(struct as_checkpoints *out, struct as_arena *arena, const struct as_outline *outline,
                          const struct as_facts *facts, const char *src, const char *const *callee_names,
                          const struct as_checkpoint_options *opt)
{
    struct walk w = {.ol = outline, .facts = facts, .src = src, .callee = callee_names, .opt = opt};
    for (size_t i = 0; outline && i < facts->n_scopes; i++) {
        int32_t body = outline->body_of_scope[i];
        if (body < 0) continue;
        walk_function(&w, (int32_t)i, body, as_outline_events_end(outline, body));
    }
    vec_free(&w.nurseries);
    COPY_OUT(arena, out->exits, out->n_exits, w.exits);
    COPY_OUT(arena, out->scopes, out->n_scopes, w.scopes);
    COPY_OUT(arena, out->loops, out->n_loops, w.loops);
}
