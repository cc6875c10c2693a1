/* test_arena.c — the bump allocator: allocations are zeroed and aligned for any type even right after a string
 * of odd length, strings are packed end to end, a request larger than a block gets a block of its own, and
 * release leaves the arena empty and reusable. */
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "test_util.h"
#include "util/arena.h"

START_TEST(alignment_after_strings)
{
    struct as_arena a;
    as_arena_init(&a);
    for (size_t n = 0; n < 40; n++) {
        char *s = as_arena_strndup(&a, "abcdefghijklmnopqrstuvwxyz0123456789ABCD", n);
        ck_assert_uint_eq(strlen(s), n);
        double *d = as_arena_alloc(&a, sizeof(double) * 3);
        ck_assert_uint_eq((uintptr_t)d % alignof(max_align_t), 0);
        ck_assert(d[0] == 0.0 && d[1] == 0.0 && d[2] == 0.0);   /* zeroed */
        d[2] = 1.5;
    }
    as_arena_release(&a);
}
END_TEST

START_TEST(strings_packed)
{
    struct as_arena a;
    as_arena_init(&a);
    char *x = as_arena_strdup(&a, "abc");
    char *y = as_arena_strdup(&a, "de");
    char *z = as_arena_printf(&a, "%s.%d", "f", 7);
    ck_assert_ptr_eq(y, x + 4);   /* right after "abc\0" */
    ck_assert_ptr_eq(z, y + 3);
    ck_assert_str_eq(x, "abc");
    ck_assert_str_eq(y, "de");
    ck_assert_str_eq(z, "f.7");
    as_arena_release(&a);
}
END_TEST

/* as_arena_cat joins its strings up to the NULL, packed like any string; none is the empty string. */
START_TEST(cat_joins_strings)
{
    struct as_arena a;
    as_arena_init(&a);
    char *x = as_arena_cat(&a, "pkg.mod", ".", "Client", "()", (char *)NULL);
    char *y = as_arena_cat(&a, (char *)NULL);
    char *z = as_arena_cat(&a, "", "a", "", (char *)NULL);
    ck_assert_str_eq(x, "pkg.mod.Client()");
    ck_assert_str_eq(y, "");
    ck_assert_ptr_eq(y, x + strlen(x) + 1);
    ck_assert_str_eq(z, "a");
    char big[40000];
    memset(big, 'b', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *w = as_arena_cat(&a, big, ".", big, (char *)NULL);   /* larger than a block */
    ck_assert_uint_eq(strlen(w), 2 * (sizeof(big) - 1) + 1);
    ck_assert(w[sizeof(big) - 1] == '.' && w[0] == 'b' && w[strlen(w) - 1] == 'b');
    as_arena_release(&a);
}
END_TEST

START_TEST(large_and_reuse)
{
    struct as_arena a;
    as_arena_init(&a);
    char *small = as_arena_strdup(&a, "x");
    size_t big_n = 3 * 1024 * 1024;
    unsigned char *big = as_arena_alloc(&a, big_n);
    for (size_t i = 0; i < big_n; i += 4096) ck_assert_uint_eq(big[i], 0);
    memset(big, 0xAB, big_n);
    ck_assert_str_eq(small, "x");   /* untouched by the big block */
    ck_assert_uint_ge(a.total, big_n);
    as_arena_release(&a);
    ck_assert_uint_eq(a.total, 0);
    ck_assert_ptr_null(a.head);
    ck_assert_str_eq(as_arena_strdup(&a, "again"), "again");
    as_arena_release(&a);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("arena");
    tcase_add_test(tc, alignment_after_strings);
    tcase_add_test(tc, strings_packed);
    tcase_add_test(tc, large_and_reuse);
    tcase_add_test(tc, cat_joins_strings);
    suite_add_tcase(s, tc);
    return s;
}
