/* test_query.c — every shipped query compiles against the linked grammar and uses only declared captures;
 * predicates (#eq?, #match?, #any-of? and their not-/any- forms, #set!) behave like tree-sitter's bindings;
 * broken queries are load errors naming file:line:col. */
#include <stdlib.h>
#include <string.h>

#include "util/embedded.h"
#include "analysis/facts.h"
#include "analysis/query.h"
#include "test_util.h"

START_TEST(shipped_queries_compile)
{
    char *err = NULL;
    struct as_query_set *set = as_query_set_load(&err);
    ck_assert_msg(set != NULL, "query load failed: %s", err ? err : "");
    ck_assert_msg(as_facts_check_captures(set, &err) == 0, "captures: %s", err ? err : "");
    as_query_set_free(set);
    /* each file on its own too (the run compiles only the combined query) */
    size_t n = 0;
    for (size_t i = 0; i < as_embedded_count; i++) {
        const struct as_embedded *e = &as_embedded_files[i];
        if (strncmp(e->name, "queries/", 8) != 0) continue;
        struct as_query *q = as_query_compile(e->name, e->data, e->len, &err);
        ck_assert_msg(q != NULL, "%s: %s", e->name, err ? err : "");
        ck_assert_msg(as_facts_check_query(q, &err) == 0, "%s: %s", e->name, err ? err : "");
        as_query_free(q);
        n++;
    }
    ck_assert_uint_ge(n, 6);
}
END_TEST

/* Counts the matches of `query` over `src`. */
static int count_matches(const char *query, const char *src)
{
    char *err = NULL;
    struct as_query *q = as_query_compile("test.scm", query, strlen(query), &err);
    ck_assert_msg(q != NULL, "compile: %s", err ? err : "");
    TSParser *p = ts_parser_new();
    ts_parser_set_language(p, tree_sitter_python());
    TSTree *t = ts_parser_parse_string(p, NULL, src, (uint32_t)strlen(src));
    TSQueryCursor *c = ts_query_cursor_new();
    struct as_query_run run;
    as_query_run_start(&run, c, q, ts_tree_root_node(t), src, strlen(src));
    TSQueryMatch m;
    int n = 0;
    while (as_query_run_next(&run, &m)) n++;
    ts_query_cursor_delete(c);
    ts_tree_delete(t);
    ts_parser_delete(p);
    as_query_free(q);
    return n;
}

struct pred_case {
    const char *query;
    const char *src;
    int matches;
};

static const struct pred_case pred_cases[] = {
    {"((identifier) @x (#eq? @x \"sleep\"))", "sleep(1); nap(2); sleep", 2},
    {"((identifier) @x (#not-eq? @x \"sleep\"))", "sleep(1); nap(2); sleep", 1},
    {"((identifier) @x (#match? @x \"^s[a-z]+$\"))", "sleep; Sleep; s1; spawn", 2},
    {"((identifier) @x (#not-match? @x \"^s\"))", "sleep; nap; spawn", 1},
    {"((identifier) @x (#any-of? @x \"get\" \"post\"))", "get; post; put", 2},
    {"((identifier) @x (#not-any-of? @x \"get\" \"post\"))", "get; post; put", 1},
    {"((call function: (identifier) @f arguments: (argument_list (identifier) @a)) (#eq? @f @a))",
     "f(f); f(g)", 1},
    /* several nodes under one capture: every node must pass, unless any- */
    {"((call function: (identifier) @a arguments: (argument_list (identifier) @a)) (#eq? @a \"x\"))",
     "x(x); x(y); y(x)", 1},
    {"((call function: (identifier) @a arguments: (argument_list (identifier) @a)) (#any-eq? @a \"x\"))",
     "x(y); y(y); y(x)", 2},
    {"((call function: (identifier) @f) (#set! kind \"plain\"))", "f()", 1},
};

START_TEST(predicates)
{
    const struct pred_case *c = &pred_cases[_i];
    ck_assert_msg(count_matches(c->query, c->src) == c->matches, "query %s on %s: expected %d", c->query, c->src,
                  c->matches);
}
END_TEST

START_TEST(set_property)
{
    char *err = NULL;
    const char *src = "((identifier) @x (#set! kind \"param\"))\n((comment) @c)";
    struct as_query *q = as_query_compile("t.scm", src, strlen(src), &err);
    ck_assert_ptr_nonnull(q);
    ck_assert_str_eq(as_query_pattern_property(q, 0, "kind"), "param");
    ck_assert_ptr_null(as_query_pattern_property(q, 1, "kind"));
    ck_assert_ptr_null(as_query_pattern_property(q, 0, "other"));
    as_query_free(q);
}
END_TEST

struct bad_case {
    const char *query;
    const char *message;
};

static const struct bad_case bad_cases[] = {
    {"(call)\n(no_such_node) @x", "bad.scm:2:2: error: invalid node type"},
    {"(call function: (identifier) @f)\n  (call nofield: (identifier))", "bad.scm:2:9: error: invalid field name"},
    {"(call", "bad.scm:1:6: error: invalid syntax"},
    {"((identifier) @x (#frobnicate? @x \"y\"))", "bad.scm:1:1: error: unknown predicate '#frobnicate?'"},
    {"((identifier) @x (#match? @x \"(\"))", "bad.scm:1:1: error: bad regex '('"},
    /* regexes glibc would take seconds to compile, or exponential time to match (regex_too_costly) */
    {"((identifier) @x (#match? @x \"(a{1,1000}){1,1000}\"))", "bad.scm:1:1: error: bad regex '(a{1,1000}){1,1000}': its bounded repeats expand past 4096"},
    {"((identifier) @x (#match? @x \"((a{9}b){9}){99}\"))", "bad.scm:1:1: error: bad regex '((a{9}b){9}){99}': its bounded repeats"},
    {"((identifier) @x (#match? @x \"a++++++++++++++++++++++++++++++++++++++++\"))", "bad.scm:1:1: error: bad regex 'a+++"},
    {"((identifier) @x (#match? @x \"((((((((((((((a+)+)+)+)+)+)+)+)+)+)+)+)+)+)+\"))", "bad.scm:1:1: error: bad regex '((((("},
    {"((identifier) @x (#match? @x \"(a*)*\\\\1\"))", "bad.scm:1:1: error: bad regex '(a*)*\\1': backreferences are not supported"},
    {"((identifier) @x (#match? @x \"((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))\"))", "bad.scm:1:1: error: bad regex '((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))': groups nested deeper than 32"},
    {"((identifier) @x (#match? @x \"x[[:alpha\"))", "bad.scm:1:1: error: bad regex 'x[[:alpha': "},
    {"((identifier) @x (#match? @x \"[^]a[.\"))", "bad.scm:1:1: error: bad regex '[^]a[.': "},
    {"((identifier) @x (#eq? @x))", "bad.scm:1:1: error: '#eq?' takes a capture and one argument"},
    /* stacked quantifiers: tree-sitter 0.25's ts_query_new never returns on most of these (found by fuzzing) */
    {"(identifier)*+", "bad.scm:1:14: error: a second quantifier on one pattern"},
    {"(identifier)? @x\n  +", "bad.scm:2:3: error: a second quantifier on one pattern"},
    {"((identifier)*)+", "bad.scm:1:16: error: a second quantifier on one pattern"},
    {"[(identifier)? ; comment\n]+", "bad.scm:2:2: error: a second quantifier on one pattern"},
    {"((identifier)* @x (#eq? @x \"a\") (#set! k \"v\"))+", "bad.scm:1:47: error: a second quantifier on one pattern"},
    {"_??+", "bad.scm:1:3: error: a second quantifier on one pattern"},
    /* a field on a predicate: tree-sitter 0.25 writes the field into a step that is not there (found by fuzzing) */
    {"function: (.identifier)", "bad.scm:1:1: error: a field name must be followed by a pattern, not a predicate"},
    {"(call function: (#eq? @x \"a\"))", "bad.scm:1:7: error: a field name must be followed by a pattern"},
    {"(argument_list (call) @a ((#eq? @a \"x\")) @b)", "bad.scm:1:26: error: a group must hold a pattern"},
    {"[((#eq? @a \"x\"))]", "bad.scm:1:2: error: a group must hold a pattern"},
    /* a quantifier on a group or alternation whose members may all match nothing hangs ts_query_new too */
    {"[((identifier)*)((identifier)*)]+]+", "bad.scm:1:33: error: a second quantifier on one pattern"},
    {"[(identifier)? (string)?]+", "bad.scm:1:26: error: a second quantifier on one pattern"},
    {"((identifier)* @a (string)* @b)+", "bad.scm:1:32: error: a second quantifier on one pattern"},
    {"[(identifier)* [(string)* (integer)*]]+", "bad.scm:1:39: error: a second quantifier on one pattern"},
    {"((identifier)* ((string)* (integer)*))+", "bad.scm:1:39: error: a second quantifier on one pattern"},
    {"[(string) (identifier)*]+", "bad.scm:1:25: error: a second quantifier on one pattern"},
    {"[_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _]+", "bad.scm:1:36: error: a repeated alternation of more than 16 members"},
    {"([_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _])*", "bad.scm:1:38: error: a repeated alternation of more than 16"},
    {"[(chevron (identifier)*) ((identifier)*)]+", "bad.scm:1:42: error: a second quantifier on one pattern"},
    {"_????_+_??+_+_+", "bad.scm:1:3: error: a second quantifier on one pattern"},
    {"(call)\n(\"i\\0mport\")", "bad.scm:2:4: error: NUL character"},
    {"(call arguments: (argument_list (identifier)+ *))", "bad.scm:1:47: error: a second quantifier on one pattern"},
};

/* Single quantifiers, predicate names ending in '?', groups of several members: not stacked. */
START_TEST(single_quantifiers_compile)
{
    static const char *const ok[] = {
        "(identifier)*", "((identifier)* (string))+", "((identifier) @x)+",
        "((identifier) @x (#eq? @x \"a?+\") (#not-match? @x \"^b*+$\"))?", "(call arguments: (_)? @args) @c",
        "\"def\"* ; a comment: ?+\n",
        /* a group with a member that must match, or a node with optional children, may be repeated */
        "((identifier)? (string)? (integer))+", "[(identifier)+ (string)+]+", "[(identifier) (string)]*",
        "(call (identifier)* (string)*)+", "[_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _]+", "(call [_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _]+)",
        /* bounded repeats within the limit, braces in brackets, escaped braces, a literal brace */
        "((identifier) @x (#match? @x \"^(ab{1,32}){1,32}[{}]\\\\{99999\\\\}$\"))", NULL};
    for (size_t i = 0; ok[i]; i++) {
        char *err = NULL;
        struct as_query *q = as_query_compile("ok.scm", ok[i], strlen(ok[i]), &err);
        ck_assert_msg(q != NULL, "'%s': %s", ok[i], err ? err : "");
        as_query_free(q);
    }
}
END_TEST

START_TEST(broken_queries_are_errors)
{
    const struct bad_case *c = &bad_cases[_i];
    char *err = NULL;
    struct as_query *q = as_query_compile("bad.scm", c->query, strlen(c->query), &err);
    ck_assert_ptr_null(q);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strncmp(err, c->message, strlen(c->message)) == 0, "got '%s', want prefix '%s'", err, c->message);
    /* the message quotes the offending line and marks the column */
    ck_assert_msg(strchr(err, '^') != NULL, "no caret in '%s'", err);
    free(err);
}
END_TEST

START_TEST(undeclared_capture_is_an_error)
{
    char *err = NULL;
    const char *src = "(call) @call\n((identifier) @_pred_only)\n(comment) @not.declared";
    struct as_query *q = as_query_compile("x.scm", src, strlen(src), &err);
    ck_assert_ptr_nonnull(q);
    ck_assert_int_eq(as_facts_check_query(q, &err), -1);
    ck_assert_str_eq(err, "x.scm: error: unknown capture '@not.declared' (not declared in src/analysis/facts.def)\n");
    free(err);
    as_query_free(q);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("query");
    tcase_add_test(tc, shipped_queries_compile);
    tcase_add_loop_test(tc, predicates, 0, sizeof(pred_cases) / sizeof(pred_cases[0]));
    tcase_add_test(tc, set_property);
    tcase_add_loop_test(tc, broken_queries_are_errors, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
    tcase_add_test(tc, undeclared_capture_is_an_error);
    tcase_add_test(tc, single_quantifiers_compile);
    suite_add_tcase(s, tc);
    return s;
}
