/* project.h — the project-wide pass: joins the function summaries of every analysed file (struct
 * as_function_summary, computed per file and cached) to find what no single file shows:
 *   blocking-helper (ASC108): an async function calls a sync function of the project that blocks, directly or
 *     through other project functions, in this module or another one; reported at the call in the async
 *     function with the chain `load() -> _fetch() -> requests.get (api/db.py:41)`;
 *   project-coroutine (ASC109): an async function calls an `async def` of the project and throws the
 *     coroutine away;
 *   typed across modules: an async function calls a method on what a project function or property annotated in
 *     another module returns (`data_dir().mkdir()` with `def data_dir() -> Path`): reported under the rule the
 *     typed name matches (ASYNC240), its as_diag marked `joined`.
 * Names resolve the way Python would: same-module definitions, absolute imports looked up from the directories
 * enclosing the importing file (its sys.path candidates), relative imports, re-exports through a package's
 * __init__.py (`from .db import load`, `from .db import *`), methods through `self`/`cls`/instances/the class
 * name and the project's base classes, constructors through `__init__`. Files the pre-parse skip left out are
 * parsed on demand when a resolution needs them (as_project_wanted). Deterministic: results depend only on
 * the files' contents and paths, never on the order they were added in. A run joins the parts of a tree that
 * cannot import each other one batch at a time, each with a project of its own (as_project_batches). */
#ifndef AS_PROJECT_H
#define AS_PROJECT_H
#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"
#include "pipeline/engine.h"

#define AS_PROJECT_DEFAULT_MAX_CHAIN 16

struct as_project;

/* Whether a project-wide rule (ASC108, ASC109) is enabled. */
bool as_project_enabled(const struct as_engine *engine);
/* Whether finding d is one the pass makes (its rule is ASC108's, ASC109's or ASC110's, or it is `joined`). */
bool as_project_owns(const struct as_project *p, const struct as_diag *d);
/* NULL when no project-wide rule is enabled (then the run streams file by file). */
struct as_project *as_project_new(const struct as_engine *engine, unsigned max_chain);
void as_project_free(struct as_project *self);

/* Whether the name tables take each file in as it is declared and added (on the caller's thread, while its
 * other workers analyse files), rather than all at once when a search or the solve first needs them. Worth it
 * only when they will be needed: a run that may reuse the last join's findings (a warm run) never builds them.
 * Either way the tables, and so the results, are the same. Set it before the first declare. */
void as_project_map_eagerly(struct as_project *self, bool eager);
/* Declares file `file` (0..n-1, in output order) with its display path; the module name comes from the path.
 * Call for every file before as_project_add. */
void as_project_declare(struct as_project *self, size_t file, const char *path);
/* Records what the analysis of `file` found (module, summaries; copied). A result without summaries (left
 * out by the skip, or unreadable) only marks the file as seen. */
void as_project_add(struct as_project *self, size_t file, const struct as_file_result *res);
/* Files not parsed yet whose summaries a resolution from async code may need; *out (heap, caller frees) gets
 * their indices in increasing order. Parse them with the skip off, as_project_add them, and ask again until
 * it returns 0. */
size_t as_project_wanted(struct as_project *self, size_t **out);
/* While as_project_wanted searches, fn(ud, file) is called on its thread the moment the search first needs a
 * file it will return, each such file once: the caller may start analysing it then (run.c does, on another
 * thread, so that parsing overlaps the search). What the search returns is the same with or without it. */
void as_project_on_request(struct as_project *self, void (*fn)(void *ud, size_t file), void *ud);
/* Restricts the searches to the async functions of the files marked here (by default every parsed file's are
 * searched from): a run over named files joined with the rest of their project (project/scope.h) reports only
 * those files, and their findings need only what is reachable from them. Mark before the first as_project_wanted. */
void as_project_mark_root(struct as_project *self, size_t file);
/* Joins the summaries (call once, after the last add). */
void as_project_solve(struct as_project *self);
/* Appends the project-wide findings located in `file` to res->diags (in res's arena: they hold nothing of the
 * project's, which may be freed before they are read) and re-sorts them. */
void as_project_findings(const struct as_project *self, size_t file, struct as_file_result *res);

/* Splits files 0..n-1 (display paths, in output order) into consecutive batches that the pass can join one
 * at a time, each with a project of its own: no name written in one batch can resolve to a definition of
 * another (see project.c), so the findings are those of a single join of all files, and the memory is that of
 * the largest batch. A batch holds at least `min_files` files where the tree allows it (the last may hold
 * fewer); min_files 0 makes one batch. Returns the number of batches; (*ends)[k] is one past the last file of
 * batch k (heap, caller frees). */
size_t as_project_batches(const char *const *paths, size_t n, size_t min_files, size_t **ends);

/* Counts for benchmarks and tests, added to *sum (a run adds those of each batch). */
struct as_project_counts {
    size_t files, parsed, on_demand, functions, sites;
    size_t on_demand_ahead;   /* of on_demand: analysed while the search ran (run.c adds these) */
};
void as_project_count(const struct as_project *self, struct as_project_counts *sum);

#endif
