/* json_object.c — a finding as ruff's JSON object; see json_object.h. */
#include "report/json_object.h"

#include <stdio.h>
#include <string.h>

#include "fix/fix.h"
#include "util/json.h"

void as_report_absolute_path(struct as_buf *b, const struct as_report_ctx *ctx, const char *path)
{
    if (path[0] == '/') {
        as_buf_puts(b, path);
        return;
    }
    while (path[0] == '.' && path[1] == '/') path += 2;
    as_buf_puts(b, ctx->cwd);
    if (b->len && b->data[b->len - 1] != '/') as_buf_putc(b, '/');
    as_buf_puts(b, path);
}

/* Indentation `depth` levels of two spaces below `base` (nothing when compact). */
static const char *ind(char *buf, const char *base, bool pretty, int depth)
{
    size_t n = strlen(base) < 32 ? strlen(base) : 32;
    memcpy(buf, base, n);
    for (int i = 0; pretty && i < depth; i++) buf[n++] = ' ', buf[n++] = ' ';
    buf[n] = '\0';
    return buf;
}

static void location_object(struct as_buf *b, const char *key, uint32_t line, uint32_t col, const char *indent,
                            bool pretty, int depth)
{
    char i0[48], i1[48];
    const char *nl = pretty ? "\n" : "", *sp = pretty ? " " : "";
    as_buf_printf(b, "%s\"%s\":%s{%s%s\"column\":%s%u,%s%s\"row\":%s%u%s%s}", ind(i0, indent, pretty, depth), key, sp, nl,
                  ind(i1, indent, pretty, depth + 1), sp, col, nl, i1, sp, line, nl, pretty ? i0 : "");
}

/* ruff's `fix` object: {applicability, edits: [{content, end_location, location}], message}. */
static void fix_object(struct as_buf *b, const struct as_fix *f, const char *indent, bool pretty)
{
    char i1[48], i2[48], i3[48], i4[48];
    const char *nl = pretty ? "\n" : "", *sp = pretty ? " " : "";
    ind(i1, indent, pretty, 1);
    ind(i2, indent, pretty, 2);
    ind(i3, indent, pretty, 3);
    ind(i4, indent, pretty, 4);
    as_buf_printf(b, "{%s%s\"applicability\":%s\"%s\",%s%s\"edits\":%s[", nl, i2, sp,
                  as_fix_applicability_name(f->applicability), nl, i2, sp);
    for (size_t i = 0; i < f->n_edits; i++) {
        const struct as_fix_edit *e = &f->edits[i];
        as_buf_printf(b, "%s%s%s{%s%s\"content\":%s", i ? "," : "", nl, i3, nl, i4, sp);
        as_json_string_z(b, e->content);
        as_buf_printf(b, ",%s", nl);
        location_object(b, "end_location", e->end_line, e->end_col, indent, pretty, 4);
        as_buf_printf(b, ",%s", nl);
        location_object(b, "location", e->line, e->col, indent, pretty, 4);
        as_buf_printf(b, "%s%s}", nl, pretty ? i3 : "");
    }
    if (f->n_edits) as_buf_printf(b, "%s%s", nl, pretty ? i2 : "");
    as_buf_printf(b, "],%s%s\"message\":%s", nl, i2, sp);
    as_json_string_z(b, f->message);
    as_buf_printf(b, "%s%s}", nl, pretty ? i1 : "");
}

void as_report_json_object(struct as_buf *b, const struct as_report_ctx *ctx, const struct as_file_result *res,
                           const struct as_diag *d, const char *indent)
{
    bool pretty = *indent != '\0';
    const char *nl = pretty ? "\n" : "";
    const char *sp = pretty ? " " : "";
    /* indentation of the object's keys and of nested keys: two and four spaces deeper than the brace */
    char in1[40], in2[40];
    size_t il = strlen(indent) < 32 ? strlen(indent) : 32;
    memcpy(in1, indent, il);
    memcpy(in2, indent, il);
    size_t k1 = il, k2 = il;
    if (pretty) {
        memcpy(in1 + k1, "  ", 2), k1 += 2;
        memcpy(in2 + k2, "    ", 4), k2 += 4;
    }
    in1[k1] = '\0';
    in2[k2] = '\0';
    struct as_buf abs;
    as_buf_init(&abs);
    as_report_absolute_path(&abs, ctx, res->path);
    if (d->cell)
        as_buf_printf(b, "{%s%s\"cell\":%s%u,%s", nl, in1, sp, d->cell, nl);
    else
        as_buf_printf(b, "{%s%s\"cell\":%snull,%s", nl, in1, sp, nl);
    if (d->n_chain) {
        as_buf_printf(b, "%s\"chain\":%s[", in1, sp);
        for (size_t i = 0; i < d->n_chain; i++) {
            const struct as_chain_step *s = &d->chain[i];
            as_buf_printf(b, "%s{\"label\":%s", i ? "," : "", sp);
            as_json_string_z(b, s->label);
            as_buf_printf(b, ",%s\"filename\":%s", sp, sp);
            if (s->path) {
                struct as_buf p;
                as_buf_init(&p);
                as_report_absolute_path(&p, ctx, s->path);
                as_json_string(b, p.data, p.len);
                as_buf_release(&p);
            } else {
                as_buf_puts(b, "null");
            }
            if (s->cell) as_buf_printf(b, ",%s\"cell\":%s%u", sp, sp, s->cell);   /* a hop in the same notebook */
            as_buf_printf(b, ",%s\"row\":%s%u,%s\"column\":%s%u}", sp, sp, s->line, sp, sp, s->col);
        }
        as_buf_printf(b, "],%s", nl);
    }
    as_buf_printf(b, "%s\"code\":%s", in1, sp);
    as_json_string_z(b, d->code);
    as_buf_printf(b, ",%s%s\"end_location\":%s{%s%s\"column\":%s%u,%s%s\"row\":%s%u%s%s},%s", nl, in1, sp, nl, in2, sp,
                  d->end_col, nl, in2, sp, d->end_line, nl, pretty ? in1 : "", nl);
    as_buf_printf(b, "%s\"filename\":%s", in1, sp);
    as_json_string(b, abs.data, abs.len);
    as_buf_printf(b, ",%s%s\"fix\":%s", nl, in1, sp);
    if (d->fix) fix_object(b, d->fix, indent, pretty);
    else as_buf_puts(b, "null");
    as_buf_printf(b, ",%s", nl);
    as_buf_printf(b, "%s\"location\":%s{%s%s\"column\":%s%u,%s%s\"row\":%s%u%s%s},%s", in1, sp, nl, in2, sp, d->col, nl,
                  in2, sp, d->line, nl, pretty ? in1 : "", nl);
    as_buf_printf(b, "%s\"message\":%s", in1, sp);
    as_json_string_z(b, d->message);
    as_buf_printf(b, ",%s%s\"name\":%s", nl, in1, sp);
    as_json_string_z(b, d->name);
    as_buf_printf(b, ",%s%s\"noqa_row\":%s%u,%s", nl, in1, sp, d->noqa_line, nl);
    const struct as_chain_step *root = as_diag_root(d);
    if (root) {   /* {code, filename, location, name}: the blocking call every finding through it comes from */
        as_buf_printf(b, "%s\"root\":%s{\"code\":%s", in1, sp, sp);
        as_json_string_z(b, d->root_code);
        as_buf_printf(b, ",%s\"filename\":%s", sp, sp);
        struct as_buf p;
        as_buf_init(&p);
        as_report_absolute_path(&p, ctx, root->path ? root->path : res->path);
        as_json_string(b, p.data, p.len);
        as_buf_release(&p);
        as_buf_printf(b, ",%s\"location\":%s{\"column\":%s%u,%s\"row\":%s%u},%s\"name\":%s", sp, sp, sp,
                      root->col, sp, sp, root->line, sp, sp);
        as_json_string_z(b, root->label);
        as_buf_printf(b, "},%s", nl);
    }
    as_buf_printf(b, "%s\"severity\":%s\"error\",%s%s\"url\":%s", in1, sp, nl, in1, sp);
    as_json_string_z(b, d->url);
    as_buf_printf(b, "%s%s}", nl, pretty ? indent : "");
    as_buf_release(&abs);
}
