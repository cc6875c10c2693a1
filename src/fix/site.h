/* site.h — internal to src/fix: one parsed text (tree-sitter tree, line table, module-level imports, where a
 * new import goes) and the plan of one fix on it (byte edits, imports to add). What fixes.c reads to make a
 * plan, and what engine.c applies. */
#ifndef AS_FIX_SITE_H
#define AS_FIX_SITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <tree_sitter/api.h>

#include "util/diag.h"

/* A name bound by a module-level import: `import a.b as c` binds c to a.b; `import a.b` binds a to a;
 * `from m import n as k` binds k to m.n. */
struct as_fix_binding {
    char *name, *target;
    bool is_module;   /* an `import` statement (the name is the module itself) */
};

struct as_fix_site {
    const char *text;
    size_t len;
    TSParser *parser;
    TSTree *tree;
    uint32_t *line_starts;
    size_t n_lines;
    const char *newline;              /* the first line ending of the text ("\n" when none) */
    struct as_fix_binding *bindings;  /* module-level imports (inside if/try too) */
    size_t n_bindings;
    const char *module;               /* the file's dotted module name, or NULL */
    uint32_t import_at;               /* where `import x` lines go: after the last top-level import */
    bool import_needs_newline;        /* import_at is the end of a text without a final line ending */
    bool top_level_await;             /* a notebook: IPython awaits at a cell's top level */
};

#define AS_FIX_MAX_EDITS 3
struct as_fix_plan {
    enum as_fix_applicability applicability;
    char message[200];
    struct { uint32_t start, end; char *content; } edits[AS_FIX_MAX_EDITS];   /* sorted, disjoint */
    size_t n_edits;
    const char *imports[2];           /* modules to `import` (static names) */
    size_t n_imports;
    uint32_t span_start, span_end;    /* the call: other findings in it may go with the fix */
    bool one_per_span;                /* no other such plan whose span meets this one's in the same pass */
};

/* The plan of finding d's fix on site (fixes.c): false when its rule has no fix, or none at that site. */
bool as_fix_make_plan(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan);

/* The checkpoint rules' fix (insert_checkpoint.c): a line `await <lib>.lowlevel.checkpoint()` for finding d. */
bool as_fix_insert_checkpoint(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan);
/* ASYNC100's fix (remove_timeout.c): the `with` of a timeout whose body never checkpoints goes. */
bool as_fix_remove_timeout(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan);
/* Parses text (NUL-terminated at len), the module `module` (may be NULL). False when it cannot be parsed. */
bool as_fix_site_open(struct as_fix_site *site, const char *text, size_t len, const char *module);
void as_fix_site_close(struct as_fix_site *site);
/* Moves where `import x` lines go to ruff's place for a use at offset `at` (what a notebook needs: its cells run
 * in order): after the last top-level import that starts before `at`, else at the top (after the docstring and
 * `from __future__` imports). */
void as_fix_site_import_before(struct as_fix_site *site, uint32_t at);
void as_fix_plan_release(struct as_fix_plan *plan);

/* Byte offset of 1-based line / code-point column; and back. */
uint32_t as_fix_site_offset(const struct as_fix_site *site, uint32_t line, uint32_t col);
void as_fix_site_position(const struct as_fix_site *site, uint32_t offset, uint32_t *line, uint32_t *col);

/* The call a finding points at: the innermost `call` starting at the finding's start whose whole span or
 * callee ends at the finding's end. False when there is none. */
bool as_fix_site_call(const struct as_fix_site *site, const struct as_diag *d, TSNode *call);

/* The module a module-level name is bound to by an import, or NULL. */
const struct as_fix_binding *as_fix_site_binding(const struct as_fix_site *site, const char *name, size_t len);
/* Whether the file imports `module` (or a submodule of it) at module level, in any form, or is part of it. */
bool as_fix_site_imports(const struct as_fix_site *site, const char *module);
/* How to spell module `module` in the file: its module-level `import` name (an alias too), or `module`
 * itself with *add set when an `import module` line must be added. False when the name is taken by
 * something else. */
bool as_fix_site_spell_module(const struct as_fix_site *site, const char *module, const char **spelling, bool *add);

/* Whether `await` may be written at node n: the innermost scope is an `async def` body, with no lambda,
 * class body, sync def or comprehension in between; or, in a notebook, the module's top level (IPython runs a
 * cell that awaits there in its event loop). */
bool as_fix_site_can_await(const struct as_fix_site *site, TSNode n);
/* Whether `await` placed before n would bind to more than n (n is the object of an attribute, subscript or
 * call): then it needs parentheses. */
bool as_fix_site_await_needs_parens(TSNode n);
/* Whether call is a whole expression statement, or the whole value of an assignment. */
bool as_fix_site_is_statement_or_value(TSNode call);
/* Whether node n holds a comment. */
bool as_fix_site_has_comment(TSNode n);

#endif
