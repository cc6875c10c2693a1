/* pylint.c — `--output-format pylint`: `path:line: [CODE] message`, the line format pylint's parsers read. */
#include "report/report.h"

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        fprintf(ctx->out, "%s:%u: [%s] %s\n", res->path, d->line, d->code, d->message);
    }
}

const struct as_reporter as_reporter_pylint = {"pylint", begin, file, end};
