/* test_strmap.c — the string map: put keeps the first value and set replaces it, lookups by NUL-terminated
 * key, by a counted slice and for the stored key (interning) agree, many keys sharing long prefixes survive
 * every growth with the table never more than 3/4 full, and a cleared map forgets every key yet works again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "util/strmap.h"

START_TEST(put_get_set)
{
    struct as_strmap m = {0};
    ck_assert_int_eq(as_strmap_get(&m, "a"), -1);   /* empty: no table yet */
    ck_assert_ptr_null(as_strmap_key(&m, "a"));
    ck_assert_int_eq(as_strmap_put(&m, "alpha", 1), 1);
    ck_assert_int_eq(as_strmap_put(&m, "alpha", 2), 1);   /* put keeps the value stored first */
    ck_assert_int_eq(as_strmap_get(&m, "alpha"), 1);
    as_strmap_set(&m, "alpha", 3);
    ck_assert_int_eq(as_strmap_get(&m, "alpha"), 3);
    as_strmap_set(&m, "beta", 4);   /* set also inserts */
    ck_assert_int_eq(as_strmap_get(&m, "beta"), 4);
    ck_assert_int_eq(as_strmap_put(&m, "", 5), 5);   /* the empty string is a key like any other */
    ck_assert_int_eq(as_strmap_get(&m, ""), 5);
    ck_assert_uint_eq(m.len, 3);
    ck_assert_int_eq(as_strmap_get(&m, "alph"), -1);
    ck_assert_int_eq(as_strmap_get(&m, "alphab"), -1);
    as_strmap_free(&m);
}
END_TEST

START_TEST(slices_and_interning)
{
    struct as_strmap m = {0};
    const char *stored = "pkg.db.load";
    as_strmap_put(&m, stored, 7);
    char copy[] = "pkg.db.load";
    ck_assert_ptr_eq(as_strmap_key(&m, copy), stored);   /* the map's own pointer comes back */
    const char *text = "x = pkg.db.loader()";
    ck_assert_int_eq(as_strmap_get_n(&m, text + 4, 11), 7);    /* "pkg.db.load", no NUL after it */
    ck_assert_int_eq(as_strmap_get_n(&m, text + 4, 10), -1);   /* "pkg.db.loa" */
    ck_assert_int_eq(as_strmap_get_n(&m, text + 4, 13), -1);   /* "pkg.db.loade" */
    as_strmap_free(&m);
}
END_TEST

/* 200,000 names with a long shared prefix (like a project's qualified names): every one is found with its
 * value after all the growths, absent ones are not, and the table stays at most 3/4 full. */
START_TEST(many_keys)
{
    enum { N = 200000 };
    struct as_strmap m = {0};
    char **keys = malloc(N * sizeof(char *));
    for (int i = 0; i < N; i++) {
        char buf[96];
        snprintf(buf, sizeof(buf), "corpus.python3-pkg.usr.lib.python3.dist-packages.pkg.mod%d.f", i);
        keys[i] = strdup(buf);
        ck_assert_int_eq(as_strmap_put(&m, keys[i], i), i);
        ck_assert_uint_le(m.len * 4, m.cap * 3);
    }
    ck_assert_uint_eq(m.len, N);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(as_strmap_get(&m, keys[i]), i);
        ck_assert_ptr_eq(as_strmap_key(&m, keys[i]), keys[i]);
    }
    for (int i = 0; i < 1000; i++) {
        char buf[96];
        snprintf(buf, sizeof(buf), "corpus.python3-pkg.usr.lib.python3.dist-packages.pkg.mod%d.g", i);
        ck_assert_int_eq(as_strmap_get(&m, buf), -1);
    }
    as_strmap_free(&m);
    for (int i = 0; i < N; i++) free(keys[i]);
    free(keys);
}
END_TEST

START_TEST(clear_forgets)
{
    struct as_strmap m = {0};
    char names[100][16];
    for (int i = 0; i < 100; i++) {
        snprintf(names[i], sizeof(names[i]), "name%d", i);
        as_strmap_put(&m, names[i], i);
    }
    size_t cap = m.cap;
    as_strmap_clear(&m);
    ck_assert_uint_eq(m.len, 0);
    ck_assert_uint_eq(m.cap, cap);   /* the memory is kept */
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(as_strmap_get(&m, names[i]), -1);
        ck_assert_ptr_null(as_strmap_key(&m, names[i]));
    }
    ck_assert_int_eq(as_strmap_put(&m, names[5], 50), 50);   /* a key seen before the clear is new again */
    ck_assert_int_eq(as_strmap_get(&m, names[5]), 50);
    ck_assert_int_eq(as_strmap_get(&m, names[6]), -1);
    as_strmap_free(&m);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("strmap");
    TCase *tc = tcase_create("strmap");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, put_get_set);
    tcase_add_test(tc, slices_and_interning);
    tcase_add_test(tc, many_keys);
    tcase_add_test(tc, clear_forgets);
    suite_add_tcase(s, tc);
    return s;
}
