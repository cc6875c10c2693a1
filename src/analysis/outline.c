/* outline.c — builds the statement outline of async function bodies (outline.h) from the parse tree: one walk over
 * the statements of each `async def` (expressions are not entered), nested defs and classes kept as opaque
 * leaves. Nesting deeper than FLOW_MAX_DEPTH is left out (the outline is marked truncated). */
#include "analysis/outline.h"

#include <stdlib.h>
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

/* A clause of `kind` holding the statements of `block` (a null block gives an empty clause). */
static int32_t add_clause(struct builder *b, enum as_outline_kind kind, TSNode node, TSNode head, TSNode block,
                          int32_t parent, int depth)
{
    int32_t c = add(b, kind, node, parent);
    if (!ts_node_is_null(head)) b->nodes.items[c].head = span_of(head);
    if (!ts_node_is_null(block)) add_block(b, block, c, depth + 1);
    return c;
}

static bool true_literal(struct builder *b, TSNode cond)
{
    if (is(cond, "true")) return true;
    if (!is(cond, "integer") && !is(cond, "float")) return false;
    for (uint32_t i = ts_node_start_byte(cond); i < ts_node_end_byte(cond); i++) {
        char ch = b->src[i];
        if (ch >= '1' && ch <= '9') return true;
        if (ch == 'e' || ch == 'E' || ch == 'x' || ch == 'X' || ch == 'j' || ch == 'J') break;
    }
    return false;
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
    for (uint32_t i = 0; i < n; i++) {
        TSNode a = ts_node_named_child(args, i);
        bool neg = false;
        if (is(a, "unary_operator") && b->src[ts_node_start_byte(a)] == '-') {
            neg = true;
            a = field(a, "argument");
        }
        if (!is(a, "integer")) return false;
        long x = 0;   /* literals past 9 digits count as 10^9: only the signs and the order matter */
        for (uint32_t k = ts_node_start_byte(a); k < ts_node_end_byte(a); k++) {
            char ch = b->src[k];
            if (ch < '0' || ch > '9') return false;
            x = x >= 100000000 ? 1000000000 : x * 10 + (ch - '0');
        }
        v[n == 1 ? 1 : i] = neg ? -x : x;
    }
    if (v[2] == 0) return false;
    return v[2] > 0 ? v[0] < v[1] : v[0] > v[1];
}

/* The named children of n that are not comments; *first gets the first of them. */
static uint32_t non_comment_children(TSNode n, TSNode *first)
{
    uint32_t count = 0, m = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < m; i++) {
        TSNode k = ts_node_named_child(n, i);
        if (is(k, "comment")) continue;
        if (!count++ && first) *first = k;
    }
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
        while (is(list, "parenthesized_expression") && non_comment_children(list, &inner) == 1) list = inner;
        if (is(list, "tuple") || is(list, "expression_list") || is(list, "parenthesized_expression")) {
            uint32_t m = ts_node_named_child_count(list);
            for (uint32_t i = 0; i < m; i++)
                if (!is(ts_node_named_child(list, i), "comment")) add_type(b, ts_node_named_child(list, i));
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
    if (patterns == 1 && ts_node_is_null(guard)) {
        TSNode p = ts_node_named_child_count(pattern) == 1 ? ts_node_named_child(pattern, 0) : pattern;
        if (is(p, "dotted_name") && ts_node_named_child_count(p) == 1) p = ts_node_named_child(p, 0);
        bool bare = is(p, "identifier");
        if (!bare && ts_node_named_child_count(pattern) == 0) {   /* `case _:` */
            bare = ts_node_end_byte(pattern) - ts_node_start_byte(pattern) == 1 && b->src[ts_node_start_byte(pattern)] == '_';
        }
        if (bare) b->nodes.items[c].flags |= AS_OUTLINE_CATCH_ALL;
    }
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
        add_clause(b, AS_OUTLINE_BODY, s, head, field(s, "body"), id, depth);
        add_else(b, field(s, "alternative"), id, depth);
    } else if (strcmp(type, "with_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_WITH, s, parent);
        if (is(ts_node_child(s, 0), "async")) b->nodes.items[id].flags |= AS_OUTLINE_ASYNC;
        TSNode items = ts_node_named_child(s, 0);
        b->nodes.items[id].head = span_of(items);
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
                add_clause(b, AS_OUTLINE_FINALLY, k, (TSNode){0}, ts_node_named_child(k, 0), id, depth);
        }
    } else if (strcmp(type, "match_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_MATCH, s, parent);
        b->nodes.items[id].head = span_of(field(s, "subject"));
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
    } else if (strcmp(type, "raise_statement") == 0) {
        int32_t id = add(b, AS_OUTLINE_RAISE, s, parent);
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
        add(b, AS_OUTLINE_DEF, s, parent);
    } else if (strcmp(type, "comment") != 0) {
        add(b, AS_OUTLINE_SIMPLE, s, parent);
    }
}

static void add_block(struct builder *b, TSNode block, int32_t clause, int depth)
{
    uint32_t n = ts_node_named_child_count(block);
    for (uint32_t i = 0; i < n; i++) add_statement(b, ts_node_named_child(block, i), clause, depth);
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

void as_outline_build(struct as_outline *out, struct as_arena *arena, const struct as_facts *facts,
                   const struct TSTree *tree, const char *src)
{
    memset(out, 0, sizeof(*out));
    struct builder b;
    memset(&b, 0, sizeof(b));
    b.arena = arena;
    b.src = src;
    TSNode root = ts_tree_root_node(tree);
    out->body_of_scope = as_arena_alloc(arena, (facts->n_scopes ? facts->n_scopes : 1) * sizeof(int32_t));
    for (size_t i = 0; i < facts->n_scopes; i++) {
        const struct as_scope *sc = &facts->scopes[i];
        out->body_of_scope[i] = -1;
        if (sc->kind != AS_SCOPE_FUNCTION || !sc->is_async || sc->body.end <= sc->body.start) continue;
        TSNode block = body_block(root, sc->body);
        if (ts_node_is_null(block)) continue;
        out->body_of_scope[i] = add(&b, AS_OUTLINE_BODY, block, -1);
        add_block(&b, block, out->body_of_scope[i], 1);
    }
    out->n_nodes = b.nodes.len;
    out->nodes = as_arena_alloc(arena, (b.nodes.len ? b.nodes.len : 1) * sizeof(struct as_outline_node));
    if (b.nodes.len) memcpy(out->nodes, b.nodes.items, b.nodes.len * sizeof(struct as_outline_node));
    out->n_types = b.types.len;
    out->types = as_arena_alloc(arena, (b.types.len ? b.types.len : 1) * sizeof(struct as_span));
    if (b.types.len) memcpy(out->types, b.types.items, b.types.len * sizeof(struct as_span));
    out->truncated = b.truncated;
    vec_free(&b.nodes);
    vec_free(&b.last);
    vec_free(&b.types);
}
