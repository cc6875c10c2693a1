/* test_outline.c — the statement outline of async functions (analysis/outline.c) on small snippets, rendered as a
 * compact string: a letter per node (statements: S simple, R return, X raise (X0 bare), B break, C continue,
 * I if, W while, F for, T with, Y try, M match, D nested def/class; clauses: b body, e elif, o else,
 * x except, f finally, c case), its flags (* async, ! always-true loop or loop that runs once, _ catch-all
 * case, ^ except*), an except clause's `as` name and number of exception expressions in parentheses, and
 * the children in braces. Sync functions have no outline; nesting past the limit is cut and marked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analysis/facts.h"
#include "analysis/outline.h"
#include "analysis/query.h"
#include "test_util.h"
#include "util/buf.h"

const TSLanguage *tree_sitter_python(void);

static void render(const struct as_outline *fl, int32_t id, struct as_buf *out)
{
    static const char letters[] = "SRXBCIWFTYMDbeoxfc";
    const struct as_outline_node *n = &fl->nodes[id];
    as_buf_putc(out, letters[n->kind]);
    if (n->kind == AS_OUTLINE_RAISE && !n->head.end) as_buf_putc(out, '0');
    if (n->flags & AS_OUTLINE_ASYNC) as_buf_putc(out, '*');
    if (n->flags & (AS_OUTLINE_ALWAYS_TRUE | AS_OUTLINE_RUNS_ONCE)) as_buf_putc(out, '!');
    if (n->flags & AS_OUTLINE_CATCH_ALL) as_buf_putc(out, '_');
    if (n->flags & AS_OUTLINE_STAR) as_buf_putc(out, '^');
    if (n->kind == AS_OUTLINE_EXCEPT) as_buf_printf(out, "(%s,%u)", n->name ? n->name : "", n->n_types);
    if (n->first < 0) return;
    as_buf_putc(out, '{');
    for (int32_t k = n->first; k >= 0; k = fl->nodes[k].next) render(fl, k, out);
    as_buf_putc(out, '}');
}

/* The outline of every async function of src, in order, separated by spaces. Heap. */
static char *outline(const char *src, bool *truncated)
{
    char *err = NULL;
    struct as_query_set *qs = as_query_set_load(&err);
    ck_assert_ptr_nonnull(qs);
    struct as_arena arena;
    as_arena_init(&arena);
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_python());
    TSTree *tree = ts_parser_parse_string(parser, NULL, src, (uint32_t)strlen(src));
    struct as_facts_scratch *scratch = as_facts_scratch_new();
    struct as_facts facts;
    as_facts_extract(&facts, &arena, scratch, qs, tree, src, strlen(src));
    struct as_outline fl;
    as_outline_build(&fl, &arena, &facts, tree, src);
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < facts.n_scopes; i++) {
        if (fl.body_of_scope[i] < 0) continue;
        if (b.len) as_buf_putc(&b, ' ');
        render(&fl, fl.body_of_scope[i], &b);
    }
    as_buf_putc(&b, 0);
    if (truncated) *truncated = fl.truncated;
    as_facts_scratch_free(scratch);
    ts_tree_delete(tree);
    ts_parser_delete(parser);
    as_arena_release(&arena);
    as_query_set_free(qs);
    return as_buf_detach(&b, NULL);
}

static const struct flow_case {
    const char *src, *want;
} cases[] = {
    {"async def f():\n    x = 1\n    return x\n", "b{SR}"},
    {"def f():\n    return 1\n", ""},
    {"async def f():\n    if a:\n        pass\n    elif b:\n        raise\n    else:\n        raise E\n",
     "b{I{b{S}e{X0}o{X}}}"},
    {"async def f():\n    while True:\n        break\n    else:\n        continue\n", "b{W!{b{B}o{C}}}"},
    {"async def f():\n    while 0:\n        pass\n    while x:\n        pass\n", "b{W{b{S}}W{b{S}}}"},
    {"async def f():\n    for x in [1]:\n        pass\n    for x in []:\n        pass\n    for x in [*[]]:\n        pass\n",
     "b{F!{b{S}}F{b{S}}F{b{S}}}"},
    {"async def f():\n    for x in range(3):\n        pass\n    for x in range(3, 1):\n        pass\n"
     "    for x in range(3, 1, -1):\n        pass\n    for x in range(99999999999999999999):\n        pass\n",
     "b{F!{b{S}}F{b{S}}F!{b{S}}F!{b{S}}}"},
    {"async def f():\n    async for x in g():\n        pass\n    async with a, b:\n        pass\n", "b{F*{b{S}}T*{b{S}}}"},
    {"async def f():\n    try:\n        await g()\n    except (A, B) as e:\n        raise\n    except C:\n        pass\n"
     "    except:\n        pass\n    else:\n        pass\n    finally:\n        pass\n",
     "b{Y{b{S}x(e,2){X0}x(,1){S}x(,0){S}o{S}f{S}}}"},
    {"async def f():\n    try:\n        pass\n    except (\n        A  # why\n    ):\n        pass\n", "b{Y{b{S}x(,1){S}}}"},
    {"async def f():\n    try:\n        pass\n    except* E as g:\n        pass\n", "b{Y{b{S}x^(g,1){S}}}"},
    {"async def f(k):\n    match k:\n        case 1:\n            pass\n        case x:\n            pass\n"
     "        case _:\n            pass\n        case y if y:\n            pass\n",
     "b{M{c{S}c_{S}c_{S}c{S}}}"},
    {"async def f():\n    def g():\n        return 1\n    class C:\n        pass\n    return g\n", "b{DDR}"},
    {"async def f():\n    async def g():\n        return 1\n    return g\n", "b{DR} b{R}"},
    {"async def f():\n    raise E from None\n    raise\n", "b{XX0}"},
};

START_TEST(outlines)
{
    const struct flow_case *c = &cases[_i];
    char *got = outline(c->src, NULL);
    ck_assert_msg(strcmp(got, c->want) == 0, "case %d: got %s, want %s", _i, got, c->want);
    free(got);
}
END_TEST

/* Nesting deeper than the limit is cut (and marked), not followed to the bottom of the stack. */
START_TEST(deep_nesting_is_cut)
{
    struct as_buf src;
    as_buf_init(&src);
    as_buf_puts(&src, "async def f():\n");
    int depth = 400;
    for (int i = 0; i < depth; i++) {
        for (int k = 0; k <= i; k++) as_buf_putc(&src, ' ');
        as_buf_puts(&src, "if x:\n");
    }
    for (int k = 0; k <= depth; k++) as_buf_putc(&src, ' ');
    as_buf_puts(&src, "pass\n");
    as_buf_putc(&src, 0);
    bool truncated = false;
    char *got = outline(src.data, &truncated);
    ck_assert(truncated);
    ck_assert(strncmp(got, "b{I{b{I{b{", 10) == 0);
    free(got);
    as_buf_release(&src);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("outline");
    TCase *tc = tcase_create("outline");
    tcase_add_loop_test(tc, outlines, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, deep_nesting_is_cut);
    suite_add_tcase(s, tc);
    return s;
}
