/* gitignore.c — git's ignore rules for discovery, through libgit2; see gitignore.h.
 * Owns: the libgit2 init/shutdown pair of one context, the repositories it opens (one per work tree root,
 * found again by work tree path) and a table of resolved directories (repository + path inside its work tree),
 * so a walk resolves each directory once, from its parent, instead of searching upwards for every file.
 * Paths handed to libgit2 are relative to the work tree, with a trailing '/' for directories.
 * Also a screen in front of libgit2: each call of git_ignore_path_is_ignored stats every ignore file that
 * could apply (~12 stats per file: most of a warm run's time in a repository), so the last path components of
 * the rules in effect in a directory are kept, and an entry none of them can match is not asked about.
 * The screen is also the guard: it reads every ignore file first (non-blocking, regular files only, at most
 * MAX_IGNORE_FILE bytes), and libgit2 (which opens them blocking: a FIFO would hang it) is never asked about
 * a directory one of whose ignore files is not a regular file or too large. Such a directory's entries count
 * as not ignored, with one error naming the file. */
#define _GNU_SOURCE 1 /* FNM_CASEFOLD */
#include "input/gitignore.h"

#include <errno.h>
#include <fnmatch.h>
#include <git2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/readfile.h"
#include "util/vec.h"
#include "util/xalloc.h"

#define MAX_IGNORE_FILE (16u << 20)   /* bytes; git itself gives up at 100 MB */

struct repo {
    char *workdir;           /* canonical, ends with '/' */
    git_repository *repo;
};

/* The rules in effect in a directory, as far as the screen needs them: the last path component of each rule
 * that can ignore something (negations only re-include), whether it is directory-only (`build/`), and `any`
 * when a rule could match whatever the name (one ending in `**`, brackets, escapes: the screen does not reason
 * about them).
 * A directory without a .gitignore of its own shares its parent's screen; the chain ends at the repository's
 * own sources (info/exclude, the global excludes file, libgit2's built-in `.git` rules, the .gitignore files
 * above the first directory resolved). */
struct screen {
    const struct screen *parent;
    char **comps;
    bool *dir_only;
    size_t n;
    bool any;
    char *unusable;          /* "<ignore file>: <why>" when one of its files could not be used safely */
    bool reported;
};

struct dir {
    size_t repo;             /* index into repos */
    char *prefix;            /* path inside the work tree: "" (the root) or "a/b/" */
    long parent;             /* the directory it was resolved from (as_gitignore_subdir), or AS_GITDIR_NONE */
    const struct screen *screen;   /* made when first needed (dir_screen) */
    bool clear;              /* known not to be ignored itself: only its entries' own names can be */
};

struct as_gitignore {
    struct repo *repos;
    size_t n_repos, cap_repos;
    struct dir *dirs;
    size_t n_dirs, cap_dirs;
    struct as_buf rel;       /* scratch: the path handed to libgit2 */
    struct screen **screens; /* every screen made (freed with the context) */
    size_t n_screens, cap_screens;
    VEC(char *) sources;     /* every ignore or configuration file the rules came from, found or not */
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
    for (size_t i = 0; i < g->n_screens; i++) {
        for (size_t k = 0; k < g->screens[i]->n; k++) free(g->screens[i]->comps[k]);
        free(g->screens[i]->comps);
        free(g->screens[i]->dir_only);
        free(g->screens[i]->unusable);
        free(g->screens[i]);
    }
    free(g->screens);
    for (size_t i = 0; i < g->sources.len; i++) free(g->sources.items[i]);
    vec_free(&g->sources);
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

static as_gitdir add_dir(struct as_gitignore *g, size_t repo, char *prefix, long parent, bool clear)
{
    if (g->n_dirs == g->cap_dirs) {
        g->cap_dirs = g->cap_dirs ? g->cap_dirs * 2 : 64;
        g->dirs = as_xrealloc(g->dirs, g->cap_dirs * sizeof(*g->dirs));
    }
    g->dirs[g->n_dirs].repo = repo;
    g->dirs[g->n_dirs].prefix = prefix;
    g->dirs[g->n_dirs].parent = parent;
    g->dirs[g->n_dirs].screen = NULL;
    g->dirs[g->n_dirs].clear = clear;
    return (as_gitdir)g->n_dirs++;
}

/* ---- the screen ------------------------------------------------------------------------------------ */

static struct screen *new_screen(struct as_gitignore *g, const struct screen *parent)
{
    struct screen *sc = as_xcalloc(1, sizeof(*sc));
    sc->parent = parent;
    if (g->n_screens == g->cap_screens) {
        g->cap_screens = g->cap_screens ? g->cap_screens * 2 : 16;
        g->screens = as_xrealloc(g->screens, g->cap_screens * sizeof(*g->screens));
    }
    g->screens[g->n_screens++] = sc;
    return sc;
}

static void screen_add(struct screen *sc, const char *comp, size_t len, bool dir_only)
{
    sc->comps = as_xrealloc(sc->comps, (sc->n + 1) * sizeof(char *));
    sc->dir_only = as_xrealloc(sc->dir_only, (sc->n + 1) * sizeof(bool));
    sc->comps[sc->n] = as_xstrndup(comp, len);
    sc->dir_only[sc->n] = dir_only;
    sc->n++;
}

/* The closing `]` of the bracket expression opening at s[at] (git's reading: a `!` or `^` after the `[`, then
 * a `]` right after those, are part of it); false when there is none. */
static bool bracket_end(const char *s, size_t len, size_t at, size_t *end)
{
    size_t i = at + 1;
    if (i < len && (s[i] == '!' || s[i] == '^')) i++;
    if (i < len && s[i] == ']') i++;
    while (i < len && s[i] != ']') i++;
    if (i >= len) return false;
    *end = i;
    return true;
}

/* One line of an ignore file into the screen: blank lines, comments and negations ignore nothing; of the
 * others the last component is kept, each bracket expression in it as `?` (whatever it holds, it matches one
 * character: `*.py[cod]` is in most Python projects' .gitignore), unless the screen cannot tell what it
 * matches (then `any`). */
static void screen_rule(struct screen *sc, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
    if (!len || line[0] == '#' || line[0] == '!') return;
    if (memchr(line, '\\', len) || memchr(line, '\r', len)) {
        sc->any = true;   /* escapes (a trailing `\ ` too): left to libgit2 */
        return;
    }
    /* brackets holding a `/` (which splits components) or a class (`[[:alpha:]]`), or left open: any */
    for (size_t i = 0, end; i < len; i++) {
        if (line[i] != '[') continue;
        if (!bracket_end(line, len, i, &end) || memchr(line + i + 1, '/', end - i - 1) ||
            memchr(line + i + 1, '[', end - i - 1)) {
            sc->any = true;
            return;
        }
        i = end;
    }
    bool dir_only = line[len - 1] == '/';
    while (len && line[len - 1] == '/') len--;
    size_t start = len;
    while (start && line[start - 1] != '/') start--;
    const char *comp = line + start;
    size_t cl = len - start;
    if (!cl || (cl == 2 && comp[0] == '*' && comp[1] == '*')) {
        sc->any = true;   /* a last component `**`, or none: anything below */
        return;
    }
    char *simple = as_xmalloc(cl + 1);
    size_t n = 0;
    for (size_t i = 0, end; i < cl; i++) {
        if (comp[i] == '[' && bracket_end(comp, cl, i, &end)) {
            simple[n++] = '?';
            i = end;
        } else {
            simple[n++] = comp[i];
        }
    }
    screen_add(sc, simple, n, dir_only);
    free(simple);
}

/* The rules of the ignore file at `path` into the screen: a missing file has none; one that cannot be read
 * makes the screen give up (`any`); one that is not a regular file, or too large, also marks it unusable. */
static void add_source(struct as_gitignore *g, const char *path)
{
    vec_push(&g->sources, as_xstrdup(path));
}

static void screen_file(struct as_gitignore *g, struct screen *sc, const char *path)
{
    add_source(g, path);
    char *text, why[128];
    size_t len;
    enum as_read_status rc = as_read_file(path, MAX_IGNORE_FILE, &text, &len, why, sizeof(why));
    if (rc != AS_READ_OK) {
        if (rc == AS_READ_FAILED && (errno == ENOENT || errno == ENOTDIR)) return;
        sc->any = true;
        if (rc != AS_READ_FAILED && !sc->unusable) {
            struct as_buf b;
            as_buf_init(&b);
            as_buf_printf(&b, "%s: %s", path, why);
            sc->unusable = as_buf_detach(&b, NULL);
        }
        return;
    }
    size_t skip = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;   /* a UTF-8 byte order mark */
    for (size_t at = skip; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) : len;
        screen_rule(sc, text + at, end - at);
        at = end + 1;
    }
    free(text);
}

/* The user's and the system's git configuration files, where core.excludesFile may be set (as libgit2 1.5
 * finds them: $HOME/.gitconfig, $XDG_CONFIG_HOME/git/config or ~/.config/git/config, /etc/gitconfig). */
static void add_user_configs(struct as_gitignore *g)
{
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    struct as_buf p;
    as_buf_init(&p);
    if (home && *home) {
        as_buf_printf(&p, "%s/.gitconfig", home);
        add_source(g, p.data);
        as_buf_reset(&p);
    }
    if (xdg && *xdg) as_buf_printf(&p, "%s/git/config", xdg);
    else if (home && *home) as_buf_printf(&p, "%s/.config/git/config", home);
    if (p.len) add_source(g, p.data);
    add_source(g, "/etc/gitconfig");
    as_buf_release(&p);
}

/* The rules a repository applies everywhere (as libgit2 1.5's git_ignore__for_path reads them): its built-in
 * rules, .git/info/exclude, and core.excludesFile or else the XDG ignore file. */
static struct screen *repo_screen(struct as_gitignore *g, git_repository *repo)
{
    struct screen *sc = new_screen(g, NULL);
    screen_add(sc, ".", 1, false);
    screen_add(sc, "..", 2, false);
    screen_add(sc, ".git", 4, false);
    struct as_buf p;
    as_buf_init(&p);
    const char *common = git_repository_commondir(repo);
    if (common) {
        as_buf_puts(&p, common);
        if (p.len && p.data[p.len - 1] != '/') as_buf_putc(&p, '/');
        size_t dir = p.len;
        as_buf_puts(&p, "config");   /* (core.excludesFile) */
        add_source(g, p.data);
        p.len = dir;
        as_buf_puts(&p, "info/exclude");
        screen_file(g, sc, p.data);
    } else {
        sc->any = true;
    }
    add_user_configs(g);
    git_config *cfg = NULL;
    git_buf excl = GIT_BUF_INIT;
    int rc = git_repository_config_snapshot(&cfg, repo);
    if (rc == 0) rc = git_config_get_path(&excl, cfg, "core.excludesfile");
    if (rc == 0) {
        screen_file(g, sc, excl.ptr);
    } else if (rc == GIT_ENOTFOUND) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        as_buf_reset(&p);
        if (xdg && *xdg) as_buf_puts(&p, xdg), as_buf_puts(&p, "/git/ignore");
        else if (home && *home) as_buf_puts(&p, home), as_buf_puts(&p, "/.config/git/ignore");
        if (p.len) screen_file(g, sc, p.data);
        else sc->any = true;   /* libgit2 may find a home directory another way */
    } else {
        sc->any = true;
    }
    git_buf_dispose(&excl);
    git_config_free(cfg);
    as_buf_release(&p);
    return sc;
}

/* The screen of resolved directory d, made when first needed: a resolved subdirectory's is its parent's plus
 * its own .gitignore (the parent's, shared, when it has none); any other's is the repository's rules and every
 * .gitignore from the work tree root down to it. */
static const struct screen *dir_screen(struct as_gitignore *g, as_gitdir d)
{
    if (g->dirs[d].screen) return g->dirs[d].screen;
    const struct repo *r = &g->repos[g->dirs[d].repo];
    const char *prefix = g->dirs[d].prefix;
    struct as_buf p;
    as_buf_init(&p);
    const struct screen *sc;
    if (g->dirs[d].parent != AS_GITDIR_NONE) {
        const struct screen *ps = dir_screen(g, g->dirs[d].parent);
        as_buf_puts(&p, r->workdir);
        as_buf_puts(&p, prefix);
        as_buf_puts(&p, ".gitignore");
        struct screen *own = new_screen(g, ps);
        screen_file(g, own, p.data);
        sc = own->n || own->any ? own : ps;   /* an empty one stays in g->screens, unused */
    } else {
        struct screen *own = repo_screen(g, r->repo);
        for (size_t i = 0;; i++) {
            if (i == 0 || prefix[i - 1] == '/') {
                as_buf_reset(&p);
                as_buf_puts(&p, r->workdir);
                as_buf_add(&p, prefix, i);
                as_buf_puts(&p, ".gitignore");
                screen_file(g, own, p.data);
            }
            if (!prefix[i]) break;
        }
        sc = own;
    }
    as_buf_release(&p);
    g->dirs[d].screen = sc;
    return sc;
}

/* The first unusable ignore file of the screen's chain (its screen in *where), or NULL. */
static const char *screen_unusable(const struct screen *sc, const struct screen **where)
{
    for (; sc; sc = sc->parent)
        if (sc->unusable) {
            *where = sc;
            return sc->unusable;
        }
    return NULL;
}

/* Whether libgit2 may be asked about directory d: not when one of its ignore files is unusable (then -1 with
 * the reason in err the first time, 0 after). */
static int guard(struct as_gitignore *g, as_gitdir d, char *err, size_t errlen, bool *safe)
{
    const struct screen *where = NULL;
    const char *why = screen_unusable(dir_screen(g, d), &where);
    *safe = !why;
    if (!why || where->reported) return 0;
    ((struct screen *)where)->reported = true;   /* every screen is g's own (g->screens) */
    if (err && errlen) snprintf(err, errlen, "git's ignore rules not applied here: %s", why);
    return -1;
}

/* Whether some rule in effect could ignore entry `name` (a basename) of a directory with this screen. */
static bool screen_may_match(const struct screen *sc, const char *name, bool is_dir)
{
    for (; sc; sc = sc->parent) {
        if (sc->any) return true;
        for (size_t i = 0; i < sc->n; i++)
            if ((is_dir || !sc->dir_only[i]) && fnmatch(sc->comps[i], name, FNM_CASEFOLD) == 0) return true;
    }
    return false;
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
    return add_dir(g, add_repo(g, repo), prefix, AS_GITDIR_NONE, !prefix[0]);   /* a work tree root: clear */
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

as_gitdir as_gitignore_subdir(struct as_gitignore *g, as_gitdir parent, const char *path, const char *name,
                              bool not_ignored)
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
    /* clear when it is not ignored, in a directory that is not */
    return add_dir(g, repo, as_buf_detach(&p, NULL), parent, g->dirs[parent].clear && not_ignored);
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
    bool safe;
    int rc = guard(g, dir, err, errlen, &safe);
    if (!safe) return rc;
    if (g->dirs[dir].clear && !strchr(name, '/') && !screen_may_match(dir_screen(g, dir), name, is_dir))
        return 0;   /* no rule in effect can match the name, and the directory itself is not ignored */
    as_buf_reset(&g->rel);
    as_buf_puts(&g->rel, g->dirs[dir].prefix);
    as_buf_puts(&g->rel, name);
    if (is_dir) as_buf_putc(&g->rel, '/');
    return is_ignored(g, g->dirs[dir].repo, g->rel.data, err, errlen);
}

int as_gitignore_dir_ignored(struct as_gitignore *g, as_gitdir d, char *err, size_t errlen)
{
    if (!g || d == AS_GITDIR_NONE || !g->dirs[d].prefix[0]) return 0;
    bool safe;
    int rc = guard(g, d, err, errlen, &safe);
    if (!safe) return rc;
    rc = is_ignored(g, g->dirs[d].repo, g->dirs[d].prefix, err, errlen);
    if (rc == 0) g->dirs[d].clear = true;
    return rc;
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

void as_gitignore_sources(const struct as_gitignore *g, void (*fn)(void *ud, const char *path), void *ud)
{
    for (size_t i = 0; g && i < g->sources.len; i++) fn(ud, g->sources.items[i]);
}
