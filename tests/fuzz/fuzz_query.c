/* fuzz_query.c — libFuzzer target for the query compiler/validator: the bytes are compiled as
 * "queries/fuzz.scm" by as_query_compile (tree-sitter query syntax, node names, the text predicates and
 * #set!); a query that compiles is then run with as_query_run over a fixed Python tree to evaluate its predicates. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char sample[] =
    "import time, asyncio as aio\n"
    "from trio import sleep\n"
    "async def main(x, timeout=3):\n"
    "    time.sleep(1)  # noqa: ASYNC251\n"
    "    async with aio.timeout(2):\n"
    "        await aio.sleep(0)\n"
    "    t = aio.create_task(main(x))\n"
    "    while True:\n"
    "        await sleep(x)\n"
    "class C:\n"
    "    def f(self): return [y for y in range(3)] or {'a': b'\\xff'}\n";

static TSParser *parser;
static TSTree *tree;
static TSQueryCursor *cursor;

static void setup(void)
{
    parser = ts_parser_new();
    if (!ts_parser_set_language(parser, tree_sitter_python())) abort();
    tree = ts_parser_parse_string(parser, NULL, sample, (uint32_t)strlen(sample));
    cursor = ts_query_cursor_new();
    if (!tree || !cursor) abort();
    /* 256 matches in progress, not the 4096 a run keeps on real files: the cursor compares them with each other,
     * so a query of hundreds of captured alternatives took 20 s a run under the sanitizers at 4096 (the target
     * looks for crashes and hangs in the compiler and the predicates, not for the cursor's speed) */
    as_query_set_match_limit(256);
    as_query_set_time_limit(2.0);   /* the run's CPU-time limit, as the pipeline target sets it */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!parser) setup();
    char *src = malloc(size + 1);
    if (!src) return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    char *err = NULL;
    struct as_query *q = as_query_compile("queries/fuzz.scm", src, size, &err);
    if (q) {
        if (err) abort();
        const TSQuery *ts = as_query_ts(q);
        for (uint32_t p = 0; p < ts_query_pattern_count(ts); p++) (void)as_query_pattern_property(q, p, "kind");
        struct as_query_run run;
        TSQueryMatch m;
        as_query_run_start(&run, cursor, q, ts_tree_root_node(tree), sample, strlen(sample));
        for (int n = 0; n < 10000 && as_query_run_next(&run, &m); n++) {}
        (void)as_query_exceeded(&run);
        as_query_free(q);
    } else if (!err) {
        abort();
    }
    free(err);
    free(src);
    return 0;
}
