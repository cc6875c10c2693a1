/* checkpoints.h — the checkpoint model of async functions: which paths through a function reach a `return`, a
 * `yield` or its end without passing a checkpoint (`await`, `async for`, `async with`) since it started or since
 * its previous `yield`; which loops may repeat forever without one; which cancel scopes have a checkpoint on some
 * path but not on all. Computed once per file from the statement outline and its events (outline.h) by one
 * walk per function that carries the set of "places not yet followed by a checkpoint" (flake8-async's
 * semantics for ASYNC910-913; docs/architecture.md, "The checkpoint model"). Rules read the results. */
#ifndef AS_CHECKPOINTS_H
#define AS_CHECKPOINTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/outline.h"

enum as_cp_exit_kind { AS_CP_EXIT, AS_CP_RETURN, AS_CP_YIELD };

/* A function with more expression events and `with` items than this many 64-bit words hold (16,384: a function
 * of thousands of lines) is not walked: each set operation costs one pass over the words. */
#define AS_CHECKPOINTS_MAX_WORDS 256

/* A way out of the function (its end, a return, a yield) that a path reaches from `since` with no checkpoint. */
struct as_cp_exit {
    int32_t fn;                 /* facts scope of the async function */
    enum as_cp_exit_kind kind;
    struct as_span at;          /* EXIT: `async def name`; RETURN: the statement; YIELD: the yield */
    bool since_yield;           /* the path starts at a yield (since_pos), else at the function's start */
    uint32_t since_pos;
    bool generator;             /* a yield came before, in source order (ASYNC911), else ASYNC910 */
};

/* A cancel scope (`with trio.move_on_after(...)`, ...) with a checkpoint on some path but not on all. */
struct as_cp_scope {
    int32_t fn;
    struct as_span item;        /* the item's call */
};

/* A `while True:` (no `break`) with a path through its body that does not checkpoint. */
struct as_cp_loop {
    int32_t fn;
    int32_t node;               /* outline node of the loop */
    struct as_span at;          /* `while <condition>` */
};

/* flake8-async's options of the checkpoint rules (configuration keys of the same names), fnmatch globs matched
 * against a name as written and as resolved: decorators exempting a function from ASYNC910/911/913 (and 124),
 * and context managers that may swallow exceptions (like contextlib.suppress: their body may stop anywhere). */
struct as_checkpoint_options {
    char **no_checkpoint_decorators; size_t n_no_checkpoint_decorators;
    char **suppressing_managers; size_t n_suppressing_managers;
};

/* Whether one of the globs matches `written` or `qualified` (either may be NULL); a leading `@` is ignored. */
bool as_checkpoint_glob_any(char *const *globs, size_t n, const char *written, const char *qualified);

struct as_checkpoints {
    struct as_cp_exit *exits;   size_t n_exits;
    struct as_cp_scope *scopes; size_t n_scopes;
    struct as_cp_loop *loops;   size_t n_loops;
};

/* Walks every async function of `outline`. callee_names (facts order) classify the `with` items: cancel
 * scopes, nurseries / task groups and exception-suppressing context managers (contextlib.suppress and the
 * options' globs; opt may be NULL). Arena. */
void as_checkpoints_build(struct as_checkpoints *out, struct as_arena *arena, const struct as_outline *outline,
                          const struct as_facts *facts, const char *src, const char *const *callee_names,
                          const struct as_checkpoint_options *opt);

#endif
