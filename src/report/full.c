/* full.c — `--output-format full` (the default): the header line, then the source line with a caret under
 * the finding's span, the help line and, for findings through helpers, the call chain. */
#include <string.h>

#include "report/text_common.h"
#include "util/visible.h"

static void begin(struct as_report_ctx *ctx) { (void)ctx; }
static void end(struct as_report_ctx *ctx) { (void)ctx; }

/* Byte offset of 1-based code-point column `col` in the line (clamped to its end). */
static size_t col_to_byte(const char *line, size_t len, uint32_t col)
{
    size_t i = 0;
    for (uint32_t c = 1; c < col && i < len;) {
        i++;
        while (i < len && ((unsigned char)line[i] & 0xC0) == 0x80) i++;
        c++;
    }
    return i;
}

static void snippet(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d)
{
    size_t len;
    const char *line = as_diag_source_line(res, d, &len);
    char num[16];
    int w = snprintf(num, sizeof(num), "%u", d->line);
    FILE *o = ctx->out;
    fprintf(o, "%*s |\n%s | ", w, "", num);
    struct as_buf shown;
    as_buf_init(&shown);
    as_buf_add_visible(&shown, line, len);
    fwrite(shown.data, 1, shown.len, o);
    as_buf_release(&shown);
    fprintf(o, "\n%*s | ", w, "");
    size_t start = col_to_byte(line, len, d->col);
    size_t stop = d->end_line == d->line ? col_to_byte(line, len, d->end_col) : len;
    /* the caret line copies tabs from the source, and is as wide as each escaped character's escape, so the
     * carets line up */
    for (size_t i = 0; i < start; i++) {
        unsigned char c = (unsigned char)line[i];
        size_t columns, k = as_escaped_at(line, i, len, &columns);
        if (k) {
            fprintf(o, "%*s", (int)columns, "");
            i += k - 1;
        } else if (c == '\t') {
            fputc('\t', o);
        } else if ((c & 0xC0) != 0x80) {
            fputc(' ', o);
        }
    }
    if (ctx->color) fputs(AS_RED, o);
    size_t carets = 0;
    for (size_t i = start; i < stop; i++)
        if (((unsigned char)line[i] & 0xC0) != 0x80) carets++;
    if (!carets) carets = 1;
    for (size_t i = 0; i < carets; i++) fputc('^', o);
    if (ctx->color) fputs(AS_RESET, o);
    fprintf(o, "\n%*s |\n", w, "");
    if (d->help) {
        if (ctx->color) fprintf(o, "%*s = " AS_CYAN "help" AS_RESET ": ", w, "");
        else fprintf(o, "%*s = help: ", w, "");
        as_fputs_visible(d->help, o);
        fputc('\n', o);
    }
    if (d->n_chain) {
        fprintf(o, "%*s = chain: ", w, "");
        for (size_t i = 0; i < d->n_chain; i++) {
            const struct as_chain_step *s = &d->chain[i];
            fputs(i ? " -> " : "", o);
            as_fputs_visible(s->label, o);
            if (s->path) {
                fputs(" (", o);
                as_fputs_visible(s->path, o);
                if (s->cell) fprintf(o, ":cell %u:%u)", s->cell, s->line);   /* a hop in the same notebook */
                else fprintf(o, ":%u)", s->line);
            }
        }
        fputc('\n', o);
    }
    const struct as_chain_step *root = as_diag_root(d);
    if (root)
        fprintf(o, "%*s = root: %s (%s:%u, %s): `# noqa: %s` on that line settles every finding through it\n", w, "",
                root->label, root->path ? root->path : res->path, root->line, d->root_code, d->code);
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_report_header_line(ctx, res, d);
        if (res->text) snippet(ctx, res, d);
        fputc('\n', ctx->out);
    }
}

const struct as_reporter as_reporter_full = {"full", begin, file, end};
