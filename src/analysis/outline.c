/* outline.c — builds the statement outline of async function bodies (outline.h) from the parse tree: one walk over
 * the statements of each `async def` (expressions are not entered), nested defs and classes kept as opaque
 * leaves. Nesting deeper than FLOW_MAX_DEPTH is left out (the outline is marked truncated). */
#include "analysis/outline.h"

#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "util/vec.h"

#define FLOW_MAX_DEPTH 200

struct builder {
    struct as_arena *arena;
    const char *src;
    VEC(struct as_outline_node) nodes;
    VEC(int32_t) last;   /* per node: its last child (-1), so appending a child is O(1) */
    VEC(struct as_span) types;
    VEC(struct as_outline_event) events;
    /* The tree cursors of the child walks (kids_start), a stack: walks nest as the outline recurses, and each
     * level's cursor is made once per file and reset after (tree-sitter's memory is the file's arena while the
     * outline is built: a cursor made per node would stay allocated until the file is done). */
    VEC(TSTreeCursor) cursors;
    size_t cursors_used;
    bool truncated;
};

static struct as_span span_of(TSNode n) { return (struct as_span){ts_node_start_byte(n), ts_node_end_byte(n)}; }

static bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0; }

static TSNode field(TSNode n, const char *name) { return ts_node_child_by_field_name(n, name, (uint32_t)strlen(name)); }

static int32_t add(struct builder *b, enum as_outline_kind kind, TSNode n, int32_t parent)
{
    struct as_outline_node x;
    memset(&x, 0, sizeof(x));
    x.kind = kind;
    x.span = span_of(n);
    x.first = x.next = -1;
    x.parent = parent;
    x.first_event = (uint32_t)b->events.len;
    vec_push(&b->nodes, x);
    int32_t id = (int32_t)b->nodes.len - 1, none = -1;
    vec_push(&b->last, none);
    if (parent >= 0) {   /* append as the last child */
        int32_t prev = b->last.items[parent];
        if (prev >= 0) b->nodes.items[prev].next = id;
        else b->nodes.items[parent].first = id;
        b->last.items[parent] = id;
    }
    return id;
}

static const char *text(struct builder *b, TSNode n)
{
    return as_arena_strndup(b->arena, b->src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
}

static void add_block(struct builder *b, TSNode block, int32_t clause, int depth);
static bool runs_once(struct builder *b, TSNode it, int depth);

static void event(struct builder *b, enum as_outline_event_kind kind, TSNode n)
{
    struct as_outline_event e = {kind, span_of(n)};
    vec_push(&b->events, e);
}

static void walk_expr(struct builder *b, TSNode n, int depth);

/* The named children of a node in order, through a tree cursor: ts_node_named_child(n, i) walks from the first
 * child every time, descending into hidden nodes, so a loop over it is quadratic where error recovery leaves a
 * wide node (64 KB of `a(a(a(...` took 18 s under the sanitizers; found by fuzzing). kids_end after the last
 * next_kid, early exits included, in the reverse order of kids_start (the cursors are the builder's stack). */
struct kids {
    struct builder *b;
    size_t slot;   /* its cursor: b->cursors.items[slot] (an index: the vector may move) */
    bool more;
};

static void kids_start(struct builder *b, struct kids *k, TSNode n)
{
    if (b->cursors_used == b->cursors.len) vec_push(&b->cursors, ts_tree_cursor_new(n));
    else ts_tree_cursor_reset(&b->cursors.items[b->cursors_used], n);
    *k = (struct kids){b, b->cursors_used++, false};
    k->more = ts_tree_cursor_goto_first_child(&b->cursors.items[k->slot]);
}

static bool next_kid(struct kids *k, TSNode *out)
{
    TSTreeCursor *cursor = &k->b->cursors.items[k->slot];
    while (k->more) {
        TSNode c = ts_tree_cursor_current_node(cursor);
        k->more = ts_tree_cursor_goto_next_sibling(cursor);
        if (ts_node_is_named(c)) {
            *out = c;
            return true;
        }
    }
    return false;
}

static void kids_end(struct kids *k) { k->b->cursors_used = k->slot; }

static void walk_children(struct builder *b, TSNode n, int depth)
{
    struct kids k;
    TSNode c;
    kids_start(b, &k, n);
    while (next_kid(&k, &c)) walk_expr(b, c, depth + 1);
    kids_end(&k);
}

/* A comprehension runs its first iterable; the rest only as far as that is sure to run: a clause after a
 * possibly empty iterable, or after the first `if`, may not run (and a comprehension cannot yield, so what may
 * not run is left out). The first `async for` of a list, set or dict comprehension is a checkpoint; of a
 * generator expression only the first iterable runs where it is written. */
static void walk_comprehension(struct builder *b, TSNode n, int depth, bool generator)
{
    struct kids k;
    TSNode c;
    bool stop = false;
    kids_start(b, &k, n);
    while (!stop && next_kid(&k, &c)) {
        if (is(c, "for_in_clause")) {
            if (is(ts_node_child(c, 0), "async")) {
                if (!generator) event(b, AS_EVENT_CHECKPOINT, c);
                stop = true;
                continue;
            }
            TSNode right = field(c, "right");
            walk_expr(b, right, depth + 1);
            stop = generator || !runs_once(b, right, 0);
        } else if (is(c, "if_clause")) {
            walk_children(b, c, depth);
            stop = true;
        }
    }
    kids_end(&k);
    if (!stop) walk_expr(b, field(n, "body"), depth + 1);
}

/* `a if c else b`: its three expressions (comments skipped), a, c, b. */
static bool conditional_parts(TSNode n, TSNode parts[3])
{
    uint32_t count = ts_node_named_child_count(n), k = 0;
    for (uint32_t i = 0; i < count; i++) {
        TSNode c = ts_node_named_child(n, i);
        if (is(c, "comment")) continue;
        if (k == 3) return false;
        parts[k++] = c;
    }
    return k == 3;
}

/* The events of expression n (see as_outline_event), in evaluation order. */
static void walk_expr(struct builder *b, TSNode n, int depth)
{
    if (ts_node_is_null(n) || !ts_node_is_named(n)) return;
    if (depth > FLOW_MAX_DEPTH) {
        b->truncated = true;
        return;
    }
    const char *t = ts_node_type(n);
    TSNode parts[3];
    if (strcmp(t, "await") == 0 || strcmp(t, "yield") == 0) {
        walk_children(b, n, depth);
        event(b, t[0] == 'a' ? AS_EVENT_CHECKPOINT : AS_EVENT_YIELD, n);
    } else if (strcmp(t, "boolean_operator") == 0) {
        walk_expr(b, field(n, "left"), depth + 1);
        event(b, AS_EVENT_BRANCH, n);
        walk_expr(b, field(n, "right"), depth + 1);
        event(b, AS_EVENT_JOIN, n);
    } else if (strcmp(t, "conditional_expression") == 0 && conditional_parts(n, parts)) {
        walk_expr(b, parts[1], depth + 1);
        event(b, AS_EVENT_BRANCH, n);
        walk_expr(b, parts[0], depth + 1);
        event(b, AS_EVENT_OR_ELSE, n);
        walk_expr(b, parts[2], depth + 1);
        event(b, AS_EVENT_JOIN, n);
    } else if (strcmp(t, "list_comprehension") == 0 || strcmp(t, "set_comprehension") == 0 ||
               strcmp(t, "dictionary_comprehension") == 0 || strcmp(t, "generator_expression") == 0) {
        walk_comprehension(b, n, depth, t[0] == 'g');
    } else if (strcmp(t, "lambda") != 0 && strcmp(t, "function_definition") != 0 && strcmp(t, "class_definition") != 0 &&
               strcmp(t, "decorated_definition") != 0 && strcmp(t, "comment") != 0) {
        if (strcmp(t, "call") == 0) {
            TSNode fn = field(n, "function"), obj = field(fn, "object"), attr = field(fn, "attribute");
            if (is(fn, "attribute") && is(obj, "identifier") && ts_node_end_byte(attr) - ts_node_start_byte(attr) == 10 &&
                strncmp(b->src + ts_node_start_byte(attr), "start_soon", 10) == 0)
                event(b, AS_EVENT_START_SOON, obj);
        }
        walk_children(b, n, depth);
    }
}

/* Node id's own events: those of n (and of more, when called again before any child is added). */
static void node_events(struct builder *b, int32_t id, TSNode n)
{
    walk_expr(b, n, 0);
    b->nodes.items[id].n_events = (uint32_t)b->events.len - b->nodes.items[id].first_event;
}

/* A clause of `kind` holding the statements of `block` (a null block gives an empty clause). */
static int32_t add_clause(struct builder *b, enum as_outline_kind kind, TSNode node, TSNode head, TSNode block,
                          int32_t parent, int depth)
{
    int32_t c = add(b, kind, node, parent);
    if (!ts_node_is_null(head)) b->nodes.items[c].head = span_of(head);
    /* a condition or exception type runs with the clause; a loop's or with's head with the statement */
    if (kind == AS_OUTLINE_ELIF || kind == AS_OUTLINE_EXCEPT || (kind == AS_OUTLINE_BODY && is(node, "if_statement")))
        node_events(b, c, head);
    else if (kind == AS_OUTLINE_CASE)
        node_events(b, c, field(node, "guard"));
    if (!ts_node_is_null(block)) add_block(b, block, c, depth + 1);
    return c;
}

static bool true_literal(struct builder *b, TSNode cond)
{
    if (is(cond, "true")) return true;
    if (is(cond, "string")) {   /* a non-empty string literal */
        uint32_t n = ts_node_named_child_count(cond);
        for (uint32_t i = 0; i < n; i++)
            if (!is(ts_node_named_child(cond, i), "string_start") && !is(ts_node_named_child(cond, i), "string_end")) return true;
        return false;
    }
    if (!is(cond, "integer") && !is(cond, "float")) return false;
    for (uint32_t i = ts_node_start_byte(cond); i < ts_node_end_byte(cond); i++) {
        char ch = b->src[i];
        if (ch >= '1' && ch <= '9') return true;
        if (ch == 'e' || ch == 'E' || ch == 'x' || ch == 'X' || ch == 'j' || ch == 'J') break;
    }
    return false;
}

/* The value of an integer literal, with unary +, - and ~ in front (decimal, 0x, 0o, 0b, underscores); values
 * past 10^9 count as 10^9: only the signs and the order matter. */
static bool int_literal(struct builder *b, TSNode a, long *out, int depth)
{
    if (is(a, "unary_operator") && depth < 1) {   /* one operator: `--3` is not taken (as flake8-async) */
        char op = b->src[ts_node_start_byte(a)];
        long x;
        if (!int_literal(b, field(a, "argument"), &x, depth + 1)) return false;
        *out = op == '-' ? -x : op == '~' ? -x - 1 : x;
        return op == '-' || op == '~' || op == '+';
    }
    if (!is(a, "integer")) return false;
    uint32_t k = ts_node_start_byte(a), end = ts_node_end_byte(a);
    int base = 10;
    if (end - k > 2 && b->src[k] == '0' && strchr("xXoObB", b->src[k + 1])) {
        char p = b->src[k + 1];
        base = p == 'x' || p == 'X' ? 16 : p == 'o' || p == 'O' ? 8 : 2;
        k += 2;
    }
    long x = 0;
    for (; k < end; k++) {
        char ch = b->src[k];
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (ch == '_') continue;
        if (d < 0 || d >= base) return false;
        x = x >= 100000000 ? 1000000000 : x * base + d;
    }
    *out = x;
    return true;
}

/* Whether a `for` over `it` runs its body at least once: a literal container with an element that is not an
 * unpacking (or one unpacking such a container), a non-empty string, range() of integer literals. */
static bool runs_once(struct builder *b, TSNode it, int depth)
{
    if (depth > 8 || ts_node_is_null(it)) return false;
    if (is(it, "list") || is(it, "tuple") || is(it, "set") || is(it, "dictionary")) {
        uint32_t n = ts_node_named_child_count(it);
        for (uint32_t i = 0; i < n; i++) {
            TSNode e = ts_node_named_child(it, i);
            if (is(e, "comment")) continue;
            if (!is(e, "list_splat") && !is(e, "dictionary_splat")) return true;
            if (runs_once(b, ts_node_named_child(e, 0), depth + 1)) return true;
        }
        return false;
    }
    if (is(it, "string")) {
        uint32_t n = ts_node_named_child_count(it);
        for (uint32_t i = 0; i < n; i++)
            if (!is(ts_node_named_child(it, i), "string_start") && !is(ts_node_named_child(it, i), "string_end")) return true;
        return false;
    }
    if (!is(it, "call")) return false;
    TSNode fn = field(it, "function"), args = field(it, "arguments");
    if (!is(fn, "identifier") || ts_node_end_byte(fn) - ts_node_start_byte(fn) != 5 ||
        strncmp(b->src + ts_node_start_byte(fn), "range", 5) != 0 || !is(args, "argument_list"))
        return false;
    long v[3] = {0, 0, 1};
    uint32_t n = ts_node_named_child_count(args);
    if (n < 1 || n > 3) return false;
    for (uint32_t i = 0; i < n; i++)
        if (!int_literal(b, ts_node_named_child(args, i), &v[n == 1 ? 1 : i], 0)) return false;
    if (v[2] == 0) return false;
    return v[2] > 0 ? v[0] < v[1] : v[0] > v[1];
}

/* The named children of n that are not comments; *first gets the first of them. */
static uint32_t non_comment_children(struct builder *b, TSNode n, TSNode *first)
{
    uint32_t count = 0;
    struct kids k;
    TSNode c;
    kids_start(b, &k, n);
    while (next_kid(&k, &c)) {
        if (is(c, "comment")) continue;
        if (!count++ && first) *first = c;
    }
    kids_end(&k);
    return count;
}

static void add_type(struct builder *b, TSNode e)
{
    struct as_span sp = span_of(e);
    vec_push(&b->types, sp);
}

static void add_except(struct builder *b, TSNode clause, int32_t parent, int depth)
{
    TSNode value, alias, block;
    memset(&value, 0, sizeof(value));
    alias = block = value;
    uint32_t n = ts_node_child_count(clause), n_values = 0;
    bool star = false;
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_child(clause, i);
        const char *fname = ts_node_field_name_for_child(clause, i);
        if (is(k, "block")) block = k;
        else if (!ts_node_is_named(k) && strcmp(ts_node_type(k), "*") == 0) star = true;
        else if (fname && strcmp(fname, "alias") == 0) alias = k;
        else if (fname && strcmp(fname, "value") == 0 && !n_values++) value = k;
    }
    /* older spellings: `except E as x` parsed as an as_pattern value */
    if (n_values == 1 && is(value, "as_pattern")) {
        if (ts_node_is_null(alias)) alias = ts_node_named_child(value, 1);
        value = ts_node_named_child(value, 0);
    }
    int32_t c = add_clause(b, AS_OUTLINE_EXCEPT, clause, value, block, parent, depth);
    struct as_outline_node *x = &b->nodes.items[c];
    if (star) x->flags |= AS_OUTLINE_STAR;
    if (is(alias, "as_pattern_target")) alias = ts_node_named_child(alias, 0);
    if (is(alias, "identifier")) x->name = text(b, alias);
    x->first_type = (uint32_t)b->types.len;
    if (n_values > 1) {   /* `except A, B:` */
        for (uint32_t i = 0; i < n; i++) {
            const char *fname = ts_node_field_name_for_child(clause, i);
            if (fname && strcmp(fname, "value") == 0) add_type(b, ts_node_child(clause, i));
        }
    } else if (n_values == 1) {
        TSNode list = value, inner;
        while (is(list, "parenthesized_expression") && non_comment_children(b, list, &inner) == 1) list = inner;
        if (is(list, "tuple") || is(list, "expression_list") || is(list, "parenthesized_expression")) {
            struct kids k;
            TSNode e;
            kids_start(b, &k, list);
            while (next_kid(&k, &e))
                if (!is(e, "comment")) add_type(b, e);
            kids_end(&k);
        } else {
            add_type(b, list);
        }
    }
    b->nodes.items[c].n_types = (uint32_t)b->types.len - b->nodes.items[c].first_type;
}

static void add_case(struct builder *b, TSNode clause, int32_t parent, int depth)
{
    TSNode pattern, guard = field(clause, "guard");
    memset(&pattern, 0, sizeof(pattern));
    uint32_t patterns = 0, n = ts_node_named_child_count(clause);
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_named_child(clause, i);
        if (is(k, "case_pattern")) {
            if (!patterns++) pattern = k;
        }
    }
    int32_t c = add_clause(b, AS_OUTLINE_CASE, clause, pattern, field(clause, "consequence"), parent, depth);
    if (patterns == 1) {
        TSNode p = ts_node_named_child_count(pattern) == 1 ? ts_node_named_child(pattern, 0) : pattern;
        if (is(p, "dotted_name") && ts_node_named_child_count(p) == 1) p = ts_node_named_child(p, 0);
        bool bare = is(p, "identifier");
        if (!bare && ts_node_named_child_count(pattern) == 0) {   /* `case _:` */
            bare = ts_node_end_byte(pattern) - ts_node_start_byte(pattern) == 1 && b->src[ts_node_start_byte(pattern)] == '_';
        }
        if (bare) b->nodes.items[c].flags |= ts_node_is_null(guard) ? AS_OUTLINE_CATCH_ALL | AS_OUTLINE_BARE_PATTERN
                                                                   : AS_OUTLINE_BARE_PATTERN;
    }
}

/* The block of a clause (a comment may come before it: `finally:  # why`). */
static TSNode block_child(TSNode clause)
{
    uint32_t n = ts_node_named_child_count(clause);
    for (uint32_t i = 0; i < n; i++)
        if (is(ts_node_named_child(clause, i), "block")) return ts_node_named_child(clause, i);
    return (TSNode){0};
}

/* The `else` clause of a loop or try (its field or its child). */
static void add_else(struct builder *b, TSNode n, int32_t parent, int depth)
{
    if (is(n, "else_clause")) add_clause(b, AS_OUTLINE_ELSE, n, (TSNode){0}, field(n, "body"), parent, depth);
}

static void add_compound(struct builder *b, TSNode s, const char *type, int32_t parent, int depth)
{
    if (strcmp(type, "if_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_IF, s, parent);
        add_clause(b, AS_OUTLINE_BODY, s, field(s, "condition"), field(s, "consequence"), id, depth);
        uint32_t n = ts_node_named_child_count(s);
        for (uint32_t i = 0; i < n; i++) {
            TSNode k = ts_node_named_child(s, i);
            if (is(k, "elif_clause")) add_clause(b, AS_OUTLINE_ELIF, k, field(k, "condition"), field(k, "consequence"), id, depth);
            else add_else(b, k, id, depth);
        }
    } else if (strcmp(type, "while_statement") == 0 || strcmp(type, "for_statement") == 0) {
        bool loop_while = type[0] == 'w';
        int32_t id = add(b, loop_while ? AS_OUTLINE_WHILE : AS_OUTLINE_FOR, s, parent);
        TSNode head = field(s, loop_while ? "condition" : "right");
        if (loop_while && true_literal(b, head)) b->nodes.items[id].flags |= AS_OUTLINE_ALWAYS_TRUE;
        if (!loop_while && is(ts_node_child(s, 0), "async")) b->nodes.items[id].flags |= AS_OUTLINE_ASYNC;
        if (!loop_while && runs_once(b, head, 0)) b->nodes.items[id].flags |= AS_OUTLINE_RUNS_ONCE;
        b->nodes.items[id].head = span_of(head);
        node_events(b, id, head);
        add_clause(b, AS_OUTLINE_BODY, s, head, field(s, "body"), id, depth);
        add_else(b, field(s, "alternative"), id, depth);
    } else if (strcmp(type, "with_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_WITH, s, parent);
        if (is(ts_node_child(s, 0), "async")) b->nodes.items[id].flags |= AS_OUTLINE_ASYNC;
        TSNode items = ts_node_named_child(s, 0);
        b->nodes.items[id].head = span_of(items);
        node_events(b, id, items);
        add_clause(b, AS_OUTLINE_BODY, s, items, field(s, "body"), id, depth);
    } else if (strcmp(type, "try_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_TRY, s, parent);
        add_clause(b, AS_OUTLINE_BODY, s, (TSNode){0}, field(s, "body"), id, depth);
        uint32_t n = ts_node_named_child_count(s);
        for (uint32_t i = 0; i < n; i++) {
            TSNode k = ts_node_named_child(s, i);
            if (is(k, "except_clause") || is(k, "except_group_clause")) add_except(b, k, id, depth);
            else if (is(k, "else_clause")) add_else(b, k, id, depth);
            else if (is(k, "finally_clause"))
                add_clause(b, AS_OUTLINE_FINALLY, k, (TSNode){0}, block_child(k), id, depth);
        }
    } else if (strcmp(type, "match_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_MATCH, s, parent);
        b->nodes.items[id].head = span_of(field(s, "subject"));
        node_events(b, id, field(s, "subject"));
        TSNode body = field(s, "body");
        uint32_t n = ts_node_named_child_count(body);
        for (uint32_t i = 0; i < n; i++)
            if (is(ts_node_named_child(body, i), "case_clause")) add_case(b, ts_node_named_child(body, i), id, depth);
    } else {
        add(b, AS_OUTLINE_DEF, s, parent);
    }
}

static void add_statement(struct builder *b, TSNode s, int32_t parent, int depth)
{
    const char *type = ts_node_type(s);
    if (strcmp(type, "return_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_RETURN, s, parent);
        if (ts_node_named_child_count(s)) b->nodes.items[id].head = span_of(ts_node_named_child(s, 0));
        node_events(b, id, s);
    } else if (strcmp(type, "raise_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_RAISE, s, parent);
        node_events(b, id, s);
        TSNode exc = ts_node_named_child(s, 0);
        if (ts_node_is_null(exc) || is(exc, "comment") || ts_node_start_byte(exc) == ts_node_start_byte(field(s, "cause")))
            return;
        b->nodes.items[id].head = span_of(exc);
        if (is(exc, "identifier")) b->nodes.items[id].name = text(b, exc);
    } else if (strcmp(type, "break_statement") == 0) {
        add(b, AS_OUTLINE_BREAK, s, parent);
    } else if (strcmp(type, "continue_statement") == 0) {
        add(b, AS_OUTLINE_CONTINUE, s, parent);
    } else if (strstr(type, "_statement") && strcmp(type, "expression_statement") != 0 &&
               (strcmp(type, "if_statement") == 0 || strcmp(type, "while_statement") == 0 ||
                strcmp(type, "for_statement") == 0 || strcmp(type, "with_statement") == 0 ||
                strcmp(type, "try_statement") == 0 || strcmp(type, "match_statement") == 0)) {
        if (depth >= FLOW_MAX_DEPTH) {
            b->truncated = true;
            add(b, AS_OUTLINE_SIMPLE, s, parent);
            return;
        }
        add_compound(b, s, type, parent, depth);
    } else if (strcmp(type, "function_definition") == 0 || strcmp(type, "class_definition") == 0 ||
               strcmp(type, "decorated_definition") == 0) {
        int32_t id = add(b, AS_OUTLINE_DEF, s, parent);
        TSNode def = is(s, "decorated_definition") ? field(s, "definition") : s;
        if (is(def, "function_definition")) node_events(b, id, field(def, "parameters"));   /* defaults run here */
    } else if (strcmp(type, "comment") != 0) {
        node_events(b, add(b, AS_OUTLINE_SIMPLE, s, parent), s);
    }
}

static void add_block(struct builder *b, TSNode block, int32_t clause, int depth)
{
    struct kids k;
    TSNode s;
    kids_start(b, &k, block);
    while (next_kid(&k, &s)) add_statement(b, s, clause, depth);
    kids_end(&k);
}

/* The block node of a function whose body spans `body`. */
static TSNode body_block(TSNode root, struct as_span body)
{
    TSNode n = ts_node_descendant_for_byte_range(root, body.start, body.end);
    while (!ts_node_is_null(n) && !(is(n, "block") && ts_node_start_byte(n) == body.start)) {
        if (ts_node_start_byte(n) < body.start) return (TSNode){0};
        n = ts_node_parent(n);
    }
    return n;
}

/* Whether src[start, end) has a `try` statement's keyword (`try` as a word, then `:`); a string or comment
 * that looks like one only costs an outline that was not needed. */
static bool has_try(const char *src, uint32_t start, uint32_t end)
{
    for (uint32_t i = start; i + 3 <= end; i++) {
        if (src[i] != 't' || src[i + 1] != 'r' || src[i + 2] != 'y') continue;
        if (i > 0 && (isalnum((unsigned char)src[i - 1]) || src[i - 1] == '_')) continue;
        uint32_t k = i + 3;
        while (k < end && (src[k] == ' ' || src[k] == '\t' || src[k] == '\f' ||
                           (src[k] == '\\' && k + 1 < end && (src[k + 1] == '\n' || src[k + 1] == '\r')) ||
                           ((src[k] == '\n' || src[k] == '\r') && k > 0 && (src[k - 1] == '\\' || src[k - 1] == '\r'))))
            k++;   /* blanks, and a backslash continuing the line */
        if (k < end && src[k] == ':') return true;
    }
    return false;
}

/* Fills bodies[i] with the BODY node of each function scope whose async-ness is `async` (and, for plain ones,
 * of each class body too: statements run there as at the top level, and only those with a `try`: the plain
 * bodies are outlined for the handler rules alone); -1 for the other scopes. */
static void add_function_bodies(struct builder *b, int32_t *bodies, const struct as_facts *facts, TSNode root,
                                bool async)
{
    for (size_t i = 0; i < facts->n_scopes; i++) {
        const struct as_scope *sc = &facts->scopes[i];
        bodies[i] = -1;
        bool wanted = sc->kind == AS_SCOPE_FUNCTION ? sc->is_async == async : !async && sc->kind == AS_SCOPE_CLASS;
        if (!wanted || sc->body.end <= sc->body.start) continue;
        if (!async && !has_try(b->src, sc->body.start, sc->body.end)) continue;
        TSNode block = body_block(root, sc->body);
        if (ts_node_is_null(block)) continue;
        bodies[i] = add(b, AS_OUTLINE_BODY, block, -1);
        add_block(b, block, bodies[i], 1);
    }
}

void as_outline_build(struct as_outline *out, struct as_arena *arena, const struct as_facts *facts,
                   const struct TSTree *tree, const char *src, enum as_outline_reach reach)
{
    memset(out, 0, sizeof(*out));
    out->module_body = -1;
    struct builder b;
    memset(&b, 0, sizeof(b));
    b.arena = arena;
    b.src = src;
    TSNode root = ts_tree_root_node(tree);
    size_t n_scopes = facts->n_scopes ? facts->n_scopes : 1;
    out->body_of_scope = as_arena_alloc(arena, n_scopes * sizeof(int32_t));
    add_function_bodies(&b, out->body_of_scope, facts, root, true);
    if (reach == AS_OUTLINE_EVERY_FUNCTION && has_try(src, 0, facts->n_scopes ? facts->scopes[0].body.end : 0)) {
        /* after every async body: see body_of_sync_scope */
        out->body_of_sync_scope = as_arena_alloc(arena, n_scopes * sizeof(int32_t));
        add_function_bodies(&b, out->body_of_sync_scope, facts, root, false);
        out->module_body = add(&b, AS_OUTLINE_BODY, root, -1);
        add_block(&b, root, out->module_body, 1);
    }
    out->n_nodes = b.nodes.len;
    out->nodes = as_arena_alloc(arena, (b.nodes.len ? b.nodes.len : 1) * sizeof(struct as_outline_node));
    if (b.nodes.len) memcpy(out->nodes, b.nodes.items, b.nodes.len * sizeof(struct as_outline_node));
    out->n_types = b.types.len;
    out->types = as_arena_alloc(arena, (b.types.len ? b.types.len : 1) * sizeof(struct as_span));
    if (b.types.len) memcpy(out->types, b.types.items, b.types.len * sizeof(struct as_span));
    out->n_events = b.events.len;
    out->events = as_arena_alloc(arena, (b.events.len ? b.events.len : 1) * sizeof(struct as_outline_event));
    if (b.events.len) memcpy(out->events, b.events.items, b.events.len * sizeof(struct as_outline_event));
    out->truncated = b.truncated;
    vec_free(&b.nodes);
    vec_free(&b.last);
    vec_free(&b.types);
    vec_free(&b.events);
    for (size_t i = 0; i < b.cursors.len; i++) ts_tree_cursor_delete(&b.cursors.items[i]);
    vec_free(&b.cursors);
}

uint32_t as_outline_events_end(const struct as_outline *out, int32_t root)
{
    for (size_t k = (size_t)root + 1; k < out->n_nodes; k++)
        if (out->nodes[k].parent < 0) return out->nodes[k].first_event;
    return (uint32_t)out->n_events;
}
