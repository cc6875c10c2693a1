/* outline.h — the statement outline of every `async def` body: a tree of statements and clauses with byte ranges,
 * enough to follow the paths through a function (which branch, loop, handler or `finally` a statement is in,
 * where a path leaves by return/raise/break/continue). Built once per file from the parse tree while it is
 * alive (outline.c), only when an enabled rule needs it; expressions are not in it: checkpoints and yields come
 * from the facts (facts.h) by position. See docs/architecture.md, "The statement outline". */
#ifndef AS_OUTLINE_H
#define AS_OUTLINE_H
#include <stdbool.h>
#include <stdint.h>

#include "analysis/facts.h"

struct TSTree;

enum as_outline_kind {
    /* statements */
    AS_OUTLINE_SIMPLE,      /* any other simple statement (expression, assignment, pass, ...) */
    AS_OUTLINE_RETURN,
    AS_OUTLINE_RAISE,       /* head: the raised expression ({0,0} for a bare `raise`); name: it, when a plain name */
    AS_OUTLINE_BREAK,
    AS_OUTLINE_CONTINUE,
    AS_OUTLINE_IF,          /* clauses: BODY (head: condition), ELIF*, ELSE? */
    AS_OUTLINE_WHILE,       /* clauses: BODY (head: condition), ELSE? */
    AS_OUTLINE_FOR,         /* clauses: BODY (head: the iterable), ELSE? */
    AS_OUTLINE_WITH,        /* clauses: BODY (head: the items) */
    AS_OUTLINE_TRY,         /* clauses: BODY, EXCEPT*, ELSE?, FINALLY? */
    AS_OUTLINE_MATCH,       /* clauses: CASE* (head of the match: subject) */
    AS_OUTLINE_DEF,         /* a nested def or class: opaque (its own scope) */
    /* clauses: the children are statements */
    AS_OUTLINE_BODY,        /* the body of a compound statement, or of the function itself */
    AS_OUTLINE_ELIF,        /* head: condition */
    AS_OUTLINE_ELSE,
    AS_OUTLINE_EXCEPT,      /* head: the exception expression ({0,0} when bare); types: its elements; name: `as` */
    AS_OUTLINE_FINALLY,
    AS_OUTLINE_CASE,        /* head: the pattern */
};

enum {
    AS_OUTLINE_ASYNC = 1,        /* `async for` / `async with` */
    AS_OUTLINE_ALWAYS_TRUE = 2,  /* a `while` whose condition is a true literal (True, a non-zero number) */
    AS_OUTLINE_CATCH_ALL = 4,    /* a `case` whose pattern is a bare name or `_` without a guard */
    AS_OUTLINE_STAR = 8,         /* `except*` */
    AS_OUTLINE_RUNS_ONCE = 16,   /* a `for` over a non-empty literal (list, tuple, set, dict, string, range(3)) */
};

struct as_outline_node {
    enum as_outline_kind kind;
    uint32_t flags;
    struct as_span span;      /* the whole statement or clause */
    struct as_span head;      /* see the kinds */
    const char *name;         /* see the kinds; NULL otherwise (arena) */
    uint32_t first_type, n_types;   /* EXCEPT: its exception expressions, in as_outline.types */
    int32_t first, next;      /* first child, next sibling; -1 when none */
    int32_t parent;           /* -1 for a function's body */
};

struct as_outline {
    struct as_outline_node *nodes;  size_t n_nodes;
    struct as_span *types;       size_t n_types;
    int32_t *body_of_scope;      /* per facts scope: its BODY node for an `async def`, else -1 */
    bool truncated;              /* statements nested deeper than the limit were left out (hostile input) */
};

/* Builds the outline of every async function of `facts` from `tree` (parsed from src). Arena. */
void as_outline_build(struct as_outline *out, struct as_arena *arena, const struct as_facts *facts,
                   const struct TSTree *tree, const char *src);

#endif
