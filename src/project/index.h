/* index.h — the project index: what a long-lived process (a language server) keeps in memory between edits to
 * give one file its cross-module findings (ASC108, ASC109) as a whole-project run would. The CLI joins files
 * named alone through it too (cli/run.c's join_named: one index for the run, the named files joined at once
 * with as_index_join, each round of helper modules analysed in parallel through as_index_set_analyse_many), so
 * the command line and the server give a file the same findings by construction.
 *
 * It holds the project's files in output order (display paths and the paths their module names come from:
 * project/scope.h gives both) and, per file, the function summaries of its last analysis (struct
 * as_file_result's functions, classes and import aliases, copied: no source text). A summary depends only on
 * its file's text and path, never on another file, so
 *   - an edit or a save invalidates exactly that file's summary (as_index_invalidate, or as_index_put with the
 *     new analysis of an unsaved buffer);
 *   - an added, removed or renamed file is a new list (as_index_set_files): files still listed under the same
 *     module path keep their summaries, the others' are dropped;
 *   - nothing joined is kept: each query joins, from the target's async functions, only the summaries the
 *     searches reach (as the CLI does for named files), asking the caller to analyse each module it needs and
 *     has no summary for (from disk, or through the result cache: run.c's analyse_file does both).
 * One query costs declaring every listed file's module name (a pass over the list), a search over the reached
 * modules, and the analysis of those edited since the last query.
 * Not thread-safe: one thread at a time (the server's). */
#ifndef AS_PROJECT_INDEX_H
#define AS_PROJECT_INDEX_H
#include <stdbool.h>
#include <stddef.h>

#include "pipeline/engine.h"
#include "project/project.h"

struct as_index;

/* Analyses file `path` (display path; `module_path` is the name the analysis must be given) with the pre-parse
 * skip off into res (initialised by the index; released by it after copying the summaries). */
typedef void (*as_index_analyse_fn)(void *ud, const char *path, const char *module_path, struct as_file_result *res);

/* NULL when no project-wide rule of engine is enabled. engine must outlive the index. */
struct as_index *as_index_new(const struct as_engine *engine, unsigned max_chain, as_index_analyse_fn analyse,
                              void *ud);
void as_index_free(struct as_index *self);

/* The project's files, in output order: paths[i] shown, module_paths[i] named (copied). Summaries of files
 * listed before under the same module path are kept. */
void as_index_set_files(struct as_index *self, const char *const *paths, const char *const *module_paths, size_t n);
/* Forgets file path's summaries (it changed on disk); the next query that needs it has it analysed again. */
void as_index_invalidate(struct as_index *self, const char *path);
/* Takes the summaries of res (an analysis of path's current text, e.g. an unsaved buffer; copied). False when
 * path is not one of the files. */
bool as_index_put(struct as_index *self, const char *path, const struct as_file_result *res);
/* Adds the project-wide findings of file `path` to res (its own analysis, skip on or off, which is put into
 * the index first) and re-sorts them. False when path is not one of the files (res is left as it was). */
bool as_index_findings(struct as_index *self, const char *path, struct as_file_result *res);
/* Files with summaries in memory (for tests). */
size_t as_index_summaries(const struct as_index *self);

/* ---- for a run over several files at once (the CLI's files named alone) ------------------------------- */

/* Analyses the n files paths[k] (module_paths[k]: the names their analysis must be given) with the skip off
 * into res[k] (initialised by the index; released by it after copying the summaries). Set (with the ud of
 * as_index_new), a query hands each on-demand round's files to it at once, so a caller with workers analyses
 * them in parallel, instead of to the one-file callback one at a time. */
typedef void (*as_index_analyse_many_fn)(void *ud, const char *const *paths, const char *const *module_paths,
                                         size_t n, struct as_file_result *res);
void as_index_set_analyse_many(struct as_index *self, as_index_analyse_many_fn fn);
/* Adds the project-wide findings of each file paths[k] to res[k] and re-sorts them, in one join searched from
 * all of them (what a run over files named alone together needs: each gets the findings a whole-project run
 * gives it). Their summaries are those in the index (as_index_put them first; one without is analysed if a
 * search needs it); of res[k] only the findings are read. Files that are not in the index are left as they
 * were; returns how many were joined. */
size_t as_index_join(struct as_index *self, const char *const *paths, struct as_file_result *const *res, size_t n);
/* What the queries so far declared, parsed and analysed on demand (struct as_project_counts), added to *sum. */
void as_index_count(const struct as_index *self, struct as_project_counts *sum);

#endif
