/* json.c — `--output-format json`: one pretty-printed array with ruff's keys in alphabetical order (cell, code,
 * end_location, filename, fix, location, message, name, noqa_row, severity, url), so tools that read ruff's
 * JSON read ours; a `chain` key (asyncscan's) is added only for findings reached through helpers. */
#include <string.h>

#include "report/json_array.h"
#include "report/json_object.h"

static void begin(struct as_report_ctx *ctx) { as_json_array_begin(ctx); }
static void end(struct as_report_ctx *ctx) { as_json_array_end(ctx); }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < res->n_diags; i++) {
        as_json_array_next(ctx, &b);
        as_report_json_object(&b, ctx, res, &res->diags[i], "  ");
    }
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

const struct as_reporter as_reporter_json = {"json", begin, file, end};
