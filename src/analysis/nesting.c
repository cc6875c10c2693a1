/* nesting.c — the nesting guard (nesting.h): an iterative walk with a tree cursor, so measuring a deep tree
 * takes no stack, that skips every subtree whose node count cannot reach the limit.
 *
 * Levels are counted as CPython nests its syntax tree: `a or b or c` is one flat BoolOp there (CPython compiles
 * chains of any length) but a left-leaning chain of boolean_operator nodes in tree-sitter's tree, so a
 * boolean_operator right under another is not a level of its own. */
#include "analysis/nesting.h"

#include <tree_sitter/api.h>

#include "util/vec.h"

/* The cursor's path from the root: each node's symbol, and how many of them are levels. */
struct path {
    VEC(TSSymbol) symbols;
    uint32_t levels;
    TSSymbol flat;   /* boolean_operator */
};

/* whether the node at position i of the path is a level of its own */
static uint32_t is_level(const struct path *p, size_t i)
{
    return !(i > 0 && p->symbols.items[i] == p->flat && p->symbols.items[i - 1] == p->flat);
}

static void enter(struct path *p, TSSymbol s)
{
    vec_push(&p->symbols, s);
    p->levels += is_level(p, p->symbols.len - 1);
}

static void leave(struct path *p)
{
    p->levels -= is_level(p, p->symbols.len - 1);
    p->symbols.len--;
}

bool as_tree_nested_deeper_than(const struct TSTree *tree, uint32_t limit, uint32_t *offset)
{
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_descendant_count(root) <= limit) return false;   /* even a chain of all its nodes fits */
    static const char bool_op[] = "boolean_operator";
    struct path p = {.flat = ts_language_symbol_for_name(ts_tree_language(tree), bool_op, sizeof(bool_op) - 1, true)};
    enter(&p, ts_node_symbol(root));
    TSTreeCursor cur = ts_tree_cursor_new(root);
    bool deeper = false;
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        if (p.levels > limit) {
            *offset = ts_node_start_byte(n);
            deeper = true;
            break;
        }
        /* a node with k nodes in its subtree (itself included) reaches at most k - 1 levels below its own */
        if (ts_node_descendant_count(n) - 1 > limit - p.levels && ts_tree_cursor_goto_first_child(&cur)) {
            enter(&p, ts_node_symbol(ts_tree_cursor_current_node(&cur)));
            continue;
        }
        while (p.symbols.len && !ts_tree_cursor_goto_next_sibling(&cur)) {
            leave(&p);
            if (!ts_tree_cursor_goto_parent(&cur)) p.symbols.len = 0;   /* back at the root: the walk is over */
        }
        if (!p.symbols.len) break;
        leave(&p);
        enter(&p, ts_node_symbol(ts_tree_cursor_current_node(&cur)));
    }
    ts_tree_cursor_delete(&cur);
    vec_free(&p.symbols);
    return deeper;
}
