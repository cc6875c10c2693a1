/* fuzz_pipeline.c — libFuzzer target for the whole per-file pipeline: arbitrary bytes are analysed as
 * "fuzz/mod.py" by as_analyze_buffer (decode -> parse -> facts -> model -> checks -> noqa -> sort) with every
 * rule enabled and the pre-parse skip off, then the result is rendered by every reporter in as_reporters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/engine.h"
#include "analysis/query.h"
#include "report/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct as_engine engine;
static struct as_worker *worker;
static FILE *sink;

static void setup(void)
{
    char *err = NULL;
    if (as_engine_init(&engine, "ALL", NULL, NULL, &err) != 0) {
        fprintf(stderr, "fuzz_pipeline: engine init failed: %s\n", err ? err : "?");
        abort();
    }
    engine.skip_enabled = false;   /* always parse: the skip would hide most inputs from the checks */
    engine.parse_timeout_s = 2.0;  /* well under libFuzzer's -timeout */
    as_query_set_time_limit(2.0);
    worker = as_worker_new();
    sink = fopen("/dev/null", "w");
    if (!worker || !sink) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!worker) setup();
    struct as_file_result res;
    as_file_result_init(&res);
    as_analyze_buffer(worker, &engine, "fuzz/mod.py", (const char *)data, size, &res);
    /* The reporters get only the rules that have findings here: rendering every rule's documentation (SARIF
     * rule table) does not depend on the input and would take most of the time of each run. */
    const struct as_rule **used = malloc((engine.rules.n ? engine.rules.n : 1) * sizeof(*used));
    if (!used) abort();
    size_t n_used = 0;
    for (size_t r = 0; r < engine.rules.n; r++)
        for (size_t d = 0; d < res.n_diags; d++)
            if (strcmp(engine.rules.rules[r]->code, res.diags[d].code) == 0) {
                used[n_used++] = engine.rules.rules[r];
                break;
            }
    for (size_t i = 0; as_reporters[i]; i++) {
        struct as_report_ctx ctx = {0};
        ctx.out = sink;
        ctx.color = (i & 1) != 0;
        ctx.cwd = "/fuzz";
        ctx.rules = used;
        ctx.n_rules = n_used;
        as_reporters[i]->begin(&ctx);
        ctx.n_files = 1;
        ctx.n_findings = res.n_diags;
        ctx.n_files_with_findings = res.n_diags ? 1 : 0;
        ctx.n_errors = res.error ? 1 : 0;
        as_reporters[i]->file(&ctx, &res);
        as_reporters[i]->end(&ctx);
    }
    fflush(sink);
    free(used);
    as_file_result_release(&res);
    return 0;
}
