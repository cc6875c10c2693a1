/* test_model.c — the semantic model on small snippets: the qualified name of the last call in each snippet
 * (imports, aliases, relative imports, shadowing, instances, star imports, scopes, import texts spread over
 * blanks or broken by a syntax error, names bound by unpacking, `with`/`except ... as`) and whether it is in
 * async context; and the branches facts marks as depending on an argument's type, and the loops that only await. */
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analysis/facts.h"
#include "analysis/guards.h"
#include "analysis/model.h"
#include "analysis/query.h"
#include "input/source.h"
#include "test_util.h"

struct model_case {
    const char *path;
    const char *src;
    const char *qname;   /* NULL: unresolved */
    int in_async;
};

static const struct model_case cases[] = {
    {"m.py", "import time\ntime.sleep(1)", "time.sleep", 0},
    {"m.py", "import time as t\nasync def f():\n    t.sleep(1)", "time.sleep", 1},
    {"m.py", "from time import sleep as nap\nasync def f():\n    nap(1)", "time.sleep", 1},
    {"m.py", "import os.path\nos.path.exists(p)", "os.path.exists", 0},
    {"m.py", "import os.path as osp\nosp.exists(p)", "os.path.exists", 0},
    {"m.py", "import urllib.request\nurllib.request.urlopen(u)", "urllib.request.urlopen", 0},
    {"m.py", "open(p)", "builtins.open", 0},
    {"m.py", "def open(p): pass\nopen(p)", "m.open", 0},
    {"pkg/mod.py", "def open(p): pass\nopen(p)", "pkg.mod.open", 0},
    {"pkg/mod.py", "from .db import load\nload()", "pkg.db.load", 0},
    {"pkg/mod.py", "from ..db import load\nload()", "db.load", 0},
    {"pkg/__init__.py", "from .db import load\nload()", "pkg.db.load", 0},
    {"pkg/sub/mod.py", "from .. import util\nutil.run()", "pkg.util.run", 0},
    {"m.py", "import time\nasync def f(time):\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    for time in xs: pass\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\ns = time.sleep\ns(1)", "time.sleep", 0},
    {"m.py", "import httpx\nc: httpx.Client = None\nc.get(u)", "httpx.Client().get", 0},
    {"m.py", "import httpx\nasync def f():\n    c: httpx.Client = make()\n    c.get(u)", "httpx.Client().get", 1},
    {"m.py", "import time\ns = time.sleep\ns = print\ns(1)", "builtins.print", 0},
    {"m.py", "import httpx\nc = httpx.Client()\nc.get(u)", "httpx.Client().get", 0},
    {"m.py", "from httpx import Client\nwith Client() as c:\n    c.get(u)", "httpx.Client().get", 0},
    {"m.py", "import httpx\nasync def f(c: httpx.Client | None):\n    c.get(u)", "httpx.Client().get", 1},
    {"m.py", "import httpx, typing\ndef f(c: typing.Optional[httpx.Client]):\n    c.get(u)", "httpx.Client().get", 0},
    {"m.py", "import httpx\nhttpx.Client().get(u)", "httpx.Client().get", 0},
    {"m.py", "import asyncio\nloop = asyncio.get_running_loop()\nloop.create_task(c())",
     "asyncio.get_running_loop().create_task", 0},
    {"m.py", "from time import *\nsleep(1)", "time.sleep", 0},
    {"m.py", "from mylib import *\nsleep(1)", NULL, 0},
    {"m.py", "async def f():\n    import time as tt\n    tt.sleep(1)", "time.sleep", 1},
    {"m.py", "async def f():\n    late.sleep(1)\nimport time as late", "time.sleep", 1},
    {"m.py", "late.sleep(1)\nimport time as late", NULL, 0},
    {"m.py", "import time\nasync def f():\n    def g():\n        time.sleep(1)", "time.sleep", 0},
    {"m.py", "import time\nasync def f():\n    return lambda: time.sleep(1)", "time.sleep", 0},
    {"m.py", "import time\nasync def f():\n    class C:\n        time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\nasync def f():\n    return [time.sleep(x) for x in xs]", "time.sleep", 1},
    {"m.py", "import time\nclass C:\n    import os as time\n    time.sleep(1)", "os.sleep", 0},
    {"m.py", "import time\nclass C:\n    time = None\n    def m(self):\n        time.sleep(1)", "time.sleep", 0},
    {"m.py", "import time\ndef f():\n    global time\n    time.sleep(1)", "time.sleep", 0},
    {"m.py", "import time\nasync def f():\n    x = [time for time in ()]\n    (lambda time: time)(1)\n    time.sleep(1)",
     "time.sleep", 1},
    {"m.py", "import asyncio as aio\nasync def f():\n    if (t := aio.create_task(c())):\n        t.cancel()",
     "asyncio.create_task().cancel", 1},
    {"m.py", "import httpx\nclass S:\n    def __init__(self):\n        self.c = httpx.Client()\n"
             "    async def f(self):\n        self.c.get(u)", "httpx.Client().get", 1},
    {"m.py", "import httpx\nclass S:\n    c: httpx.Client\n    async def f(this):\n        this.c.post(u)",
     "httpx.Client().post", 1},
    {"m.py", "import httpx\nclass S:\n    def __init__(self, c: httpx.Client):\n        self.c = c\n"
             "    def f(self):\n        self.c.get(u)", "httpx.Client().get", 0},
    {"m.py", "class S:\n    def load(self): pass\n    async def f(self):\n        self.load()", "m.S.load", 1},
    {"m.py", "import httpx\nclass S:\n    def __init__(self):\n        other.c = httpx.Client()\n"
             "    def f(self):\n        self.c.get(u)", "m.S().c.get", 0},
    /* an import's module text is names and dots: blanks and line continuations go; anything else is no import */
    {"m.py", "from os . path import join\njoin(p)", "os.path.join", 0},
    {"m.py", "from os.\\\n    path import join\njoin(p)", "os.path.join", 0},
    {"m.py", "import os . path as osp\nosp.join(p)", "os.path.join", 0},
    {"m.py", "from a.-b import c\nc()", NULL, 0},
    /* unpacking binds the plain names in the target and those directly in a nested tuple, list or star */
    {"m.py", "import time\nasync def f():\n    a, time = xs\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    (a, [b, time]) = xs\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    [a, (time, b)] = xs\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    a, *time = xs\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    a, (b, *time) = xs\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    for i, (a, time) in xs: pass\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    for [time] in xs: pass\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    a, (b, (c, time)) = xs\n    time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\nasync def f():\n    a.b, time[0] = xs\n    time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\nasync def f():\n    ys = [time for i, time in xs]\n    time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\nasync def f():\n    ys = [time.sleep(1) for i, (j, time) in xs]", NULL, 1},
    /* parameters of every form bind in their own function or lambda, not in one around it */
    {"m.py", "import time\nasync def f(a, *time):\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f(a, **time):\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f(a, *time: int):\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f(a, time: int = 1):\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f(a, time=1):\n    time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f(g=lambda time: 0):\n    time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\nasync def f(g=lambda *time: 0):\n    time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\ndef f(g=lambda time: time.sleep(1)): pass", NULL, 0},
    {"m.py", "import time\nclass C:\n    async def m(self, time):\n        time.sleep(1)", NULL, 1},
    /* `with ... as` binds its target (to the context manager, or plain in a tuple); `except ... as` plain */
    {"m.py", "import time\nasync def f():\n    with g() as time:\n        time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    with g() as (a, time):\n        time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    with g() as (a, [time]):\n        time.sleep(1)", "time.sleep", 1},
    {"m.py", "import time\nasync def f():\n    with g(), h() as time:\n        time.sleep(1)", NULL, 1},
    {"m.py", "import time\nasync def f():\n    try:\n        pass\n    except E as time:\n        time.sleep(1)", NULL, 1},
    {"m.py", "import httpx, time\nasync def f():\n    with httpx.Client() as c, time.x() as d:\n        c.get(u)",
     "httpx.Client().get", 1},
};

START_TEST(qualified_names)
{
    const struct model_case *c = &cases[_i];
    char *err = NULL;
    struct as_query_set *qs = as_query_set_load(&err);
    ck_assert_ptr_nonnull(qs);
    struct as_arena arena;
    as_arena_init(&arena);
    struct as_source src;
    char derr[128];
    ck_assert_int_eq(as_source_decode(&src, &arena, c->src, strlen(c->src), derr, sizeof(derr)), 0);
    TSParser *p = ts_parser_new();
    ts_parser_set_language(p, tree_sitter_python());
    TSTree *t = ts_parser_parse_string(p, NULL, src.text, (uint32_t)src.len);
    struct as_facts_scratch *scratch = as_facts_scratch_new();
    struct as_facts facts;
    as_facts_extract(&facts, &arena, scratch, qs, t, src.text, src.len);
    bool init = false;
    const char *module = as_model_module_name(&arena, c->path, &init);
    struct as_model model;
    as_model_build(&model, &facts, &arena, module, init);
    ck_assert_uint_ge(facts.n_calls, 1);
    /* The last call that is not an argument of another call. */
    const struct as_call *last = NULL;
    for (size_t i = 0; i < facts.n_calls; i++)
        if (facts.calls[i].outer_call < 0 && (!last || facts.calls[i].span.start > last->span.start))
            last = &facts.calls[i];
    ck_assert_ptr_nonnull(last);
    const char *q = as_model_callee(&model, last);
    if (c->qname)
        ck_assert_msg(q && strcmp(q, c->qname) == 0, "case %d: got %s, want %s", _i, q ? q : "(null)", c->qname);
    else
        ck_assert_msg(q == NULL, "case %d: got %s, want unresolved", _i, q);
    ck_assert_msg(as_model_in_async(&model, last->scope) == (c->in_async != 0), "case %d: async context", _i);
    as_facts_scratch_free(scratch);
    ts_tree_delete(t);
    ts_parser_delete(p);
    as_arena_release(&arena);
    as_query_set_free(qs);
}
END_TEST

struct module_case {
    const char *path, *module;
    bool init;
};
static const struct module_case module_cases[] = {
    {"a.py", "a", false},
    {"./src/pkg/mod.py", "src.pkg.mod", false},
    {"pkg/__init__.py", "pkg", true},
    {"__init__.py", "", true},
    {"stubs/x.pyi", "stubs.x", false},
};

START_TEST(module_names)
{
    struct as_arena a;
    as_arena_init(&a);
    bool init = !module_cases[_i].init;
    ck_assert_str_eq(as_model_module_name(&a, module_cases[_i].path, &init), module_cases[_i].module);
    ck_assert(init == module_cases[_i].init);
    as_arena_release(&a);
}
END_TEST

/* The branches that depend on an argument's type (facts: typechecks): the body of `if isinstance(...)` and of
 * `if not isinstance(...)`, and their plain else branch; nothing for any other condition. */
static const struct count_case {
    const char *src;
    size_t count;   /* typecheck spans, or sleep loops */
} typecheck_cases[] = {
    {"if isinstance(x, T):\n    a()\n", 1},
    {"if not isinstance(x, T):\n    a()\nelse:\n    b()\n", 2},
    {"if isinstance(x, T):\n    a()\nelif y:\n    b()\nelse:\n    c()\n", 3},   /* later arms run when it failed */
    {"if y:\n    a()\nelif isinstance(x, T):\n    b()\nelse:\n    c()\n", 2},
    {"if y:\n    a()\nelif z:\n    b()\nelse:\n    c()\n", 0},
    {"def f(x):\n    if not isinstance(x, T):\n        return x\n    a()\n", 2},    /* the rest after an early return */
    {"def f(x):\n    if not isinstance(x, T):\n        raise E\n    a()\n", 1},   /* validation: the rest always runs */
    {"def f(x):\n    if isinstance(x, T):\n        return x\n    else:\n        a()\n    b()\n", 2},
    {"if isinstance(x, T) and y:\n    a()\n", 0},
    {"if x.isinstance(y):\n    a()\n", 0},
    {"if isinstancex(x):\n    a()\n", 0},
    {"if not not isinstance(x, T):\n    a()\n", 0},
    {"if (isinstance(x, T)):\n    a()\n", 0},
    {"def f(p):\n    if isinstance(p, str):\n        if isinstance(p, bytes):\n            pass\n", 2},
};

/* `while` loops whose body is one statement awaiting a call (facts: sleep_loops, one per call awaited there). */
static const struct count_case sleeploop_cases[] = {
    {"while x:\n    await sleep(1)\n", 1},
    {"while x:\n    # c\n    await sleep(1)\n", 1},
    {"while x:\n    await sleep(1)\n    # c\n", 0},
    {"while x:\n    await sleep(1)  # c\n", 0},
    {"while x:\n    await sleep(1), await g()\n", 2},
    {"while x:\n    a = 1\n    await sleep(1)\n", 0},
    {"while x: await sleep(1)\n", 1},
    {"while x:\n    await sleep(1);\n", 1},
    {"while x:\n    await sleep(1); pass\n", 0},
    {"while x:\n    await (sleep(1))\n", 0},
    {"while x:\n    await sleep(1)\nelse:\n    pass\n", 1},
    {"while x:\n    await a.b(1)\n", 1},
    {"while x:\n    x, await sleep(1)\n", 1},
    {"while x:\n    sleep(1)\n", 0},
};

/* The facts of one snippet, and what they live in (facts_open / facts_close). */
struct facts_env {
    struct as_query_set *qs;
    struct as_arena arena;
    TSParser *parser;
    TSTree *tree;
    struct as_facts_scratch *scratch;
    struct as_facts facts;
};

static void facts_open(struct facts_env *e, const char *src)
{
    char *err = NULL;
    e->qs = as_query_set_load(&err);
    ck_assert_ptr_nonnull(e->qs);
    as_arena_init(&e->arena);
    e->parser = ts_parser_new();
    ts_parser_set_language(e->parser, tree_sitter_python());
    e->tree = ts_parser_parse_string(e->parser, NULL, src, (uint32_t)strlen(src));
    e->scratch = as_facts_scratch_new();
    as_facts_extract(&e->facts, &e->arena, e->scratch, e->qs, e->tree, src, strlen(src));
}

static void facts_close(struct facts_env *e)
{
    as_facts_scratch_free(e->scratch);
    ts_tree_delete(e->tree);
    ts_parser_delete(e->parser);
    as_arena_release(&e->arena);
    as_query_set_free(e->qs);
}

START_TEST(sleep_loops)
{
    const struct count_case *c = &sleeploop_cases[_i];
    struct facts_env e;
    facts_open(&e, c->src);
    ck_assert_msg(e.facts.n_sleep_loops == c->count, "case %d: %zu sleep loops, want %zu", _i,
                  (size_t)e.facts.n_sleep_loops, c->count);
    for (size_t i = 0; i < e.facts.n_sleep_loops; i++) ck_assert_int_ge(e.facts.sleep_loops[i].call, 0);
    facts_close(&e);
}
END_TEST

/* Where a call's value goes (facts: awaited, outer_call): directly awaited, passed positionally or by keyword to
 * another call, or neither. */
START_TEST(call_destinations)
{
    const char *src = "async def f():\n    await a(b(), x=c(d()), *e(), y=[g()])\n    await (h())\n    i(j)(k())\n";
    static const struct { const char *callee; bool awaited; const char *outer; } want[] = {
        {"a", true, NULL}, {"b", false, "a"}, {"c", false, "a"}, {"d", false, "c"}, {"e", false, NULL},
        {"g", false, NULL}, {"h", false, NULL}, {"i", false, NULL}, {"k", false, "i(j)"},
    };
    struct facts_env e;
    facts_open(&e, src);
    const struct as_facts *facts = &e.facts;
    ck_assert_uint_eq(facts->n_calls, sizeof(want) / sizeof(want[0]) + 1);   /* and the call i(j) */
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        const struct as_call *k = NULL;
        for (size_t i = 0; i < facts->n_calls && !k; i++) {
            const struct as_span cs = facts->calls[i].callee.span;
            size_t n = cs.end - cs.start;
            if (n == strlen(want[w].callee) && memcmp(src + cs.start, want[w].callee, n) == 0) k = &facts->calls[i];
        }
        ck_assert_msg(k != NULL, "no call of %s", want[w].callee);
        ck_assert_msg(k->awaited == want[w].awaited, "%s: awaited %d", want[w].callee, k->awaited);
        if (!want[w].outer) {
            ck_assert_msg(k->outer_call < 0, "%s: has an outer call", want[w].callee);
        } else {
            ck_assert_msg(k->outer_call >= 0, "%s: no outer call", want[w].callee);
            const struct as_span os = facts->calls[k->outer_call].callee.span;
            ck_assert_msg(os.end - os.start == strlen(want[w].outer) &&
                              memcmp(src + os.start, want[w].outer, os.end - os.start) == 0,
                          "%s: outer call %.*s", want[w].callee, (int)(os.end - os.start), src + os.start);
        }
    }
    facts_close(&e);
}
END_TEST

START_TEST(typecheck_branches)
{
    const struct count_case *c = &typecheck_cases[_i];
    struct facts_env e;
    facts_open(&e, c->src);
    ck_assert_msg(e.facts.n_typechecks == c->count, "case %d: %zu typecheck spans, want %zu", _i,
                  (size_t)e.facts.n_typechecks, c->count);
    /* each span is a block whose text starts after the colon of its branch */
    for (size_t i = 0; i < e.facts.n_typechecks; i++) {
        ck_assert_uint_lt(e.facts.typechecks[i].start, e.facts.typechecks[i].end);
        ck_assert(c->src[e.facts.typechecks[i].start] != ':');
    }
    facts_close(&e);
}
END_TEST

/* The guard of the last call in each snippet (analysis/guards.h). */
static const struct { const char *src; const char *guard; } guard_cases[] = {
    {"def f(p, debug=False):\n    if debug:\n        g(p)\n", "1:debug"},
    {"def f(p, debug: bool = None):\n    if debug:\n        g(p)\n", "1:debug"},
    {"def f(p, debug=True):\n    if debug:\n        g(p)\n", NULL},
    {"def f(p, debug=False):\n    debug = debug or ENV\n    if debug:\n        g(p)\n", NULL},
    {"def f(p, a=None, b=0):\n    if a or b:\n        g(p)\n", "1:a,2:b"},
    {"def f(p, a=None):\n    if a or p:\n        g(p)\n", NULL},
    {"def f(p, a=None):\n    if p and a:\n        g(p)\n", "1:a"},
    {"def f(p, a=None):\n    if not a:\n        g(p)\n", NULL},
    {"def f(p, a=None):\n    if a == 1:\n        g(p)\n", NULL},
    {"def f(p, *, a=''):\n    if a:\n        g(p)\n", "-1:a"},
    {"def f(p, a=[]):\n    if x:\n        pass\n    elif a:\n        g(p)\n", "1:a"},
    {"def f(p, a=False):\n    if a:\n        pass\n    else:\n        g(p)\n", NULL},
    {"def f(p, a=False):\n    if a:\n        def h():\n            g(p)\n", NULL},   /* another function's body */
    {"class C:\n    def m(self, a=False):\n        if a:\n            g()\n", "0:a"},
    {"class C:\n    def __init__(self, w=False):\n        self.w = w\n    def m(self):\n        if self.w:\n            g()\n",
     "@"},
    {"class C:\n    def __init__(self, w=False):\n        self.w = w\n    def on(self):\n        self.w = True\n"
     "    def m(self):\n        if self.w:\n            g()\n", NULL},
    {"class C:\n    def __init__(self, w=False):\n        self.w = w\n    def m(self, v=None):\n        if self.w or v:\n"
     "            g()\n", "@"},
};

/* The facts and the model of a snippet with at least one call (close with facts_close). */
static void model_open(struct facts_env *e, struct as_model *m, const char *src)
{
    facts_open(e, src);
    as_model_build(m, &e->facts, &e->arena, "m", false);
    m->source = src;
    ck_assert_uint_gt(e->facts.n_calls, 0);
}

START_TEST(guards_of_calls)
{
    struct facts_env e;
    struct as_model m;
    model_open(&e, &m, guard_cases[_i].src);
    const char *g = as_guard_of_call(&m, e.facts.n_calls - 1);
    const char *want = guard_cases[_i].guard;
    ck_assert_msg(want ? g && strcmp(g, want) == 0 : g == NULL, "case %d: guard %s, want %s", _i, g ? g : "(none)",
                  want ? want : "(none)");
    facts_close(&e);
}
END_TEST

/* The shape of the last call in each snippet. */
static const struct { const char *src; const char *shape; } shape_cases[] = {
    {"def f(a):\n    g(a, 0, None, x=1, y=False, z='')\n", "TFF|x,|"},
    {"def f(a, debug=False):\n    g(a, debug, debug=debug)\n", "TP|debug=1:debug,|1=1:debug,"},
    {"def f(a):\n    g(*a)\n", "*"},
    {"def f(a, debug=True):\n    g(debug)\n", "T||"},
};

START_TEST(call_shapes)
{
    struct facts_env e;
    struct as_model m;
    model_open(&e, &m, shape_cases[_i].src);
    const char *got = as_call_shape(&m, e.facts.n_calls - 1);
    ck_assert_msg(strcmp(got, shape_cases[_i].shape) == 0, "case %d: %s, want %s", _i, got, shape_cases[_i].shape);
    facts_close(&e);
}
END_TEST

START_TEST(guard_passed)
{
    ck_assert(as_guard_passed("1:debug", "TT|"));
    ck_assert(!as_guard_passed("1:debug", "TF|"));
    ck_assert(!as_guard_passed("1:debug", "T|"));
    ck_assert(as_guard_passed("1:debug", "T|debug,"));
    ck_assert(!as_guard_passed("1:debug", "T|debugger,"));
    ck_assert(as_guard_passed("1:debug", "*"));
    ck_assert(as_guard_passed("-1:a,2:b", "TTT|"));
    ck_assert(!as_guard_passed("-1:a,2:b", "TT|x,"));
    ck_assert(as_guard_passed("-1:a,2:b", "|a,"));
    ck_assert(!as_guard_passed("-1:a", "T|"));
    /* a caller's own flag forwarded: not a truthy value, but the caller's guard */
    struct as_arena a;
    as_arena_init(&a);
    ck_assert(!as_guard_passed("1:debug", "TP||1=0:flag,"));
    ck_assert_str_eq(as_guard_forwarded("1:debug", "TP||1=0:flag,", &a), "0:flag");
    ck_assert(!as_guard_passed("1:debug", "T|debug=-1:trace,|"));
    ck_assert_str_eq(as_guard_forwarded("1:debug", "T|debug=-1:trace,|", &a), "-1:trace");
    ck_assert(as_guard_passed("1:debug,2:v", "T|debug=0:x,v,|"));   /* v may be truthy */
    ck_assert_ptr_null(as_guard_forwarded("1:debug,2:v", "T|debug=0:x,v,|", &a));
    ck_assert_ptr_null(as_guard_forwarded("1:debug", "T||", &a));
    as_arena_release(&a);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("model");
    tcase_add_loop_test(tc, qualified_names, 0, sizeof(cases) / sizeof(cases[0]));
    tcase_add_loop_test(tc, module_names, 0, sizeof(module_cases) / sizeof(module_cases[0]));
    tcase_add_loop_test(tc, typecheck_branches, 0, sizeof(typecheck_cases) / sizeof(typecheck_cases[0]));
    tcase_add_loop_test(tc, sleep_loops, 0, sizeof(sleeploop_cases) / sizeof(sleeploop_cases[0]));
    tcase_add_test(tc, call_destinations);
    tcase_add_loop_test(tc, guards_of_calls, 0, sizeof(guard_cases) / sizeof(guard_cases[0]));
    tcase_add_test(tc, guard_passed);
    tcase_add_loop_test(tc, call_shapes, 0, sizeof(shape_cases) / sizeof(shape_cases[0]));
    suite_add_tcase(s, tc);
    return s;
}
