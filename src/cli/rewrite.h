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
#include "fix/fix.h"
#include "pipeline/engine.h"
#include "util/diag.h"

/* Which fix flags apply (command line over the root configuration). */
struct as_fix_mode {
    bool apply;      /* --fix, --fix-only, --diff, or `fix = true` */
    bool only;       /* --fix-only or --diff: what remains is not reported */
    bool dry_run;    /* --diff: nothing is written; the diff goes to `out` */
    bool show_fixes, exit_non_zero_on_fix;
    bool unsafe;
    const char *fixable, *unfixable;   /* comma-separated codes or prefixes (ALL); NULL: all / none */
    /* Findings carry their fixes (found by parsing the file again): for the formats that show them (json,
     * json-lines, sarif), when fixing, or when a fix option or key is given (for `[*]` and the summary's
     * counts). Otherwise a run served by the cache would parse every file with findings for them. */
    bool describe;
};

/* What a fresh analysis needs: the run's engine and settings, and a worker of its own (made on first use);
 * and what the fixes of the run did, for the summary. */
struct as_rewrite {
    const struct as_engine *engine;
    const struct as_settings *settings;   /* may be NULL */
    unsigned max_chain;
    size_t max_size;
    struct as_worker *worker;
    struct as_project *owner;   /* tells the project-wide findings (as_project_owns), or NULL */
    FILE *out, *err;
    size_t errors;          /* files that could not be rewritten (the run exits 2) */
    size_t noqa_added;      /* --add-noqa: directives written */
    size_t noqa_skipped;    /* --add-noqa: lines that could not take one (each reported) */
    struct as_fix_mode mode;
    struct as_fix_settings fix;
    size_t n_fixed, n_fixable, n_hidden;   /* fixed; reported findings the settings would fix / only unsafely */
    bool any_diff;
    char *shown_fixes;      /* --show-fixes: the listing, built as files are fixed (heap) */
    size_t shown_len;
};

void as_rewrite_init(struct as_rewrite *self, const struct as_engine *engine, const struct as_settings *settings,
                     unsigned max_chain, size_t max_size, FILE *out, FILE *err);
/* The fix flags of a run: options `o` over the root configuration of `settings`, for output `format`. */
/* Whether unsafe fixes apply: --unsafe-fixes / --no-unsafe-fixes (o->unsafe_fixes), else the configuration's
 * unsafe-fixes (`configured`: 1, 0, or -1 when not set); with o->options_are_defaults a set key wins. */
bool as_rewrite_unsafe_fixes(const struct as_options *o, int configured);
void as_rewrite_fix_mode(const struct as_options *o, const struct as_settings *settings, const char *format,
                         struct as_fix_mode *mode);
void as_rewrite_set_mode(struct as_rewrite *self, const struct as_fix_mode *mode);
void as_rewrite_release(struct as_rewrite *self);

/* Analyses `bytes` as the file shown as `shown` governed by configuration `cfg`, as the run would: the file's
 * own findings, the project-wide ones the file alone gives (same-module helpers), filtered by its
 * configuration. The run's project-wide findings from other modules (`run`, may be NULL) are added when the
 * file's own findings are those the run found (the file is as the run saw it). */
void as_rewrite_analyse(struct as_rewrite *self, const char *shown, int cfg, const char *bytes, size_t len,
                        const struct as_file_result *run, struct as_file_result *out);

/* Before a file's result is reported: with fixes to apply, fixes the file (`path` as discovered, NULL for
 * standard input) and leaves in res what remains; then shows each finding's fix (d->fix) and counts them. */
void as_rewrite_fix(struct as_rewrite *self, const char *path, int cfg, struct as_file_result *res);
/* The summary lines of a text format (stderr), and the exit status of a run whose status without fixes is
 * `status` (2 errors, 1 findings, 0). */
void as_rewrite_summary(const struct as_rewrite *self, size_t n_findings, size_t n_files, bool errors);
int as_rewrite_status(const struct as_rewrite *self, int status);

/* --add-noqa for one file (`path` as discovered; `run` its result in the run). */
void as_rewrite_add_noqa(struct as_rewrite *self, const char *path, int cfg, const struct as_file_result *run);

#endif
