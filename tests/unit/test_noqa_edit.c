/* test_noqa_edit.c — `--add-noqa` edits (noqa_edit.c): appending a directive, merging into an existing one,
 * blanket and other comments, line endings, BOM, '#' inside strings, triple-quoted strings, invalid input.
 * Every expected output is exact bytes, and every edit is re-applied to check that it is idempotent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/noqa_edit.h"
#include "test_util.h"

#define W(l, c) {(l), (c)}
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Renders bytes with \r, \n and non-ASCII escaped, for failure messages. */
static const char *show(const char *s, size_t n)
{
    static char bufs[4][2048];
    static unsigned which;
    char *o = bufs[which++ % 4];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 8 < sizeof(bufs[0]); i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n') k += (size_t)sprintf(o + k, "\\n");
        else if (ch == '\r') k += (size_t)sprintf(o + k, "\\r");
        else if (ch < 0x20 || ch >= 0x7f) k += (size_t)sprintf(o + k, "\\x%02X", ch);
        else o[k++] = (char)ch;
    }
    o[k] = '\0';
    return o;
}

/* Applies the wants to `in`; `want` NULL means nothing to do (returns 0, *out NULL). Then applies them again
 * to the result, which must change nothing. */
static void expect_skip(const char *in, const struct as_noqa_want *w, size_t n, const char *want, int changed,
                        size_t skipped)
{
    char *out = (char *)1;
    size_t out_len = 99, sk = 99;
    int r = as_noqa_add_ex(in, strlen(in), w, n, &out, &out_len, &sk, NULL);
    ck_assert_msg(r == changed, "'%s': changed %d, want %d", show(in, strlen(in)), r, changed);
    ck_assert_msg(sk == skipped, "'%s': skipped %zu, want %zu", show(in, strlen(in)), sk, skipped);
    if (!want) {
        ck_assert_msg(out == NULL && out_len == 0, "'%s': expected no output", show(in, strlen(in)));
        return;
    }
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(out_len == strlen(want) && memcmp(out, want, out_len) == 0 && out[out_len] == '\0',
                  "'%s':\n got '%s'\nwant '%s'", show(in, strlen(in)), show(out, out_len), show(want, strlen(want)));
    char *again = (char *)1;
    size_t again_len = 99;
    int r2 = as_noqa_add(out, out_len, w, n, &again, &again_len);
    ck_assert_msg(r2 == 0 && again == NULL, "not idempotent: '%s' -> '%s'", show(out, out_len),
                  again ? show(again, again_len) : "(null)");
    free(out);
}

static void expect(const char *in, const struct as_noqa_want *w, size_t n, const char *want, int changed)
{
    expect_skip(in, w, n, want, changed, 0);
}

START_TEST(no_comment)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("x = 1\n", w, 1, "x = 1  # noqa: ASYNC251\n", 1);
    expect("    await asyncio.sleep(1)   \t\n", w, 1, "    await asyncio.sleep(1)  # noqa: ASYNC251\n", 1);
}
END_TEST

START_TEST(several_codes_sorted_dedup)
{
    const struct as_noqa_want w[] = {W(1, "RUF006"), W(1, "ASYNC251"), W(1, "RUF006"), W(1, "ASYNC100")};
    expect("f()\n", w, N(w), "f()  # noqa: ASYNC100, ASYNC251, RUF006\n", 1);
}
END_TEST

START_TEST(across_lines)
{
    const struct as_noqa_want w[] = {W(3, "RUF006"), W(1, "ASYNC251"), W(3, "ASYNC100")};
    expect("a()\nb()\nc()\nd()\n", w, N(w), "a()  # noqa: ASYNC251\nb()\nc()  # noqa: ASYNC100, RUF006\nd()\n", 2);
}
END_TEST

START_TEST(merge_existing)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251"), W(1, "ASYNC100")};
    expect("x = 1  # noqa: RUF006\n", w, N(w), "x = 1  # noqa: RUF006, ASYNC100, ASYNC251\n", 1);
    expect("x = 1  #noqa:RUF006,ASYNC251\n", w, N(w), "x = 1  # noqa: RUF006, ASYNC251, ASYNC100\n", 1);
    expect("x = 1  # NOQA : RUF006 ASYNC251\n", w, N(w), "x = 1  # noqa: RUF006, ASYNC251, ASYNC100\n", 1);
    expect("x = 1  # NoQa:RUF006,,RUF006\n", w, N(w), "x = 1  # noqa: RUF006, ASYNC100, ASYNC251\n", 1);
    /* text after the codes is kept */
    expect("x  # noqa: RUF006 because reasons\n", w, N(w), "x  # noqa: RUF006, ASYNC100, ASYNC251 because reasons\n",
           1);
    expect("x  # noqa: RUF006#tail\n", w, N(w), "x  # noqa: RUF006, ASYNC100, ASYNC251 #tail\n", 1);
    /* the parser reads RUF006 and stops at the glued ASYNC200: the rewrite must not start suppressing it */
    expect("x  # noqa: RUF006ASYNC200\n", w, N(w), "x  # noqa: RUF006, ASYNC100, ASYNC251ASYNC200\n", 1);
    expect("x  # noqa: RUF006because\n", w, N(w), "x  # noqa: RUF006, ASYNC100, ASYNC251 because\n", 1);
    expect("x  # noqa: RUF006 # trailing\n", w, N(w), "x  # noqa: RUF006, ASYNC100, ASYNC251 # trailing\n", 1);
    /* a directive after other comment text */
    expect("x  # type: ignore # noqa: RUF006\n", w, N(w), "x  # type: ignore # noqa: RUF006, ASYNC100, ASYNC251\n", 1);
    /* malformed `# noqa:` (no codes) becomes a valid one */
    expect("x  # noqa:\n", w, N(w), "x  # noqa: ASYNC100, ASYNC251\n", 1);
    expect("x  # noqa: asyncs251\n", w, N(w), "x  # noqa: ASYNC100, ASYNC251 asyncs251\n", 1);
}
END_TEST

START_TEST(already_covered)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("x  # noqa: ASYNC251\n", w, 1, NULL, 0);
    expect("x  #NOQA:RUF006,ASYNC251\n", w, 1, NULL, 0);
    expect("x  # type: ignore # noqa: ASYNC251 why\n", w, 1, NULL, 0);
}
END_TEST

START_TEST(blanket)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251"), W(2, "ASYNC251"), W(3, "ASYNC251"), W(4, "ASYNC251")};
    expect("a  # noqa\nb  #NOQA because reasons\nc  # type: ignore # noqa\nd  # noqa # x: y\n", w, N(w), NULL, 0);
}
END_TEST

START_TEST(other_comment)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("x = f()  # type: ignore\n", w, 1, "x = f()  # type: ignore  # noqa: ASYNC251\n", 1);
    expect("x = f()  # pragma: no cover   \n", w, 1, "x = f()  # pragma: no cover  # noqa: ASYNC251\n", 1);
    expect("x = f() # see noqa docs\n", w, 1, "x = f() # see noqa docs  # noqa: ASYNC251\n", 1);
    expect("x = f()  # noqaX\n", w, 1, "x = f()  # noqaX  # noqa: ASYNC251\n", 1);
}
END_TEST

START_TEST(line_endings)
{
    const struct as_noqa_want w2[] = {W(2, "ASYNC251")};
    expect("a()\r\nb()\r\nc()\r\n", w2, 1, "a()\r\nb()  # noqa: ASYNC251\r\nc()\r\n", 1);
    expect("a()\rb()  \rc()\r", w2, 1, "a()\rb()  # noqa: ASYNC251\rc()\r", 1);
    expect("a()\nb()", w2, 1, "a()\nb()  # noqa: ASYNC251", 1);
    expect("a()\r\nb()  # noqa: RUF006", w2, 1, "a()\r\nb()  # noqa: RUF006, ASYNC251", 1);
    const struct as_noqa_want w4[] = {W(1, "A1"), W(2, "B2"), W(3, "C3"), W(4, "D4")};
    expect("a()\r\nb()\nc()\rd()", w4, N(w4),
           "a()  # noqa: A1\r\nb()  # noqa: B2\nc()  # noqa: C3\rd()  # noqa: D4", 4);
    /* "\n\r" is two line endings: line 2 is empty, b() is line 3 */
    const struct as_noqa_want w3[] = {W(3, "C3")};
    expect("a()\n\rb()\n", w3, 1, "a()\n\rb()  # noqa: C3\n", 1);
}
END_TEST

START_TEST(bom)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("\xEF\xBB\xBFx = 1\n", w, 1, "\xEF\xBB\xBFx = 1  # noqa: ASYNC251\n", 1);
    expect("\xEF\xBB\xBFx  #noqa:RUF006\r\n", w, 1, "\xEF\xBB\xBFx  # noqa: RUF006, ASYNC251\r\n", 1);
    const struct as_noqa_want w2[] = {W(2, "ASYNC251")};
    expect("\xEF\xBB\xBFx = 1\ny = 2\n", w2, 1, "\xEF\xBB\xBFx = 1\ny = 2  # noqa: ASYNC251\n", 1);
    /* a BOM alone on line 1: nothing to attach to */
    expect_skip("\xEF\xBB\xBF\nx\n", w, 1, NULL, 0, 1);
}
END_TEST

START_TEST(hash_in_strings)
{
    /* Each string holds "# noqa": taking it for the comment would read a blanket directive (or merge into it)
     * and leave the line unchanged or wrongly rewritten. */
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("x = \"a # noqa\"\n", w, 1, "x = \"a # noqa\"  # noqa: ASYNC251\n", 1);
    expect("x = \"a # b\"  # real comment\n", w, 1, "x = \"a # b\"  # real comment  # noqa: ASYNC251\n", 1);
    expect("x = '# noqa'  # type: ignore\n", w, 1, "x = '# noqa'  # type: ignore  # noqa: ASYNC251\n", 1);
    expect("x = \"# noqa: RUF006\"  # noqa: RUF100\n", w, 1,
           "x = \"# noqa: RUF006\"  # noqa: RUF100, ASYNC251\n", 1);
    expect("x = \"a \\\" # noqa \\\" b\"\n", w, 1, "x = \"a \\\" # noqa \\\" b\"  # noqa: ASYNC251\n", 1);
    expect("x = Rf\"{d[\" # noqa \"]}\"\n", w, 1, "x = Rf\"{d[\" # noqa \"]}\"  # noqa: ASYNC251\n", 1);
    expect("x = 'it\\'s # noqa'\n", w, 1, "x = 'it\\'s # noqa'  # noqa: ASYNC251\n", 1);
    expect("x = \"a\\\\\" + '# noqa'\n", w, 1, "x = \"a\\\\\" + '# noqa'  # noqa: ASYNC251\n", 1);
    expect("x = rb'\\'# noqa' + Rb\"# noqa\" + u'# noqa' + B'# noqa'\n", w, 1,
           "x = rb'\\'# noqa' + Rb\"# noqa\" + u'# noqa' + B'# noqa'  # noqa: ASYNC251\n", 1);
    expect("x = \"a\" \"# noqa\" '# noqa' \"\"\n", w, 1, "x = \"a\" \"# noqa\" '# noqa' \"\"  # noqa: ASYNC251\n", 1);
    expect("if y else\"# noqa\"  # c\n", w, 1, "if y else\"# noqa\"  # c  # noqa: ASYNC251\n", 1);
    /* f-strings: replacement fields may hold strings (with the same quote since Python 3.12) and format specs */
    expect("x = f\"{d['# noqa']}\"\n", w, 1, "x = f\"{d['# noqa']}\"  # noqa: ASYNC251\n", 1);
    expect("x = f\"{d[\"# noqa\"]}\"\n", w, 1, "x = f\"{d[\"# noqa\"]}\"  # noqa: ASYNC251\n", 1);
    expect("x = F'{{# noqa}}' + f\"{v:'>10}# noqa\" + f'{v:{w}}# noqa'  # c\n", w, 1,
           "x = F'{{# noqa}}' + f\"{v:'>10}# noqa\" + f'{v:{w}}# noqa'  # c  # noqa: ASYNC251\n", 1);
    expect("x = f\"{ {'# noqa': 1}['#'] }\"\n", w, 1, "x = f\"{ {'# noqa': 1}['#'] }\"  # noqa: ASYNC251\n", 1);
    expect("x = rf'{a}# noqa' + t\"{b!r}# noqa\"\n", w, 1, "x = rf'{a}# noqa' + t\"{b!r}# noqa\"  # noqa: ASYNC251\n",
           1);
    /* ...where a nested string with the outer quote must not end the f-string early */
    expect("x = f\"{d[\" # noqa \"]}\"\n", w, 1, "x = f\"{d[\" # noqa \"]}\"  # noqa: ASYNC251\n", 1);
    expect("x = F\"{ {\"a\": 1}[\" # noqa \"] }\"\n", w, 1, "x = F\"{ {\"a\": 1}[\" # noqa \"] }\"  # noqa: ASYNC251\n",
           1);
    expect("x = t\"{a[\" # noqa \"]}\"\n", w, 1, "x = t\"{a[\" # noqa \"]}\"  # noqa: ASYNC251\n", 1);
    expect("x = f\"{v:'>10} # noqa '\"\n", w, 1, "x = f\"{v:'>10} # noqa '\"  # noqa: ASYNC251\n", 1);
    /* `{{` is a literal brace, not a field */
    expect("x = f\"{{\"  # c\n", w, 1, "x = f\"{{\"  # c  # noqa: ASYNC251\n", 1);
    /* not a string prefix: `else` then a plain string; `xf` then a string too */
    expect("x = xf\"# noqa\"\n", w, 1, "x = xf\"# noqa\"  # noqa: ASYNC251\n", 1);
}
END_TEST

START_TEST(triple_quoted)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("x = \"\"\"a # noqa\"\"\"\n", w, 1, "x = \"\"\"a # noqa\"\"\"  # noqa: ASYNC251\n", 1);
    expect("x = '''a ' # noqa '' b'''  # c\n", w, 1, "x = '''a ' # noqa '' b'''  # c  # noqa: ASYNC251\n", 1);
    expect("x = f\"\"\"{a} \"# noqa\" \"\"\"\n", w, 1, "x = f\"\"\"{a} \"# noqa\" \"\"\"  # noqa: ASYNC251\n", 1);
    /* opens and does not close on the line: skipped, nothing appended */
    expect_skip("x = \"\"\"start # doc\nmore\n\"\"\"\n", w, 1, NULL, 0, 1);
    expect_skip("x = f'''{a}\n'''\n", w, 1, NULL, 0, 1);
    /* the other lines are still edited */
    const struct as_noqa_want w2[] = {W(1, "ASYNC251"), W(4, "RUF006")};
    expect_skip("x = '''\n# not a comment\n'''\ny()\n", w2, N(w2), "x = '''\n# not a comment\n'''\ny()  # noqa: RUF006\n", 1,
                1);
}
END_TEST

START_TEST(continuations_and_blank)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect_skip("x = 1 + \\\n    2\n", w, 1, NULL, 0, 1);      /* backslash continuation */
    expect_skip("x = \"abc\\\ndef\"\n", w, 1, NULL, 0, 1);    /* backslash-continued string */
    expect_skip("x = 'abc\n", w, 1, NULL, 0, 1);              /* unterminated string */
    expect_skip("   \n", w, 1, NULL, 0, 1);                   /* blank */
    expect_skip("# just a comment\n", w, 1, NULL, 0, 1);      /* no statement */
    /* an open bracket is fine: a comment may follow it */
    expect("f(a,\n  b)\n", w, 1, "f(a,  # noqa: ASYNC251\n  b)\n", 1);
}
END_TEST

/* Each skipped line is listed with why, in line order; the other lines are still edited. */
START_TEST(skip_reasons)
{
    const char *in = "x = 1 + \\\n    2\ny = '''a\n'''\n\nz()\n";
    const struct as_noqa_want w[] = {W(6, "RUF006"), W(1, "ASYNC251"), W(3, "ASYNC251"), W(5, "ASYNC251")};
    struct as_noqa_skip skips[N(w)];
    char *out = NULL;
    size_t len = 0, n_skipped = 0;
    ck_assert_int_eq(as_noqa_add_ex(in, strlen(in), w, N(w), &out, &len, &n_skipped, skips), 1);
    ck_assert_uint_eq(n_skipped, 3);
    ck_assert_uint_eq(skips[0].line, 1);
    ck_assert_int_eq(skips[0].reason, AS_NOQA_SKIP_CONTINUATION);
    ck_assert_uint_eq(skips[1].line, 3);
    ck_assert_int_eq(skips[1].reason, AS_NOQA_SKIP_STRING);
    ck_assert_uint_eq(skips[2].line, 5);
    ck_assert_int_eq(skips[2].reason, AS_NOQA_SKIP_NO_CODE);
    ck_assert_str_eq(out, "x = 1 + \\\n    2\ny = '''a\n'''\n\nz()  # noqa: RUF006\n");
    ck_assert_ptr_nonnull(strstr(as_noqa_skip_reason_text(AS_NOQA_SKIP_CONTINUATION), "backslash"));
    free(out);
}
END_TEST

START_TEST(beyond_end)
{
    const struct as_noqa_want w[] = {W(2, "ASYNC251"), W(99, "ASYNC251"), W(UINT32_MAX, "RUF006")};
    expect("a()\n", w, N(w), NULL, 0);
    expect("a()\nb()", w, N(w), "a()\nb()  # noqa: ASYNC251", 1);
}
END_TEST

START_TEST(empty_input)
{
    const struct as_noqa_want w[] = {W(1, "ASYNC251")};
    expect("", w, 1, NULL, 0);
    expect("x\n", w, 0, NULL, 0);
    char *out = (char *)1;
    size_t len = 5;
    ck_assert_int_eq(as_noqa_add("x\n", 2, NULL, 3, &out, &len), 0);
    ck_assert_ptr_null(out);
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(invalid_codes)
{
    const struct as_noqa_want bad[] = {W(1, "asyncs251"), W(1, "ASYNC"), W(1, "251"), W(1, "A1b"), W(1, ""),
                                       W(1, NULL),        W(0, "A1"),   W(1, "ABCDEFGHIJKLMNOP1"), W(1, "A 1")};
    expect("x\n", bad, N(bad), NULL, 0);
    const struct as_noqa_want mixed[] = {W(1, "ASYNC"), W(1, "RUF006"), W(1, "ruf006")};
    expect("x\n", mixed, N(mixed), "x  # noqa: RUF006\n", 1);
}
END_TEST

START_TEST(idempotent_file)
{
    const char *in = "\xEF\xBB\xBFimport asyncio\r\n"
                     "async def f():\r\n"
                     "    x = \"# s\"  # type: ignore\r\n"
                     "    y = 1  #noqa:RUF006\r\n"
                     "    z = 2  # noqa\r\n"
                     "    doc = '''\r\n"
                     "    '''\r\n"
                     "    await asyncio.sleep(1)";
    const struct as_noqa_want w[] = {W(3, "ASYNC251"), W(4, "ASYNC251"), W(5, "ASYNC251"), W(6, "ASYNC251"),
                                     W(8, "ASYNC251"), W(8, "RUF006")};
    const char *want = "\xEF\xBB\xBFimport asyncio\r\n"
                       "async def f():\r\n"
                       "    x = \"# s\"  # type: ignore  # noqa: ASYNC251\r\n"
                       "    y = 1  # noqa: RUF006, ASYNC251\r\n"
                       "    z = 2  # noqa\r\n"
                       "    doc = '''\r\n"
                       "    '''\r\n"
                       "    await asyncio.sleep(1)  # noqa: ASYNC251, RUF006";
    expect_skip(in, w, N(w), want, 3, 1);   /* expect_skip re-applies: second pass changes nothing */

    /* adding more codes later merges into the directives the first pass wrote */
    char *out = NULL, *out2 = NULL;
    size_t len = 0, len2 = 0;
    ck_assert_int_eq(as_noqa_add(in, strlen(in), w, N(w), &out, &len), 3);
    const struct as_noqa_want more[] = {W(3, "ASYNC100"), W(8, "ASYNC251")};
    ck_assert_int_eq(as_noqa_add(out, len, more, N(more), &out2, &len2), 1);
    ck_assert_ptr_nonnull(strstr(out2, "# type: ignore  # noqa: ASYNC251, ASYNC100\r\n"));
    free(out);
    free(out2);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("noqa_edit");
    TCase *tc = tcase_create("noqa_edit");
    tcase_add_test(tc, no_comment);
    tcase_add_test(tc, several_codes_sorted_dedup);
    tcase_add_test(tc, across_lines);
    tcase_add_test(tc, merge_existing);
    tcase_add_test(tc, already_covered);
    tcase_add_test(tc, blanket);
    tcase_add_test(tc, other_comment);
    tcase_add_test(tc, line_endings);
    tcase_add_test(tc, bom);
    tcase_add_test(tc, hash_in_strings);
    tcase_add_test(tc, triple_quoted);
    tcase_add_test(tc, continuations_and_blank);
    tcase_add_test(tc, skip_reasons);
    tcase_add_test(tc, beyond_end);
    tcase_add_test(tc, empty_input);
    tcase_add_test(tc, invalid_codes);
    tcase_add_test(tc, idempotent_file);
    suite_add_tcase(s, tc);
    return s;
}
