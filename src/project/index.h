/* index.h — the project index: what a long-lived process (a language server) keeps in memory between edits to
 * give one file its cross-module findings (ASC108, ASC109) as a whole-project run would.
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

#endif
