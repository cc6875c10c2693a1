/* gitlab.c — `--output-format gitlab`: a GitLab Code Quality report, one JSON array of
 * {description, check_name, fingerprint, severity, location: {path, lines: {begin, end}}}; fingerprints are
 * stable across runs (fingerprint.h) and unique within the report. */
#include <inttypes.h>

#include "report/fingerprint.h"
#include "report/json_array.h"
#include "util/json.h"

static void begin(struct as_report_ctx *ctx) { as_json_array_begin(ctx); }
static void end(struct as_report_ctx *ctx) { as_json_array_end(ctx); }

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        unsigned occ;
        uint64_t h = as_fingerprint(res, i, &occ);
        as_json_array_next(ctx, &b);
        as_buf_putc(&b, '{');
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

const struct as_reporter as_reporter_gitlab = {"gitlab", begin, file, end};
