/* fuzz_fix.c — libFuzzer target for the fixes: arbitrary bytes are analysed as "fuzz/mod.py" with every rule,
 * each finding's fix is described (fix/fix.h), and the edit engine fixes the text with unsafe fixes on. The
 * engine's promises are checked: edits lie inside the text, a fixed text analyses without an error the original
 * did not have, at most AS_FIX_MAX_PASSES passes; and the unified diff of the two is made. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/query.h"
#include "fix/diff.h"
#include "fix/fix.h"
#include "pipeline/engine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct as_engine engine;
static struct as_worker *worker;

static void setup(void)
{
    char *err = NULL;
    if (as_engine_init(&engine, "ALL", NULL, NULL, &err) != 0) {
        fprintf(stderr, "fuzz_fix: engine init failed: %s\n", err ? err : "?");
        abort();
    }
    engine.skip_enabled = false;
    engine.parse_timeout_s = 2.0;
    as_query_set_time_limit(2.0);
    worker = as_worker_new();
    if (!worker) abort();
}

static void analyse(void *ud, const char *text, size_t len, const uint32_t *cell_starts, struct as_file_result *out)
{
    (void)ud;
    (void)cell_starts;
    as_file_result_init(out);
    as_analyze_buffer_ex(worker, &engine, "fuzz/mod.py", text, len, true, out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!worker) setup();
    struct as_file_result res;
    as_file_result_init(&res);
    as_analyze_buffer(worker, &engine, "fuzz/mod.py", (const char *)data, size, &res);
    if (!res.text) {
        as_file_result_release(&res);
        return 0;
    }
    as_fix_describe(&res);
    for (size_t i = 0; i < res.n_diags; i++) {
        const struct as_fix *f = res.diags[i].fix;
        for (size_t k = 0; f && k < f->n_edits; k++)
            if (f->edits[k].line == 0 || f->edits[k].line > res.n_lines + 1 || f->edits[k].end_line < f->edits[k].line)
                abort();
    }
    struct as_fix_settings s = {true, NULL, NULL};
    struct as_fix_outcome o;
    as_fix_text(res.text, res.text_len, &res, &s, analyse, NULL, &o);
    if (o.passes > AS_FIX_MAX_PASSES) abort();
    if (o.text) {
        if (o.last.error && !res.error) abort();   /* a pass that breaks the file is undone */
        struct as_buf d;
        as_buf_init(&d);
        as_fix_unified_diff(&d, "mod.py", res.text, res.text_len, o.text, o.len);
        if (d.len == 0 && (o.len != res.text_len || memcmp(o.text, res.text, o.len) != 0)) abort();
        as_buf_release(&d);
    }
    as_fix_outcome_release(&o);
    as_file_result_release(&res);
    return 0;
}
