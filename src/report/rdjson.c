/* rdjson.c — `--output-format rdjson`: reviewdog's Diagnostic Format (rdjson), one JSON document
 * {source: {name, url}, severity, diagnostics: [{message, location: {path, range: {start, end}}, severity,
 * code: {value, url}, related_locations}]}. Lines are 1-based; columns are 1-based UTF-8 byte offsets, as the
 * format defines them (asyncscan's own columns count characters), converted from the file's text. Findings
 * reached through helpers (ASC108) list each hop as a related location. */
#include <string.h>

#include "report/report.h"
#include "report/text_common.h"
#include "util/json.h"

struct rdjson_state {
    size_t written;
};

static void begin(struct as_report_ctx *ctx)
{
    static _Thread_local struct rdjson_state st;
    st.written = 0;
    ctx->state = &st;
    fputs("{\"source\": {\"name\": \"asyncscan\", \"url\": \"" ASYNCSCAN_HOMEPAGE "\"}, \"severity\": \"WARNING\", "
          "\"diagnostics\": [", ctx->out);
}

static void end(struct as_report_ctx *ctx)
{
    struct rdjson_state *st = ctx->state;
    fputs(st->written ? "\n]}\n" : "]}\n", ctx->out);
}

/* The 1-based UTF-8 byte column of 1-based character column `col` on `line` (the same when the text is not
 * at hand). */
static unsigned byte_column(const struct as_file_result *res, unsigned line, unsigned col)
{
    size_t len;
    const char *text = as_file_result_line(res, line, &len);
    if (!res->text || col == 0) return col ? col : 1;
    size_t byte = 0;
    unsigned c = 1;
    for (; c < col && byte < len; c++) {
        byte++;
        while (byte < len && ((unsigned char)text[byte] & 0xC0) == 0x80) byte++;   /* continuation bytes */
    }
    byte += col - c;   /* columns past the end of the line (an exclusive end), one byte each */
    return (unsigned)(byte + 1);
}

static void position(struct as_buf *b, const struct as_file_result *res, unsigned line, unsigned col)
{
    as_buf_printf(b, "{\"line\": %u, \"column\": %u}", line ? line : 1, byte_column(res, line, col));
}

static void related(struct as_buf *b, const struct as_diag *d)
{
    size_t k = 0;
    for (size_t c = 0; c < d->n_chain; c++) {
        const struct as_chain_step *s = &d->chain[c];
        if (!s->path || !*s->path) continue;
        as_buf_puts(b, k++ ? ", " : ", \"related_locations\": [");
        as_buf_puts(b, "{\"message\": ");
        as_json_string_z(b, s->label ? s->label : "");
        as_buf_puts(b, ", \"location\": {\"path\": ");
        as_json_string_z(b, s->path);
        as_buf_printf(b, ", \"range\": {\"start\": {\"line\": %u}}}}", s->line ? s->line : 1);
    }
    if (k) as_buf_putc(b, ']');
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct rdjson_state *st = ctx->state;
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_buf_puts(&b, st->written++ ? ",\n  {\"message\": " : "\n  {\"message\": ");
        struct as_buf text;   /* a notebook's finding: line 1 of the file, the cell named in the message */
        as_buf_init(&text);
        as_report_cell_prefix(&text, d);
        as_buf_puts(&text, d->message);
        as_json_string(&b, text.data, text.len);
        as_buf_release(&text);
        as_buf_puts(&b, ", \"location\": {\"path\": ");
        as_json_string_z(&b, res->path);
        as_buf_puts(&b, ", \"range\": {\"start\": ");
        position(&b, res, as_report_file_line(d), d->cell ? 1 : d->col);
        if (d->end_line && !d->cell) {
            as_buf_puts(&b, ", \"end\": ");
            position(&b, res, d->end_line, d->end_col);
        }
        as_buf_puts(&b, "}}, \"severity\": \"WARNING\", \"code\": {\"value\": ");
        as_json_string_z(&b, d->code);
        if (d->url) {
            as_buf_puts(&b, ", \"url\": ");
            as_json_string_z(&b, d->url);
        }
        as_buf_putc(&b, '}');
        related(&b, d);
        as_buf_putc(&b, '}');
    }
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

const struct as_reporter as_reporter_rdjson = {"rdjson", begin, file, end};
