/* text_common.c — the header line shared by the full and concise formats; see text_common.h. */
#include "report/text_common.h"

#include "fix/fix.h"
#include "util/visible.h"

void as_report_header_line(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d)
{
    /* ruff's mark of a finding the fix settings would fix */
    bool fixable = ctx->fix && as_fix_applies(ctx->fix, d->code, d->fix);
    FILE *o = ctx->out;
    if (ctx->color) fputs(AS_BOLD, o);
    as_fputs_visible(res->path, o);   /* names and messages from the tree: no terminal control */
    if (ctx->color)
        fprintf(o, AS_RESET ":%u:%u: " AS_RED "%s" AS_RESET "%s ", d->line, d->col, d->code,
                fixable ? " [" AS_CYAN "*" AS_RESET "]" : "");
    else
        fprintf(o, ":%u:%u: %s%s ", d->line, d->col, d->code, fixable ? " [*]" : "");
    as_fputs_visible(d->message, o);
    fputc('\n', o);
}
