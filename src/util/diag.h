/* diag.h — what the engine hands to reporters: one finding (struct as_diag) and the results of one analysed
 * file (struct as_file_result). Positions are final here: 1-based lines, 1-based columns counted in Unicode code
 * points, end exclusive (ruff's convention). Reporters never compute positions or touch the parse tree.
 * Everything a result points to lives in its arena and is freed by as_file_result_release. */
#ifndef AS_DIAG_H
#define AS_DIAG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* One hop of an explanation chain ("fetch_user() -> _load() -> requests.get"). */
struct as_chain_step {
    const char *label;     /* e.g. "requests.get" or "_load()" */
    const char *path;      /* display path of the hop's location */
    uint32_t line, col;    /* 1-based */
    uint32_t cell;         /* a hop in the finding's own notebook, after as_file_result_to_cells: its cell; else 0 */
};

/* A fix, as ruff's JSON shows it: edits in final positions (1-based line, code-point column, end exclusive). */
enum as_fix_applicability {
    AS_FIX_DISPLAY_ONLY = 1,   /* a suggestion: never applied */
    AS_FIX_UNSAFE = 2,         /* applied with --unsafe-fixes */
    AS_FIX_SAFE = 3,           /* applied with --fix */
};
struct as_fix_edit {
    const char *content;
    uint32_t line, col, end_line, end_col;
};
struct as_fix {
    enum as_fix_applicability applicability;
    const char *message;
    struct as_fix_edit *edits;
    size_t n_edits;
};

struct as_diag {
    const char *code;      /* "ASYNC251"; static (rule table) */
    const char *name;      /* kebab rule name, "blocking-sleep"; static */
    const char *message;   /* arena */
    const char *help;      /* arena or NULL: what to do instead */
    const char *url;       /* static or NULL */
    uint32_t line, col;            /* start, 1-based, col in code points */
    uint32_t end_line, end_col;    /* exclusive end */
    uint32_t noqa_line;            /* where a `# noqa` for it belongs (first line of the statement) */
    /* A notebook's finding, once as_file_result_to_cells has run: the raw 1-based cell index, with line,
     * end_line and noqa_line counted within that cell (ruff's convention). 0 otherwise: the lines are those
     * of the analysed text (for a notebook, its code cells joined). */
    uint32_t cell;
    struct as_chain_step *chain;   /* arena; NULL when there is no chain */
    size_t n_chain;
    const struct as_fix *fix;      /* arena or NULL: set just before reporting (fix/fix.h) */
    const char *root_code;         /* through helpers: the rule of the blocking call the chain ends in (its last
                                    * step: the root, the one place to act), or NULL; arena */
    bool joined;                   /* made by the project pass under a rule of the file's own (a call typed
                                    * through another module's annotated return: project/project.c) */
};

/* The root of a finding through helpers (the blocking call its chain ends in), or NULL. */
static inline const struct as_chain_step *as_diag_root(const struct as_diag *d)
{
    return d->root_code && d->n_chain ? &d->chain[d->n_chain - 1] : NULL;
}

/* A call made by a function, by qualified name. */
struct as_call_site {
    const char *callee;    /* "time.sleep", "pkg.db.load", "pkg.svc.Service.load" */
    const char *code;      /* for blocking calls: the rule that matched ("ASYNC251"); NULL otherwise */
    uint32_t line, col;
    uint32_t end_line, end_col;   /* end of the callee expression (exclusive) */
    uint32_t flags;        /* AS_SITE_* */
    const char *guard;     /* the parameters one of which must be truthy for it to run (guards.h), or NULL */
    const char *shape;     /* calls: how the arguments are passed (as_call_shape); NULL for blocking sites */
    const char *noqa;      /* calls: the codes a `# noqa` on its line names (rule codes, comma-separated), "*" for
                            * a blanket one, NULL for none: the project pass's typed findings honour it */
};

enum {
    AS_SITE_AWAITED = 1u << 0,       /* directly under `await` */
    AS_SITE_DROPPED = 1u << 1,       /* its value is thrown away (a whole statement, or an unread name) */
    AS_SITE_NOQA_HELPER = 1u << 2,   /* a `# noqa` on its line suppresses the blocking-through-helper rule */
    AS_SITE_NOQA_COROUTINE = 1u << 3,/* ... suppresses the project coroutine-never-awaited rule */
    AS_SITE_TYPE_DEPENDENT = 1u << 4,/* in a branch of `if [not] isinstance(...)`: runs for some argument types */
    AS_SITE_NOQA_MAYBE = 1u << 5,    /* ... suppresses the may-block-through-helper rule */
};

/* Where a notebook's code cell starts in the analysed text (its cells joined): the 1-based line, and the cell's
 * raw 1-based index among all the notebook's cells. */
struct as_cell_start {
    uint32_t line;
    uint32_t cell;
};

/* A class of the file, for method lookup through bases in the project-wide pass. */
struct as_class_summary {
    const char *qname;     /* "<module>.<Class>" */
    const char **bases;    /* qualified names of the bases that resolve (others are left out) */
    size_t n_bases;
};

/* A module-level name bound by an import (`from .db import load` -> "load" = "pkg.db.load"): how a package's
 * __init__.py re-exports. */
struct as_alias {
    const char *name;
    const char *target;
};

/* What one function does, for the project-wide pass (a sync helper that blocks, called from async code in
 * another module): the calls it makes and which of them block, whatever the function's own context. */
struct as_function_summary {
    const char *qname;     /* "<module>.<Class>.<name>" */
    bool is_async;
    bool is_decorated;     /* has a decorator other than staticmethod/classmethod (it may change what a call returns) */
    bool is_generator;     /* contains `yield`: a call makes a generator, not a coroutine */
    bool is_offloaded;     /* decorated to run in a worker thread (engine's offload list): blocks no caller */
    bool is_property;      /* decorated @property / @cached_property: `obj.name` is its result */
    const char *returns;   /* its return annotation as an instance ("pathlib.Path()"), or NULL: the project pass
                            * types calls of it made in other modules (as the file's own are, analysis/model.c) */
    uint32_t line, col;    /* of the name in the def */
    struct as_call_site *calls;     size_t n_calls;      /* calls with a known qualified name */
    struct as_call_site *blocking;  size_t n_blocking;   /* calls matching a blocking rule, even in sync code */
};

struct as_file_result {
    const char *path;      /* display path (as discovered / relative to cwd when under it); arena */
    const char *error;     /* one-line per-file error ("invalid UTF-8 at line 3"), or NULL; arena */
    uint32_t error_cell;   /* a notebook's syntax error: the raw 1-based index of its (first) cell; else 0 */
    struct as_diag *diags; /* sorted by (line, col, code, message); arena */
    size_t n_diags;
    /* Decoded UTF-8 source and its line table, for reporters that show the offending line (full). */
    const char *text;      /* arena, NUL-terminated; NULL if the file could not be read/decoded */
    size_t text_len;
    const uint32_t *line_starts; /* arena; byte offset of each line's first byte */
    size_t n_lines;
    const char *module;    /* dotted module name the file was analysed as */
    struct as_function_summary *functions;   /* every def in the file, in source order; arena */
    size_t n_functions;
    struct as_class_summary *classes;        /* every class, in source order; arena */
    size_t n_classes;
    struct as_alias *aliases;                /* module-level imports; arena */
    size_t n_aliases;
    const struct as_cell_start *cells;       /* a notebook's code cells, by line; arena; NULL for a .py file */
    size_t n_cells;
    bool parsed;           /* analysed (or loaded from the cache) rather than left out by the pre-parse skip */
    struct as_arena arena;
};

void as_file_result_init(struct as_file_result *self);
void as_file_result_release(struct as_file_result *self);
/* The text of 1-based `line` without its line terminator; "" when out of range. */
const char *as_file_result_line(const struct as_file_result *self, uint32_t line, size_t *len);
/* The text of the line a finding starts on, whether its lines are those of the text or of a notebook cell. */
const char *as_diag_source_line(const struct as_file_result *self, const struct as_diag *d, size_t *len);
/* A notebook's findings from lines of the joined text to (cell, line within the cell): what every reporter
 * shows. Idempotent; nothing for a file that is not a notebook. */
void as_file_result_to_cells(struct as_file_result *self);
/* Sorts diags canonically: line, col, code, message. */
void as_diags_sort(struct as_diag *diags, size_t n);

#endif
