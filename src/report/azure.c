/* azure.c — `--output-format azure`: Azure Pipelines logging commands, one per finding, in ruff's shape:
 * `##vso[task.logissue type=error;sourcepath=ABS;linenumber=L;columnnumber=C;code=CODE;]message`.
 * Escaping follows azure-pipelines-task-lib (taskcommand.ts): in the message `%`→%AZP25, CR→%0D, LF→%0A; in
 * property values also `;`→%3B and `]`→%5D (`%` first), so no path or message can end the command early or
 * start another. */
#include "report/json_object.h"
#include "report/command_escape.h"
#include "report/text_common.h"
#include "util/buf.h"

static void escape(struct as_buf *b, const char *s, bool property)
{
    as_command_escape(b, s, "%AZP25", property ? ";]" : "");
}

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    if (!res->n_diags) return;
    struct as_buf b, path;
    as_buf_init(&b);
    as_buf_init(&path);
    as_report_absolute_path(&path, ctx, res->path);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_buf_puts(&b, "##vso[task.logissue type=error;sourcepath=");
        escape(&b, path.data, true);
        as_buf_printf(&b, ";linenumber=%u;columnnumber=%u;code=", as_report_file_line(d), d->cell ? 1 : d->col);
        escape(&b, d->code, true);
        as_buf_puts(&b, ";]");
        struct as_buf text;   /* a notebook's finding: line 1 of the file, the cell named in the message */
        as_buf_init(&text);
        as_report_cell_prefix(&text, d);
        as_buf_puts(&text, d->message);
        escape(&b, text.data, false);
        as_buf_release(&text);
        as_buf_putc(&b, '\n');
    }
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
    as_buf_release(&path);
}

const struct as_reporter as_reporter_azure = {"azure", begin, file, end};
