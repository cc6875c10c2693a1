/* rewrite.h — the commands that change analysed files: --add-noqa now, --fix / --diff (rewrite_fix.c). Each
 * file is rewritten in place by fix/inplace.h, from a fresh analysis of the bytes read right before writing
 * (so line numbers are current even when the file changed during the run), and what could not be done is
 * said per file on stderr. run.c calls these from report_result, on the emitting thread. */
#ifndef AS_CLI_REWRITE_H
#define AS_CLI_REWRITE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/settings.h"
#include "pipeline/engine.h"
#include "util/diag.h"

/* What a fresh analysis needs: the run's engine and settings, and a worker of its own. */
struct as_rewrite {
    const struct as_engine *engine;
    const struct as_settings *settings;   /* may be NULL */
    unsigned max_chain;
    size_t max_size;
    struct as_worker *worker;
    FILE *err;
    size_t errors;          /* files that could not be rewritten (the run exits 2) */
    size_t noqa_added;      /* --add-noqa: directives written */
    size_t noqa_skipped;    /* --add-noqa: lines that could not take one (each reported) */
};

void as_rewrite_init(struct as_rewrite *self, const struct as_engine *engine, const struct as_settings *settings,
                     unsigned max_chain, size_t max_size, FILE *err);
void as_rewrite_release(struct as_rewrite *self);

/* Analyses `bytes` as the file shown as `shown` governed by configuration `cfg`, as the run would: the file's
 * own findings, the project-wide ones the file alone gives (same-module helpers), filtered by its
 * configuration. The run's project-wide findings from other modules (`run`, may be NULL) are added when the
 * file's own findings are those the run found (the file is as the run saw it). */
void as_rewrite_analyse(struct as_rewrite *self, const char *shown, int cfg, const char *bytes, size_t len,
                        const struct as_file_result *run, struct as_file_result *out);

/* --add-noqa for one file (`path` as discovered; `run` its result in the run). */
void as_rewrite_add_noqa(struct as_rewrite *self, const char *path, int cfg, const struct as_file_result *run);

#endif
