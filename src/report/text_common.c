/* text_common.c — the header line shared by the full and concise formats; see text_common.h. */
#include "report/text_common.h"

void as_report_header_line(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d)
{
    if (ctx->color)
        fprintf(ctx->out, AS_BOLD "%s" AS_RESET ":%u:%u: " AS_RED "%s" AS_RESET " %s\n", res->path, d->line, d->col,
                d->code, d->message);
    else
        fprintf(ctx->out, "%s:%u:%u: %s %s\n", res->path, d->line, d->col, d->code, d->message);
}
