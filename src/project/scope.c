/* scope.c — the named files of a run and the project they are joined with; see scope.h. Paths are compared
 * as strings: the root and the current directory without symbolic links, the named files with their
 * directories resolved, the project's files as discovery spells them under the root. */
#include "project/scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pipeline/listing.h"
#include "project/root.h"
#include "util/xalloc.h"

/* The part of absolute path `abs` below directory `dir` (abs lies within it, and is not dir itself). */
static const char *below(const char *abs, const char *dir)
{
    return strcmp(dir, "/") == 0 ? abs + 1 : abs + strlen(dir) + 1;
}

/* Display form of an absolute path: relative to cwd under it, else as it is. */
static const char *display_of(const struct as_project_scope *s, const char *abs)
{
    return as_path_within(abs, s->cwd) && strcmp(abs, s->cwd) != 0 ? below(abs, s->cwd) : abs;
}

/* The longest directory both absolute paths lie within, written over a. */
static void common_directory(char *a, const char *b)
{
    while (!as_path_within(b, a)) {
        char *slash = strrchr(a, '/');
        if (!slash || slash == a) {
            strcpy(a, "/");
            return;
        }
        *slash = '\0';
    }
}

/* The root the named files share (project_root when given): heap, or NULL. Files of different projects are
 * joined under the directory their roots share, unless that is the file system's root. */
/* Length of path's directory part, its last '/' included (0: none). */
static size_t directory_length(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

static bool same_directory(const char *a, const char *b)
{
    size_t n = directory_length(a);
    return n == directory_length(b) && strncmp(a, b, n) == 0;
}

/* The named paths made absolute into abs (as_real_file_path), each directory resolved once: named files come
 * sorted, those of one directory in a row (a pre-commit run names hundreds). False when one cannot be. */
static bool real_file_paths(const char *const *named, size_t n, char **abs)
{
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && same_directory(named[i - 1], named[i])) {
            size_t dir = directory_length(abs[i - 1]);   /* abs[i - 1] has a '/' */
            const char *base = named[i] + directory_length(named[i]);
            size_t len = dir + strlen(base) + 1;
            abs[i] = as_xmalloc(len);
            snprintf(abs[i], len, "%.*s%s", (int)dir, abs[i - 1], base);
        } else {
            abs[i] = as_real_file_path(named[i]);
        }
        if (!abs[i]) return false;
    }
    return true;
}

static char *shared_root(char *const *abs, size_t n, const char *project_root)
{
    char *root = NULL;
    if (project_root) {
        root = realpath(project_root, NULL);
        for (size_t i = 0; root && i < n; i++)
            if (!as_path_within(abs[i], root)) {
                free(root);
                root = NULL;
            }
        return root;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && same_directory(abs[i - 1], abs[i])) continue;   /* the same root */
        char *r = as_project_root_of(abs[i]);
        if (!r) {
            free(root);
            return NULL;
        }
        if (!root) root = r;
        else {
            common_directory(root, r);
            free(r);
        }
    }
    if (root && strcmp(root, "/") == 0) {
        free(root);
        root = NULL;
    }
    return root;
}

bool as_project_scope_init(struct as_project_scope *s, const char *const *named, size_t n, const char *project_root,
                   const char *cwd)
{
    memset(s, 0, sizeof(*s));
    if (n == 0) return false;
    char **abs = as_xcalloc(n, sizeof(char *));
    bool ok = real_file_paths(named, n, abs);
    char *real_cwd = ok ? realpath(cwd, NULL) : NULL;
    char *root = real_cwd ? shared_root(abs, n, project_root) : NULL;
    if (root) {
        as_arena_init(&s->arena);
        s->root = root;
        s->cwd = real_cwd;
        real_cwd = NULL;
        if (strcmp(root, s->cwd) == 0) s->root_arg = as_xstrdup(".");
        else s->root_arg = as_xstrdup(display_of(s, root));
        for (size_t i = 0; i < n; i++) {
            const char *key = as_arena_strdup(&s->arena, display_of(s, abs[i]));
            size_t had = s->targets.len;
            as_strmap_put(&s->targets, key, 0);
            s->n_targets += s->targets.len != had;
        }
    }
    for (size_t i = 0; i < n; i++) free(abs[i]);
    free(abs);
    free(real_cwd);
    return root != NULL;
}

void as_project_scope_release(struct as_project_scope *s)
{
    if (!s->root) return;
    free(s->root);
    free(s->cwd);
    free(s->root_arg);
    as_strmap_free(&s->targets);
    as_arena_release(&s->arena);
    memset(s, 0, sizeof(*s));
}

/* Rewrites discovered path p (heap) into its display form, in place. */
static void to_display(const struct as_project_scope *s, char *p)
{
    const char *d = p;
    while (d[0] == '.' && d[1] == '/' && d[2]) d += 2;
    if (d[0] == '/') d = display_of(s, d);
    if (d != p) memmove(p, d, strlen(d) + 1);
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Merges the heap strings missing[0..m) (sorted) into out's paths, each before the first path that sorts
 * after it (out's paths are in discovery order, sorted but for the spelling of their display form). */
static void merge_sorted(struct as_path_list *out, char **missing, size_t m)
{
    if (!m) return;
    char **all = as_xmalloc((out->n + m) * sizeof(char *));
    size_t i = 0, j = 0, k = 0;
    while (i < out->n || j < m)
        all[k++] = j == m || (i < out->n && strcmp(out->paths[i], missing[j]) <= 0) ? out->paths[i++] : missing[j++];
    free(out->paths);
    out->paths = all;
    out->n = out->cap = k;
}

void as_project_scope_discover(struct as_project_scope *s, const struct as_discover_opts *opts, struct as_path_list *out)
{
    as_project_scope_discover_cached(s, opts, NULL, out);
}

bool as_project_scope_discover_cached(struct as_project_scope *s, const struct as_discover_opts *opts,
                                      struct as_cache *cache, struct as_path_list *out)
{
    const char *roots[1] = {s->root_arg};
    struct as_cache_key key = {0, 0};
    bool reused = false;
    if (cache) {
        key = as_listing_key(cache, s->root_arg, s->cwd, opts);
        reused = as_listing_load(cache, key, out);
    }
    if (!reused) {
        time_t walked_at = time(NULL);
        if (as_discover(roots, 1, opts, out) == 0 && cache) as_listing_store(cache, key, s->root, out, walked_at);
    }
    /* the directories as the files are spelled (settings find them by their files' directories) */
    for (size_t i = 0; i < out->n_dirs; i++) to_display(s, out->dirs[i].path);
    struct as_strmap listed = {0};
    for (size_t i = 0; i < out->n; i++) {
        to_display(s, out->paths[i]);
        as_strmap_put(&listed, out->paths[i], 0);
    }
    char **missing = as_xmalloc((s->n_targets + 1) * sizeof(char *));
    size_t m = 0;
    for (size_t k = 0; k < s->targets.cap; k++) {
        const char *t = s->targets.hashes[k] ? s->targets.keys[k] : NULL;
        if (t && as_strmap_get(&listed, t) < 0) missing[m++] = as_xstrdup(t);
    }
    qsort(missing, m, sizeof(char *), compare_paths);
    s->unlisted = m;
    merge_sorted(out, missing, m);
    free(missing);
    as_strmap_free(&listed);
    return reused;
}

bool as_project_scope_is_target(const struct as_project_scope *s, const char *path)
{
    return as_strmap_get(&s->targets, path) >= 0;
}

const char *as_project_scope_module_path(const struct as_project_scope *s, const char *path, struct as_arena *a)
{
    const char *abs = path;
    if (path[0] != '/')
        abs = as_arena_cat(a, s->cwd, strcmp(s->cwd, "/") == 0 ? "" : "/", path, (char *)NULL);
    return as_path_within(abs, s->root) && strcmp(abs, s->root) != 0 ? below(abs, s->root) : path;
}

const char *as_project_scope_display_path(const struct as_project_scope *s, const char *named, struct as_arena *a)
{
    char *abs = as_real_file_path(named);
    if (!abs) return as_arena_strdup(a, named);
    const char *d = as_arena_strdup(a, display_of(s, abs));
    free(abs);
    return d;
}
