/* test_noqa.c — ruff's `# noqa` grammar: blanket and coded forms, spacing and case variants, trailing text,
 * directives after other comment text, invalid forms, and file-level exemptions (own line only). */
#include <stdio.h>
#include <string.h>

#include "pipeline/noqa.h"
#include "test_util.h"

struct noqa_case {
    const char *comment;
    bool own_line;
    enum as_noqa_kind kind;
    bool file_level;
    const char *codes;   /* space-separated expected codes */
};

static const struct noqa_case cases[] = {
    {"# noqa", false, AS_NOQA_BLANKET, false, ""},
    {"#noqa", false, AS_NOQA_BLANKET, false, ""},
    {"# NOQA", false, AS_NOQA_BLANKET, false, ""},
    {"# noqa because reasons", false, AS_NOQA_BLANKET, false, ""},
    {"# noqa: ASYNC251", false, AS_NOQA_CODES, false, "ASYNC251"},
    {"# noqa:ASYNC251,RUF006", false, AS_NOQA_CODES, false, "ASYNC251 RUF006"},
    {"#NOQA:ASYNC251", false, AS_NOQA_CODES, false, "ASYNC251"},
    {"# noqa : ASYNC251", false, AS_NOQA_CODES, false, "ASYNC251"},
    {"# noqa: ASYNC251 RUF006", false, AS_NOQA_CODES, false, "ASYNC251 RUF006"},
    {"# noqa: ASYNC251,,RUF006", false, AS_NOQA_CODES, false, "ASYNC251 RUF006"},
    {"# noqa: ASYNC251 because of reasons", false, AS_NOQA_CODES, false, "ASYNC251"},
    {"# type: ignore # noqa: ASYNC210", false, AS_NOQA_CODES, false, "ASYNC210"},
    {"# a comment # noqa", false, AS_NOQA_BLANKET, false, ""},
    {"# noqa:", false, AS_NOQA_INVALID, false, ""},
    {"# noqa: asyncs251", false, AS_NOQA_INVALID, false, ""},
    {"# noqaX", false, AS_NOQA_NONE, false, ""},
    {"# see noqa docs", false, AS_NOQA_NONE, false, ""},
    {"# snoqa", false, AS_NOQA_NONE, false, ""},
    {"# plain comment", false, AS_NOQA_NONE, false, ""},
    {"# ruff: noqa", true, AS_NOQA_BLANKET, true, ""},
    {"# asyncscan: noqa", true, AS_NOQA_BLANKET, true, ""},
    {"# flake8: noqa", true, AS_NOQA_BLANKET, true, ""},
    {"# ruff: noqa: ASYNC251, RUF006", true, AS_NOQA_CODES, true, "ASYNC251 RUF006"},
    {"#ruff:NOQA:ASYNC251", true, AS_NOQA_CODES, true, "ASYNC251"},
    {"# ruff: noqa", false, AS_NOQA_NONE, false, ""},
    {"# Ruff: noqa", true, AS_NOQA_NONE, false, ""},
};

START_TEST(parse)
{
    const struct noqa_case *c = &cases[_i];
    struct as_noqa nq;
    enum as_noqa_kind k = as_noqa_parse(c->comment, strlen(c->comment), c->own_line, &nq);
    ck_assert_msg(k == c->kind && nq.kind == c->kind, "'%s': kind %d, want %d", c->comment, k, c->kind);
    ck_assert_msg(nq.file_level == c->file_level, "'%s': file_level", c->comment);
    char got[256] = "";
    char code[AS_NOQA_CODE_MAX];
    size_t n = 0;
    for (const char *at = NULL; as_noqa_next_code(&nq, &at, code); n++) {
        if (n) strcat(got, " ");
        strcat(got, code);
    }
    ck_assert_uint_eq(n, nq.n_codes);
    ck_assert_str_eq(got, c->codes);
}
END_TEST

START_TEST(covers)
{
    struct as_noqa nq;
    as_noqa_parse("# noqa: ASYNC251", 16, false, &nq);
    ck_assert(as_noqa_covers(&nq, "ASYNC251"));
    ck_assert(!as_noqa_covers(&nq, "ASYNC25"));
    ck_assert(!as_noqa_covers(&nq, "RUF006"));
    as_noqa_parse("# noqa", 6, false, &nq);
    ck_assert(as_noqa_covers(&nq, "RUF006"));
    as_noqa_parse("# noqa:", 7, false, &nq);
    ck_assert(!as_noqa_covers(&nq, "RUF006"));
}
END_TEST

/* No limit on the number of codes (the parser once kept 32): the 40th still suppresses, in order. */
START_TEST(many_codes)
{
    char comment[1024] = "# noqa:";
    for (int i = 1; i <= 40; i++) snprintf(comment + strlen(comment), 16, " ASC%03d,", i);
    struct as_noqa nq;
    ck_assert_int_eq(as_noqa_parse(comment, strlen(comment), false, &nq), AS_NOQA_CODES);
    ck_assert_uint_eq(nq.n_codes, 40);
    ck_assert(as_noqa_covers(&nq, "ASC040"));
    ck_assert(!as_noqa_covers(&nq, "ASC041"));
    char code[AS_NOQA_CODE_MAX];
    int n = 0;
    for (const char *at = NULL; as_noqa_next_code(&nq, &at, code);) {
        char want[16];
        snprintf(want, sizeof(want), "ASC%03d", ++n);
        ck_assert_str_eq(code, want);
    }
    ck_assert_int_eq(n, 40);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("noqa");
    TCase *tc = tcase_create("noqa");
    tcase_add_loop_test(tc, parse, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, covers);
    tcase_add_test(tc, many_codes);
    suite_add_tcase(s, tc);
    return s;
}
