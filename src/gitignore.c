/* gitignore.c — git's ignore rules for discovery, through libgit2; see gitignore.h.
 * Owns: the libgit2 init/shutdown pair of one context, the repositories it opens (one per work tree root,
 * found again by work tree path) and a table of resolved directories (repository + path inside its work tree),
 * so a walk resolves each directory once, from its parent, instead of searching upwards for every file.
 * Paths handed to libgit2 are relative to the work tree, with a trailing '/' for directories. */
#include "gitignore.h"

#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xalloc.h"

struct repo {
    char *workdir;           /* canonical, ends with '/' */
    git_repository *repo;
};

struct dir {
    size_t repo;             /* index into repos */
    char *prefix;            /* path inside the work tree: "" (the root) or "a/b/" */
};

struct as_gitignore {
    struct repo *repos;
    size_t n_repos, cap_repos;
    struct dir *dirs;
    size_t n_dirs, cap_dirs;
    struct as_buf rel;       /* scratch: the path handed to libgit2 */
};

static void set_err(char *err, size_t errlen, const char *what)
{
    if (!err || !errlen) return;
    const git_error *e = git_error_last();
    snprintf(err, errlen, "%s: %s", what, e && e->message ? e->message : "unknown libgit2 error");
}

struct as_gitignore *as_gitignore_new(void)
{
    if (git_libgit2_init() < 0) return NULL;
    /* Only ignore rules are read (nothing runs), so a checkout owned by another user — common in CI
     * containers — is read like any other instead of silently ignoring nothing. */
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    struct as_gitignore *g = as_xcalloc(1, sizeof(*g));
    as_buf_init(&g->rel);
    return g;
}

void as_gitignore_free(struct as_gitignore *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->n_repos; i++) {
        git_repository_free(g->repos[i].repo);
        free(g->repos[i].workdir);
    }
    for (size_t i = 0; i < g->n_dirs; i++) free(g->dirs[i].prefix);
    free(g->repos);
    free(g->dirs);
    as_buf_release(&g->rel);
    free(g);
    git_libgit2_shutdown();
}

/* Adopts `repo` (its workdir must be non-NULL); an already open repository with the same work tree wins. */
static size_t add_repo(struct as_gitignore *g, git_repository *repo)
{
    const char *wd = git_repository_workdir(repo);
    for (size_t i = 0; i < g->n_repos; i++)
        if (strcmp(g->repos[i].workdir, wd) == 0) {
            git_repository_free(repo);
            return i;
        }
    if (g->n_repos == g->cap_repos) {
        g->cap_repos = g->cap_repos ? g->cap_repos * 2 : 4;
        g->repos = as_xrealloc(g->repos, g->cap_repos * sizeof(*g->repos));
    }
    g->repos[g->n_repos].workdir = as_xstrdup(wd);
    g->repos[g->n_repos].repo = repo;
    return g->n_repos++;
}

static as_gitdir add_dir(struct as_gitignore *g, size_t repo, char *prefix)
{
    if (g->n_dirs == g->cap_dirs) {
        g->cap_dirs = g->cap_dirs ? g->cap_dirs * 2 : 64;
        g->dirs = as_xrealloc(g->dirs, g->cap_dirs * sizeof(*g->dirs));
    }
    g->dirs[g->n_dirs].repo = repo;
    g->dirs[g->n_dirs].prefix = prefix;
    return (as_gitdir)g->n_dirs++;
}

/* Opens the repository for directory `real` (canonical) and records `real` in it, or AS_GITDIR_NONE. */
static as_gitdir open_dir(struct as_gitignore *g, const char *real, unsigned flags, char *err, size_t errlen)
{
    git_repository *repo = NULL;
    int rc = git_repository_open_ext(&repo, real, flags, NULL);
    if (rc < 0) {
        if (rc != GIT_ENOTFOUND) set_err(err, errlen, "cannot open the git repository");
        return AS_GITDIR_NONE;
    }
    const char *wd = git_repository_workdir(repo);   /* canonical (libgit2 resolves symlinks), ends with '/' */
    size_t wl = wd ? strlen(wd) : 0;
    size_t rl = strlen(real);
    /* real must be the work tree root or below it (not so for a bare repository, or the inside of .git
     * found through a work tree configured elsewhere) */
    bool inside = wd && wl > 0 &&
                  ((rl + 1 == wl && strncmp(real, wd, rl) == 0) ||
                   (rl >= wl && strncmp(real, wd, wl) == 0));
    if (!inside) {
        git_repository_free(repo);
        return AS_GITDIR_NONE;
    }
    char *prefix;
    if (rl < wl) {
        prefix = as_xstrdup("");
    } else {
        struct as_buf b;
        as_buf_init(&b);
        as_buf_puts(&b, real + wl);
        if (b.len && b.data[b.len - 1] != '/') as_buf_putc(&b, '/');
        prefix = as_buf_detach(&b, NULL);
    }
    return add_dir(g, add_repo(g, repo), prefix);
}

as_gitdir as_gitignore_dir(struct as_gitignore *g, const char *path, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!g) return AS_GITDIR_NONE;
    char *real = realpath(path, NULL);
    if (!real) return AS_GITDIR_NONE;   /* does not exist (say, an editor buffer's new file): nothing to ignore */
    as_gitdir d = open_dir(g, real, 0, err, errlen);
    free(real);
    return d;
}

as_gitdir as_gitignore_subdir(struct as_gitignore *g, as_gitdir parent, const char *path, const char *name)
{
    if (!g) return AS_GITDIR_NONE;
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, path);
    as_buf_puts(&b, "/.git");
    struct stat st;
    bool has_git = lstat(b.data, &st) == 0;
    as_buf_release(&b);
    if (has_git) {
        /* a nested repository (or submodule) has its own rules; an unusable .git is just a directory */
        char *real = realpath(path, NULL);
        if (real) {
            as_gitdir d = open_dir(g, real, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL, 0);
            free(real);
            if (d != AS_GITDIR_NONE) return d;
        }
    }
    if (parent == AS_GITDIR_NONE) return AS_GITDIR_NONE;
    struct as_buf p;
    as_buf_init(&p);
    as_buf_puts(&p, g->dirs[parent].prefix);
    as_buf_puts(&p, name);
    as_buf_putc(&p, '/');
    size_t repo = g->dirs[parent].repo;   /* read before add_dir may move the table */
    return add_dir(g, repo, as_buf_detach(&p, NULL));
}

static int is_ignored(struct as_gitignore *g, size_t repo, const char *rel, char *err, size_t errlen)
{
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, g->repos[repo].repo, rel) < 0) {
        set_err(err, errlen, "cannot read the git ignore rules");
        return -1;
    }
    return ignored ? 1 : 0;
}

int as_gitignore_check(struct as_gitignore *g, as_gitdir dir, const char *name, bool is_dir, char *err,
                       size_t errlen)
{
    if (!g || dir == AS_GITDIR_NONE) return 0;
    as_buf_reset(&g->rel);
    as_buf_puts(&g->rel, g->dirs[dir].prefix);
    as_buf_puts(&g->rel, name);
    if (is_dir) as_buf_putc(&g->rel, '/');
    return is_ignored(g, g->dirs[dir].repo, g->rel.data, err, errlen);
}

int as_gitignore_dir_ignored(struct as_gitignore *g, as_gitdir d, char *err, size_t errlen)
{
    if (!g || d == AS_GITDIR_NONE || !g->dirs[d].prefix[0]) return 0;
    return is_ignored(g, g->dirs[d].repo, g->dirs[d].prefix, err, errlen);
}

int as_gitignore_path(struct as_gitignore *g, const char *path, bool is_dir, char *err, size_t errlen)
{
    if (err && errlen) err[0] = '\0';
    if (!g) return 0;
    if (is_dir) {
        /* the repository is the one the directory itself is in: a work tree root is never ignored, even when
         * an enclosing repository (a dotfiles repo in $HOME, say) ignores it — as git sees it */
        as_gitdir d = as_gitignore_dir(g, path, err, errlen);
        if (d == AS_GITDIR_NONE) return err && errlen && err[0] ? -1 : 0;
        return as_gitignore_dir_ignored(g, d, err, errlen);
    }
    /* split into directory and basename; directories that do not exist (a new file's, for --stdin-filename)
     * move into the checked name, so "build/new/x.py" is still matched against `build/` */
    char *dir = as_xstrdup(path);
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') dir[--n] = '\0';
    struct as_buf name;
    as_buf_init(&name);
    int rc = 0;
    char *real = NULL;
    for (;;) {
        char *slash = strrchr(dir, '/');
        const char *base = slash ? slash + 1 : dir;
        if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) goto out;   /* not a file name */
        struct as_buf next;
        as_buf_init(&next);
        as_buf_puts(&next, base);
        if (name.len) as_buf_putc(&next, '/');
        as_buf_add(&next, name.data ? name.data : "", name.len);
        as_buf_release(&name);
        name = next;
        if (slash == dir) strcpy(dir, "/");
        else if (slash) *slash = '\0';
        else strcpy(dir, ".");
        real = realpath(dir, NULL);
        if (real || !slash) break;
    }
    if (real) {
        as_gitdir d = open_dir(g, real, 0, err, errlen);
        if (d != AS_GITDIR_NONE) rc = as_gitignore_check(g, d, name.data, false, err, errlen);
        else if (err && errlen && err[0]) rc = -1;
    }
out:
    free(real);
    as_buf_release(&name);
    free(dir);
    return rc;
}
