/* test_notebook.c — notebooks as input (input/notebook.c): the joined text of the code cells and where each
 * starts, markdown/raw/other-language/cell-magic cells left out, line magics neutralised in place, the notebook's
 * language, one-line errors for broken JSON and wrong shapes, and edits written back into the JSON at the
 * edited strings only. */
#include <stdlib.h>
#include <string.h>

#include "input/notebook.h"
#include "test_util.h"

static struct as_arena arena;
static char err[256];

static int read_nb(struct as_notebook *nb, const char *json)
{
    as_arena_release(&arena);
    as_arena_init(&arena);
    err[0] = '\0';
    return as_notebook_read(nb, &arena, json, strlen(json), err, sizeof(err));
}

#define CODE(src) "{\"cell_type\":\"code\",\"metadata\":{},\"outputs\":[],\"source\":" src "}"
#define MD(src) "{\"cell_type\":\"markdown\",\"metadata\":{},\"source\":" src "}"
#define NB(cells) "{\"cells\":[" cells "],\"metadata\":{},\"nbformat\":4,\"nbformat_minor\":5}"

START_TEST(joins_code_cells)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, NB(MD("[\"# t\\n\"]") "," CODE("[\"a = 1\\n\", \"b = 2\"]") ","
                                     CODE("\"c = 3\\n\"") "," CODE("[]"))), 0);
    ck_assert_str_eq(nb.text, "a = 1\nb = 2\nc = 3\n\n\n");
    ck_assert_uint_eq(nb.n_cells, 3);
    ck_assert_uint_eq(nb.cells[0].raw_index, 2);
    ck_assert_uint_eq(nb.cells[0].first_line, 1);
    ck_assert_uint_eq(nb.cells[1].raw_index, 3);
    ck_assert_uint_eq(nb.cells[1].first_line, 3);   /* "c = 3\n" + the separator: two lines */
    ck_assert_uint_eq(nb.cells[2].raw_index, 4);
    ck_assert_uint_eq(nb.cells[2].first_line, 5);
    ck_assert(nb.cells[0].is_array);
    ck_assert(!nb.cells[1].is_array);
    ck_assert(nb.is_python);
    ck_assert_ptr_eq(as_notebook_cell_at(&nb, 0), &nb.cells[0]);
    ck_assert_ptr_eq(as_notebook_cell_at(&nb, 12), &nb.cells[1]);
}
END_TEST

START_TEST(magics_neutralised)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, NB(CODE("[\"%matplotlib inline\\n\", \"!ls -l\\n\", \"out = !ls\\n\", "
                                          "\"len?\\n\", \"?len\\n\", \"if x:\\n\", \"    %time f()\\n\", "
                                          "\"s = '''\\n\", \"%not a magic\\n\", \"'''\\n\", \"y = a % b  # ok?\\n\", "
                                          "\"%time \\\\\\n\", \"  cont\\n\", \"z = f(\\n\", \"  1)\"]"))),
                     0);
    ck_assert_str_eq(nb.text, "0                 \n0     \nout = 0  \n0   \n0   \nif x:\n    0        \n"
                              "s = '''\n%not a magic\n'''\ny = a % b  # ok?\n0      \n      \nz = f(\n  1)\n");
    ck_assert_str_eq(nb.original, "%matplotlib inline\n!ls -l\nout = !ls\nlen?\n?len\nif x:\n    %time f()\n"
                                  "s = '''\n%not a magic\n'''\ny = a % b  # ok?\n%time \\\n  cont\nz = f(\n  1)\n");
}
END_TEST

START_TEST(cells_left_out)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, NB(CODE("[\"%%bash\\n\", \"ls\\n\"]") "," CODE("[\"%%time\\n\", \"x = 1\\n\"]") ","
                                     CODE("[\"cd /tmp\\n\"]") "," CODE("[\"cd = 1\\n\"]") ","
                                     "{\"cell_type\":\"code\",\"metadata\":{\"vscode\":{\"languageId\":\"sql\"}},"
                                     "\"outputs\":[],\"source\":\"select 1\"}" ","
                                     "{\"cell_type\":\"raw\",\"metadata\":{},\"source\":\"raw\"}")),
                     0);
    ck_assert_uint_eq(nb.n_cells, 2);
    ck_assert_uint_eq(nb.cells[0].raw_index, 2);
    ck_assert_uint_eq(nb.cells[1].raw_index, 4);
    ck_assert_str_eq(nb.text, "0     \nx = 1\n\ncd = 1\n\n");
}
END_TEST

START_TEST(language)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, "{\"cells\":[],\"metadata\":{\"kernelspec\":{\"language\":\"R\"}},\"nbformat\":4}"), 0);
    ck_assert(!nb.is_python);
    ck_assert_int_eq(read_nb(&nb, "{\"cells\":[],\"metadata\":{\"language_info\":{\"name\":\"python\"},"
                                  "\"kernelspec\":{\"language\":\"R\"}},\"nbformat\":4}"), 0);
    ck_assert(nb.is_python);
    ck_assert_uint_eq(nb.n_cells, 0);
    ck_assert_str_eq(nb.text, "");
}
END_TEST

START_TEST(errors)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, "{\"cells\": [\n  {\"cell_type\": \"code\",}\n]}"), -1);
    ck_assert_msg(strncmp(err, "invalid notebook JSON at line 2, column ", 40) == 0, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    ck_assert_int_eq(read_nb(&nb, "[1, 2]"), -1);
    ck_assert_str_eq(err, "not a Jupyter notebook of format 4 (an object with \"nbformat\": 4 and \"cells\")");
    ck_assert_int_eq(read_nb(&nb, "{\"cells\":[{\"cell_type\":\"code\"}],\"nbformat\":4}"), -1);
    ck_assert_str_eq(err, "not a Jupyter notebook: cell 1 has no \"cell_type\" or \"source\"");
    ck_assert_int_eq(read_nb(&nb, "{\"cells\":[" CODE("[1]") "],\"nbformat\":4}"), -1);
    ck_assert_str_eq(err, "not a Jupyter notebook: cell 1's source is not text");
    ck_assert_int_eq(read_nb(&nb, "{\"cells\":[],\"cells\":[],\"nbformat\":4}"), -1);   /* duplicate key */
    ck_assert_int_eq(read_nb(&nb, "{\"cells\":[],\"nbformat\":3}"), -1);
    ck_assert_int_eq(read_nb(&nb, ""), -1);
}
END_TEST

/* Applies `edited` to `json` and compares with `want` (NULL: nothing changes). */
static void expect_apply(const char *json, const char *edited, const char *want)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, json), 0);
    char *out = NULL;
    size_t out_len = 0;
    ck_assert_int_eq(as_notebook_apply(&nb, json, strlen(json), edited, strlen(edited), &out, &out_len, err,
                                       sizeof(err)), 0);
    if (!want) {
        ck_assert_ptr_null(out);
        return;
    }
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(out_len, strlen(want));
    free(out);
}

START_TEST(apply_edits)
{
    const char *json = "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"a = 1\\n\",\n"
                       "    \"b = \\u00e9\\n\",\n    \"c = 3\"\n   ]\n  },\n  {\"cell_type\": \"code\", \"source\": \"d\"}\n"
                       " ],\n \"nbformat\": 4\n}\n";
    expect_apply(json, "a = 1\nb = \xc3\xa9\nc = 3\nd\n", NULL);
    /* one string re-encoded, the others (the \u00e9 escape too) as they were */
    expect_apply(json, "a = 1\nb = \xc3\xa9\nc = 3  # noqa: X1\nd\n",
                 "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"a = 1\\n\",\n"
                 "    \"b = \\u00e9\\n\",\n    \"c = 3  # noqa: X1\"\n   ]\n  },\n  {\"cell_type\": \"code\", \"source\": \"d\"}\n"
                 " ],\n \"nbformat\": 4\n}\n");
    expect_apply(json, "A = 1\nb = \xc3\xa9\nc = 3\nd \"q\"\n",
                 "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"source\": [\n    \"A = 1\\n\",\n"
                 "    \"b = \\u00e9\\n\",\n    \"c = 3\"\n   ]\n  },\n  {\"cell_type\": \"code\", \"source\": \"d \\\"q\\\"\"}\n"
                 " ],\n \"nbformat\": 4\n}\n");
    /* strings that do not end lines: only the changed one, or the changed ones made one */
    expect_apply(NB(CODE("[\"x = \", \"1\\ny\", \" = 2\"]")), "x = 1\ny = 3\n",
                 NB(CODE("[\"x = \", \"1\\ny\", \" = 3\"]")));
    expect_apply(NB(CODE("[\"x = \", \"1\\ny\", \" = 2\"]")), "x = 1\nY = 3\n",
                 NB(CODE("[\"x = \", \"1\\nY = 3\"]")));
    /* an edit that adds a line is refused */
    struct as_notebook nb;
    const char *one = NB(CODE("[\"x = 1\"]"));
    ck_assert_int_eq(read_nb(&nb, one), 0);
    char *out = NULL;
    size_t out_len = 0;
    ck_assert_int_eq(as_notebook_apply(&nb, one, strlen(one), "x = 1\ny\n", 8, &out, &out_len, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "an edit changed the lines of cell 1");
    ck_assert_ptr_null(out);
}
END_TEST

/* Applies `edited`, its cells starting at `starts`, to `json` and compares with `want` (NULL: refused, err set). */
static void expect_apply_cells(const char *json, const char *edited, const uint32_t *starts, const char *want)
{
    struct as_notebook nb;
    ck_assert_int_eq(read_nb(&nb, json), 0);
    char *out = NULL;
    size_t out_len = 0;
    int rc = as_notebook_apply_cells(&nb, json, strlen(json), edited, strlen(edited), starts, &out, &out_len, err,
                                     sizeof(err));
    if (!want) {
        ck_assert_int_eq(rc, -1);
        ck_assert_ptr_null(out);
        return;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, want);
    ck_assert_uint_eq(out_len, strlen(want));
    free(out);
}

START_TEST(apply_cells_with_new_lines)
{
    static const uint32_t first[] = {0}, moved[] = {0, 7};
    /* one string stays one string; a compact array gets `, ` between its strings */
    expect_apply_cells(NB(CODE("\"x = 1\"")), "import a\nx = 1\n", first, NB(CODE("\"import a\\nx = 1\"")));
    expect_apply_cells(NB(CODE("[\"x = 1\"]")), "import a\nx = 1\n", first,
                       NB(CODE("[\"import a\\n\", \"x = 1\"]")));
    /* an indented array keeps its layout (the CRLF too); the other cell is not touched */
    const char *crlf = "{\r\n \"cells\": [\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"source\": [\r\n"
                       "    \"a\\n\",\r\n    \"b\"\r\n   ]\r\n  },\r\n  {\"cell_type\": \"code\", \"source\": []}\r\n"
                       " ],\r\n \"nbformat\": 4\r\n}\r\n";
    expect_apply_cells(crlf, "a\nimport x\nb\n\n", (const uint32_t[]){0, 13},
                       "{\r\n \"cells\": [\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"source\": [\r\n"
                       "    \"a\\n\",\r\n    \"import x\\n\",\r\n    \"b\"\r\n   ]\r\n  },\r\n"
                       "  {\"cell_type\": \"code\", \"source\": []}\r\n ],\r\n \"nbformat\": 4\r\n}\r\n");
    /* an empty array takes the line ending and indentation of the line of its key, one unit deeper */
    expect_apply_cells(crlf, "a\nb\nimport x\n\n", (const uint32_t[]){0, 4},
                       "{\r\n \"cells\": [\r\n  {\r\n   \"cell_type\": \"code\",\r\n   \"source\": [\r\n"
                       "    \"a\\n\",\r\n    \"b\"\r\n   ]\r\n  },\r\n"
                       "  {\"cell_type\": \"code\", \"source\": [\r\n   \"import x\\n\"\r\n  ]}\r\n ],\r\n"
                       " \"nbformat\": 4\r\n}\r\n");
    /* ... and when the file's second line is not indented, one space is the unit (not that line's first byte:
     * found by fuzzing, the `{` was copied into the array) */
    expect_apply_cells("{\n\"cells\": [\n{\"cell_type\": \"code\",\n \"source\": []}\n],\n\"nbformat\": 4\n}\n",
                       "import x\n\n", first,
                       "{\n\"cells\": [\n{\"cell_type\": \"code\",\n \"source\": [\n  \"import x\\n\"\n ]}\n],\n"
                       "\"nbformat\": 4\n}\n");
    /* a line removed; all lines removed */
    expect_apply_cells(NB(CODE("[\"a\\n\", \"b\\n\", \"c\"]")), "a\nc\n", first, NB(CODE("[\"a\\n\", \"c\"]")));
    expect_apply_cells(NB(CODE("[\"a\\n\", \"b\"]")), "\n", first, NB(CODE("[]")));
    /* where the cells start decides which cell a line belongs to */
    const char *cells2 = NB(CODE("[\"import os\"]") "," CODE("[\"f()\"]"));
    expect_apply_cells(cells2, "import os\nimport x\nf()\n", (const uint32_t[]){0, 10},
                       NB(CODE("[\"import os\"]") "," CODE("[\"import x\\n\", \"f()\"]")));
    expect_apply_cells(cells2, "import x\nimport os\nf()\n", (const uint32_t[]){0, 19},
                       NB(CODE("[\"import x\\n\", \"import os\"]") "," CODE("[\"f()\"]")));
    /* a cell that lost the "\n" ending it, or starts out of order: refused */
    expect_apply_cells(cells2, "import osf()\n", (const uint32_t[]){0, 9}, NULL);
    ck_assert_str_eq(err, "an edit removed the end of cell 1");
    expect_apply_cells(cells2, "import os\nf()\n", moved, NULL);
    /* written like the file: \u escapes (in its case) when it has them and is ASCII */
    expect_apply_cells(NB(CODE("[\"# \\u00e9\"]")), "x = '\xc3\xa9'\n# \xc3\xa9\n", first,
                       NB(CODE("[\"x = '\\u00e9'\\n\", \"# \\u00e9\"]")));
    expect_apply_cells(NB(CODE("[\"# \xc3\xa9\"]")), "x = '\xc3\xa9'\n# \xc3\xa9\n", first,
                       NB(CODE("[\"x = '\xc3\xa9'\\n\", \"# \xc3\xa9\"]")));
}
END_TEST

START_TEST(paths)
{
    ck_assert(as_notebook_path("a/b.ipynb"));
    ck_assert(!as_notebook_path(".ipynb"));
    ck_assert(!as_notebook_path("a.py"));
    ck_assert(!as_notebook_path(NULL));
}
END_TEST

static void teardown(void) { as_arena_release(&arena); }
static void setup(void) { as_arena_init(&arena); }

Suite *as_test_suite(void)
{
    Suite *s = suite_create("notebook");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, joins_code_cells);
    tcase_add_test(tc, magics_neutralised);
    tcase_add_test(tc, cells_left_out);
    tcase_add_test(tc, language);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, apply_edits);
    tcase_add_test(tc, apply_cells_with_new_lines);
    tcase_add_test(tc, paths);
    suite_add_tcase(s, tc);
    return s;
}
