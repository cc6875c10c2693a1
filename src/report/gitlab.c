/* gitlab.c — `--output-format gitlab`: a GitLab Code Quality report, one JSON array of
 * {description, check_name, fingerprint, severity, location: {path, lines: {begin, end}}}; fingerprints are
 * stable across runs (fingerprint.h) and unique within the report. GitLab wants paths relative to the
 * repository: when CI_PROJECT_DIR is set, a path under it is written relative to it (as ruff does). A finding
 * through helpers names its root (the blocking call) in its description. */
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "report/fingerprint.h"
#include "report/text_common.h"
#include "report/json_array.h"
#include "report/json_object.h"
#include "util/json.h"

static _Thread_local char project_dir[PATH_MAX];   /* CI_PROJECT_DIR, resolved; "" when unset */

static void begin(struct as_report_ctx *ctx)
{
    const char *dir = getenv("CI_PROJECT_DIR");
    project_dir[0] = '\0';
    if (dir && *dir && !realpath(dir, project_dir)) snprintf(project_dir, sizeof(project_dir), "%s", dir);
    size_t n = strlen(project_dir);
    while (n > 1 && project_dir[n - 1] == '/') project_dir[--n] = '\0';
    as_json_array_begin(ctx);
}

static void end(struct as_report_ctx *ctx) { as_json_array_end(ctx); }

/* The path GitLab shows: relative to CI_PROJECT_DIR when the file is under it, else as displayed. */
static void write_path(struct as_buf *b, const struct as_report_ctx *ctx, const char *path)
{
    size_t pl = strlen(project_dir);
    struct as_buf abs;
    as_buf_init(&abs);
    if (pl) as_report_absolute_path(&abs, ctx, path);
    if (pl == 1 && abs.data[0] == '/') path = abs.data + 1;
    else if (pl > 1 && strncmp(abs.data, project_dir, pl) == 0 && abs.data[pl] == '/') path = abs.data + pl + 1;
    as_json_string_z(b, path);
    as_buf_release(&abs);
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct as_buf b;
    as_buf_init(&b);
    struct as_fingerprint *fp = as_fingerprints(res);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_json_array_next(ctx, &b);
        as_buf_putc(&b, '{');
        as_buf_puts(&b, "\"description\": ");
        struct as_buf desc;
        as_buf_init(&desc);
        as_buf_printf(&desc, "%s: ", d->code);
        as_report_cell_prefix(&desc, d);
        as_buf_puts(&desc, d->message);
        const struct as_chain_step *root = as_diag_root(d);   /* the one place to act, in the text GitLab shows */
        if (root) as_buf_printf(&desc, " [root: %s at %s:%u]", root->label, root->path ? root->path : res->path, root->line);
        as_json_string(&b, desc.data, desc.len);
        as_buf_release(&desc);
        as_buf_puts(&b, ", \"check_name\": ");
        as_json_string_z(&b, d->code);
        as_buf_printf(&b, ", \"fingerprint\": \"%016" PRIx64 "%08x\", \"severity\": \"major\", ", fp[i].hash,
                      fp[i].occurrence);
        as_buf_puts(&b, "\"location\": {\"path\": ");
        write_path(&b, ctx, res->path);
        as_buf_printf(&b, ", \"lines\": {\"begin\": %u, \"end\": %u}}}", as_report_file_line(d),
                      d->cell ? 1 : d->end_line);
    }
    free(fp);
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

const struct as_reporter as_reporter_gitlab = {"gitlab", begin, file, end};
