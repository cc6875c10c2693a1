/* test_rewrite.c — the in-place writer (fix/inplace.h) and --add-noqa's fresh analysis (cli/rewrite.h): the
 * file keeps its inode; a transformation is redone when the file changes while it runs; a read-only file is
 * not written; and directives land on the current lines even when the run analysed an older version. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/rewrite.h"
#include "fix/inplace.h"
#include "util/xalloc.h"
#include "test_util.h"

static char dir[] = "/tmp/as_rewrite_XXXXXX";

static void setup(void) { ck_assert_ptr_nonnull(mkdtemp(dir)); }
static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "chmod -R u+w %s; rm -rf %s", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    strcpy(dir, "/tmp/as_rewrite_XXXXXX");
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Upper-cases the text; on its first call also appends to the file (as an editor saving meanwhile would). */
struct upper {
    const char *path;
    int calls;
};
static int upper(void *ud, const char *bytes, size_t len, char **out, size_t *out_len, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    struct upper *u = ud;
    if (u->calls++ == 0) {
        FILE *f = fopen(u->path, "ab");
        fputs("more\n", f);
        fclose(f);
    }
    *out = as_xmalloc(len + 1);
    for (size_t i = 0; i < len; i++) (*out)[i] = (char)(bytes[i] >= 'a' && bytes[i] <= 'z' ? bytes[i] - 32 : bytes[i]);
    *out_len = len;
    return 0;
}

START_TEST(same_inode_and_redone_on_change)
{
    char path[128], link[128];
    snprintf(path, sizeof(path), "%s/a.py", dir);
    snprintf(link, sizeof(link), "%s/b.py", dir);
    write_file(path, "abc\n");
    ck_assert_int_eq(symlink("a.py", link), 0);
    struct stat before, after;
    ck_assert_int_eq(stat(path, &before), 0);
    struct upper u = {path, 0};
    char err[256];
    ck_assert_int_eq(as_inplace_rewrite(link, 1 << 20, false, upper, &u, err, sizeof(err)), AS_INPLACE_WRITTEN);
    ck_assert_int_eq(u.calls, 2);   /* the file changed during the first: transformed again */
    ck_assert_str_eq(read_text(path), "ABC\nMORE\n");
    ck_assert_int_eq(stat(path, &after), 0);
    ck_assert(before.st_ino == after.st_ino);
    struct stat l;
    ck_assert_int_eq(lstat(link, &l), 0);
    ck_assert(S_ISLNK(l.st_mode));
}
END_TEST

static int unchanged(void *ud, const char *bytes, size_t len, char **out, size_t *out_len, char *err, size_t errlen)
{
    (void)ud, (void)bytes, (void)len, (void)out_len, (void)err, (void)errlen;
    *out = NULL;
    return 0;
}

START_TEST(read_only_not_written)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/ro.py", dir);
    write_file(path, "abc\n");
    ck_assert_int_eq(chmod(path, 0444), 0);
    struct upper u = {path, 1};
    char err[256];
    ck_assert_int_eq(as_inplace_rewrite(path, 1 << 20, false, upper, &u, err, sizeof(err)), AS_INPLACE_FAILED);
    ck_assert_ptr_nonnull(strstr(err, "read-only"));
    ck_assert_str_eq(read_text(path), "abc\n");
    /* nothing to change: not an error */
    ck_assert_int_eq(as_inplace_rewrite(path, 1 << 20, false, unchanged, NULL, err, sizeof(err)), AS_INPLACE_UNCHANGED);
    /* a dry run reads it */
    ck_assert_int_eq(as_inplace_rewrite(path, 1 << 20, true, upper, &u, err, sizeof(err)), AS_INPLACE_WRITTEN);
    ck_assert_str_eq(read_text(path), "abc\n");
}
END_TEST

/* The run analysed an older version of the file (the finding on line 5); two lines were added on top since:
 * the directive goes on the line the finding is on now (7), from a fresh analysis. */
START_TEST(stale_run_uses_current_lines)
{
    struct as_engine engine;
    char *eerr = NULL;
    ck_assert(as_engine_init(&engine, NULL, NULL, NULL, &eerr) == 0);
    char path[128];
    snprintf(path, sizeof(path), "%s/m.py", dir);
    const char *old = "import time\n\n\nasync def f():\n    time.sleep(1)\n";
    struct as_worker *w = as_worker_new();
    struct as_file_result run;
    as_file_result_init(&run);
    as_analyze_buffer(w, &engine, path, old, strlen(old), &run);
    ck_assert_uint_eq(run.n_diags, 1);
    ck_assert_uint_eq(run.diags[0].noqa_line, 5);
    write_file(path, "import time\n# one\n# two\n\n\nasync def f():\n    time.sleep(1)\n");
    struct as_rewrite rw;
    as_rewrite_init(&rw, &engine, NULL, 0, 1 << 20, stdout, stderr);
    as_rewrite_add_noqa(&rw, path, -1, &run);
    ck_assert_uint_eq(rw.noqa_added, 1);
    ck_assert_uint_eq(rw.errors, 0);
    ck_assert_str_eq(read_text(path), "import time\n# one\n# two\n\n\nasync def f():\n    time.sleep(1)  # noqa: ASYNC251\n");
    as_rewrite_release(&rw);
    as_file_result_release(&run);
    as_worker_free(w);
    as_engine_release(&engine);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("rewrite");
    TCase *tc = tcase_create("rewrite");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, same_inode_and_redone_on_change);
    tcase_add_test(tc, read_only_not_written);
    tcase_add_test(tc, stale_run_uses_current_lines);
    suite_add_tcase(s, tc);
    return s;
}
