/* test_outline.c — the statement outline of async functions (analysis/outline.c) on small snippets, rendered as a
 * compact string: a letter per node (statements: S simple, R return, X raise (X0 bare), B break, C continue,
 * I if, W while, F for, T with, Y try, M match, D nested def/class; clauses: b body, e elif, o else,
 * x except, f finally, c case), its flags (* async, ! always-true loop or loop that runs once, _ catch-all
 * case, ^ except*), an except clause's `as` name and number of exception expressions in parentheses, and
 * the children in braces. Sync functions have no outline; nesting past the limit is cut and marked.
 * Then the checkpoint model (analysis/checkpoints.c) on snippets, rendered as its findings in walk order: an exit
 * (E function end, R return, Y yield) and its line, `<-` and where the path started (d: the function's start,
 * y: a yield) and its line, `g` when the function had yielded before; L and the line of an endless loop that
 * can go round without a checkpoint. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analysis/checkpoints.h"
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

static unsigned line_at(const char *src, uint32_t pos)
{
    unsigned line = 1;
    for (uint32_t i = 0; i < pos && src[i]; i++) line += src[i] == '\n';
    return line;
}

/* The checkpoint model's findings (see the top of the file). */
static void render_model(const char *src, const struct as_outline *fl, const struct as_facts *facts,
                         struct as_arena *arena, struct as_buf *b)
{
    const char **callees = as_arena_alloc(arena, (facts->n_calls + 1) * sizeof(char *));
    memset(callees, 0, (facts->n_calls + 1) * sizeof(char *));
    struct as_checkpoints cp;
    as_checkpoints_build(&cp, arena, fl, facts, src, callees, NULL);
    for (size_t i = 0; i < cp.n_exits; i++) {
        const struct as_cp_exit *x = &cp.exits[i];
        as_buf_printf(b, "%s%c%u<-%c%u%s", b->len ? " " : "", "ERY"[x->kind], line_at(src, x->at.start),
                      x->since_yield ? 'y' : 'd', line_at(src, x->since_pos), x->generator ? "g" : "");
    }
    for (size_t i = 0; i < cp.n_loops; i++) as_buf_printf(b, "%sL%u", b->len ? " " : "", line_at(src, cp.loops[i].at.start));
}

/* The outline of every async function of src, in order, separated by spaces (or, with `model`, the checkpoint
 * model's findings). Heap. */
static char *analyse(const char *src, bool *truncated, bool model)
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
    as_outline_build(&fl, &arena, &facts, tree, src, AS_OUTLINE_ASYNC_FUNCTIONS);
    struct as_buf b;
    as_buf_init(&b);
    if (model) render_model(src, &fl, &facts, &arena, &b);
    for (size_t i = 0; !model && i < facts.n_scopes; i++) {
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
    char *got = analyse(c->src, NULL, false);
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
    char *got = analyse(src.data, &truncated, false);
    ck_assert(truncated);
    ck_assert(strncmp(got, "b{I{b{I{b{", 10) == 0);
    free(got);
    as_buf_release(&src);
}
END_TEST

/* The checkpoint model: paths through branches, loops, try, match, expressions, and the sources reported. */
static const struct flow_case model_cases[] = {
    {"async def f():\n    if a:\n        await x\n", "E1<-d1"},
    {"async def f():\n    if a:\n        await x\n    else:\n        await y\n", ""},
    {"async def f():\n    if a:\n        return 1\n    await x\n", "R3<-d1"},
    {"async def f():\n    if not a:\n        raise E\n    await b\n", ""},
    {"async def f():\n    await x\n    yield 1\n    yield 2\n    await x\n", "Y4<-y3g"},
    {"async def f(y):\n    await x\n    for i in y:\n        yield i\n", "Y4<-y4g E1<-y4g"},
    {"async def f(y):\n    for i in [1, 2]:\n        await i\n", ""},
    {"async def f(y):\n    for i in range(0x2):\n        await i\n", ""},
    {"async def f(y):\n    for i in y:\n        await i\n", "E1<-d1"},
    {"async def f():\n    while True:\n        pass\n", "L2"},
    {"async def f():\n    while True:\n        await x\n", ""},
    {"async def f():\n    while True:\n        if a:\n            break\n        await x\n", "E1<-d1"},
    {"async def f():\n    while True:\n        if a:\n            continue\n        await b\n", ""},
    {"async def f():\n    try:\n        return 1\n    finally:\n        await x\n", "R3<-d1"},
    {"async def f():\n    try:\n        await x\n    except E:\n        pass\n", "E1<-d1"},
    {"async def f():\n    try:\n        await x\n    finally:\n        # a comment first\n        yield\n        await x\n",
     "Y6<-d1g"},
    {"async def f():\n    return a or await b\n", "R2<-d1"},
    {"async def f():\n    return (await a) if c else (await b)\n", ""},
    {"async def f():\n    return (await a) if c else b\n", "R2<-d1"},
    {"async def f():\n    return [await x for x in [1]]\n", ""},
    {"async def f(y):\n    return [await x for x in y]\n", "R2<-d1"},
    {"async def f(y):\n    return [x async for x in y]\n", ""},
    {"async def f(x):\n    match x:\n        case 1:\n            await a\n        case _:\n            await b\n", ""},
    {"async def f(x):\n    match x:\n        case 1:\n            await a\n", "E1<-d1"},
    {"async def f():\n    def g(x=await a):\n        pass\n", ""},
    {"async def f(y):\n    async for x in y:\n        yield x\n", ""},
    {"async def f():\n    if a:\n        await x\n        yield\n    yield\n    await x\n", "Y5<-d1g Y5<-y4g"},
    {"async def f():\n    async with a:\n        pass\n", ""},
};

START_TEST(checkpoint_model)
{
    char *got = analyse(model_cases[_i].src, NULL, true);
    ck_assert_msg(strcmp(got, model_cases[_i].want) == 0, "case %d: got \"%s\", want \"%s\"", _i, got, model_cases[_i].want);
    free(got);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("outline");
    TCase *tc = tcase_create("outline");
    tcase_add_loop_test(tc, outlines, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_test(tc, deep_nesting_is_cut);
    tcase_add_loop_test(tc, checkpoint_model, 0, sizeof(model_cases) / sizeof(model_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
