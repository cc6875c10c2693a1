/* concise.c — `--output-format concise`: one `path:line:col: CODE message` line per finding (ruff's concise,
 * flake8's default; errorformat `%f:%l:%c: %m`). */
#include "report/text_common.h"

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    for (size_t i = 0; i < res->n_diags; i++) as_report_header_line(ctx, res, &res->diags[i]);
}

const struct as_reporter as_reporter_concise = {"concise", begin, file, end};
