/* test_root.c — project roots (project/root.h) and the scope of a run over named files (project/scope.h) on
 * generated trees: the nearest marker wins, a repository's root ends the walk, a marker that is a directory
 * does not count, a file that does not exist yet still gets its directory's root; the scope's display and
 * module paths from the root and from a subdirectory, files of two projects, --project-root, and discovery of
 * the project with a named buffer's path inserted in order. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project/root.h"
#include "project/scope.h"
#include "test_util.h"

static char root[64];
static char real_root[PATH_MAX];

static void mk(const char *rel, const char *content) { as_test_mk(root, rel, content); }

static void setup_tree(void)
{
    snprintf(root, sizeof(root), "/tmp/asyncscan-root-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    ck_assert_ptr_nonnull(realpath(root, real_root));
}

static void teardown_tree(void)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    ck_assert_int_eq(system(cmd), 0);
}

/* The root of root/rel, relative to the tree ("" for the tree itself, "(outside)" for anything above it). */
static char *root_rel(const char *rel)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    char *r = as_project_root_of(path);
    if (!r) return strdup("(none)");
    char *out;
    if (strcmp(r, real_root) == 0) out = strdup("");
    else if (as_path_within(r, real_root)) out = strdup(r + strlen(real_root) + 1);
    else out = strdup("(outside)");
    free(r);
    return out;
}

#define ck_root(rel, want)                       \
    do {                                         \
        char *got_ = root_rel(rel);              \
        ck_assert_str_eq(got_, want);            \
        free(got_);                              \
    } while (0)

START_TEST(nearest_marker_then_repository)
{
    mk("repo/.git/HEAD", "ref: refs/heads/main\n");
    mk("repo/loose/a.py", "");
    mk("repo/pkg/pyproject.toml", "[project]\n");
    mk("repo/pkg/sub/deep/b.py", "");
    mk("repo/cfg/setup.cfg", "");
    mk("repo/cfg/c.py", "");
    mk("repo/own/asyncscan.toml", "");
    mk("repo/own/x/d.py", "");
    mk("repo/fake/pyproject.toml/keep", "");   /* a directory: not a marker */
    mk("repo/fake/e.py", "");
    mk("repo/work/.git", "gitdir: /elsewhere\n");   /* a worktree: .git is a file */
    mk("repo/work/f.py", "");
    mk("top/setup.py", "");
    mk("top/hg/.hg/store", NULL);
    mk("top/hg/g.py", "");
    mk("top/plain/h.py", "");
    ck_root("repo/loose/a.py", "repo");
    ck_root("repo/pkg/sub/deep/b.py", "repo/pkg");
    ck_root("repo/cfg/c.py", "repo/cfg");
    ck_root("repo/own/x/d.py", "repo/own");
    ck_root("repo/fake/e.py", "repo");
    ck_root("repo/work/f.py", "repo/work");
    ck_root("repo/pkg/sub/not-yet.py", "repo/pkg");   /* an editor's new buffer */
    ck_root("top/hg/g.py", "top/hg");
    ck_root("top/plain/h.py", "top");   /* outside a repository: the nearest marker */
    ck_root("missing/dir/x.py", "(none)");   /* the directory must exist */
}
END_TEST

START_TEST(scope_paths)
{
    mk("proj/pyproject.toml", "");
    mk("proj/services/users.py", "");
    mk("proj/util/disk.py", "");
    mk("proj/util/__init__.py", "");
    mk("other/pyproject.toml", "");
    mk("other/o.py", "");
    char cwd[PATH_MAX + 16], sub[PATH_MAX + 32];
    snprintf(cwd, sizeof(cwd), "%s/proj", real_root);
    snprintf(sub, sizeof(sub), "%s/proj/services", real_root);
    ck_assert_int_eq(chdir(cwd), 0);
    struct as_arena a;
    as_arena_init(&a);
    struct as_project_scope s;
    const char *named[] = {"services/users.py"};
    ck_assert(as_project_scope_init(&s, named, 1, NULL, cwd));
    ck_assert_str_eq(s.root, cwd);
    ck_assert_str_eq(s.root_arg, ".");
    ck_assert(as_project_scope_is_target(&s, "services/users.py"));
    ck_assert(!as_project_scope_is_target(&s, "util/disk.py"));
    ck_assert_str_eq(as_project_scope_module_path(&s, "util/disk.py", &a), "util/disk.py");
    struct as_path_list files = {0};
    struct as_discover_opts opts = {0};
    as_project_scope_discover(&s, &opts, &files);
    ck_assert_uint_eq(files.n, 3);
    ck_assert_str_eq(files.paths[0], "services/users.py");
    ck_assert_str_eq(files.paths[2], "util/disk.py");
    as_path_list_release(&files);
    as_project_scope_release(&s);

    /* from a subdirectory: other files are shown absolute, module paths stay relative to the root */
    ck_assert_int_eq(chdir(sub), 0);
    const char *named_sub[] = {"users.py", "./new.py"};   /* new.py: a buffer not saved yet */
    ck_assert(as_project_scope_init(&s, named_sub, 2, NULL, sub));
    ck_assert_str_eq(s.root_arg, cwd);
    ck_assert(as_project_scope_is_target(&s, "new.py"));
    ck_assert_str_eq(as_project_scope_module_path(&s, "users.py", &a), "services/users.py");
    char disk[PATH_MAX + 64];
    snprintf(disk, sizeof(disk), "%s/util/disk.py", cwd);
    ck_assert_str_eq(as_project_scope_module_path(&s, disk, &a), "util/disk.py");
    memset(&files, 0, sizeof(files));
    as_project_scope_discover(&s, &opts, &files);
    ck_assert_uint_eq(files.n, 4);
    ck_assert_str_eq(files.paths[0], "new.py");   /* inserted in order among the display paths */
    ck_assert_str_eq(files.paths[1], "users.py");
    ck_assert_str_eq(files.paths[3], disk);
    as_path_list_release(&files);
    as_project_scope_release(&s);

    /* files of two projects: joined under the directory both roots lie in; --project-root must hold them */
    ck_assert_int_eq(chdir(real_root), 0);
    const char *two[] = {"proj/util/disk.py", "other/o.py"};
    ck_assert(as_project_scope_init(&s, two, 2, NULL, real_root));
    ck_assert_str_eq(s.root, real_root);
    as_project_scope_release(&s);
    ck_assert(as_project_scope_init(&s, two, 1, "proj", real_root));
    ck_assert_str_eq(s.root, cwd);
    as_project_scope_release(&s);
    ck_assert(!as_project_scope_init(&s, two, 2, "proj", real_root));   /* other/o.py is not under it */
    as_arena_release(&a);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("root");
    TCase *tc = tcase_create("root");
    tcase_add_checked_fixture(tc, setup_tree, teardown_tree);
    tcase_add_test(tc, nearest_marker_then_repository);
    tcase_add_test(tc, scope_paths);
    suite_add_tcase(s, tc);
    return s;
}
