/* config.h — configuration files, found and read the way ruff finds its own:
 *   `.asyncscan.toml`, `asyncscan.toml` (keys at the top level) or `pyproject.toml` (under [tool.asyncscan];
 *   a pyproject.toml without that table does not count), the first of them in a directory, the nearest
 *   directory walking up from the analysed file (or the current directory) winning.
 * TOML is parsed by tree-sitter-toml (a real grammar, pinned like the Python one); a malformed file or an
 * unknown key is an error naming file:line:col, with a "did you mean" hint for keys.
 * Keys: select, ignore, extend-select (lists of codes/prefixes), per-file-ignores (table: glob -> codes),
 * exclude, extend-exclude (globs relative to the config's directory), respect-gitignore, force-exclude
 * (booleans), output-format (string), jobs (integer), blocking (table: qualified name or pattern ->
 * suggested replacement; ASYNC200), rules-dirs (directories of extra *.rule files, relative to the config),
 * fix, unsafe-fixes (booleans), fixable, unfixable (lists of codes/prefixes),
 * offload-functions (qualified names: decorators that run a function in a thread, and functions that do),
 * type-heuristics (the type heuristics on: a list of as_config_type_heuristics names; both by default),
 * include, extend-include (the file globs a directory walk lists),
 * async-library ("trio" | "anyio" | "asyncio": the library the ASYNC1xx cancellation rules assume),
 * startable-in-context-manager (function names: startable functions ASYNC113 knows, ASYNC114 accepts),
 * transform-async-generator-decorators (decorators that make an async generator safe: ASYNC900),
 * no-checkpoint-warning-decorators, exception-suppress-context-managers (flake8-async's options of the checkpoint
 * rules: globs of decorators exempting a function, of context managers that may swallow exceptions). */
#ifndef AS_CONFIG_H
#define AS_CONFIG_H
#include <stdbool.h>
#include <stddef.h>

struct as_config_pair {
    char *key;      /* glob (per-file-ignores; a leading `!` negates it) or qualified name/pattern (blocking) */
    char *value;    /* comma-separated codes, or the replacement text */
    char *origin;   /* "LINE" in this file, or "PATH:LINE" (inherited through ruff's `extend`) */
};

struct as_config {
    char *path;          /* the file, as found */
    char *dir;           /* its directory ("." when none) */
    /* Selection, comma-joined like the command-line options; NULL when the key is absent. */
    char *select, *ignore, *extend_select;
    struct as_config_pair *per_file_ignores; size_t n_per_file_ignores;
    char **exclude; size_t n_exclude; bool has_exclude;
    char **extend_exclude; size_t n_extend_exclude;
    /* Which files a directory walk lists (ruff's include / extend-include; run-wide, from the root configuration):
     * include replaces the default *.py, *.pyi, *.ipynb, extend-include adds to it. */
    char **include; size_t n_include; bool has_include;
    char **extend_include; size_t n_extend_include;
    int respect_gitignore;   /* -1 absent, 0/1 */
    int force_exclude;       /* -1 absent, 0/1 */
    char *output_format;     /* NULL when absent */
    int jobs;                /* 0 when absent */
    struct as_config_pair *blocking; size_t n_blocking;
    char **rules_dirs; size_t n_rules_dirs;   /* resolved against dir */
    int fix, unsafe_fixes;   /* -1 absent, 0/1 */
    char *fixable, *unfixable;   /* comma-joined codes/prefixes; NULL when absent */
    char **offload_functions; size_t n_offload_functions;
    int type_heuristics;     /* -1 absent; else bit i set when as_config_type_heuristics[i] is listed */
    char *async_library;     /* NULL when absent (inferred per file from its imports) */
    char **startable; size_t n_startable;                 /* startable-in-context-manager (flake8-async's option) */
    char **generator_decorators; size_t n_generator_decorators;   /* transform-async-generator-decorators */
    char **no_checkpoint_decorators; size_t n_no_checkpoint_decorators;   /* globs (ASYNC910, 911, 913, 124) */
    char **suppressing_managers; size_t n_suppressing_managers;           /* globs (ASYNC910-913) */
    /* The line each key was set on (for --show-settings), by key name: "LINE" in this file, "PATH:LINE" when
     * inherited through ruff's `extend`; NULL when absent. */
    char *origin[26];
    /* ruff's configuration ([tool.ruff], ruff.toml, .ruff.toml; see as_ruff_config_load): its codes are ruff's
     * selectors, read by cli/settings.c with ruff's per-linter prefixes, other linters' codes ignored. */
    bool ruff;
    char *extend;                /* ruff: the `extend` path as read (resolved against dir); merged on load */
    bool has_per_file_ignores;   /* ruff: `per-file-ignores` itself was set (it replaces an extended base's) */
};

/* Parses `text` (the file `path`) into *out. is_pyproject: read [tool.asyncscan] only; *found tells whether
 * that table exists. Returns 0, or -1 with *err (heap) "path:line:col: message". */
int as_config_parse(struct as_config *out, const char *path, const char *text, size_t len, bool is_pyproject,
                    bool *found, char **err);
/* Reads and parses the file at `path` (any of the three names). Returns 0 / -1 with *err. */
int as_config_load(struct as_config *out, const char *path, char **err);
void as_config_release(struct as_config *self);

/* The config file that applies to directory `dir`: the first of .asyncscan.toml, asyncscan.toml,
 * pyproject.toml-with-[tool.asyncscan] in dir or the nearest ancestor. Returns a heap path or NULL. */
char *as_config_find(const char *dir);
/* The configuration file in the (absolute, canonical) directory itself, or NULL. Heap. */
char *as_config_in_dir(const char *dir);
/* Whether a directory entry named `name` could be one of the files as_config_in_dir or as_ruff_config_in_dir
 * looks for (compared in any case, so a file system that ignores case is covered). */
bool as_config_file_name(const char *name);

/* Whether `path` (as discovered) is matched by one of `globs`, relative to `base_dir` (ruff's semantics: a
 * glob with a slash matches the path relative to base_dir; one without matches any path component or the
 * file name). */
bool as_config_glob_match(const char *const *globs, size_t n, const char *base_dir, const char *path);
/* The two steps of as_config_glob_match, for matching one path against many globs: `path` relative to base_dir
 * (two realpath calls; into buf, or path itself when it is outside), then the globs against that. */
const char *as_config_relative(const char *base_dir, const char *path, char *buf, size_t buflen);
bool as_config_glob_match_relative(const char *const *globs, size_t n, const char *rel);

/* The directory part of a path ("." when none, "/" for a file at the root). Heap. */
char *as_config_dir_of(const char *path);

/* The type heuristics `type-heuristics` can list, in the order of their bits (analysis/model.h's
 * AS_HEURISTIC_*): "tmp-path", "path-division". NULL-terminated. */
extern const char *const as_config_type_heuristics[];
/* ruff's configuration, the fallback when no asyncscan configuration applies: in a directory the first of
 * .ruff.toml, ruff.toml, pyproject.toml-with-[tool.ruff] (ruff's order); as_ruff_config_find walks up like
 * as_config_find. Heap paths or NULL. */
char *as_ruff_config_in_dir(const char *dir);
/* Whether a path's file name is ruff.toml or .ruff.toml (any case). */
bool as_config_is_ruff_name(const char *path);
char *as_ruff_config_find(const char *dir);
/* Reads ruff's configuration at `path`: the keys asyncscan honours (`select`, `extend-select`, `ignore`,
 * `per-file-ignores`, `extend-per-file-ignores`, `exclude`, `extend-exclude`, `respect-gitignore`,
 * `force-exclude`; under `lint.` or, as older ruff, at the top), everything else ignored; `extend` chains are
 * followed (at most 16 deep, a cycle is an error) and merged as ruff merges them. -1 with *err "path:line:col:
 * message" on a malformed file. Sets out->ruff. */
int as_ruff_config_load(struct as_config *out, const char *path, char **err);

/* Names of the keys, for hints and --show-settings. */
extern const char *const as_config_keys[];

#endif
