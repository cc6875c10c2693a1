/* test_types.c — the type data (analysis/types.h): the shipped rules/types files load; malformed lines are
 * errors naming the file and line, and a file with an error adds nothing; qualified names flow through
 * attributes, methods, operators and chains; tuples give their items; the path-division marker becomes a type
 * only before a distinct name; an extra table (a file's own annotations) is consulted after the data; and
 * snippets through the semantic model (analysis/model.h) with the shipped types, heuristics on or off. */
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analysis/facts.h"
#include "analysis/model.h"
#include "analysis/query.h"
#include "analysis/types.h"
#include "util/arena.h"
#include "test_util.h"

static const char table[] =
    "# comment\n"
    "\n"
    "pathlib.Path().parent -> pathlib.Path\n"
    "pathlib.Path().joinpath() -> pathlib.Path   # trailing comment\n"
    "pathlib.Path().__truediv__() -> pathlib.Path\n"
    "socket.socketpair() -> (socket.socket, socket.socket)\n"
    "socket.socket().accept() -> (socket.socket, _)\n"
    "socket.create_connection() -> socket.socket\n"
    "distinct pathlib.Path: mkdir exists\n";

static struct as_types *load(const char *text)
{
    struct as_types *t = as_types_new();
    char *err = NULL;
    ck_assert_msg(as_types_add_file(t, "rules/types/t.types", text, strlen(text), &err) == 0, "%s", err);
    return t;
}

START_TEST(shipped_types_load)
{
    char *err = NULL;
    struct as_types *t = as_types_load_embedded(&err);
    ck_assert_msg(t != NULL, "%s", err ? err : "");
    struct as_arena a;
    as_arena_init(&a);
    ck_assert_str_eq(as_types_flow(t, NULL, NULL, &a, "pathlib.Path().parent.exists"), "pathlib.Path().exists");
    ck_assert_str_eq(as_types_flow(t, NULL, NULL, &a, "pathlib.PurePath().parent.exists"),
                     "pathlib.PurePath().exists");
    ck_assert_str_eq(as_types_item(t, "socket.socketpair()", 1), "socket.socket()");
    as_arena_release(&a);
    as_types_free(t);
}
END_TEST

struct flow_case {
    const char *in, *out;
};
static const struct flow_case flows[] = {
    {"pathlib.Path().parent.parent.exists", "pathlib.Path().exists"},
    {"pathlib.Path().joinpath().__truediv__().mkdir", "pathlib.Path().mkdir"},
    {"pathlib.Path().name.strip", "pathlib.Path().name.strip"},      /* not listed: nothing follows */
    {"pathlib.Path().parentx.exists", "pathlib.Path().parentx.exists"},
    {"socket.create_connection().recv", "socket.socket().recv"},
    {"socket.socketpair().recv", "socket.socketpair().recv"},         /* a tuple is not substituted inline */
    {"<div>().mkdir", "pathlib.Path().mkdir"},
    {"<div>().strip", "<div>().strip"},
    {"<div>().mkdir.x", "pathlib.Path().mkdir.x"},
    {"os.getcwd", "os.getcwd"},
    {"", ""},
};

START_TEST(flow)
{
    struct as_types *t = load(table);
    struct as_arena a;
    as_arena_init(&a);
    const struct flow_case *c = &flows[_i];
    const char *got = as_types_flow(t, NULL, NULL, &a, c->in);
    ck_assert_msg(strcmp(got, c->out) == 0, "%s: got %s, want %s", c->in, got, c->out);
    as_arena_release(&a);
    as_types_free(t);
}
END_TEST

START_TEST(tuples)
{
    struct as_types *t = load(table);
    ck_assert_str_eq(as_types_item(t, "socket.socketpair()", 0), "socket.socket()");
    ck_assert_str_eq(as_types_item(t, "socket.socket().accept()", 0), "socket.socket()");
    ck_assert_ptr_null(as_types_item(t, "socket.socket().accept()", 1));   /* `_` */
    ck_assert_ptr_null(as_types_item(t, "socket.socket().accept()", 2));
    ck_assert_ptr_null(as_types_item(t, "pathlib.Path().parent", 0));      /* not a tuple */
    ck_assert_ptr_null(as_types_item(t, "x.y()", 0));
    const char *lhs, *rhs;
    size_t n = 0;
    bool socket_pair_roots = false;
    for (; as_types_roots(t, n, &lhs, &rhs); n++)
        if (strcmp(lhs, "socket") == 0 && strcmp(rhs, "socket") == 0 && strcmp(rhs + 7, "socket") == 0)
            socket_pair_roots = true;
    ck_assert_uint_eq(n, 6);
    ck_assert(socket_pair_roots);
    const char *name, *root;
    ck_assert(as_types_distinct(t, 1, &name, &root));
    ck_assert_str_eq(name, "exists");
    ck_assert_str_eq(root, "pathlib");
    ck_assert(!as_types_distinct(t, 2, &name, &root));
    as_types_free(t);
}
END_TEST

static const char *extra(void *ud, const char *key)
{
    (void)ud;
    return strcmp(key, "m.data_dir()") == 0 ? "pathlib.Path()" : NULL;
}

START_TEST(extra_table)
{
    struct as_types *t = load(table);
    struct as_arena a;
    as_arena_init(&a);
    ck_assert_str_eq(as_types_flow(t, extra, NULL, &a, "m.data_dir().parent.mkdir"), "pathlib.Path().mkdir");
    ck_assert_str_eq(as_types_flow(NULL, extra, NULL, &a, "m.data_dir().mkdir"), "pathlib.Path().mkdir");
    as_arena_release(&a);
    as_types_free(t);
}
END_TEST

struct bad_case {
    const char *text, *error;
};
static const struct bad_case bad[] = {
    {"a.b() -> \n", "t.types:1: error: the right side"},
    {"x\n\nfoo\n", "t.types:1: error: expected `EXPRESSION -> TYPE`"},
    {"ok.f() -> a.B\nbad -> a.B\n", "t.types:2: error: `bad` is not an expression"},
    {"a.b() -> a.B\na.b() -> a.C\n", "t.types:2: error: `a.b()` is already typed at rules/types/t.types:1"},
    {"a.b() -> (a.B)\n", "t.types:1: error: a tuple needs at least two items"},
    {"a.b() -> (a.B, 1x)\n", "t.types:1: error: a tuple item must be"},
    {"a.b() -> (a.B, c.D\n", "t.types:1: error: a tuple must end with `)`"},
    {"a.b() -> (a, b, c, d, e, f, g, h, i)\n", "t.types:1: error: a tuple has at most 8 items"},
    {"a..b() -> a.B\n", "t.types:1: error: `a..b()` is not"},
    {"a.b(x) -> a.B\n", "t.types:1: error: `a.b(x)` is not"},
    {"distinct a.B\n", "t.types:1: error: expected `distinct CLASS: name name ...`"},
    {"distinct a.B:\n", "t.types:1: error: `distinct` lists no names"},
    {"distinct a.B: x-y\n", "t.types:1: error: a distinct name must be an identifier"},
    {"distinct a.B: x\ndistinct c.D: x\n", "t.types:2: error: distinct name `x` is already given"},
    {"a.b() -> a.B\0\n", "t.types:1: error: NUL byte"},
};

START_TEST(malformed)
{
    const struct bad_case *c = &bad[_i];
    size_t len = strlen(c->text) + (strstr(c->error, "NUL") ? 2 : 0);
    struct as_types *t = as_types_new();
    char *err = NULL;
    ck_assert_int_eq(as_types_add_file(t, "rules/types/t.types", c->text, len, &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, c->error) != NULL, "case %d: got %s, want %s", _i, err, c->error);
    free(err);
    /* the file with an error added nothing */
    const char *l, *r;
    ck_assert(!as_types_roots(t, 0, &l, &r));
    ck_assert(!as_types_distinct(t, 0, &l, &r));
    as_types_free(t);
}
END_TEST

START_TEST(long_line)
{
    char text[1200];
    memset(text, 'a', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    struct as_types *t = as_types_new();
    char *err = NULL;
    ck_assert_int_eq(as_types_add_file(t, "x.types", text, strlen(text), &err), -1);
    ck_assert_ptr_nonnull(strstr(err, "x.types:1: error: line longer than"));
    free(err);
    /* a later good file still loads */
    ck_assert_int_eq(as_types_add_file(t, "y.types", table, strlen(table), &err), 0);
    as_types_free(t);
}
END_TEST

struct typed_case {
    const char *path, *src;
    unsigned heuristics;
    const char *typed;   /* the last call's name after as_model_flow; NULL: unresolved */
};

#define BOTH (AS_HEURISTIC_TMP_PATH | AS_HEURISTIC_PATH_DIVISION)
static const struct typed_case typed_cases[] = {
    {"m.py", "from pathlib import Path\n(Path(a) / 'x').mkdir()", 0, "pathlib.Path().mkdir"},
    {"m.py", "from pathlib import Path\np = Path(a).parent.parent\np.exists()", 0, "pathlib.Path().exists"},
    {"m.py", "from pathlib import PurePath\n(PurePath(a) / 'x').exists()", 0, "pathlib.PurePath().exists"},
    {"m.py", "from pathlib import Path\nq = Path(a) if c else Path(b)\nq.is_dir()", 0, "pathlib.Path().is_dir"},
    {"m.py", "from pathlib import Path\nq = Path(a) if c else None\nq.is_dir()", 0, "pathlib.Path().is_dir"},
    {"m.py", "from pathlib import Path, PurePath\nq = Path(a) or PurePath(b)\nq.is_dir()", 0, NULL},
    {"m.py", "from pathlib import Path\nq = Path(a) if c else b\nq.is_dir()", 0, NULL},
    {"m.py", "from pathlib import Path\nif (w := Path(a) / 'b').exists(): pass", 0, "pathlib.Path().exists"},
    {"m.py", "import socket\na, b = socket.socketpair()\nb.recv(1)", 0, "socket.socket().recv"},
    {"m.py", "import socket\nc, addr = socket.socket().accept()\naddr.recv(1)", 0, NULL},
    {"m.py", "import socket\n*a, b = socket.socketpair()\nb.recv(1)", 0, NULL},
    {"m.py", "from pathlib import Path\ndef d() -> Path: ...\nd().mkdir()", 0, "pathlib.Path().mkdir"},
    {"m.py", "from pathlib import Path\ndef d() -> 'str': ...\nd().mkdir()", 0, "m.d().mkdir"},
    {"m.py", "async def test_a(tmp_path):\n    tmp_path.exists()", BOTH, "pathlib.Path().exists"},
    {"m.py", "async def test_a(tmp_path):\n    tmp_path.exists()", AS_HEURISTIC_PATH_DIVISION, NULL},
    {"m.py", "async def helper(tmp_path):\n    tmp_path.exists()", BOTH, NULL},
    {"tests/test_m.py", "async def helper(tmp_path):\n    tmp_path.exists()", BOTH, "pathlib.Path().exists"},
    {"m.py", "async def f(x):\n    (x / 'a').mkdir()", BOTH, "pathlib.Path().mkdir"},
    {"m.py", "async def f(x):\n    (x / 'a').mkdir()", AS_HEURISTIC_TMP_PATH, NULL},
    {"m.py", "async def f(x):\n    (x / 'a').open()", BOTH, "<div>().open"},
    {"m.py", "async def f(x, y):\n    (x / y).mkdir()", BOTH, NULL},
    {"m.py", "from pathlib import Path\nfor p in Path(a).iterdir():\n    p.is_file()", 0, "pathlib.Path().is_file"},
    {"m.py", "from pathlib import Path\n[p for p in Path(a).glob('*') if p.stat()]", 0, "pathlib.Path().stat"},
    {"m.py", "from pathlib import Path\nfor p in Path(a).stat():\n    p.is_file()", 0, NULL},
};

START_TEST(typed_names)
{
    const struct typed_case *c = &typed_cases[_i];
    char *err = NULL;
    struct as_query_set *qs = as_query_set_load(&err);
    struct as_types *types = as_types_load_embedded(&err);
    ck_assert_ptr_nonnull(qs);
    ck_assert_ptr_nonnull(types);
    struct as_arena arena;
    as_arena_init(&arena);
    TSParser *p = ts_parser_new();
    ts_parser_set_language(p, tree_sitter_python());
    TSTree *t = ts_parser_parse_string(p, NULL, c->src, (uint32_t)strlen(c->src));
    struct as_facts_scratch *scratch = as_facts_scratch_new();
    struct as_facts facts;
    as_facts_extract(&facts, &arena, scratch, qs, t, c->src, strlen(c->src));
    bool init = false;
    struct as_model model;
    as_model_build(&model, &facts, &arena, as_model_module_name(&arena, c->path, &init), init);
    as_model_use_types(&model, types, c->heuristics);
    const struct as_call *last = &facts.calls[0];   /* the outermost call of the last line: it ends last */
    for (size_t i = 1; i < facts.n_calls; i++)
        if (facts.calls[i].span.end > last->span.end ||
            (facts.calls[i].span.end == last->span.end && facts.calls[i].span.start < last->span.start))
            last = &facts.calls[i];
    const char *q = as_model_flow(&model, as_model_callee(&model, last));
    if (c->typed)
        ck_assert_msg(q && strcmp(q, c->typed) == 0, "case %d: got %s, want %s", _i, q ? q : "(null)", c->typed);
    else
        ck_assert_msg(q == NULL || (!strstr(q, "pathlib.Path()") && !strstr(q, "socket.socket()")),
                      "case %d: got %s, want no type", _i, q);
    as_facts_scratch_free(scratch);
    ts_tree_delete(t);
    ts_parser_delete(p);
    as_arena_release(&arena);
    as_types_free(types);
    as_query_set_free(qs);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("types");
    TCase *tc = tcase_create("types");
    tcase_add_test(tc, shipped_types_load);
    tcase_add_loop_test(tc, flow, 0, sizeof(flows) / sizeof(flows[0]));
    tcase_add_test(tc, tuples);
    tcase_add_test(tc, extra_table);
    tcase_add_loop_test(tc, malformed, 0, sizeof(bad) / sizeof(bad[0]));
    tcase_add_test(tc, long_line);
    tcase_add_loop_test(tc, typed_names, 0, sizeof(typed_cases) / sizeof(typed_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
