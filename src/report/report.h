/* report.h — the output-format interface. Each format is one file src/report/<name>.c defining a
 * `const struct as_reporter as_reporter_<name>` and one line in src/report/formats.def; nothing else changes.
 * A run calls begin once, file once per analysed file in output order (also for files with no findings or
 * with an error), then end. Reporters write only to ctx->out and never compute positions. */
#ifndef AS_REPORT_REPORT_H
#define AS_REPORT_REPORT_H
#include <stdbool.h>
#include <stdio.h>

#include "util/diag.h"

struct as_rule;   /* rules.h: code, name, summary, doc, url ... */
struct as_fix_settings;   /* fix/fix.h */

struct as_report_ctx {
    FILE *out;
    bool color;                         /* ANSI colour allowed (full/concise only) */
    const char *cwd;                    /* absolute current directory, for formats that need absolute paths */
    const struct as_rule *const *rules; /* every loaded rule (for SARIF rule tables); may be empty */
    size_t n_rules;
    void *state;                        /* reporter-private, set up in begin, freed in end */
    const struct as_fix_settings *fix;  /* which fixes would be applied (`[*]` in text formats), or NULL */
    /* Filled by the run for end(): */
    size_t n_findings, n_files, n_files_with_findings, n_errors;
};

struct as_reporter {
    const char *name;                   /* --output-format value */
    void (*begin)(struct as_report_ctx *ctx);
    void (*file)(struct as_report_ctx *ctx, const struct as_file_result *res);
    void (*end)(struct as_report_ctx *ctx);
};

/* The reporter for an --output-format name, or NULL. */
const struct as_reporter *as_reporter_find(const char *name);
/* NULL-terminated list of every format, in registry order. */
extern const struct as_reporter *const as_reporters[];

#endif
