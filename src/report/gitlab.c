/* gitlab.c — `--output-format gitlab`: a GitLab Code Quality report, one JSON array of
 * {description, check_name, fingerprint, severity, location: {path, lines: {begin, end}}}; fingerprints are
 * stable across runs (fingerprint.h) and unique within the report. */
#include <inttypes.h>

#include "report/fingerprint.h"
#include "report/report.h"
#include "util/json.h"

struct gitlab_state {
    size_t written;
};

static void begin(struct as_report_ctx *ctx)
{
    static struct gitlab_state st;
    st.written = 0;
    ctx->state = &st;
    fputc('[', ctx->out);
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct gitlab_state *st = ctx->state;
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        unsigned occ;
        uint64_t h = as_fingerprint(res, i, &occ);
        as_buf_puts(&b, st->written++ ? ",\n  {" : "\n  {");
        as_buf_puts(&b, "\"description\": ");
        struct as_buf desc;
        as_buf_init(&desc);
        as_buf_printf(&desc, "%s: %s", d->code, d->message);
        as_json_string(&b, desc.data, desc.len);
        as_buf_release(&desc);
        as_buf_puts(&b, ", \"check_name\": ");
        as_json_string_z(&b, d->code);
        as_buf_printf(&b, ", \"fingerprint\": \"%016" PRIx64 "%08x\", \"severity\": \"major\", ", h, occ);
        as_buf_puts(&b, "\"location\": {\"path\": ");
        as_json_string_z(&b, res->path);
        as_buf_printf(&b, ", \"lines\": {\"begin\": %u, \"end\": %u}}}", d->line, d->end_line);
    }
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

static void end(struct as_report_ctx *ctx)
{
    struct gitlab_state *st = ctx->state;
    fputs(st->written ? "\n]\n" : "]\n", ctx->out);
}

const struct as_reporter as_reporter_gitlab = {"gitlab", begin, file, end};
