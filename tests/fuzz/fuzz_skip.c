/* fuzz_skip.c — libFuzzer target for the pre-parse skip's exactness: whatever the bytes, a file the skip leaves
 * out must have no finding when it is parsed anyway. The first byte picks the path (the module's name comes from
 * it, and the skip reads its root) and the selection: the default rules (the project pass keeps all async code),
 * the peer's (ASYNC, RUF006: async code needs a rule's words too) and every rule but the project pass's. The rest
 * is the file. A breach aborts with the selection and path. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/engine.h"
#include "analysis/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const selections[][2] = {   /* select, ignore */
    {NULL, NULL},
    {"ASYNC,RUF006", NULL},
    {"ALL", "ASC108,ASC109"},
};
#define N_SELECTIONS (sizeof(selections) / sizeof(selections[0]))
static const char *const paths[] = {"fuzz/mod.py", "asyncio/__init__.py", "trio/x.py", "urllib3.py", "./anyio/a/b.py"};
#define N_PATHS (sizeof(paths) / sizeof(paths[0]))

static struct as_engine engines[N_SELECTIONS];
static struct as_worker *worker;

static void setup(void)
{
    for (size_t s = 0; s < N_SELECTIONS; s++) {
        char *err = NULL;
        if (as_engine_init(&engines[s], selections[s][0], NULL, selections[s][1], &err) != 0) {
            fprintf(stderr, "fuzz_skip: engine init failed: %s\n", err ? err : "?");
            abort();
        }
        engines[s].parse_timeout_s = 2.0;   /* well under libFuzzer's -timeout */
    }
    as_query_set_time_limit(2.0);
    worker = as_worker_new();
    if (!worker) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!worker) setup();
    if (size == 0) return 0;
    size_t sel = data[0] % N_SELECTIONS;
    const struct as_engine *engine = &engines[sel];
    const char *path = paths[(data[0] / N_SELECTIONS) % N_PATHS];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    struct as_file_result res;
    as_file_result_init(&res);
    as_analyze_buffer_ex(worker, engine, path, text, len, false, &res);
    bool skipped = !res.parsed && !res.error;
    as_file_result_release(&res);
    if (!skipped) return 0;
    as_file_result_init(&res);
    as_analyze_buffer_ex(worker, engine, path, text, len, true, &res);
    if (res.n_diags) {
        fprintf(stderr, "fuzz_skip: the skip left out %s (selection %s, ignore %s), which has %zu findings: %s\n",
                path, selections[sel][0] ? selections[sel][0] : "default", selections[sel][1] ? selections[sel][1] : "-",
                res.n_diags, res.diags[0].code);
        abort();
    }
    as_file_result_release(&res);
    return 0;
}
