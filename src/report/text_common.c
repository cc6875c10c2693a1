/* text_common.c — the header line shared by the full and concise formats; see text_common.h. */
#include "report/text_common.h"

#include "fix/fix.h"

void as_report_header_line(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d)
{
    /* ruff's mark of a finding the fix settings would fix */
    bool fixable = ctx->fix && as_fix_applies(ctx->fix, d->code, d->fix);
    if (ctx->color)
        fprintf(ctx->out, AS_BOLD "%s" AS_RESET ":%u:%u: " AS_RED "%s" AS_RESET "%s %s\n", res->path, d->line, d->col,
                d->code, fixable ? " [" AS_CYAN "*" AS_RESET "]" : "", d->message);
    else
        fprintf(ctx->out, "%s:%u:%u: %s%s %s\n", res->path, d->line, d->col, d->code, fixable ? " [*]" : "", d->message);
}
