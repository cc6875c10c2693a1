/* json_lines.c — `--output-format json-lines`: one JSON object per line, the same fields as `json`. */
#include "report/json_object.h"

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < res->n_diags; i++) {
        as_report_json_object(&b, ctx, res, &res->diags[i], "");
        as_buf_putc(&b, '\n');
    }
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

const struct as_reporter as_reporter_json_lines = {"json-lines", begin, file, end};
