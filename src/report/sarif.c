/* sarif.c — `--output-format sarif`: SARIF 2.1.0 for GitHub code scanning. tool.driver carries name, version,
 * informationUri and every loaded rule (id, name, short/full description, help text and Markdown, helpUri,
 * default level); each result has ruleId, ruleIndex, level, message, a physical location with a relative,
 * percent-encoded artifact URI (+ uriBaseId %SRCROOT%; absolute file: URIs for files outside the current
 * directory), a region in code points (run.columnKind) and partialFingerprints.primaryLocationLineHash
 * (fingerprint.h), stable when unrelated lines move. Findings through helpers add relatedLocations. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/fingerprint.h"
#include "report/text_common.h"
#include "report/report.h"
#include "analysis/rules.h"
#include "fix/fix.h"
#include "util/json.h"

/* ASYNCSCAN_HOMEPAGE comes from the project's HOMEPAGE_URL in CMakeLists.txt. */

struct sarif_state {
    size_t written;
};

/* RFC 3986 path: unreserved characters and '/' kept, everything else percent-encoded. */
static void uri_path(struct as_buf *b, const char *p)
{
    for (const unsigned char *u = (const unsigned char *)p; *u; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') || strchr("-._~/", *u))
            as_buf_putc(b, (char)*u);
        else
            as_buf_printf(b, "%%%02X", *u);
    }
}

static void begin(struct as_report_ctx *ctx)
{
    static struct sarif_state st;
    st.written = 0;
    ctx->state = &st;
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
                    "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
                    "          \"name\": \"asyncscan\",\n          \"version\": \"" ASYNCSCAN_VERSION "\",\n"
                    "          \"semanticVersion\": \"" ASYNCSCAN_VERSION "\",\n"
                    "          \"informationUri\": \"" ASYNCSCAN_HOMEPAGE "\",\n          \"rules\": [");
    for (size_t i = 0; i < ctx->n_rules; i++) {
        const struct as_rule *r = ctx->rules[i];
        as_buf_puts(&b, i ? ",\n            {" : "\n            {");
        as_buf_puts(&b, "\"id\": ");
        as_json_string_z(&b, r->code);
        as_buf_puts(&b, ", \"name\": ");
        as_json_string_z(&b, r->name);
        as_buf_puts(&b, ", \"shortDescription\": {\"text\": ");
        as_json_string_z(&b, r->summary);
        as_buf_puts(&b, "}, \"fullDescription\": {\"text\": ");
        as_json_string_z(&b, r->summary);
        as_buf_puts(&b, "}, \"help\": {\"text\": ");
        as_json_string_z(&b, r->doc);
        as_buf_puts(&b, ", \"markdown\": ");
        as_json_string_z(&b, r->doc);
        as_buf_puts(&b, "}");
        if (r->url) {
            as_buf_puts(&b, ", \"helpUri\": ");
            as_json_string_z(&b, r->url);
        }
        as_buf_printf(&b, ", \"defaultConfiguration\": {\"level\": \"error\", \"enabled\": %s}, "
                          "\"properties\": {\"tags\": [\"async\", ", r->default_on ? "true" : "false");
        as_json_string_z(&b, r->origin);
        as_buf_puts(&b, "]}}");
    }
    as_buf_puts(&b, "\n          ]\n        }\n      },\n      \"columnKind\": \"unicodeCodePoints\",\n"
                    "      \"originalUriBaseIds\": {\"%SRCROOT%\": {\"uri\": \"file://");
    uri_path(&b, ctx->cwd);
    as_buf_puts(&b, "/\"}},\n      \"results\": [");
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

static size_t rule_index(const struct as_report_ctx *ctx, const char *code)
{
    for (size_t i = 0; i < ctx->n_rules; i++)
        if (strcmp(ctx->rules[i]->code, code) == 0) return i;
    return 0;
}

/* `"artifactLocation": {...}` of a path: an absolute one as a file URI, a relative one under %SRCROOT%. */
static void artifact_location(struct as_buf *b, const char *path)
{
    as_buf_puts(b, "\"artifactLocation\": {\"uri\": \"");
    if (path[0] == '/') {
        as_buf_puts(b, "file://");
        uri_path(b, path);
        as_buf_puts(b, "\"}");
    } else {
        uri_path(b, path);
        as_buf_puts(b, "\", \"uriBaseId\": \"%SRCROOT%\"}");
    }
}

static void location(struct as_buf *b, const char *path, uint32_t line, uint32_t col, uint32_t end_line,
                     uint32_t end_col)
{
    as_buf_puts(b, "{\"physicalLocation\": {");
    artifact_location(b, path);
    as_buf_printf(b, ", \"region\": {\"startLine\": %u, \"startColumn\": %u", line ? line : 1, col ? col : 1);
    if (end_line) as_buf_printf(b, ", \"endLine\": %u, \"endColumn\": %u", end_line, end_col ? end_col : 1);
    as_buf_puts(b, "}}}");
}

/* SARIF `fixes` (one fix, its edits as replacements of the file's regions; an insertion is an empty region). */
static void fixes(struct as_buf *b, const char *path, const struct as_fix *f)
{
    if (!f || f->applicability == AS_FIX_DISPLAY_ONLY || f->n_edits == 0) return;
    as_buf_puts(b, ", \"fixes\": [{\"description\": {\"text\": ");
    as_json_string_z(b, f->message);
    as_buf_puts(b, "}, \"artifactChanges\": [{");
    artifact_location(b, path);
    as_buf_puts(b, ", \"replacements\": [");
    for (size_t i = 0; i < f->n_edits; i++) {
        const struct as_fix_edit *e = &f->edits[i];
        as_buf_printf(b, "%s{\"deletedRegion\": {\"startLine\": %u, \"startColumn\": %u, \"endLine\": %u, "
                         "\"endColumn\": %u}, \"insertedContent\": {\"text\": ",
                      i ? ", " : "", e->line, e->col, e->end_line, e->end_col);
        as_json_string_z(b, e->content);
        as_buf_puts(b, "}}");
    }
    as_buf_puts(b, "]}]}]");
}

static void file(struct as_report_ctx *ctx, const struct as_file_result *res)
{
    struct sarif_state *st = ctx->state;
    struct as_buf b;
    as_buf_init(&b);
    struct as_fingerprint *fp = as_fingerprints(res);
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        as_buf_puts(&b, st->written++ ? ",\n        {" : "\n        {");
        as_buf_puts(&b, "\"ruleId\": ");
        as_json_string_z(&b, d->code);
        as_buf_printf(&b, ", \"ruleIndex\": %zu, \"level\": \"error\", \"message\": {\"text\": ", rule_index(ctx, d->code));
        struct as_buf text;
        as_buf_init(&text);
        as_report_cell_prefix(&text, d);
        as_buf_puts(&text, d->message);
        as_json_string(&b, text.data, text.len);
        as_buf_release(&text);
        as_buf_puts(&b, "}, \"locations\": [");
        if (d->cell)   /* a cell's lines are not the file's: the file's first line, the cell named in the text */
            location(&b, res->path, 1, 1, 1, 1);
        else
            location(&b, res->path, d->line, d->col, d->end_line, d->end_col);
        as_buf_printf(&b, "], \"partialFingerprints\": {\"primaryLocationLineHash\": \"%016" PRIx64 ":%u\"}", fp[i].hash,
                      fp[i].occurrence + 1);
        fixes(&b, res->path, d->fix);
        if (d->n_chain) {
            as_buf_puts(&b, ", \"relatedLocations\": [");
            size_t k = 0;
            for (size_t c = 0; c < d->n_chain; c++) {
                const struct as_chain_step *s = &d->chain[c];
                if (!s->path) continue;
                as_buf_puts(&b, k++ ? ", " : "");
                location(&b, s->path, s->cell ? 1 : s->line, s->cell ? 1 : s->col, 0, 0);
                /* give the location an id and a message: reopen the object location() closed */
                b.len--;
                b.data[b.len] = '\0';
                as_buf_printf(&b, ", \"id\": %zu, \"message\": {\"text\": ", k);
                as_json_string_z(&b, s->label);
                as_buf_puts(&b, "}}");
            }
            as_buf_puts(&b, "]");
        }
        const struct as_chain_step *root = as_diag_root(d);
        if (root) {   /* the root in the result's property bag: {ruleId, name, location} */
            as_buf_puts(&b, ", \"properties\": {\"root\": {\"ruleId\": ");
            as_json_string_z(&b, d->root_code);
            as_buf_puts(&b, ", \"name\": ");
            as_json_string_z(&b, root->label);
            as_buf_puts(&b, ", \"location\": ");
            location(&b, root->path ? root->path : res->path, root->line, root->col, 0, 0);
            as_buf_puts(&b, "}}");
        }
        as_buf_puts(&b, "}");
    }
    free(fp);
    fwrite(b.data, 1, b.len, ctx->out);
    as_buf_release(&b);
}

static void end(struct as_report_ctx *ctx)
{
    struct sarif_state *st = ctx->state;
    fputs(st->written ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n", ctx->out);
}

const struct as_reporter as_reporter_sarif = {"sarif", begin, file, end};
