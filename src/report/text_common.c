/* text_common.c — the header line shared by the full and concise formats; see text_common.h. */
#include "report/text_common.h"

#include "fix/fix.h"
#include "util/visible.h"

void as_report_position(struct as_buf *b, const struct as_diag *d)
{
    if (d->cell) as_buf_printf(b, "cell %u:", d->cell);
    as_buf_printf(b, "%u:%u", d->line, d->col);
}

uint32_t as_report_file_line(const struct as_diag *d)
{
    return d->cell ? 1 : d->line;
}

void as_report_cell_prefix(struct as_buf *b, const struct as_diag *d)
{
    if (!d->cell) return;
    as_report_position(b, d);
    as_buf_puts(b, ": ");
}

void as_report_header_line(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d)
{
    /* ruff's mark of a finding the fix settings would fix */
    bool fixable = ctx->fix && as_fix_applies(ctx->fix, d->code, d->fix);
    FILE *o = ctx->out;
    struct as_buf pos;   /* "L:C", or "cell N:L:C" for a notebook's finding */
    as_buf_init(&pos);
    as_report_position(&pos, d);
    if (ctx->color) fputs(AS_BOLD, o);
    as_fputs_visible(res->path, o);   /* names and messages from the tree: no terminal control */
    if (ctx->color)
        fprintf(o, AS_RESET ":%s: " AS_RED "%s" AS_RESET "%s ", pos.data, d->code,
                fixable ? " [" AS_CYAN "*" AS_RESET "]" : "");
    else
        fprintf(o, ":%s: %s%s ", pos.data, d->code, fixable ? " [*]" : "");
    as_buf_release(&pos);
    as_fputs_visible(d->message, o);
    fputc('\n', o);
}
