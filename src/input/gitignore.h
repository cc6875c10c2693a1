/* gitignore.h — answers "does git ignore this path?" for file discovery, through libgit2.
 * - Owns libgit2's lifetime for one discovery (git_libgit2_init in as_gitignore_new, git_libgit2_shutdown in
 *   as_gitignore_free; both are reference-counted, so nested or repeated contexts are fine) and every
 *   repository it opens, cached per work tree root so a walk over many files opens each repository once.
 * - Rules are git's: .gitignore files in the work tree (nested ones too), .git/info/exclude and the global
 *   excludes file (core.excludesFile, else $XDG_CONFIG_HOME/git/ignore or ~/.config/git/ignore). Tracked
 *   files are not special: like `git check-ignore --no-index` (and ruff), only the rules count.
 * - A path outside any git work tree (or in a bare repository) is never ignored. A nested repository (a
 *   directory with its own .git) follows its own rules, not the enclosing repository's.
 * - Known libgit2 (1.5) divergence from git: a negation without wildcards that negates no rule of its own
 *   file is dropped, so a literal `!keep.py` in a deeper .gitignore cannot re-include what a parent .gitignore
 *   ignores (`!keep*.py` can). Negations within one file behave as in git.
 * - Fast in a walk: libgit2 stats every ignore file that could apply on each question (~12 stats a file), so
 *   a directory the walk found not ignored keeps the last path components of the rules in effect in it, and an
 *   entry whose name none of them can match (fnmatch, any case) is answered "not ignored" without libgit2; a
 *   rule the screen cannot reason about (brackets, escapes, a last component `**`) sends every entry to libgit2.
 * - Not thread-safe: one context is used by one thread (discovery runs on the main thread). */
#ifndef AS_GITIGNORE_H
#define AS_GITIGNORE_H
#include <stdbool.h>
#include <stddef.h>

struct as_gitignore;

/* A directory resolved by as_gitignore_dir / as_gitignore_subdir (an index into the context). */
typedef long as_gitdir;
#define AS_GITDIR_NONE (-1L)   /* not in a git work tree: nothing below it is ignored */

struct as_gitignore *as_gitignore_new(void);
void as_gitignore_free(struct as_gitignore *g);

/* Resolves the directory `path` (any spelling; a walk root or the directory of an explicit file) by searching
 * upwards for its repository. AS_GITDIR_NONE when it is in no work tree; a repository that cannot be opened is
 * treated the same, with libgit2's message copied to err (err[0] stays '\0' otherwise). */
as_gitdir as_gitignore_dir(struct as_gitignore *g, const char *path, char *err, size_t errlen);

/* Resolves `name`, a subdirectory of `parent` found by a walk, at `path`: a nested repository (a `.git` entry
 * in it) starts its own rules, anything else inherits the parent's repository. Cheap: no upward search.
 * not_ignored: as_gitignore_check(parent, name, true) returned 0 (what a walk knows before it enters it), so
 * its entries can be screened by name. */
as_gitdir as_gitignore_subdir(struct as_gitignore *g, as_gitdir parent, const char *path, const char *name,
                              bool not_ignored);

/* Whether the entry `name` (a basename) of the resolved directory `dir` is ignored; is_dir selects git's
 * directory-only patterns (`build/`). Returns 1 ignored, 0 not ignored, -1 error (message in err). An entry
 * inside an ignored directory is ignored too, as in git. */
int as_gitignore_check(struct as_gitignore *g, as_gitdir dir, const char *name, bool is_dir, char *err,
                       size_t errlen);

/* Whether the resolved directory itself is ignored (a work tree root never is). 1, 0 or -1. */
int as_gitignore_dir_ignored(struct as_gitignore *g, as_gitdir dir, char *err, size_t errlen);

/* One path named explicitly (a file, a walk root, --stdin-filename): a file is checked in the repository of its
 * directory; a directory in its own (so a work tree root is never ignored, even when an enclosing repository,
 * say a dotfiles repository in $HOME, ignores it). A path that does not exist is not ignored. Returns 1, 0 or
 * -1 as as_gitignore_check. */
int as_gitignore_path(struct as_gitignore *g, const char *path, bool is_dir, char *err, size_t errlen);

/* Every file the rules answered so far came from, or would have come from had it existed: the ignore files
 * (.gitignore files, info/exclude, the global excludes file) and the git configuration files that can name one
 * (core.excludesFile). Answers stay the same while none of them changes (pipeline/listing.h relies on it). fn
 * is called once per file, absolute paths, possibly repeated. */
void as_gitignore_sources(const struct as_gitignore *g, void (*fn)(void *ud, const char *path), void *ud);

#endif
