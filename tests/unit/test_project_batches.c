/* test_project_batches.c — how the project pass splits a tree into parts joined one at a time
 * (as_project_batches): it splits where every file has, below the directories they all share, a path
 * component no Python name can spell (Debian's `python3-x`, `dist-packages`, a `user-service`), and nowhere a
 * name could reach across (a loose module beside the parts, a package `__init__.py` above them, a group that
 * comes back after another); small parts are taken together up to the minimum size. */
#include <stdlib.h>

#include "project/project.h"
#include "test_util.h"

/* The batches of `paths` (NULL-terminated) with min_files, as ends written to out; returns their number. */
static size_t batches(const char *const *paths, size_t min_files, size_t *out, size_t cap)
{
    size_t n = 0;
    while (paths[n]) n++;
    size_t *ends = NULL;
    size_t k = as_project_batches(paths, n, min_files, &ends);
    ck_assert_uint_le(k, cap);
    for (size_t i = 0; i < k; i++) out[i] = ends[i];
    ck_assert_uint_eq(ends[k - 1], n);   /* every file is in a batch */
    free(ends);
    return k;
}

START_TEST(splits_at_components_no_name_spells)
{
    const char *paths[] = {"c/python3-aiohttp/usr/lib/python3/dist-packages/aiohttp/__init__.py",
                           "c/python3-aiohttp/usr/lib/python3/dist-packages/aiohttp/client.py",
                           "c/python3-httpx/usr/lib/python3/dist-packages/httpx/_client.py",
                           "c/python3-httpx/usr/lib/python3/dist-packages/httpx/_models.py",
                           "c/python3-httpx/usr/lib/python3/dist-packages/httpx/sub/x.py",
                           "c/python3-trio/usr/lib/python3/dist-packages/trio/_core.py",
                           NULL};
    size_t e[8];
    ck_assert_uint_eq(batches(paths, 1, e, 8), 3);   /* one per package: inside one, every path is of names */
    ck_assert_uint_eq(e[0], 2);
    ck_assert_uint_eq(e[1], 5);
    ck_assert_uint_eq(e[2], 6);
    ck_assert_uint_eq(batches(paths, 0, e, 8), 1);   /* min_files 0: one batch */
    ck_assert_uint_eq(batches(paths, 3, e, 8), 2);   /* parts taken together until a batch holds 3 files */
    ck_assert_uint_eq(e[0], 5);
    ck_assert_uint_eq(e[1], 6);
}
END_TEST

START_TEST(copies_split_below_a_name)
{
    /* copy0 and copy1 are names, but below each, every path has a `python3-...` component */
    const char *paths[] = {"x/copy0/python3-a/m.py", "x/copy0/python3-b/m.py", "x/copy1/python3-a/m.py",
                           "x/copy1/python3-b/m.py", NULL};
    size_t e[8];
    ck_assert_uint_eq(batches(paths, 1, e, 8), 4);
    ck_assert_uint_eq(e[0], 1);
    ck_assert_uint_eq(e[1], 2);
    ck_assert_uint_eq(e[2], 3);
}
END_TEST

START_TEST(no_split_where_a_name_reaches_across)
{
    size_t e[8];
    /* `import shared` from a service resolves to c/shared.py: nothing splits at c */
    const char *loose[] = {"c/shared.py", "c/svc-a/app/main.py", "c/svc-b/app/main.py", NULL};
    ck_assert_uint_eq(batches(loose, 1, e, 8), 1);
    /* the package itself (r/__init__.py is module `r`) is reachable from below */
    const char *init[] = {"r/__init__.py", "r/p-a/x.py", "r/p-b/y.py", NULL};
    ck_assert_uint_eq(batches(init, 1, e, 8), 1);
    /* `import svc.util` from either service resolves to m/svc/util.py through the enclosing directory m: all
     * three are one part */
    const char *deep[] = {"m/svc-a/app/x.py", "m/svc-b/app/y.py", "m/svc/util.py", NULL};
    ck_assert_uint_eq(batches(deep, 1, e, 8), 1);
    /* a directory `a-b.d` is module components `a-b`, `d`: the group `a-b` comes back after `a-c` */
    const char *resumed[] = {"r/a-b/x.py", "r/a-c/y.py", "r/a-b.d/z.py", NULL};
    ck_assert_uint_eq(batches(resumed, 1, e, 8), 1);
}
END_TEST

START_TEST(degenerate_inputs)
{
    size_t *ends = NULL;
    ck_assert_uint_eq(as_project_batches(NULL, 0, 1, &ends), 1);
    ck_assert_uint_eq(ends[0], 0);
    free(ends);
    const char *one[] = {"a-b/x.py", NULL};
    size_t e[2];
    ck_assert_uint_eq(batches(one, 1, e, 2), 1);
    const char *same[] = {"p-q/x.py", "p-q/x.pyi", NULL};   /* the same module: never apart */
    ck_assert_uint_eq(batches(same, 1, e, 2), 1);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("project_batches");
    TCase *tc = tcase_create("project_batches");
    tcase_add_test(tc, splits_at_components_no_name_spells);
    tcase_add_test(tc, copies_split_below_a_name);
    tcase_add_test(tc, no_split_where_a_name_reaches_across);
    tcase_add_test(tc, degenerate_inputs);
    suite_add_tcase(s, tc);
    return s;
}
