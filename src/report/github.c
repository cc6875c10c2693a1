/* github.c — `--output-format github`: GitHub Actions workflow commands, one annotation per finding:
 * `::error title=asyncscan (CODE),file=…,line=…,col=…,endLine=…,endColumn=…::path:line:col: CODE message`.
 * Escaping follows actions/toolkit (command.ts): in the message `%`→%25, CR→%0D, LF→%0A; in property values
 * also `:`→%3A and `,`→%2C (`%` first). */
#include "report/report.h"
#include "report/command_escape.h"
#include "report/text_common.h"
#include "util/buf.h"

static void escape(struct as_buf *b, const char *s, bool property)
{
    as_command_escape(b, s, "%25", property ? ":," : "");
}

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct as_buf b, text;
    as_buf_init(&b);
    as_buf_init(&text);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_buf_puts(&b, "::error title=");
        as_buf_reset(&text);
        as_buf_printf(&text, "asyncscan (%s)", d->code);
        escape(&b, text.data, true);
        as_buf_puts(&b, ",file=");
        escape(&b, res->path, true);
        if (d->cell)   /* a cell's lines are not the file's: its first line, ruff's fallback */
            as_buf_puts(&b, ",line=1,col=1,endLine=1,endColumn=1::");
        else
            as_buf_printf(&b, ",line=%u,col=%u,endLine=%u,endColumn=%u::", d->line, d->col, d->end_line, d->end_col);
        as_buf_reset(&text);
        as_buf_printf(&text, "%s:", res->path);
        as_report_position(&text, d);
        as_buf_printf(&text, ": %s %s", d->code, d->message);
        escape(&b, text.data, false);
        as_buf_putc(&b, '\n');
    }
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
    as_buf_release(&text);
}

const struct as_reporter as_reporter_github = {"github", begin, file, end};
