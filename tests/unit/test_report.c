/* test_report.c — each reporter on hand-built results: exact full/concise text (carets under multi-byte and
 * tab-indented code, help and chain lines, colour codes), JSON with ruff's keys, escaping of hostile paths and
 * messages, and the JSON validated by a real parser (python3's json module). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "test_util.h"
#include "util/json.h"
#include "util/xml.h"

static void set_text(struct as_file_result *r, const char *text)
{
    r->text = as_arena_strdup(&r->arena, text);
    r->text_len = strlen(text);
    size_t n = 1;
    for (const char *p = text; *p; p++) n += *p == '\n';
    uint32_t *ls = as_arena_alloc(&r->arena, n * sizeof(uint32_t));
    size_t k = 1;
    for (size_t i = 0; text[i]; i++)
        if (text[i] == '\n') ls[k++] = (uint32_t)(i + 1);
    r->line_starts = ls;
    r->n_lines = n;
}

static struct as_diag *add_diag(struct as_file_result *r, uint32_t line, uint32_t col, uint32_t end_line,
                                uint32_t end_col, const char *code, const char *msg, const char *help)
{
    struct as_diag *d = as_arena_alloc(&r->arena, sizeof(*d) * (r->n_diags + 1));
    if (r->n_diags) memcpy(d, r->diags, sizeof(*d) * r->n_diags);
    r->diags = d;
    d = &r->diags[r->n_diags++];
    d->line = line; d->col = col; d->end_line = end_line; d->end_col = end_col;
    d->code = code; d->name = "blocking-sleep"; d->message = msg; d->help = help;
    d->url = "https://example.org/rules/x"; d->noqa_line = line;
    return d;
}

/* Runs one reporter over the given results into a string (caller frees). */
static char *render(const char *format, struct as_file_result *results, size_t n, bool color)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    struct as_report_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.out = f;
    ctx.color = color;
    ctx.cwd = "/work/proj";
    const struct as_reporter *r = as_reporter_find(format);
    ck_assert_ptr_nonnull(r);
    r->begin(&ctx);
    for (size_t i = 0; i < n; i++) r->file(&ctx, &results[i]);
    r->end(&ctx);
    fclose(f);
    return out;
}

START_TEST(full_format)
{
    struct as_file_result r;
    as_file_result_init(&r);
    r.path = "src/app.py";
    set_text(&r, "import time\nasync def f():\n    x = 'é'; time.sleep(1)\n\tcall(\n");
    add_diag(&r, 3, 14, 3, 24, "ASYNC251", "Async functions should not call `time.sleep`", "Use `asyncio.sleep`");
    struct as_diag *d = add_diag(&r, 4, 2, 5, 1, "ASYNC210", "blocking", NULL);
    d->n_chain = 2;
    d->chain = as_arena_alloc(&r.arena, 2 * sizeof(struct as_chain_step));
    d->chain[0] = (struct as_chain_step){"_load()", "src/app.py", 9, 5, 0};
    d->chain[1] = (struct as_chain_step){"requests.get", NULL, 0, 0, 0};
    char *got = render("full", &r, 1, false);
    ck_assert_str_eq(got,
                     "src/app.py:3:14: ASYNC251 Async functions should not call `time.sleep`\n"
                     "  |\n"
                     "3 |     x = 'é'; time.sleep(1)\n"
                     "  |              ^^^^^^^^^^\n"
                     "  |\n"
                     "  = help: Use `asyncio.sleep`\n"
                     "\n"
                     "src/app.py:4:2: ASYNC210 blocking\n"
                     "  |\n"
                     "4 | \tcall(\n"
                     "  | \t^^^^^\n"
                     "  |\n"
                     "  = chain: _load() (src/app.py:9) -> requests.get\n"
                     "\n");
    free(got);
    got = render("concise", &r, 1, false);
    ck_assert_str_eq(got, "src/app.py:3:14: ASYNC251 Async functions should not call `time.sleep`\n"
                          "src/app.py:4:2: ASYNC210 blocking\n");
    free(got);
    got = render("concise", &r, 1, true);
    ck_assert_str_eq(got, "\x1b[1msrc/app.py\x1b[0m:3:14: \x1b[1;31mASYNC251\x1b[0m Async functions should not call "
                          "`time.sleep`\n\x1b[1msrc/app.py\x1b[0m:4:2: \x1b[1;31mASYNC210\x1b[0m blocking\n");
    free(got);
    as_file_result_release(&r);
}
END_TEST

START_TEST(json_format)
{
    struct as_file_result r[2];
    as_file_result_init(&r[0]);
    as_file_result_init(&r[1]);
    r[0].path = "./a.py";
    add_diag(&r[0], 2, 5, 2, 15, "ASYNC251", "msg", NULL);
    r[1].path = "/abs/b.py";
    add_diag(&r[1], 1, 1, 1, 2, "RUF006", "m2", NULL)->url = NULL;
    char *got = render("json", r, 2, false);
    ck_assert_str_eq(got,
                     "[\n"
                     "  {\n"
                     "    \"cell\": null,\n"
                     "    \"code\": \"ASYNC251\",\n"
                     "    \"end_location\": {\n"
                     "      \"column\": 15,\n"
                     "      \"row\": 2\n"
                     "    },\n"
                     "    \"filename\": \"/work/proj/a.py\",\n"
                     "    \"fix\": null,\n"
                     "    \"location\": {\n"
                     "      \"column\": 5,\n"
                     "      \"row\": 2\n"
                     "    },\n"
                     "    \"message\": \"msg\",\n"
                     "    \"name\": \"blocking-sleep\",\n"
                     "    \"noqa_row\": 2,\n"
                     "    \"severity\": \"error\",\n"
                     "    \"url\": \"https://example.org/rules/x\"\n"
                     "  },\n"
                     "  {\n"
                     "    \"cell\": null,\n"
                     "    \"code\": \"RUF006\",\n"
                     "    \"end_location\": {\n"
                     "      \"column\": 2,\n"
                     "      \"row\": 1\n"
                     "    },\n"
                     "    \"filename\": \"/abs/b.py\",\n"
                     "    \"fix\": null,\n"
                     "    \"location\": {\n"
                     "      \"column\": 1,\n"
                     "      \"row\": 1\n"
                     "    },\n"
                     "    \"message\": \"m2\",\n"
                     "    \"name\": \"blocking-sleep\",\n"
                     "    \"noqa_row\": 1,\n"
                     "    \"severity\": \"error\",\n"
                     "    \"url\": null\n"
                     "  }\n"
                     "]\n");
    free(got);
    got = render("json", r, 0, false);
    ck_assert_str_eq(got, "[]\n");
    free(got);
    as_file_result_release(&r[0]);
    as_file_result_release(&r[1]);
}
END_TEST

struct esc_case {
    const char *in;
    size_t len;
    const char *out;
};
static const struct esc_case esc_cases[] = {
    {"plain", 0, "\"plain\""},
    {"q\"b\\s", 0, "\"q\\\"b\\\\s\""},
    {"a\nb\tc\rd", 0, "\"a\\nb\\tc\\rd\""},
    {"\x01\x1f", 0, "\"\\u0001\\u001f\""},
    {"ü€😀", 0, "\"ü€😀\""},
    {"bad\xff!", 0, "\"bad\\ufffd!\""},
    {"trunc\xe2\x82", 0, "\"trunc\\ufffd\\ufffd\""},
    {"nul\0x", 5, "\"nul\\u0000x\""},
};

START_TEST(json_escaping)
{
    const struct esc_case *c = &esc_cases[_i];
    struct as_buf b;
    as_buf_init(&b);
    as_json_string(&b, c->in, c->len ? c->len : strlen(c->in));
    ck_assert_str_eq(b.data, c->out);
    as_buf_release(&b);
}
END_TEST

START_TEST(json_validates_with_a_real_parser)
{
    struct as_file_result r;
    as_file_result_init(&r);
    r.path = "we\"ird,\n pa:th %<&>\xff ü.py";
    add_diag(&r, 1, 1, 1, 2, "ASYNC251", "message with \"quotes\", commas: colons\nnewlines % < & ü", NULL);
    char *got = render("json", &r, 1, false);
    FILE *p = popen("python3 -c 'import json,sys; d=json.load(sys.stdin); "
                    "assert d[0][\"filename\"].endswith(\"\\ufffd \\u00fc.py\"); assert \"\\n\" in d[0][\"message\"]'",
                    "w");
    ck_assert_ptr_nonnull(p);
    fputs(got, p);
    ck_assert_int_eq(pclose(p), 0);
    free(got);
    as_file_result_release(&r);
}
END_TEST

START_TEST(github_escaping)
{
    struct as_file_result r;
    as_file_result_init(&r);
    r.path = "a,b:c%d\ne.py";
    add_diag(&r, 3, 5, 3, 9, "ASYNC251", "100% sure: x, y\r\nz", NULL);
    char *got = render("github", &r, 1, false);
    ck_assert_str_eq(got, "::error title=asyncscan (ASYNC251),file=a%2Cb%3Ac%25d%0Ae.py,line=3,col=5,endLine=3,"
                          "endColumn=9::a,b:c%25d%0Ae.py:3:5: ASYNC251 100%25 sure: x, y%0D%0Az\n");
    free(got);
    got = render("pylint", &r, 1, false);   /* one line per finding: control characters escaped */
    ck_assert_str_eq(got, "a,b:c%d\\x0ae.py:3: [ASYNC251] 100% sure: x, y\\x0d\\x0az\n");
    free(got);
    as_file_result_release(&r);
}
END_TEST

/* Text formats cannot drive the terminal: ESC, C1 and bidi overrides in the path, the message and the source
 * line are printed escaped, and the caret still sits under the finding. */
START_TEST(text_formats_escape_controls)
{
    struct as_file_result r;
    as_file_result_init(&r);
    r.path = "a\x1b[2Kb.py";
    const char *text = "x = '\x1b[1A'; time.sleep(1)  # \xc2\x9b\xe2\x80\xae\n";
    static const uint32_t starts[1] = {0};
    r.text = text;
    r.text_len = strlen(text);
    r.line_starts = starts;
    r.n_lines = 1;
    add_diag(&r, 1, 13, 1, 23, "ASYNC251", "m\x07", NULL);
    char *got = render("concise", &r, 1, false);
    ck_assert_str_eq(got, "a\\x1b[2Kb.py:1:13: ASYNC251 m\\x07\n");
    free(got);
    got = render("full", &r, 1, false);
    ck_assert_ptr_null(strchr(got, '\x1b'));
    ck_assert_ptr_nonnull(strstr(got, "1 | x = '\\x1b[1A'; time.sleep(1)  # \\u009b\\u202e\n"));
    ck_assert_ptr_nonnull(strstr(got, "\n  | " "               " "^^^^^^^^^^\n"));   /* 15 columns: 5 + 4 + 6 */
    free(got);
    got = render("github", &r, 1, false);
    ck_assert_ptr_null(strchr(got, '\x1b'));
    free(got);
    as_file_result_release(&r);
}
END_TEST

START_TEST(xml_escaping)
{
    struct as_buf b;
    as_buf_init(&b);
    as_xml_escape(&b, "<a href=\"x\">&'\x01\xff\n\u00fc");
    ck_assert_str_eq(b.data, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\xef\xbf\xbd\xef\xbf\xbd&#10;\u00fc");
    as_buf_release(&b);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, full_format);
    tcase_add_test(tc, json_format);
    tcase_add_loop_test(tc, json_escaping, 0, sizeof(esc_cases) / sizeof(esc_cases[0]));
    tcase_add_test(tc, json_validates_with_a_real_parser);
    tcase_add_test(tc, github_escaping);
    tcase_add_test(tc, text_formats_escape_controls);
    tcase_add_test(tc, xml_escaping);
    suite_add_tcase(s, tc);
    return s;
}
