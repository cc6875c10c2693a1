/* nesting.h — the nesting guard: how deep a parse tree goes, measured before any query runs on it.
 *
 * Query runs cost time quadratic in the nesting depth (70,000 nested calls: ~66 s), and CPython refuses to
 * compile source nested far less deeply (docs/security.md has its limits, measured), so a tree deeper than
 * AS_MAX_NESTING levels is not analysed: the file gets one error naming the line where the limit is crossed. */
#ifndef ASYNCSCAN_ANALYSIS_NESTING_H
#define ASYNCSCAN_ANALYSIS_NESTING_H

#include <stdbool.h>
#include <stdint.h>

struct TSTree;

/* Levels of the parse tree (its visible nodes; the module is level 1). The deepest trees of code CPython 3.11
 * compiles go to ~3,000 levels (docs/security.md); this leaves a margin for other versions of Python. */
#define AS_MAX_NESTING 4000u

/* True when some node of `tree` lies deeper than `limit` levels; *offset is then the start byte of the first
 * such node in document order. Walks only the subtrees large enough to be that deep (their descendant count,
 * which tree-sitter keeps, bounds their depth), so an ordinary file costs a walk of its few largest nodes. */
bool as_tree_nested_deeper_than(const struct TSTree *tree, uint32_t limit, uint32_t *offset);

#endif
