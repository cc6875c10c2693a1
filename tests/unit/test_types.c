/* test_types.c — the type data (analysis/types.h): the shipped rules/types files load; malformed lines are
 * errors naming the file and line, and a file with an error adds nothing; qualified names flow through
 * attributes, methods, operators and chains; tuples give their items; the path-division marker becomes a type
 * only before a distinct name; an extra table (a file's own annotations) is consulted after the data. */
#include <stdlib.h>
#include <string.h>

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
    suite_add_tcase(s, tc);
    return s;
}
