/* discover.h — turns the PATH arguments into the sorted, de-duplicated list of files to analyse.
 * - A directory is walked recursively for files named *.py, *.pyi and *.ipynb (and --extension's), or what include /
 *   extend-include say (a *directory* named x.py is a directory; a FIFO or device with such a name is listed, and
 *   reading it reports "not a regular file").
 *   Directories in the default exclude set (ruff's, plus __pycache__ and build) are skipped.
 * - A file named explicitly is always analysed, whatever its name (unless force_exclude and it matches an
 *   exclude or, with respect_gitignore, git ignores it), and "-" is passed through as stdin.
 * - respect_gitignore: git's ignore rules (.gitignore files, .git/info/exclude, the global excludes file; see
 *   gitignore.h) apply in walks; ignored directories are not entered. A directory root is walked with the same
 *   rules, so a root git ignores yields nothing; outside a git work tree nothing is ignored.
 * - Symlinks: followed, but each directory is entered once (by device+inode), so loops never hang; dangling
 *   links and unreadable entries are reported through the error callback and skipped.
 * - Output paths keep the spelling of the argument they came from ("src/" + "a.py" -> "src/a.py"; "./x" stays
 *   "./x"); the list is sorted byte-wise and de-duplicated. */
#ifndef AS_DISCOVER_H
#define AS_DISCOVER_H
#include <stdbool.h>
#include <stddef.h>

/* A directory the walk listed, spelled as the paths of its files spell it (no trailing '/'). Settings use the
 * listing instead of asking the file system again for each directory (settings.c). */
struct as_listed_dir {
    char *path;
    bool plain;          /* reached as a directory entry of type directory: no symbolic link */
    bool config_names;   /* holds an entry named like a configuration file, in any case (as_config_file_name) */
};

struct as_path_list {
    char **paths;   /* heap strings, owned by the list */
    size_t n, cap;
    struct as_listed_dir *dirs;   /* every directory walked, in walk order; owned by the list */
    size_t n_dirs, cap_dirs;
    /* With respect_gitignore: every file git's rules in the walks came from, found or not (gitignore.h's
     * as_gitignore_sources): with the directories' status, what the listing depends on. Owned by the list. */
    char **watch;
    size_t n_watch, cap_watch;
};

/* Called once per problem ("path", "reason"); discovery goes on afterwards. */
typedef void (*as_discover_error_fn)(void *ud, const char *path, const char *reason);

struct as_discover_opts {
    const char *const *exclude;    /* extra directory/file names (exact basename match or fnmatch glob) */
    size_t n_exclude;
    bool no_default_excludes;      /* do not apply the built-in default excludes */
    bool force_exclude;            /* apply excludes (and .gitignore) to explicitly named files too */
    bool respect_gitignore;        /* skip what git ignores (ruff's respect-gitignore; the CLI's default) */
    const char *const *extensions; /* more file extensions (without the dot) walked as Python (--extension) */
    size_t n_extensions;
    /* The files a walk lists (ruff's include / extend-include): globs, one without `/` matched against the file
     * name, one with `/` against the path below the root (where `*` crosses directories, so `**` works). No
     * include: *.py, *.pyi, *.ipynb. A *.toml match is never listed (ruff's default include names pyproject.toml,
     * which is not Python). */
    const char *const *include; size_t n_include;
    const char *const *extend_include; size_t n_extend_include;
    as_discover_error_fn on_error;
    void *ud;
};

/* The built-in excluded directory names, NULL-terminated. */
extern const char *const as_default_excludes[];

/* Expands roots into out (initialised by the caller to {0}). Returns the number of errors reported. */
size_t as_discover(const char *const *roots, size_t n_roots, const struct as_discover_opts *opts,
                   struct as_path_list *out);
void as_path_list_release(struct as_path_list *self);
/* True when `path` (a file named explicitly, or an editor buffer's --stdin-filename) is excluded by opts: its
 * basename or any of its directories matches an exclude (default or user), or, with respect_gitignore, git
 * ignores it. */
bool as_discover_is_excluded(const struct as_discover_opts *opts, const char *path);

#endif
