/* test_fix_engine.c — the edit engine (fix/fix.h) and the unified diff (fix/diff.h) on texts analysed by the
 * real engine: one import for several fixes, an import's alias reused, a name taken by something else (no
 * fix), overlapping fixes taken in a later pass, idempotence, line mapping; hunks of the diff. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "fix/diff.h"
#include "fix/fix.h"
#include "pipeline/engine.h"
#include "test_util.h"

static struct as_engine engine;
static struct as_worker *worker;

static void setup(void)
{
    char *err = NULL;
    /* ASYNC124 (off by default) would add a finding on every snippet's `async def` that does not await yet */
    ck_assert_msg(as_engine_init(&engine, "ALL", NULL, "RUF100,ASYNC124,ASYNC91", &err) == 0, "%s", err ? err : "");
    worker = as_worker_new();
}

static void teardown(void)
{
    as_worker_free(worker);
    as_engine_release(&engine);
}

static void analyse(void *ud, const char *text, size_t len, const uint32_t *cell_starts, struct as_file_result *out)
{
    (void)ud;
    (void)cell_starts;
    as_file_result_init(out);
    as_analyze_buffer_ex(worker, &engine, "m.py", text, len, true, out);
}

/* Fixes `in` with unsafe fixes on; returns the fixed text (heap) or NULL; *n_fixed and *passes when given. */
static char *fix(const char *in, size_t *n_fixed, size_t *passes, bool duplicate_first)
{
    struct as_file_result first;
    analyse(NULL, in, strlen(in), NULL, &first);
    if (duplicate_first && first.n_diags) {   /* the same finding twice: the two fixes overlap */
        struct as_diag *d = as_arena_alloc(&first.arena, (first.n_diags + 1) * sizeof(*d));
        memcpy(d, first.diags, first.n_diags * sizeof(*d));
        d[first.n_diags] = first.diags[0];
        first.diags = d;
        first.n_diags++;
    }
    struct as_fix_settings s = {true, NULL, NULL};
    struct as_fix_outcome o;
    ck_assert_int_eq(as_fix_text(first.text, first.text_len, &first, &s, analyse, NULL, &o), 0);
    char *text = o.text ? strdup(o.text) : NULL;
    if (n_fixed) *n_fixed = o.n_fixed;
    if (passes) *passes = o.passes;
    as_fix_outcome_release(&o);
    as_file_result_release(&first);
    return text;
}

START_TEST(one_import_for_several_fixes)
{
    size_t n = 0, passes = 0;
    char *out = fix("import time\n\n\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n", &n, &passes, false);
    ck_assert_str_eq(out, "import time\nimport asyncio\n\n\nasync def f():\n    await asyncio.sleep(1)\n"
                          "    await asyncio.sleep(2)\n");
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(passes, 1);
    ck_assert_ptr_null(fix(out, NULL, NULL, false));   /* idempotent */
    free(out);
}
END_TEST

START_TEST(alias_reused_and_name_taken)
{
    char *out = fix("import asyncio as aio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n", NULL, NULL, false);
    ck_assert_str_eq(out, "import asyncio as aio\nimport time\n\n\nasync def f():\n    await aio.sleep(1)\n");
    free(out);
    out = fix("from asyncio import sleep\nimport time\n\n\nasync def f():\n    time.sleep(1)\n", NULL, NULL, false);
    ck_assert_str_eq(out, "from asyncio import sleep\nimport time\nimport asyncio\n\n\nasync def f():\n"
                          "    await asyncio.sleep(1)\n");
    free(out);
    /* an import only type checkers see does not count: the module is imported for run time */
    out = fix("import time\nif TYPE_CHECKING:\n    import asyncio\n\n\nasync def f():\n    time.sleep(1)\n", NULL, NULL,
              false);
    ck_assert_str_eq(out, "import time\nimport asyncio\nif TYPE_CHECKING:\n    import asyncio\n\n\nasync def f():\n"
                          "    await asyncio.sleep(1)\n");
    free(out);
    /* `asyncio` names something else here: no fix */
    ck_assert_ptr_null(fix("from compat import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n", NULL,
                           NULL, false));
}
END_TEST

START_TEST(no_imports_docstring)
{
    char *out = fix("\"\"\"Doc.\"\"\"\n\n\nasync def f():\n    __import__('time').sleep(1)\n    open('x')\n", NULL, NULL,
                    false);
    ck_assert_str_eq(out, "\"\"\"Doc.\"\"\"\nimport asyncio\n\n\nasync def f():\n    __import__('time').sleep(1)\n"
                          "    await asyncio.to_thread(open, 'x')\n");
    free(out);
}
END_TEST

START_TEST(overlapping_fixes_wait)
{
    size_t n = 0, passes = 0;
    char *out = fix("import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n", &n, &passes, true);
    ck_assert_str_eq(out, "import asyncio\nimport time\n\n\nasync def f():\n    await asyncio.sleep(1)\n");
    ck_assert_uint_eq(n, 1);   /* the duplicate's edits overlapped; in the next pass its finding is gone */
    ck_assert_uint_eq(passes, 1);
    free(out);
}
END_TEST

START_TEST(line_mapping)
{
    struct as_file_result first;
    const char *in = "import time\n\n\nasync def f():\n    time.sleep(1)\n\n\nx = 1\n";
    analyse(NULL, in, strlen(in), NULL, &first);
    struct as_fix_settings s = {true, NULL, NULL};
    struct as_fix_outcome o;
    as_fix_text(first.text, first.text_len, &first, &s, analyse, NULL, &o);
    ck_assert_ptr_nonnull(o.text);
    ck_assert_uint_eq(as_fix_map_line(&o, 1), 1);
    ck_assert_uint_eq(as_fix_map_line(&o, 2), 3);   /* below the added import */
    ck_assert_uint_eq(as_fix_map_line(&o, 8), 9);
    ck_assert(o.first_fixed[0]);
    as_fix_outcome_release(&o);
    as_file_result_release(&first);
}
END_TEST

START_TEST(settings_choose)
{
    struct as_fix f = {AS_FIX_UNSAFE, "m", NULL, 0};
    struct as_fix_settings safe_only = {false, NULL, NULL}, unsafe = {true, NULL, NULL};
    ck_assert(!as_fix_applies(&safe_only, "ASYNC251", &f));
    ck_assert(as_fix_applies(&unsafe, "ASYNC251", &f));
    f.applicability = AS_FIX_DISPLAY_ONLY;
    ck_assert(!as_fix_applies(&unsafe, "RUF006", &f));
    ck_assert(!as_fix_applies(&unsafe, "ASYNC251", NULL));
    ck_assert_ptr_nonnull(as_fix_info_for("ASYNC251"));
    ck_assert_ptr_null(as_fix_info_for("ASC106"));
    ck_assert_str_eq(as_fix_applicability_name(AS_FIX_DISPLAY_ONLY), "display-only");
}
END_TEST

static void expect_diff(const char *a, const char *b, const char *want)
{
    struct as_buf out;
    as_buf_init(&out);
    as_fix_unified_diff(&out, "m.py", a, strlen(a), b, strlen(b));
    ck_assert_msg(strcmp(out.len ? out.data : "", want) == 0, "got:\n%s\nwant:\n%s", out.len ? out.data : "", want);
    as_buf_release(&out);
}

START_TEST(unified_diff)
{
    expect_diff("a\nb\n", "a\nb\n", "");
    expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n",
                "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\n11\n12\nY\n14\n15\n",
                "--- m.py\n+++ m.py\n@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n"
                "@@ -10,6 +10,6 @@\n 10\n 11\n 12\n-13\n+Y\n 14\n 15\n");
    /* changes 6 lines apart share a hunk; an added line; no newline at the end */
    expect_diff("a\nb\nc\nd\ne\nf\ng\nh\ni", "a\nB\nc\nd\ne\nf\ng\nh\nI",
                "--- m.py\n+++ m.py\n@@ -1,9 +1,9 @@\n a\n-b\n+B\n c\n d\n e\n f\n g\n h\n-i\n\\ No newline at end of file\n"
                "+I\n\\ No newline at end of file\n");
    expect_diff("x\r\ny\r\n", "x\r\nimport z\r\ny\r\n", "--- m.py\n+++ m.py\n@@ -1,2 +1,3 @@\n x\r\n+import z\r\n y\r\n");
    expect_diff("", "a\n", "--- m.py\n+++ m.py\n@@ -0,0 +1 @@\n+a\n");
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("fix_engine");
    TCase *tc = tcase_create("fix_engine");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, one_import_for_several_fixes);
    tcase_add_test(tc, alias_reused_and_name_taken);
    tcase_add_test(tc, no_imports_docstring);
    tcase_add_test(tc, overlapping_fixes_wait);
    tcase_add_test(tc, line_mapping);
    tcase_add_test(tc, settings_choose);
    tcase_add_test(tc, unified_diff);
    suite_add_tcase(s, tc);
    return s;
}
