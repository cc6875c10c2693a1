/* test_source.c — reading files (regular files only, size cap, FIFOs refused without blocking) and decoding:
 * BOM, CRLF/CR line tables, PEP 263 cookies, invalid UTF-8 and NUL bytes with exact positions, code-point
 * columns. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/source.h"
#include "test_util.h"

struct decode_case {
    const char *bytes;
    size_t len;              /* 0 = strlen */
    const char *text;        /* expected decoded text, or NULL when an error is expected */
    const char *error;       /* expected error message */
    size_t n_lines;
};

static const struct decode_case decode_cases[] = {
    {"x = 1\n", 0, "x = 1\n", NULL, 2},
    {"\xef\xbb\xbfx = 1", 0, "x = 1", NULL, 1},
    {"a\r\nb\r\n", 0, "a\r\nb\r\n", NULL, 3},
    {"a\rb\rc", 0, "a\nb\nc", NULL, 3},              /* a lone CR ends a line: LF for the grammar */
    {"a\r\rb\r\n", 0, "a\n\nb\r\n", NULL, 4},
    /* NFKC's compatibility letters become ASCII (full-width x, mathematical bold t); other full-width stays */
    {"\xef\xbd\x98 = \xf0\x9d\x90\xad  # \xef\xbc\x88\n", 0, "x = t  # \xef\xbc\x88\n", NULL, 2},
    {"", 0, "", NULL, 1},
    {"# -*- coding: latin-1 -*-\ns = '\xe9'\n", 0, "# -*- coding: latin-1 -*-\ns = '\xc3\xa9'\n", NULL, 3},
    {"#!/usr/bin/python\n# coding=cp1252\ns = '\x80'\n", 0, "#!/usr/bin/python\n# coding=cp1252\ns = '\xe2\x82\xac'\n",
     NULL, 4},
    {"# coding: utf-8\nx = '\xc3\xa9'\n", 0, "# coding: utf-8\nx = '\xc3\xa9'\n", NULL, 3},
    {"x = 1\n\n# coding: latin-1\ns = '\xe9'\n", 0, NULL, "invalid UTF-8 at line 4, column 6", 0},
    {"import os\n# coding: latin-1\ns = '\xe9'\n", 0, NULL, "invalid UTF-8 at line 3, column 6", 0},
    {"# coding: klingon\n", 0, NULL, "unknown encoding 'klingon' in coding cookie (line 1)", 0},
    {"\xef\xbb\xbf# coding: latin-1\n", 0, NULL, "encoding problem: utf-8 BOM with coding cookie 'latin-1'", 0},
    {"ok\nx = '\xff'\n", 0, NULL, "invalid UTF-8 at line 2, column 6", 0},
    {"x = '\xc3", 0, NULL, "invalid UTF-8 at line 1, column 6", 0},
    {"\xc0\x80", 0, NULL, "invalid UTF-8 at line 1, column 1", 0},
    {"ab\xed\xa0\x80", 0, NULL, "invalid UTF-8 at line 1, column 3", 0},
    {"\xf4\x90\x80\x80", 0, NULL, "invalid UTF-8 at line 1, column 1", 0},
    {"a\nb\x00z", 5, NULL, "file contains a NUL byte at line 2 (binary file?)", 0},
    {"\xff\xfe" "a\x00", 4, NULL, "UTF-16 is not supported (file starts with a UTF-16 byte order mark)", 0},
    {"\xff\xfe\x00\x00", 4, NULL, "UTF-32 is not supported (file starts with a UTF-32 byte order mark)", 0},
};

START_TEST(decode)
{
    const struct decode_case *c = &decode_cases[_i];
    struct as_arena a;
    as_arena_init(&a);
    struct as_source s;
    char err[256] = "";
    size_t len = c->len ? c->len : strlen(c->bytes);
    int rc = as_source_decode(&s, &a, c->bytes, len, err, sizeof(err));
    if (c->text) {
        ck_assert_msg(rc == 0, "case %d: unexpected error %s", _i, err);
        ck_assert_str_eq(s.text, c->text);
        ck_assert_uint_eq(s.len, strlen(c->text));
        ck_assert_uint_eq(s.n_lines, c->n_lines);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_str_eq(err, c->error);
    }
    as_arena_release(&a);
}
END_TEST

START_TEST(positions)
{
    struct as_arena a;
    as_arena_init(&a);
    struct as_source s;
    char err[64];
    const char *src = "ab\r\n\xc3\xa9x\xf0\x9f\x98\x80y\rz";
    ck_assert_int_eq(as_source_decode(&s, &a, src, strlen(src), err, sizeof(err)), 0);
    uint32_t line, col;
    struct { size_t off; uint32_t line, col; } want[] = {
        {0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {4, 2, 1}, {6, 2, 2}, {7, 2, 3}, {11, 2, 4}, {13, 3, 1}, {99, 3, 2},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        as_source_position(&s, want[i].off, &line, &col);
        ck_assert_msg(line == want[i].line && col == want[i].col, "offset %zu: got %u:%u want %u:%u", want[i].off,
                      line, col, want[i].line, want[i].col);
    }
    as_arena_release(&a);
}
END_TEST

/* The line table, with `\n` only (memchr) and with `\r` anywhere (byte by byte), against the definition: a line
 * starts after each `\n`, `\r\n` and lone `\r`. */
START_TEST(line_starts)
{
    const char *texts[] = {"", "\n", "a", "a\n", "\n\n\nb", "ab\ncd\n\nef", "a\r\nb", "a\rb\r", "\r\n\r\r\n\n",
                           "x = 1\n\ndef f():\n    pass"};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct as_arena a;
        as_arena_init(&a);
        struct as_source s;
        char err[64];
        const char *t = texts[i];
        size_t len = strlen(t);
        ck_assert_int_eq(as_source_decode(&s, &a, t, len, err, sizeof(err)), 0);
        uint32_t want[32];
        size_t n = 0;
        want[n++] = 0;
        for (size_t k = 0; k < len; k++)
            if (t[k] == '\n' || (t[k] == '\r' && (k + 1 >= len || t[k + 1] != '\n'))) want[n++] = (uint32_t)(k + 1);
        ck_assert_msg(s.n_lines == n, "text %zu: %zu lines, want %zu", i, s.n_lines, n);
        for (size_t k = 0; k < n; k++) ck_assert_uint_eq(s.line_starts[k], want[k]);
        as_arena_release(&a);
    }
}
END_TEST

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/asyncscan-source-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

START_TEST(read_regular_file)
{
    make_tmpdir();
    char path[128], *bytes;
    size_t len;
    char err[128];
    snprintf(path, sizeof(path), "%s/a.py", tmpdir);
    FILE *f = fopen(path, "w");
    fputs("print(1)\n", f);
    fclose(f);
    ck_assert_int_eq(as_source_read_file(path, 1024, &bytes, &len, err, sizeof(err)), 0);
    ck_assert_uint_eq(len, 9);
    ck_assert_str_eq(bytes, "print(1)\n");
    free(bytes);
    ck_assert_int_eq(as_source_read_file(path, 4, &bytes, &len, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "larger than the size limit"));
    ck_assert_int_eq(as_source_read_file(tmpdir, 1024, &bytes, &len, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "is a directory");
    snprintf(path, sizeof(path), "%s/missing.py", tmpdir);
    ck_assert_int_eq(as_source_read_file(path, 1024, &bytes, &len, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "No such file or directory");
    snprintf(path, sizeof(path), "%s/a.py", tmpdir);
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

START_TEST(fifo_is_refused_without_blocking)
{
    make_tmpdir();
    char path[128], *bytes;
    size_t len;
    char err[128];
    snprintf(path, sizeof(path), "%s/x.py", tmpdir);
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    alarm(5);   /* a blocking open would be killed by the alarm and fail the test */
    ck_assert_int_eq(as_source_read_file(path, 1024, &bytes, &len, err, sizeof(err)), -1);
    alarm(0);
    ck_assert_str_eq(err, "not a regular file");
    ck_assert_int_eq(as_source_read_file("/dev/zero", 1024, &bytes, &len, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "not a regular file");
    unlink(path);
    rmdir(tmpdir);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("source");
    TCase *tc = tcase_create("source");
    tcase_add_loop_test(tc, decode, 0, sizeof(decode_cases) / sizeof(decode_cases[0]));
    tcase_add_test(tc, positions);
    tcase_add_test(tc, line_starts);
    tcase_add_test(tc, read_regular_file);
    tcase_add_test(tc, fifo_is_refused_without_blocking);
    suite_add_tcase(s, tc);
    return s;
}
