/* test_limits.c — a query run cut short (the match or time limit: shapes that cost the cursor O(depth) per
 * node) is reported as a one-line error naming it, alone or after a syntax error, and what was found before
 * the cut is kept; with the limit off the same text is analysed completely. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/engine.h"
#include "analysis/query.h"
#include "test_util.h"

/* an async function with a blocking call, then enough statements for the cursor's progress callbacks to fire */
static char *long_file(const char *head)
{
    size_t n = 20000, cap = strlen(head) + n * 32 + 64;   /* a line is at most 18 bytes */
    char *s = malloc(cap);
    size_t at = (size_t)snprintf(s, cap, "%s", head);
    for (size_t i = 0; i < n; i++) at += (size_t)snprintf(s + at, cap - at, "x%zu = f(%zu)\n", i, i);
    return s;
}

static void analyse(const char *src, struct as_file_result *r)
{
    static struct as_engine engine;
    static struct as_worker *w;
    if (!w) {
        char *err = NULL;
        ck_assert_int_eq(as_engine_init(&engine, NULL, NULL, NULL, &err), 0);
        w = as_worker_new();
    }
    as_file_result_init(r);
    as_analyze_buffer(w, &engine, "m.py", src, strlen(src), r);
}

START_TEST(cut_runs_are_reported)
{
    char *clean = long_file("import time\nasync def f():\n    time.sleep(1)\n");
    char *broken = long_file("import time\nasync def f():\n    time.sleep(1)\ndef g(:\n    pass\n");
    struct as_file_result r;

    as_query_set_time_limit(1e-9);   /* past at the first look at the clock */
    analyse(clean, &r);
    ck_assert_ptr_nonnull(r.error);
    ck_assert_msg(strstr(r.error, "too deeply nested to analyse completely") != NULL, "%s", r.error);
    as_file_result_release(&r);
    analyse(broken, &r);
    ck_assert_ptr_nonnull(r.error);
    ck_assert_msg(strstr(r.error, "invalid syntax at line 4") != NULL, "%s", r.error);
    ck_assert_msg(strstr(r.error, "but not completely: the query match or time limit was reached") != NULL, "%s",
                  r.error);
    as_file_result_release(&r);

    as_query_set_time_limit(0);   /* no limit: complete, the finding at line 3 is there */
    analyse(clean, &r);
    ck_assert_ptr_null(r.error);
    ck_assert_uint_eq(r.n_diags, 1);
    ck_assert_str_eq(r.diags[0].code, "ASYNC251");
    as_file_result_release(&r);
    analyse(broken, &r);
    ck_assert_ptr_nonnull(r.error);
    ck_assert_msg(strstr(r.error, "but not completely") == NULL, "%s", r.error);
    as_file_result_release(&r);
    as_query_set_time_limit(AS_QUERY_TIME_LIMIT_S);
    free(clean);
    free(broken);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, cut_runs_are_reported);
    suite_add_tcase(s, tc);
    return s;
}
