/* pylint.c — `--output-format pylint`: `path:line: [CODE] message`, the line format pylint's parsers read
 * (control characters from the tree escaped: util/visible.h). */
#include "report/report.h"
#include "util/visible.h"
#include "report/text_common.h"

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_fputs_visible(res->path, ctx->out);
        fprintf(ctx->out, ":%u: [%s] ", as_report_file_line(d), d->code);
        struct as_buf cell;   /* a notebook's finding: line 1 of the file, the cell named in the message */
        as_buf_init(&cell);
        as_report_cell_prefix(&cell, d);
        if (cell.data) fputs(cell.data, ctx->out);
        as_buf_release(&cell);
        as_fputs_visible(d->message, ctx->out);
        fputc('\n', ctx->out);
    }
}

const struct as_reporter as_reporter_pylint = {"pylint", begin, file, end};
