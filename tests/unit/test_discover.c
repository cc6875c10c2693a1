/* test_discover.c — discovery on generated trees: recursion and byte-wise order, Python files only (.py, .pyi), explicit
 * files always kept, default excludes skipped in walks only, user excludes (names and globs), force-exclude,
 * a directory named x.py, symlink loops (also across hundreds of directories) and dangling links, missing roots, de-duplication, many files, and the
 * directories listed on the way (for settings.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/discover.h"
#include "test_util.h"
#include "util/buf.h"

static char root[64];

static void mk(const char *rel, const char *content) { as_test_mk(root, rel, content); }

static void setup_tree(void)
{
    snprintf(root, sizeof(root), "/tmp/asyncscan-discover-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
}

static void teardown_tree(void)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", root, root);
    ck_assert_int_eq(system(cmd), 0);
}

struct errs {
    struct as_buf text;
};

static void on_error(void *ud, const char *path, const char *reason)
{
    struct errs *e = ud;
    as_buf_printf(&e->text, "%s: %s\n", path + strlen(root), reason);
}

/* Runs discovery on `roots` and returns the paths relative to root, one per line. */
static char *discover(const char *const *roots, size_t n, struct as_discover_opts *opts, struct errs *e)
{
    struct as_path_list out = {0};
    struct as_discover_opts local = {0};
    if (!opts) opts = &local;
    opts->on_error = on_error;
    opts->ud = e;
    as_discover(roots, n, opts, &out);
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < out.n; i++)
        as_buf_printf(&b, "%s\n", strncmp(out.paths[i], root, strlen(root)) == 0 ? out.paths[i] + strlen(root) : out.paths[i]);
    as_path_list_release(&out);
    return as_buf_detach(&b, NULL);
}

/* Discovery from the one root root/rel, its errors collected in *e (initialised here). */
static char *discover_under(const char *rel, struct errs *e)
{
    as_buf_init(&e->text);
    char dir[256];
    snprintf(dir, sizeof(dir), "%s/%s", root, rel);
    const char *roots[] = {dir};
    return discover(roots, 1, NULL, e);
}

START_TEST(walk_sorted_python_only)
{
    mk("b.py", "");
    mk("a.pyi", "");
    mk("notes.txt", "");
    mk("pkg/__init__.py", "");
    mk("pkg/Z.py", "");
    mk("pkg/sub/m.py", "");
    mk("dir.py/inner.py", "");
    struct errs e;
    as_buf_init(&e.text);
    const char *roots[] = {root};
    char *got = discover(roots, 1, NULL, &e);
    ck_assert_str_eq(got, "/a.pyi\n/b.py\n/dir.py/inner.py\n/pkg/Z.py\n/pkg/__init__.py\n/pkg/sub/m.py\n");
    ck_assert_str_eq(e.text.data, "");
    free(got);
    as_buf_release(&e.text);
}
END_TEST

START_TEST(default_and_user_excludes)
{
    mk("keep.py", "");
    mk(".venv/lib/x.py", "");
    mk("node_modules/y.py", "");
    mk("__pycache__/c.py", "");
    mk("build/gen.py", "");
    mk("gen/skip_me.py", "");
    mk("tests/test_a.py", "");
    struct errs e;
    as_buf_init(&e.text);
    const char *roots[] = {root};
    char *got = discover(roots, 1, NULL, &e);
    ck_assert_str_eq(got, "/gen/skip_me.py\n/keep.py\n/tests/test_a.py\n");
    free(got);
    const char *ex[] = {"gen", "test_*.py"};
    struct as_discover_opts o = {0};
    o.exclude = ex;
    o.n_exclude = 2;
    got = discover(roots, 1, &o, &e);
    ck_assert_str_eq(got, "/keep.py\n");
    free(got);
    /* a root inside a default-excluded directory, and an explicit non-.py file, are analysed */
    char venv_file[128], txt[128];
    snprintf(venv_file, sizeof(venv_file), "%s/.venv/lib/x.py", root);
    mk("script", "");
    snprintf(txt, sizeof(txt), "%s/script", root);
    const char *explicit_roots[] = {venv_file, txt};
    got = discover(explicit_roots, 2, NULL, &e);
    ck_assert_str_eq(got, "/.venv/lib/x.py\n/script\n");
    free(got);
    /* --force-exclude applies excludes to explicit files */
    struct as_discover_opts fo = {0};
    fo.force_exclude = true;
    got = discover(explicit_roots, 2, &fo, &e);
    ck_assert_str_eq(got, "/script\n");
    free(got);
    as_buf_release(&e.text);
}
END_TEST

START_TEST(symlinks)
{
    mk("a/m.py", "");
    char link[256], target[256];
    snprintf(link, sizeof(link), "%s/a/loop", root);
    ck_assert_int_eq(symlink("..", link), 0);
    snprintf(link, sizeof(link), "%s/a/dangling.py", root);
    ck_assert_int_eq(symlink("nowhere.py", link), 0);
    snprintf(link, sizeof(link), "%s/a/dangling.txt", root);
    ck_assert_int_eq(symlink("nowhere.txt", link), 0);
    mk("outside/o.py", "");
    snprintf(link, sizeof(link), "%s/a/o_link.py", root);
    snprintf(target, sizeof(target), "%s/outside/o.py", root);
    ck_assert_int_eq(symlink(target, link), 0);
    struct errs e;
    char *got = discover_under("a", &e);
    ck_assert_str_eq(got, "/a/loop/outside/o.py\n/a/m.py\n/a/o_link.py\n");
    ck_assert_str_eq(e.text.data, "/a/dangling.py: broken symbolic link\n");
    free(got);
    as_buf_release(&e.text);
}
END_TEST

/* Hundreds of directories, each with a link back to the top and one across to the first: each directory is
 * entered once (the set of entered directories grows several times on the way), and nothing else is listed. */
START_TEST(many_directories_with_loops)
{
    struct as_buf want;
    as_buf_init(&want);
    for (int i = 0; i < 300; i++) {
        char rel[64], link[256];
        snprintf(rel, sizeof(rel), "t/d%03d/m.py", i);
        mk(rel, "");
        as_buf_printf(&want, "/t/d%03d/m.py\n", i);
        snprintf(link, sizeof(link), "%s/t/d%03d/back", root, i);
        ck_assert_int_eq(symlink("..", link), 0);
        snprintf(link, sizeof(link), "%s/t/d%03d/zfirst", root, i);
        ck_assert_int_eq(symlink("../d000", link), 0);
    }
    struct errs e;
    char *got = discover_under("t", &e);
    ck_assert_str_eq(got, want.data);
    ck_assert_uint_eq(e.text.len, 0);
    free(got);
    as_buf_release(&e.text);
    as_buf_release(&want);
}
END_TEST

START_TEST(missing_roots_dedupe_and_stdin)
{
    mk("x.py", "");
    struct errs e;
    as_buf_init(&e.text);
    char x[128], missing[128];
    snprintf(x, sizeof(x), "%s/x.py", root);
    snprintf(missing, sizeof(missing), "%s/missing.py", root);
    const char *roots[] = {x, missing, root, "-", x};
    char *got = discover(roots, 5, NULL, &e);
    ck_assert_str_eq(got, "-\n/x.py\n");
    ck_assert_str_eq(e.text.data, "/missing.py: No such file or directory\n");
    free(got);
    as_buf_release(&e.text);
}
END_TEST

START_TEST(unreadable_directory)
{
    mk("ok.py", "");
    mk("locked/hidden.py", "");
    char locked[128];
    snprintf(locked, sizeof(locked), "%s/locked", root);
    chmod(locked, 0);
    if (access(locked, R_OK) == 0) {   /* root ignores permissions: nothing to test */
        chmod(locked, 0755);
        return;
    }
    struct errs e;
    as_buf_init(&e.text);
    const char *roots[] = {root};
    char *got = discover(roots, 1, NULL, &e);
    ck_assert_str_eq(got, "/ok.py\n");
    ck_assert_str_eq(e.text.data, "/locked: Permission denied\n");
    free(got);
    as_buf_release(&e.text);
    chmod(locked, 0755);
}
END_TEST

START_TEST(many_files_and_odd_names)
{
    mk("big/placeholder", "");
    char path[256];
    for (int i = 0; i < 20000; i++) {
        snprintf(path, sizeof(path), "%s/big/f%05d.py", root, i);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fclose(f);
    }
    mk("odd/with space.py", "");
    mk("odd/new\nline.py", "");
    struct errs e;
    as_buf_init(&e.text);
    const char *roots[] = {root};
    struct as_path_list out = {0};
    struct as_discover_opts o = {0};
    as_discover(roots, 1, &o, &out);
    ck_assert_uint_eq(out.n, 20002);
    for (size_t i = 1; i < out.n; i++) ck_assert_int_lt(strcmp(out.paths[i - 1], out.paths[i]), 0);
    ck_assert_ptr_nonnull(strstr(out.paths[0], "big/f00000.py"));
    ck_assert_ptr_nonnull(strstr(out.paths[out.n - 1], "odd/with space.py"));
    ck_assert_ptr_nonnull(strstr(out.paths[out.n - 2], "odd/new\nline.py"));
    as_path_list_release(&out);
    as_buf_release(&e.text);
}
END_TEST

/* The walk lists each directory once, spelled as its files' directory is (no trailing '/'), with whether it is
 * no symbolic link and whether it holds a configuration file's name in any case (settings skip their stats
 * on that word: a wrong flag would lose a nested configuration). */
START_TEST(listed_directories)
{
    mk("a/b/pyproject.toml", "");
    mk("a/b/m.py", "");
    mk("a/c/PyProject.TOML", "");
    mk("a/d/x.py", "");
    mk("a/d/pyproject.toml.bak", "");
    mk("a/d/e/.asyncscan.toml", "");
    mk("outside/asyncscan.toml", "");
    mk("outside/o.py", "");
    char link[256], target[256];
    snprintf(link, sizeof(link), "%s/a/link", root);
    snprintf(target, sizeof(target), "%s/outside", root);
    ck_assert_int_eq(symlink(target, link), 0);
    char a[128];
    snprintf(a, sizeof(a), "%s/a/", root);
    const char *roots[] = {a};
    struct as_path_list out = {0};
    struct as_discover_opts o = {0};
    as_discover(roots, 1, &o, &out);
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < out.n_dirs; i++)
        as_buf_printf(&b, "%s plain=%d config=%d\n", out.dirs[i].path + strlen(root), out.dirs[i].plain,
                      out.dirs[i].config_names);
    ck_assert_str_eq(b.data, "/a plain=0 config=0\n"
                             "/a/b plain=1 config=1\n"
                             "/a/c plain=1 config=1\n"
                             "/a/d plain=1 config=0\n"
                             "/a/d/e plain=1 config=1\n"
                             "/a/link plain=0 config=1\n");
    /* each file's directory (as config.c derives it) is one of the listed ones */
    for (size_t i = 0; i < out.n; i++) {
        size_t dl = (size_t)(strrchr(out.paths[i], '/') - out.paths[i]);
        bool found = false;
        for (size_t k = 0; k < out.n_dirs && !found; k++)
            found = strlen(out.dirs[k].path) == dl && strncmp(out.dirs[k].path, out.paths[i], dl) == 0;
        ck_assert_msg(found, "no listed directory for %s", out.paths[i]);
    }
    as_buf_release(&b);
    as_path_list_release(&out);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("discover");
    TCase *tc = tcase_create("discover");
    tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, walk_sorted_python_only);
    tcase_add_test(tc, default_and_user_excludes);
    tcase_add_test(tc, symlinks);
    tcase_add_test(tc, many_directories_with_loops);
    tcase_add_test(tc, missing_roots_dedupe_and_stdin);
    tcase_add_test(tc, unreadable_directory);
    tcase_add_test(tc, many_files_and_odd_names);
    tcase_add_test(tc, listed_directories);
    suite_add_tcase(s, tc);
    return s;
}
