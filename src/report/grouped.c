/* grouped.c — `--output-format grouped` (ruff's): the findings of each file under its path, one per line as
 * `  LINE:COL CODE message`, lines right-aligned and columns padded to the widest in the file, and a blank line
 * after each file. Files without findings print nothing. */
#include "report/text_common.h"
#include "util/visible.h"

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static int digits(unsigned v)
{
    int n = 1;
    while (v >= 10) { v /= 10; n++; }
    return n;
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    if (!res->n_diags) return;
    int line_width = 1, col_width = 1;
    for (size_t i = 0; i < res->n_diags; i++) {
        if (digits(res->diags[i].line) > line_width) line_width = digits(res->diags[i].line);
        if (digits(res->diags[i].col) > col_width) col_width = digits(res->diags[i].col);
    }
    if (ctx->color) fputs(AS_UNDERLINE, ctx->out);
    as_fputs_visible(res->path, ctx->out);   /* names and messages from the tree: no terminal control */
    fputs(ctx->color ? AS_RESET ":\n" : ":\n", ctx->out);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        if (d->cell) {   /* a notebook's finding: ruff's `cell N:L:C` */
            fprintf(ctx->out, "  cell %u:%u:%u %s %s\n", d->cell, d->line, d->col, d->code, d->message);
            continue;
        }
        if (ctx->color)
            fprintf(ctx->out, "  %*u" AS_CYAN ":" AS_RESET "%-*u " AS_RED "%s" AS_RESET " ", line_width, d->line,
                    col_width, d->col, d->code);
        else
            fprintf(ctx->out, "  %*u:%-*u %s ", line_width, d->line, col_width, d->col, d->code);
        as_fputs_visible(d->message, ctx->out);
        fputc('\n', ctx->out);
    }
    fputc('\n', ctx->out);
}

const struct as_reporter as_reporter_grouped = {"grouped", begin, file, end};
