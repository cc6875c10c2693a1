/* discover.c — expands PATH arguments into the sorted, de-duplicated list of Python files; see discover.h.
 * Directories are walked with an explicit set of visited (device, inode) pairs, so symlink loops end; with
 * respect_gitignore each directory carries its resolved git directory (gitignore.h), and ignored directories
 * are pruned rather than entered. */
#include "input/discover.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "input/config.h"
#include "input/gitignore.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define MAX_DEPTH 512

const char *const as_default_excludes[] = {
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
    ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
    "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
    "__pycache__", NULL,
};

struct dev_ino {
    dev_t dev;
    ino_t ino;
    bool used;
};

struct walk {
    const struct as_discover_opts *opts;
    struct as_path_list *out;
    struct dev_ino *seen;   /* the directories entered: an open-addressing set, at most half full */
    size_t n_seen, cap_seen;
    size_t errors;
    struct as_gitignore *git;   /* NULL until needed (walk_git), and unless respect_gitignore */
    bool git_tried;
};

/* The walk's git context, made when first needed: starting libgit2 costs more than listing a small project
 * (it loads the system's certificates), and a run over named files needs none without force_exclude. */
static struct as_gitignore *walk_git(struct walk *w);

static void report(struct walk *w, const char *path, const char *reason)
{
    w->errors++;
    if (w->opts && w->opts->on_error) w->opts->on_error(w->opts->ud, path, reason);
}

static void push(struct as_path_list *l, char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->paths = as_xrealloc(l->paths, l->cap * sizeof(char *));
    }
    l->paths[l->n++] = path;
}

static void push_dir(struct as_path_list *l, const char *dir, bool plain, bool config_names)
{
    if (l->n_dirs == l->cap_dirs) {
        l->cap_dirs = l->cap_dirs ? l->cap_dirs * 2 : 64;
        l->dirs = as_xrealloc(l->dirs, l->cap_dirs * sizeof(*l->dirs));
    }
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;   /* "src/" lists the files "src/a.py": their directory is "src" */
    l->dirs[l->n_dirs++] = (struct as_listed_dir){as_xstrndup(dir, n), plain, config_names};
}

static void add_watch(void *ud, const char *path)
{
    struct as_path_list *l = ud;
    if (l->n_watch == l->cap_watch) {
        l->cap_watch = l->cap_watch ? l->cap_watch * 2 : 16;
        l->watch = as_xrealloc(l->watch, l->cap_watch * sizeof(char *));
    }
    l->watch[l->n_watch++] = as_xstrdup(path);
}

static size_t dev_ino_slot(dev_t dev, ino_t ino, size_t cap)
{
    uint64_t h = ((uint64_t)ino ^ ((uint64_t)dev << 32) ^ ((uint64_t)dev >> 32)) * 0x9E3779B97F4A7C15u;
    return (size_t)(h >> 32) & (cap - 1);
}

/* Whether the directory `st` names was entered before; records it if not. A set, not a list: a tree of 11,000
 * directories spent 15% of its discovery comparing with every directory seen. */
static bool seen_before(struct walk *w, const struct stat *st)
{
    if (2 * (w->n_seen + 1) > w->cap_seen) {
        size_t cap = w->cap_seen ? w->cap_seen * 2 : 64;
        struct dev_ino *set = as_xcalloc(cap, sizeof(*set));
        for (size_t i = 0; i < w->cap_seen; i++) {
            if (!w->seen[i].used) continue;
            size_t k = dev_ino_slot(w->seen[i].dev, w->seen[i].ino, cap);
            while (set[k].used) k = (k + 1) & (cap - 1);
            set[k] = w->seen[i];
        }
        free(w->seen);
        w->seen = set;
        w->cap_seen = cap;
    }
    size_t k = dev_ino_slot(st->st_dev, st->st_ino, w->cap_seen);
    for (; w->seen[k].used; k = (k + 1) & (w->cap_seen - 1))
        if (w->seen[k].dev == st->st_dev && w->seen[k].ino == st->st_ino) return true;
    w->seen[k] = (struct dev_ino){st->st_dev, st->st_ino, true};
    w->n_seen++;
    return false;
}

static bool has_glob(const char *s) { return strpbrk(s, "*?[") != NULL; }

/* True when `name` (a basename) or `rel` (the path relative to the walk root) is excluded. */
static bool excluded(const struct as_discover_opts *o, const char *name, const char *rel, bool walking)
{
    if (walking && (!o || !o->no_default_excludes))
        for (size_t i = 0; as_default_excludes[i]; i++)
            if (strcmp(name, as_default_excludes[i]) == 0) return true;
    if (!o) return false;
    for (size_t i = 0; i < o->n_exclude; i++) {
        const char *e = o->exclude[i];
        if (has_glob(e)) {
            if (fnmatch(e, name, 0) == 0 || (rel && fnmatch(e, rel, 0) == 0)) return true;
        } else if (strcmp(e, name) == 0) {
            return true;
        }
    }
    return false;
}

static bool python_name(const struct as_discover_opts *opts, const char *name)
{
    size_t n = strlen(name);
    if ((n > 3 && strcmp(name + n - 3, ".py") == 0) || (n > 4 && strcmp(name + n - 4, ".pyi") == 0) ||
        (n > 6 && strcmp(name + n - 6, ".ipynb") == 0))   /* ruff's default include: *.py, *.pyi, *.ipynb */
        return true;
    for (size_t i = 0; i < opts->n_extensions; i++) {
        size_t el = strlen(opts->extensions[i]);
        if (n > el + 1 && name[n - el - 1] == '.' && strcmp(name + n - el, opts->extensions[i]) == 0) return true;
    }
    return false;
}

/* Whether one of the globs matches the file; rel NULL (not known yet) counts a glob with `/` as a match. */
static bool include_hit(const char *const *globs, size_t n, const char *name, const char *rel)
{
    for (size_t i = 0; i < n; i++) {
        const char *g = globs[i];
        while (g[0] == '.' && g[1] == '/') g += 2;
        if (!strchr(g, '/') ? fnmatch(g, name, 0) == 0 : (!rel || fnmatch(g, rel, 0) == 0)) return true;
    }
    return false;
}

/* Whether a walk lists the file `name` (at `rel` below the root; NULL when not known yet): include (else the
 * default names and --extension's), then extend-include; never a *.toml. */
static bool listed_name(const struct as_discover_opts *o, const char *name, const char *rel)
{
    size_t n = strlen(name);
    if (n > 5 && strcmp(name + n - 5, ".toml") == 0) return false;
    if (o->n_include ? include_hit(o->include, o->n_include, name, rel) : python_name(o, name)) return true;
    return include_hit(o->extend_include, o->n_extend_include, name, rel);
}

static char *join(const char *dir, const char *name)
{
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, dir);
    if (b.len && b.data[b.len - 1] != '/') as_buf_putc(&b, '/');
    as_buf_puts(&b, name);
    return as_buf_detach(&b, NULL);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
/* directory entries are stored as (type byte, name): ordered by name */
static int cmp_entry(const void *a, const void *b) { return strcmp(*(char *const *)a + 1, *(char *const *)b + 1); }

/* Whether git ignores entry `name` of the directory resolved as gd: 1, 0, or -1 on an error, which is reported
 * and counts as "not ignored" (the file is analysed rather than silently dropped). */
static int git_ignored(struct walk *w, as_gitdir gd, const char *path, const char *name, bool is_dir)
{
    if (!w->git || gd == AS_GITDIR_NONE) return 0;
    char err[256];
    int rc = as_gitignore_check(w->git, gd, name, is_dir, err, sizeof(err));
    if (rc < 0) report(w, path, err);
    return rc;
}

static void walk_dir(struct walk *w, const char *dir, bool plain, size_t root_len, int depth, as_gitdir gd)
{
    if (depth > MAX_DEPTH) {
        report(w, dir, "directory nesting too deep");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        report(w, dir, strerror(errno));
        return;
    }
    /* Read all names first, then sort: output order never depends on the filesystem. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    bool config_names = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        config_names |= as_config_file_name(e->d_name);
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            names = as_xrealloc(names, cap * sizeof(char *));
        }
        /* the entry's type first (one byte), so that sorting keeps it with its name */
        size_t nl = strlen(e->d_name);
        char *entry = as_xmalloc(nl + 2);
        entry[0] = (char)e->d_type;
        memcpy(entry + 1, e->d_name, nl + 1);
        names[n++] = entry;
    }
    closedir(d);
    push_dir(w->out, dir, plain, config_names);
    if (n > 1) qsort(names, n, sizeof(char *), cmp_entry);
    for (size_t i = 0; i < n; i++) {
        unsigned char type = (unsigned char)names[i][0];
        const char *name = names[i] + 1;
        if (type == DT_REG && !listed_name(w->opts, name, NULL)) {   /* the common case needs no stat */
            free(names[i]);
            continue;
        }
        char *path = join(dir, name);
        const char *rel = strlen(path) > root_len ? path + root_len + (path[root_len] == '/') : name;
        struct stat st;
        if (type == DT_REG) {
            st.st_mode = S_IFREG;   /* a regular file is listed without a stat (reading it checks again) */
        } else if (stat(path, &st) != 0) {
            struct stat lst;
            if (errno == ELOOP) {
                /* a link loop leads to nothing: an error only where a Python file was meant, as a broken link */
                if (python_name(w->opts, name)) report(w, path, "symbolic link loop");
            } else if (errno != ENOENT || lstat(path, &lst) != 0) {
                if (errno != ENOENT) report(w, path, strerror(errno));
            } else if (S_ISLNK(lst.st_mode) && listed_name(w->opts, name, rel)) {
                report(w, path, "broken symbolic link");
            }
            free(path);
            free(names[i]);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            int ig = excluded(w->opts, name, rel, true) ? 1 : git_ignored(w, gd, path, name, true);
            if (ig != 1 && !seen_before(w, &st))
                walk_dir(w, path, type == DT_DIR, root_len, depth + 1,
                         as_gitignore_subdir(w->git, gd, path, name, ig == 0));
            free(path);
        } else if (listed_name(w->opts, name, rel) && !excluded(w->opts, name, rel, true) &&
                   git_ignored(w, gd, path, name, false) != 1) {
            /* a FIFO or device named *.py is listed too: reading refuses it with a clear error, never blocks */
            push(w->out, path);
        } else {
            free(path);
        }
        free(names[i]);
    }
    free(names);
}

static struct as_gitignore *walk_git(struct walk *w)
{
    if (w->git || w->git_tried || !w->opts || !w->opts->respect_gitignore) return w->git;
    w->git_tried = true;
    w->git = as_gitignore_new();
    if (!w->git) report(w, ".", "cannot initialise libgit2: .gitignore files are not read");
    return w->git;
}

static bool excluded_by_name(const struct as_discover_opts *o, const char *path)
{
    char *copy = as_xstrdup(path);
    bool ex = false;
    for (char *tok = strtok(copy, "/"); tok && !ex; tok = strtok(NULL, "/"))
        if (strcmp(tok, ".") != 0 && strcmp(tok, "..") != 0) ex = excluded(o, tok, path, true);
    free(copy);
    return ex;
}

/* Whether git ignores an explicitly named file (errors count as "not ignored"; reported when w is given). */
static bool file_git_ignored(struct walk *w, struct as_gitignore *git, const char *path)
{
    if (!git) return false;
    char err[256];
    int rc = as_gitignore_path(git, path, false, err, sizeof(err));
    if (rc < 0 && w) report(w, path, err);
    return rc == 1;
}

bool as_discover_is_excluded(const struct as_discover_opts *o, const char *path)
{
    if (excluded_by_name(o, path)) return true;
    if (!o || !o->respect_gitignore) return false;
    struct as_gitignore *git = as_gitignore_new();
    bool ig = file_git_ignored(NULL, git, path);
    as_gitignore_free(git);
    return ig;
}

/* Whether an explicitly named file or directory is excluded under --force-exclude (a directory git ignores
 * needs no force: the walk finds nothing in it). */
static bool force_excluded(struct walk *w, const char *path, bool is_dir)
{
    const struct as_discover_opts *o = w->opts;
    if (!o || !o->force_exclude) return false;
    return excluded_by_name(o, path) || (!is_dir && file_git_ignored(w, walk_git(w), path));
}

size_t as_discover(const char *const *roots, size_t n_roots, const struct as_discover_opts *opts,
                   struct as_path_list *out)
{
    struct walk w = {opts, out, NULL, 0, 0, 0, NULL, false};
    for (size_t i = 0; i < n_roots; i++) {
        const char *r = roots[i];
        if (strcmp(r, "-") == 0) {
            push(out, as_xstrdup(r));
            continue;
        }
        struct stat st;
        if (stat(r, &st) != 0) {
            report(&w, r, strerror(errno));
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            if (force_excluded(&w, r, true)) continue;
            as_gitdir gd = AS_GITDIR_NONE;
            if (walk_git(&w)) {
                /* a directory, even one named explicitly, is walked with git's rules: if git ignores it,
                 * it ignores everything inside it */
                char err[256];
                gd = as_gitignore_dir(w.git, r, err, sizeof(err));
                int ig = err[0] ? -1 : as_gitignore_dir_ignored(w.git, gd, err, sizeof(err));
                if (ig < 0) report(&w, r, err);
                if (ig == 1) continue;
            }
            if (!seen_before(&w, &st)) walk_dir(&w, r, false, strlen(r), 0, gd);
        } else if (!force_excluded(&w, r, false)) {
            push(out, as_xstrdup(r));
        }
    }
    as_gitignore_sources(w.git, add_watch, out);
    as_gitignore_free(w.git);
    free(w.seen);
    if (out->n > 1) {
        qsort(out->paths, out->n, sizeof(char *), cmp_str);
        size_t u = 0;
        for (size_t i = 0; i < out->n; i++) {
            if (u && strcmp(out->paths[u - 1], out->paths[i]) == 0) {
                free(out->paths[i]);
                continue;
            }
            out->paths[u++] = out->paths[i];
        }
        out->n = u;
    }
    return w.errors;
}

void as_path_list_release(struct as_path_list *self)
{
    for (size_t i = 0; i < self->n; i++) free(self->paths[i]);
    free(self->paths);
    self->paths = NULL;
    self->n = self->cap = 0;
    for (size_t i = 0; i < self->n_dirs; i++) free(self->dirs[i].path);
    free(self->dirs);
    self->dirs = NULL;
    self->n_dirs = self->cap_dirs = 0;
    for (size_t i = 0; i < self->n_watch; i++) free(self->watch[i]);
    free(self->watch);
    self->watch = NULL;
    self->n_watch = self->cap_watch = 0;
}
