/* outline.h — the statement outline of every `async def` body (and, on request, of every `def`, class and the
 * module): a tree of statements and clauses with byte ranges,
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
    AS_OUTLINE_BARE_PATTERN = 32,   /* a `case` whose pattern is a bare name or `_`, with or without a guard */
};

/* What a node evaluates itself, in evaluation order (a statement's expressions; a compound statement's or
 * clause's head: condition, iterable, items, subject, pattern and guard, exception types). Only what the
 * checkpoint model (checkpoints.h) needs: checkpoints, yields, `x.start_soon(...)` calls and the expression
 * branches between them. Nested defs, lambdas and what a comprehension may not run are left out. */
enum as_outline_event_kind {
    AS_EVENT_CHECKPOINT,   /* an `await` (after its operand), or the first `async for` of a comprehension */
    AS_EVENT_YIELD,        /* a `yield` (after its operand); span: the yield */
    AS_EVENT_START_SOON,   /* `name.start_soon(...)`; span: the name */
    AS_EVENT_BRANCH,       /* what follows may not run: the right operand of and/or, the arms of `a if c else b` */
    AS_EVENT_OR_ELSE,      /* the other arm of a conditional expression starts */
    AS_EVENT_JOIN,         /* the branch ends: either arm, or none, ran */
};

struct as_outline_event {
    enum as_outline_event_kind kind;
    struct as_span span;
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
    uint32_t first_event, n_events;   /* what the node evaluates itself, in as_outline.events */
};

struct as_outline {
    struct as_outline_node *nodes;  size_t n_nodes;
    struct as_span *types;       size_t n_types;
    struct as_outline_event *events; size_t n_events;
    int32_t *body_of_scope;      /* per facts scope: its BODY node for an `async def`, else -1 */
    /* Built only with AS_OUTLINE_EVERY_FUNCTION (for rules that look at handlers in any code): per facts scope,
     * the BODY node of a plain `def` or a class (else -1), and the module's top-level statements as a BODY
     * node (else -1).
     * Their nodes and events follow those of every async function, so rules that read body_of_scope alone
     * never meet them. */
    int32_t *body_of_sync_scope; /* NULL when not built */
    int32_t module_body;
    bool truncated;              /* statements nested deeper than the limit were left out (hostile input) */
};

/* Which bodies an outline covers: the async functions (what the checkpoint, await and task-group rules read),
 * or also every plain function and the module's top level (ASYNC103/104 look at handlers anywhere). */
enum as_outline_reach { AS_OUTLINE_NONE, AS_OUTLINE_ASYNC_FUNCTIONS, AS_OUTLINE_EVERY_FUNCTION };

/* Builds the outline of every async function of `facts` from `tree` (parsed from src), and with
 * AS_OUTLINE_EVERY_FUNCTION that of every plain function and of the module too. Arena. */
void as_outline_build(struct as_outline *out, struct as_arena *arena, const struct as_facts *facts,
                   const struct TSTree *tree, const char *src, enum as_outline_reach reach);

/* The end (exclusive) of the events of the body rooted at `root`: where the next body's start. */
uint32_t as_outline_events_end(const struct as_outline *out, int32_t root);

#endif
