/* test_gitignore.c — gitignore.c on generated repositories (made with the git command, HOME pointed at the
 * temporary tree so the machine's own git configuration plays no part): no repository means nothing ignored;
 * root, nested and directory-only patterns, negation, anchored and ** patterns; .git/info/exclude and the
 * global excludes file; a nested repository has its own rules; a work tree root is never ignored; and
 * discovery with respect_gitignore: ignored directories pruned, explicit files kept unless force_exclude, a
 * root git ignores yields nothing, as_discover_is_excluded (--stdin-filename). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/discover.h"
#include "input/gitignore.h"
#include "test_util.h"
#include "util/buf.h"

static char root[64];

static void mk(const char *rel, const char *content) { as_test_mk(root, rel, content); }

__attribute__((format(printf, 1, 2))) static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
}

/* `git init` in root/rel (rel "" for root itself). */
static void git_init(const char *rel)
{
    char dir[512];
    snprintf(dir, sizeof(dir), "%s/%s", root, rel);
    sh("git init -q '%s'", dir);
}

static char *abs_path(const char *rel)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof(buf[k]), "%s%s%s", root, *rel ? "/" : "", rel);
    return buf[k];
}

static void setup_tree(void)
{
    snprintf(root, sizeof(root), "/tmp/asyncscan-gitignore-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    /* isolate from the machine's git configuration: global config and excludes come from root */
    setenv("HOME", root, 1);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("GIT_DIR");
    unsetenv("GIT_WORK_TREE");
    setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
}

static void teardown_tree(void)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
}

/* as_gitignore_path on root/rel: 1 ignored, 0 not, -1 error */
static int ignored(struct as_gitignore *g, const char *rel, bool is_dir)
{
    char err[256];
    int rc = as_gitignore_path(g, abs_path(rel), is_dir, err, sizeof(err));
    ck_assert_msg(rc >= 0, "%s: %s", rel, err);
    return rc;
}

/* Runs discovery with respect_gitignore (plus the given force_exclude) and returns the paths relative to root. */
static char *discover(const char *const *roots, size_t n, bool respect, bool force)
{
    struct as_path_list out = {0};
    struct as_discover_opts o = {0};
    const char *ex[] = {".git"};   /* replace the defaults (build, dist, ...) so only git's rules count */
    o.exclude = ex;
    o.n_exclude = 1;
    o.no_default_excludes = true;
    o.respect_gitignore = respect;
    o.force_exclude = force;
    ck_assert_uint_eq(as_discover(roots, n, &o, &out), 0);
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < out.n; i++)
        as_buf_printf(&b, "%s\n",
                      strncmp(out.paths[i], root, strlen(root)) == 0 ? out.paths[i] + strlen(root) : out.paths[i]);
    as_path_list_release(&out);
    return as_buf_detach(&b, NULL);
}

START_TEST(outside_a_repository_nothing_is_ignored)
{
    mk(".gitignore", "*.py\n");   /* not a repository: the file means nothing */
    mk("a.py", "");
    mk("sub/b.py", "");
    struct as_gitignore *g = as_gitignore_new();
    ck_assert_ptr_nonnull(g);
    char err[256];
    as_gitdir d = as_gitignore_dir(g, root, err, sizeof(err));
    ck_assert_int_eq(d, AS_GITDIR_NONE);
    ck_assert_str_eq(err, "");
    ck_assert_int_eq(as_gitignore_check(g, d, "a.py", false, err, sizeof(err)), 0);
    ck_assert_int_eq(ignored(g, "a.py", false), 0);
    ck_assert_int_eq(ignored(g, "sub", true), 0);
    ck_assert_int_eq(ignored(g, "missing/x.py", false), 0);
    as_gitignore_free(g);
    const char *roots[] = {root};
    char *got = discover(roots, 1, true, false);
    ck_assert_str_eq(got, "/a.py\n/sub/b.py\n");
    free(got);
}
END_TEST

START_TEST(patterns)
{
    git_init("");
    mk(".gitignore", "*.gen.py\nbuild/\n/top.py\nlogs\ndocs/**/old.py\n*.py[io]\n!keep.pyi\n");
    mk("pkg/.gitignore", "local.py\n!top.py\n/anchored.py\n");
    struct as_gitignore *g = as_gitignore_new();
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(ignored(g, "a.py", false), 0);
    ck_assert_int_eq(ignored(g, "x.gen.py", false), 1);
    ck_assert_int_eq(ignored(g, "pkg/deep/y.gen.py", false), 1);
    ck_assert_int_eq(ignored(g, "top.py", false), 1);        /* anchored at the root ... */
    ck_assert_int_eq(ignored(g, "other/top.py", false), 0);  /* ... so not below it */
    ck_assert_int_eq(ignored(g, "stub.pyi", false), 1);
    ck_assert_int_eq(ignored(g, "keep.pyi", false), 0);       /* negated */
    ck_assert_int_eq(ignored(g, "docs/old.py", false), 1);    /* ** matches zero directories */
    ck_assert_int_eq(ignored(g, "docs/a/b/old.py", false), 1);
    ck_assert_int_eq(ignored(g, "docs/a/new.py", false), 0);
    /* nested .gitignore: relative to its directory */
    ck_assert_int_eq(ignored(g, "pkg/local.py", false), 1);
    ck_assert_int_eq(ignored(g, "pkg/sub/local.py", false), 1);
    ck_assert_int_eq(ignored(g, "local.py", false), 0);
    ck_assert_int_eq(ignored(g, "pkg/anchored.py", false), 1);
    ck_assert_int_eq(ignored(g, "pkg/sub/anchored.py", false), 0);
    /* directory-only pattern: needs is_dir; files below an ignored directory are ignored */
    mk("build/z.py", "");
    mk("buildfile/build", "");   /* a *file* named build */
    ck_assert_int_eq(ignored(g, "build", true), 1);
    ck_assert_int_eq(ignored(g, "build/z.py", false), 1);
    ck_assert_int_eq(ignored(g, "buildfile/build", false), 0);
    mk("logs/today.py", "");
    mk("pkg/logs", "");          /* a pattern without a slash matches files too */
    ck_assert_int_eq(ignored(g, "logs", true), 1);
    ck_assert_int_eq(ignored(g, "logs/today.py", false), 1);
    ck_assert_int_eq(ignored(g, "pkg/logs", false), 1);
    /* the work tree root is never ignored; through the walk API, entries resolve the same way */
    ck_assert_int_eq(ignored(g, "", true), 0);
    char err[256];
    as_gitdir d = as_gitignore_dir(g, root, err, sizeof(err));
    ck_assert_int_ne(d, AS_GITDIR_NONE);
    ck_assert_int_eq(as_gitignore_dir_ignored(g, d, err, sizeof(err)), 0);
    ck_assert_int_eq(as_gitignore_check(g, d, "build", true, err, sizeof(err)), 1);
    ck_assert_int_eq(as_gitignore_check(g, d, "top.py", false, err, sizeof(err)), 1);
    mk("pkg/sub/x.py", "");
    as_gitdir pkg = as_gitignore_subdir(g, d, abs_path("pkg"), "pkg", false);
    as_gitdir sub = as_gitignore_subdir(g, pkg, abs_path("pkg/sub"), "sub", false);
    ck_assert_int_eq(as_gitignore_check(g, pkg, "local.py", false, err, sizeof(err)), 1);
    ck_assert_int_eq(as_gitignore_check(g, pkg, "top.py", false, err, sizeof(err)), 0);   /* re-included */
    ck_assert_int_eq(as_gitignore_check(g, sub, "local.py", false, err, sizeof(err)), 1);
    ck_assert_int_eq(as_gitignore_check(g, sub, "x.py", false, err, sizeof(err)), 0);
    ck_assert_int_eq(as_gitignore_check(g, AS_GITDIR_NONE, "x.gen.py", false, err, sizeof(err)), 0);
    as_gitignore_free(g);
}
END_TEST

START_TEST(info_exclude_and_global_excludes)
{
    git_init("");
    mk(".git/info/exclude", "# local only\nprivate_*.py\n");
    mk("global-ignore", "*_scratch.py\n");
    sh("cd '%s' && git config core.excludesFile \"$HOME/global-ignore\"", root);
    mk("a.py", "");
    struct as_gitignore *g = as_gitignore_new();
    ck_assert_int_eq(ignored(g, "private_x.py", false), 1);
    ck_assert_int_eq(ignored(g, "sub/private_y.py", false), 1);
    ck_assert_int_eq(ignored(g, "my_scratch.py", false), 1);
    ck_assert_int_eq(ignored(g, "a.py", false), 0);
    as_gitignore_free(g);
    /* the global configuration in HOME, and the XDG default file when core.excludesFile is unset */
    sh("cd '%s' && git config --unset core.excludesFile"
       " && git config --global core.excludesFile \"$HOME/global-ignore\"", root);
    mk(".config/git/ignore", "xdg_*.py\n");
    g = as_gitignore_new();
    ck_assert_int_eq(ignored(g, "my_scratch.py", false), 1);
    ck_assert_int_eq(ignored(g, "xdg_a.py", false), 0);   /* core.excludesFile wins over the XDG file */
    as_gitignore_free(g);
    sh("git config --global --unset core.excludesFile");
    g = as_gitignore_new();
    ck_assert_int_eq(ignored(g, "my_scratch.py", false), 0);
    ck_assert_int_eq(ignored(g, "xdg_a.py", false), 1);
    as_gitignore_free(g);
}
END_TEST

START_TEST(nested_repositories)
{
    /* an outer repository that ignores everything (a dotfiles repository in $HOME) and two projects in it */
    git_init("");
    mk(".gitignore", "/*\n*.skip.py\n");
    git_init("proj");
    mk("proj/.gitignore", "gen.py\n");
    mk("proj/a.py", "");
    mk("proj/gen.py", "");
    mk("proj/b.skip.py", "");   /* the outer rules do not reach into another repository */
    git_init("other");
    mk("other/c.py", "");
    struct as_gitignore *g = as_gitignore_new();
    ck_assert_int_eq(ignored(g, "proj", true), 0);   /* a work tree root, whatever encloses it */
    ck_assert_int_eq(ignored(g, "proj/a.py", false), 0);
    ck_assert_int_eq(ignored(g, "proj/gen.py", false), 1);
    ck_assert_int_eq(ignored(g, "proj/b.skip.py", false), 0);
    ck_assert_int_eq(ignored(g, "loose.py", false), 1);
    as_gitignore_free(g);
    const char *roots[] = {abs_path("proj"), abs_path("other")};
    char *got = discover(roots, 2, true, false);
    ck_assert_str_eq(got, "/other/c.py\n/proj/a.py\n/proj/b.skip.py\n");
    free(got);
    /* walking the outer repository: its root-anchored star prunes both projects */
    mk("loose.py", "");
    const char *outer[] = {root};
    got = discover(outer, 1, true, false);
    ck_assert_str_eq(got, "");
    free(got);
    /* from a directory that is in no repository, a walk finds the repositories below it */
    sh("rm -rf '%s/.git' '%s/.gitignore'", root, root);
    got = discover(outer, 1, true, false);
    ck_assert_str_eq(got, "/loose.py\n/other/c.py\n/proj/a.py\n/proj/b.skip.py\n");
    free(got);
}
END_TEST

START_TEST(discovery)
{
    git_init("");
    mk(".gitignore", "build/\n*.gen.py\n/top.py\n");
    mk("top.py", "");
    mk("x.gen.py", "");
    mk("a.py", "");
    mk("build/z.py", "");
    mk("src/top.py", "");
    mk("src/build/w.py", "");
    const char *roots[] = {root};
    char *got = discover(roots, 1, true, false);
    ck_assert_str_eq(got, "/a.py\n/src/top.py\n");
    free(got);
    got = discover(roots, 1, false, false);
    ck_assert_str_eq(got, "/a.py\n/build/z.py\n/src/build/w.py\n/src/top.py\n/top.py\n/x.gen.py\n");
    free(got);
    /* explicit files are analysed even when ignored, unless force_exclude */
    const char *explicit_roots[] = {abs_path("top.py"), abs_path("build/z.py"), abs_path("a.py")};
    got = discover(explicit_roots, 3, true, false);
    ck_assert_str_eq(got, "/a.py\n/build/z.py\n/top.py\n");
    free(got);
    got = discover(explicit_roots, 3, true, true);
    ck_assert_str_eq(got, "/a.py\n");
    free(got);
    got = discover(explicit_roots, 3, false, true);
    ck_assert_str_eq(got, "/a.py\n/build/z.py\n/top.py\n");
    free(got);
    /* a directory root git ignores yields nothing; a subdirectory root keeps the repository's rules */
    const char *build_root[] = {abs_path("build"), abs_path("src")};
    got = discover(build_root, 2, true, false);
    ck_assert_str_eq(got, "/src/top.py\n");
    free(got);
    /* relative roots resolve against the current directory */
    char cwd[512];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_int_eq(chdir(abs_path("src")), 0);
    const char *rel_roots[] = {".", "../x.gen.py"};
    struct as_path_list out = {0};
    struct as_discover_opts o = {0};
    o.respect_gitignore = true;
    ck_assert_uint_eq(as_discover(rel_roots, 2, &o, &out), 0);
    ck_assert_uint_eq(out.n, 2);
    ck_assert_str_eq(out.paths[0], "../x.gen.py");
    ck_assert_str_eq(out.paths[1], "./top.py");
    as_path_list_release(&out);
    ck_assert_int_eq(chdir(cwd), 0);
    /* as_discover_is_excluded (--stdin-filename with --force-exclude) consults git too */
    struct as_discover_opts so = {0};
    ck_assert(!as_discover_is_excluded(&so, abs_path("x.gen.py")));
    so.respect_gitignore = true;
    ck_assert(as_discover_is_excluded(&so, abs_path("x.gen.py")));
    ck_assert(as_discover_is_excluded(&so, abs_path("build/new.py")));   /* need not exist */
    ck_assert(!as_discover_is_excluded(&so, abs_path("a.py")));
    ck_assert(!as_discover_is_excluded(&so, abs_path("nowhere/new.py")));
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("gitignore");
    TCase *tc = tcase_create("gitignore");
    tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, outside_a_repository_nothing_is_ignored);
    tcase_add_test(tc, patterns);
    tcase_add_test(tc, info_exclude_and_global_excludes);
    tcase_add_test(tc, nested_repositories);
    tcase_add_test(tc, discovery);
    suite_add_tcase(s, tc);
    return s;
}
