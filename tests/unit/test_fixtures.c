/* test_fixtures.c — runs every annotated fixture (fixtures/rules, fixtures/semantics, fixtures/encoding)
 * through the engine with all rules selected and compares the findings with the `# expect: CODE[@COL]`
 * annotations: a missing finding and an unexpected one both fail, with the file and line in the message.
 * Also the pre-parse skip's decisions on small texts, each checked against a forced parse. */
#define _GNU_SOURCE 1 /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/discover.h"
#include "pipeline/engine.h"
#include "input/source.h"
#include "test_util.h"
#include "util/buf.h"

struct expectation {
    unsigned line;
    char code[16];
    unsigned col;      /* 0 = any */
    bool matched;
};

/* Parses `expect:` annotations from raw bytes, line by line (\n, \r\n, \r end lines, like source.c). */
static size_t parse_expectations(const char *bytes, size_t len, struct expectation *out, size_t cap)
{
    size_t n = 0;
    unsigned line = 1;
    size_t i = 0;
    while (i <= len) {
        size_t s = i;
        while (i < len && bytes[i] != '\n' && bytes[i] != '\r') i++;
        size_t e = i;
        const char *hash = memchr(bytes + s, '#', e - s);
        if (hash) {
            const char *p = hash;
            const char *end = bytes + e;
            const char *found = NULL;
            for (; p + 7 <= end; p++)
                if (memcmp(p, "expect:", 7) == 0) { found = p + 7; break; }
            while (found && found < end && n < cap) {
                while (found < end && (*found == ' ' || *found == ',')) found++;
                const char *cs = found;
                while (found < end && ((*found >= 'A' && *found <= 'Z') || (*found >= '0' && *found <= '9'))) found++;
                if (found == cs) break;
                struct expectation *x = &out[n++];
                memset(x, 0, sizeof(*x));
                x->line = line;
                snprintf(x->code, sizeof(x->code), "%.*s", (int)(found - cs), cs);
                if (found < end && *found == '@') {
                    found++;
                    x->col = (unsigned)strtoul(found, (char **)&found, 10);
                }
            }
        }
        if (i >= len) break;
        if (bytes[i] == '\r' && i + 1 < len && bytes[i + 1] == '\n') i++;
        i++;
        line++;
    }
    return n;
}

static void check_fixture(struct as_engine *engine, struct as_worker *w, const char *path, struct as_buf *failures)
{
    char *bytes = NULL;
    size_t len = 0;
    char err[256];
    if (as_source_read_file(path, AS_SOURCE_DEFAULT_MAX_SIZE, &bytes, &len, err, sizeof(err)) != 0) {
        as_buf_printf(failures, "%s: cannot read: %s\n", path, err);
        return;
    }
    static struct expectation exp[4096];
    size_t n_exp = parse_expectations(bytes, len, exp, 4096);
    struct as_file_result res;
    as_file_result_init(&res);
    as_analyze_buffer(w, engine, path, bytes, len, &res);
    bool expect_syntax_error = strstr(path, "syntax_error") != NULL;
    if (res.error && !(expect_syntax_error && strstr(res.error, "invalid syntax")))
        as_buf_printf(failures, "%s: unexpected error: %s\n", path, res.error);
    if (expect_syntax_error && !res.error) as_buf_printf(failures, "%s: syntax error not reported\n", path);
    for (size_t i = 0; i < res.n_diags; i++) {
        const struct as_diag *d = &res.diags[i];
        bool ok = false;
        for (size_t k = 0; k < n_exp && !ok; k++) {
            struct expectation *x = &exp[k];
            if (!x->matched && x->line == d->line && strcmp(x->code, d->code) == 0 && (!x->col || x->col == d->col)) {
                x->matched = true;
                ok = true;
            }
        }
        if (!ok) as_buf_printf(failures, "%s:%u:%u: unexpected %s %s\n", path, d->line, d->col, d->code, d->message);
    }
    for (size_t k = 0; k < n_exp; k++)
        if (!exp[k].matched)
            as_buf_printf(failures, "%s:%u: missing %s%s\n", path, exp[k].line, exp[k].code, exp[k].col ? " (at column)" : "");
    as_file_result_release(&res);
    free(bytes);
}

START_TEST(annotated_fixtures)
{
    struct as_engine engine;
    char *err = NULL;
    /* ASYNC124 would flag most fixture functions (written without awaits to show blocking calls), ASYNC106 every
     * `from trio import`, ASYNC900 every async generator, ASYNC91x most async functions: their own fixtures are
     * under fixtures/selected/, checked with each alone (tests/cli/test_selected_fixtures.sh) */
    ck_assert_msg(as_engine_init(&engine, "ALL", NULL, "RUF100,ASYNC124,ASYNC106,ASYNC900,ASYNC91", &err) == 0,
                  "engine: %s", err ? err : "");
    const char *roots[] = {AS_SOURCE_DIR "/fixtures/rules", AS_SOURCE_DIR "/fixtures/semantics",
                           AS_SOURCE_DIR "/fixtures/encoding"};
    struct as_path_list files = {0};
    struct as_discover_opts dopts = {0};
    as_discover(roots, 3, &dopts, &files);
    ck_assert_msg(files.n >= 10, "expected the fixture tree, found %zu files", files.n);
    struct as_worker *w = as_worker_new();
    struct as_buf failures;
    as_buf_init(&failures);
    for (size_t i = 0; i < files.n; i++) check_fixture(&engine, w, files.paths[i], &failures);
    as_worker_free(w);
    as_path_list_release(&files);
    as_engine_release(&engine);
    ck_assert_msg(failures.len == 0, "fixture mismatches:\n%s", failures.data);
    as_buf_release(&failures);
}
END_TEST

/* The harness itself must catch a missing and an extra finding. */
START_TEST(harness_detects_mismatches)
{
    struct as_engine engine;
    char *err = NULL;
    ck_assert(as_engine_init(&engine, "ALL", NULL, "RUF100", &err) == 0);
    struct as_worker *w = as_worker_new();
    char dir[] = "/tmp/asyncscan-fixture-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/bad.py", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("import time\nasync def f():\n    time.sleep(1)\n    pass  # expect: ASYNC251\n", f);
    fclose(f);
    struct as_buf failures;
    as_buf_init(&failures);
    check_fixture(&engine, w, path, &failures);
    ck_assert_msg(strstr(failures.data, ":3:5: unexpected ASYNC251") != NULL, "got: %s", failures.data);
    ck_assert_msg(strstr(failures.data, ":4: missing ASYNC251") != NULL, "got: %s", failures.data);
    as_buf_release(&failures);
    remove(path);
    rmdir(dir);
    as_worker_free(w);
    as_engine_release(&engine);
}
END_TEST

/* The pre-parse skip: whole words only, the `async` keyword only where it opens async code; what it skips
 * must have no findings when parsed anyway, and what it keeps here has the findings named. */
static const struct skip_case {
    const char *text;
    bool skipped;
    size_t findings;   /* when parsed (forced) */
} skip_cases[] = {
    {"import asyncio\n\ndef f():\n    return asyncio.get_event_loop()\n", true, 0},
    {"import asyncio\n\ndef f():\n    asyncio.create_task(g())\n", false, 1},
    {"from asyncio import create_task as spawn\n\ndef f():\n    spawn(g())\n", false, 1},
    /* `create_taské` is one name, but a non-ASCII byte may be a character no name holds: kept, conservatively */
    {"import asyncio\n\ndef f():\n    asyncio.create_task\xc3\xa9(g())\n", false, 0},
    {"import asyncio\n\ndef my_create_task_helper():\n    asyncio_create_task(g())\n", true, 0},
    {"async_mode = True\nasyncio = None  # asynchronous, asyncio.sleep\n", true, 0},
    {"import time\n\nasync \\\n  def f():\n    time.sleep(1)\n", false, 1},
    {"import time\n\nclass A:\n    async\tdef m(self):\n        time.sleep(1)\n", false, 1},
    {"x = 1  # async def in a comment is kept, conservatively\n", false, 0},
    {"def f(async_):\n    return async_\n", true, 0},
    /* words with a needle's first byte, length and last byte are looked up, and must still match whole */
    {"import asyncio\n\ndef f():\n    asyncio.create_tosk(g())\n", true, 0},
    {"import asyncio\n\ndef f():\n    asyncio.create_task(g())", false, 1},
};

/* Case `i`: with the rules `select` (NULL: the default ones), whether the skip leaves `text` out as the file `path`,
 * and the findings it has when parsed anyway (valid: it parses without a syntax error). */
static void check_skip(int i, const char *select, const char *path, const char *text, bool skipped, size_t findings,
                       bool valid)
{
    struct as_engine engine;
    char *err = NULL;
    ck_assert_msg(as_engine_init(&engine, select, NULL, NULL, &err) == 0, "%s", err);
    struct as_worker *w = as_worker_new();
    size_t len = strlen(text);
    ck_assert_msg(as_engine_can_skip(&engine, path, text, len) == skipped, "case %d: skip should be %d", i, skipped);
    struct as_file_result res;
    as_file_result_init(&res);
    as_analyze_buffer_ex(w, &engine, path, text, len, true, &res);
    if (valid) ck_assert_msg(res.error == NULL, "case %d: %s", i, res.error);
    ck_assert_msg(res.n_diags == findings, "case %d: %zu findings when parsed, want %zu", i, res.n_diags, findings);
    as_file_result_release(&res);
    as_worker_free(w);
    as_engine_release(&engine);
}

START_TEST(skip_decisions)
{
    const struct skip_case *c = &skip_cases[_i];
    check_skip(_i, NULL, "t.py", c->text, c->skipped, c->findings, true);
}
END_TEST

/* The skip with a selection of its own: an async-only rule needs, besides async code, the words of one of its
 * patterns (or the word its kind names: `timeout`, `yield`); a glob segment needs nothing; the first segment of
 * the path counts as written (the module's own names are qualified with it); the project pass keeps all async
 * code. What it skips has no findings when parsed anyway; what it keeps has those named. */
/* The rules ruff implements too (what scripts/bench calls the peer's rules); ASYNC alone now also selects
 * flake8-async's cancellation and task-group rules, which ruff does not have. */
#define PEER_RULES "ASYNC100,ASYNC105,ASYNC109,ASYNC110,ASYNC115,ASYNC116,ASYNC119,ASYNC2,RUF006"

static const struct selected_skip_case {
    const char *select, *path, *text;
    bool skipped;
    size_t findings;
} selected_skip_cases[] = {
    {PEER_RULES, "t.py", "async def f():\n    await g()\n", true, 0},
    {"ASYNC,RUF006", "t.py", "async def f():\n    await g()\n", false, 0},   /* ASYNC124 needs no word */
    {PEER_RULES, "t.py", "import time\n\nasync def f():\n    time.sleep(1)\n", false, 1},
    {PEER_RULES, "t.py", "import time\n\ndef f():\n    time.sleep(1)\n", true, 0},
    {PEER_RULES, "t.py", "import asyncio, time\n\ndef f():\n    time.sleep(1)\n", true, 0},   /* past the prefilter */
    {PEER_RULES, "t.py", "from time import sleep as nap\n\nasync def f():\n    nap(1)\n", false, 1},
    {"ASYNC251", "t.py", "import time\n\nasync def f():\n    time.sleep_ish(1)\n", true, 0},
    {"ASYNC109", "t.py", "async def f(timeout):\n    await g()\n", false, 1},
    {"ASYNC109", "t.py", "async def f(delay):\n    await g()\n", true, 0},
    {"ASYNC119", "t.py", "async def f():\n    with g():\n        yield\n", false, 1},
    {"ASYNC119", "t.py", "async def f():\n    with g():\n        return\n", true, 0},
    /* `builtins.open().*`: the builtin's name alone; `*.request`: the last name alone */
    {"ASYNC230", "t.py", "async def f(p):\n    with open(p) as fh:\n        fh.read()\n", false, 1},
    {"ASYNC230", "t.py", "async def f(p):\n    fh = p.reader()\n", true, 0},
    {"ASYNC211", "t.py", "import urllib3\n\nasync def f(c):\n    c.request('GET', 'x')\n", false, 1},
    /* ASYNC211's `if-imported:urllib3`: the import spells the module */
    {"ASYNC211", "t.py", "import httpx\n\nasync def f(c):\n    c.request('GET', 'x')\n", true, 0},
    {"ASYNC211", "t.py", "from urllib3.util import x\n\nasync def f(c):\n    c.request('GET', 'x')\n", false, 1},
    /* the module root from the path: asyncio/__init__.py defines asyncio.create_task */
    {"RUF006", "asyncio/__init__.py", "def create_task(c):\n    pass\n\ndef f():\n    create_task(g())\n", false, 1},
    {"RUF006", "./asyncio/x.py", "from . import create_task\n\ndef f():\n    create_task(g())\n", false, 1},
    {"RUF006", "asyncio.py", "def create_task(c):\n    pass\n\ndef f():\n    create_task(g())\n", false, 1},
    {"RUF006", "pkg/asyncio/x.py", "from . import create_task\n\ndef f():\n    create_task(g())\n", true, 0},
    {"ASC108", "t.py", "async def f():\n    await g()\n", false, 0},
    /* the cancellation rules need one of their words: `except`, `finally`, `__aexit__` */
    {"ASYNC102", "t.py", "async def f():\n    await g()\n", true, 0},
    {"ASYNC102", "t.py", "async def f():\n    try:\n        pass\n    finally:\n        await g()\n", false, 1},
    {"ASYNC102", "t.py", "class C:\n    async def __aexit__(self, *a):\n        await g()\n", false, 1},
    {"ASYNC103", "t.py", "async def f():\n    try:\n        await g()\n    except BaseException:\n        pass\n", false, 1},
    /* ASYNC103/104 judge handlers in any code of an async file, as flake8-async: `except` is the word they
     * need, in a file that is async code (an async def, a trio/anyio/asyncio import); any other is skipped */
    {"ASYNC103", "t.py", "import trio\ndef f():\n    try:\n        g()\n    except BaseException:\n        pass\n", false, 1},
    {"ASYNC103", "t.py", "import asyncio\ntry:\n    import x\nexcept:\n    x = None\n", false, 1},
    {"ASYNC104", "t.py", "class C:\n    try:\n        import x\n    except BaseException:\n        raise ValueError\n\nasync def f(): pass\n", false, 1},
    {"ASYNC103", "t.py", "def f():\n    try:\n        g()\n    except BaseException:\n        pass\n", true, 0},
    {"ASYNC103", "t.py", "from anyio import run\ndef f():\n    try:\n        g()\n    except:\n        pass\n", false, 1},
    {"ASYNC103", "trio/_x.py", "def f():\n    try:\n        g()\n    except:\n        pass\n", false, 0},
    {"ASYNC103", "t.py", "def f():\n    g()\n", true, 0},
    {"ASYNC121", "t.py", "import trio\n\nasync def f():\n    async with trio.open_nursery():\n        await g()\n", true, 0},
    /* ASYNC101 looks at generators, async or not: a file needs one of the scopes its `match:` lines name */
    {"ASYNC101", "t.py", "import trio\n\nasync def f():\n    with trio.move_on_after(1):\n        yield\n", false, 1},
    {"ASYNC101", "t.py", "import trio\n\ndef f():\n    with trio.move_on_after(1):\n        yield\n", false, 1},
    {"ASYNC101", "t.py", "import os\n\ndef f():\n    with open(os.devnull):\n        yield\n", true, 0},
    {"ASYNC121", "t.py", "import trio\n\nasync def f():\n    async with trio.open_nursery():\n        return\n", false, 1},
    /* ASYNC400 and ASYNC123 in any code: `except*` (a word, then blanks or a continuation, then a star) */
    {"ASYNC400", "t.py", "try:\n    f()\nexcept* OSError as g:\n    g.errno\n", false, 1},
    {"ASYNC400", "t.py", "try:\n    f()\nexcept \t *OSError as g:\n    g.errno\n", false, 1},
    {"ASYNC400", "t.py", "try:\n    f()\nexcept OSError as g:\n    g.errno\n", true, 0},
    {"ASYNC123", "t.py", "try:\n    f()\nexcept ExceptionGroup as g:\n    raise g.exceptions[0]\n", false, 1},
    {"ASYNC123", "t.py", "try:\n    f()\nexcept *OSError as g:\n    raise g.exceptions[0]\n", false, 1},
    {"ASYNC123", "t.py", "try:\n    f()\nexcept ExceptionGroup as g:\n    raise g\n", true, 0},
    /* the startable-function rules need `task_status` (or `TaskStatus`) */
    {"ASYNC128", "t.py", "async def f(task_status):\n    await g()\n", false, 1},
    {"ASYNC128", "t.py", "async def f(status):\n    await g()\n", true, 0},
};

START_TEST(skip_decisions_by_selection)
{
    const struct selected_skip_case *c = &selected_skip_cases[_i];
    check_skip(_i, c->select, c->path, c->text, c->skipped, c->findings, true);
}
END_TEST

/* Invalid code that tree-sitter's error recovery still parses into an async function (a word between `async`
 * and `def` on one logical line, a number or a character no identifier holds glued to a name) is kept, and has
 * its finding; a `def` on the next logical line is not recovered so, and is left out. */
static const struct recovered_case {
    const char *text;
    bool skipped;
    size_t findings;
} recovered_cases[] = {
    {"import time\nasync x def f():\n    time.sleep(1)\n", false, 1},
    {"import time\nasync ) def f():\n    time.sleep(1)\n", false, 1},
    {"import time\nasync \\\n x def f():\n    time.sleep(1)\n", false, 1},
    {"import time\n1async def f():\n    time.sleep(1)\n", false, 1},
    /* a number or a character no identifier holds, glued to a name, ends the number or starts the name */
    {"import time\nasync def f():\n    time.6sleep(1)\n", false, 1},
    {"import time\n\xe2\x82\xac" "async def f():\n    time.sleep(1)\n", false, 1},
    {"import time\nasync\xe2\x82\xac" "def f():\n    time.sleep(1)\n", false, 1},
    {"import time\nasync def f():\n    time.sleep\xe2\x82\xac(1)\n", false, 1},
    {"import time\nasync def f():\n    time.\xc2\xa0sleep(1)\n", false, 1},
    {"import time\nasync def f():\n    time.sleep_\xc3\xa9(1)\n", true, 0},   /* `sleep_é` is one name */
    {"import time\nasync\ndef f():\n    time.sleep(1)\n", false, 0},   /* blank lines count as blanks: kept */
    {"import time\nasync x\ndef f():\n    time.sleep(1)\n", true, 0},
    {"import time\nx = 1  # async, then\ndef f():\n    time.sleep(1)\n", true, 0},
    {"import time\n# wait for this async call, then for the def\ndef f():\n    time.sleep(1)\n", true, 0},
    {"import time\nx = '#'; async x def f():\n    time.sleep(1)\n", false, 0},   /* a quote: maybe code, kept */
};

START_TEST(skip_keeps_recovered_async)
{
    const struct recovered_case *c = &recovered_cases[_i];
    check_skip(_i, "ASYNC251", "t.py", c->text, c->skipped, c->findings, false);
}
END_TEST

/* The skip's substring prefilter is exact only if every text the word scan could keep contains one of its
 * strings: "async" and each needle's root (or name, for a builtin) must each contain one. Checked for the
 * default selection and for every rule. */
static void check_prefilter(const char *select, const char *loud)
{
    struct as_engine engine;
    char *err = NULL;
    ck_assert(as_engine_init(&engine, select, NULL, NULL, &err) == 0);
    ck_assert_uint_gt(engine.n_prefilter, 0);
    ck_assert_uint_le(engine.n_prefilter, AS_PREFILTER_MAX);
    for (size_t i = 0; i <= engine.n_needles; i++) {
        if (i > 0 && engine.needles[i - 1].in_async) continue;   /* kept only with async code: "async" covers it */
        const char *must = i == 0 ? "async" : *engine.needles[i - 1].root ? engine.needles[i - 1].root
                                                                           : engine.needles[i - 1].name;
        bool covered = false;
        for (size_t k = 0; k < engine.n_prefilter; k++) covered = covered || strstr(must, engine.prefilter[k]);
        ck_assert_msg(covered, "'%s' contains no prefilter string", must);
    }
    /* a text with none of them is skipped; one with the word scan's reasons is kept */
    const char *quiet = "import os\nos.stat('x')\n";
    ck_assert(as_engine_can_skip(&engine, "t.py", quiet, strlen(quiet)));
    ck_assert(!as_engine_can_skip(&engine, "t.py", loud, strlen(loud)));
    as_engine_release(&engine);
}

START_TEST(skip_prefilter)
{
    check_prefilter(NULL, "async def f():\n    pass\n");
    check_prefilter("ALL", "async def f():\n    pass\n");
    check_prefilter(PEER_RULES, "import time\n\nasync def f():\n    time.sleep(1)\n");
}
END_TEST

/* The prefilter's substring test against memmem: every needle at every offset around the 32-byte (AVX2, where the
 * CPU has it) and 16-byte blocks and the end of the text, in filler made of near misses (the first and last bytes
 * of the needles, partial needles). */
START_TEST(prefilter_substring_positions)
{
    char *needles[] = {"async", "trio", "ab", "q"};
    size_t lens[] = {5, 4, 2, 1};
    const char *fills[] = {"x", "asyn trio atrxo syncq", "aaaasynctttrio  ", "a\xc3\xa9" "c"};
    char text[128];
    for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
        size_t fl = strlen(fills[f]) ? strlen(fills[f]) : 1;
        for (size_t len = 0; len <= 110; len++) {
            for (size_t i = 0; i < len; i++) text[i] = fills[f][i % fl];
            for (size_t set = 1; set < 16; set++) {   /* every non-empty subset of the needles */
                char *nd[4];
                size_t nl[4], n = 0;
                for (size_t k = 0; k < 4; k++)
                    if (set >> k & 1) nd[n] = needles[k], nl[n++] = lens[k];
                for (size_t at = 0; at <= len; at++) {
                    char t[128];
                    memcpy(t, text, len);
                    size_t put = nl[at % n];
                    if (at + put <= len) memcpy(t + at, nd[at % n], put);
                    bool want = false;
                    for (size_t k = 0; k < n; k++) want = want || memmem(t, len, nd[k], nl[k]) != NULL;
                    ck_assert_msg(as_contains_any(t, len, nd, nl, n) == want, "fill %zu len %zu set %zu at %zu", f,
                                  len, set, at);
                }
            }
        }
    }
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("fixtures");
    TCase *tc = tcase_create("annotated");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, annotated_fixtures);
    tcase_add_test(tc, harness_detects_mismatches);
    tcase_add_test(tc, skip_prefilter);
    tcase_add_test(tc, prefilter_substring_positions);
    tcase_add_loop_test(tc, skip_decisions, 0, (int)(sizeof(skip_cases) / sizeof(skip_cases[0])));
    tcase_add_loop_test(tc, skip_decisions_by_selection, 0,
                        (int)(sizeof(selected_skip_cases) / sizeof(selected_skip_cases[0])));
    tcase_add_loop_test(tc, skip_keeps_recovered_async, 0, (int)(sizeof(recovered_cases) / sizeof(recovered_cases[0])));
    suite_add_tcase(s, tc);
    return s;
}
