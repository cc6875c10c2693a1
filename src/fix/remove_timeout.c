/* remove_timeout.c — ASYNC100's fix (registered in fixes.c): a trio / anyio timeout or cancel scope whose body
 * never checkpoints does nothing, so the `with` line goes and its body moves one level out, as flake8-async's
 * autofix does; a comment at the end of the `with` line stays, on a line of its own. Offered only for a single
 * item without `as` (the name may be used), whose header and body are on lines of their own, and whose body holds
 * no string spanning lines (re-indenting would change it). Not on asyncio (as flake8-async: its timeouts behave
 * differently at exit). Unsafe: the call's arguments are no longer evaluated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/site.h"
#include "util/buf.h"

static bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0; }

static uint32_t line_start(const struct as_fix_site *site, uint32_t pos)
{
    while (pos > 0 && site->text[pos - 1] != '\n' && site->text[pos - 1] != '\r') pos--;
    return pos;
}

static uint32_t line_end(const struct as_fix_site *site, uint32_t pos)
{
    while (pos < site->len && site->text[pos] != '\n' && site->text[pos] != '\r') pos++;
    return pos;
}

/* The length of the line ending at pos (0 at the end of the text). */
static uint32_t newline_len(const struct as_fix_site *site, uint32_t pos)
{
    if (pos >= site->len) return 0;
    return site->text[pos] == '\r' && pos + 1 < site->len && site->text[pos + 1] == '\n' ? 2 : 1;
}

/* Whether a string under n spans more than one line. */
static bool multiline_string(const struct as_fix_site *site, TSNode n, int depth)
{
    if (depth > 200) return true;
    if (is(n, "string")) {
        for (uint32_t i = ts_node_start_byte(n); i < ts_node_end_byte(n); i++)
            if (site->text[i] == '\n' || site->text[i] == '\r') return true;
        return false;
    }
    uint32_t count = ts_node_named_child_count(n);
    for (uint32_t i = 0; i < count; i++)
        if (multiline_string(site, ts_node_named_child(n, i), depth + 1)) return true;
    return false;
}

/* The with statement the finding points at, when the fix can rewrite it: one item, a call, no `as`. */
static TSNode fixable_with(const struct as_fix_site *site, const struct as_diag *d, TSNode *call)
{
    uint32_t start = as_fix_site_offset(site, d->line, d->col);
    TSNode n = ts_node_descendant_for_byte_range(ts_tree_root_node(site->tree), start, start);
    while (!ts_node_is_null(n) && ts_node_start_byte(n) == start && !is(n, "with_statement")) n = ts_node_parent(n);
    if (!is(n, "with_statement")) return (TSNode){0};
    TSNode clause = ts_node_named_child(n, 0);
    if (!is(clause, "with_clause") || ts_node_named_child_count(clause) != 1) return (TSNode){0};
    TSNode value = ts_node_child_by_field_name(ts_node_named_child(clause, 0), "value", 5);
    if (!is(value, "call")) return (TSNode){0};
    *call = value;
    return n;
}

bool as_fix_remove_timeout(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan)
{
    TSNode call, with = fixable_with(site, d, &call);
    if (ts_node_is_null(with)) return false;
    TSNode fn = ts_node_child_by_field_name(call, "function", 8), head = fn;
    while (is(head, "attribute")) head = ts_node_child_by_field_name(head, "object", 6);
    const struct as_fix_binding *b = is(head, "identifier") ? as_fix_site_binding(site, site->text + ts_node_start_byte(head),
                                                                ts_node_end_byte(head) - ts_node_start_byte(head))
                                                            : NULL;
    if (!b || !(strncmp(b->target, "trio", 4) == 0 || strncmp(b->target, "anyio", 5) == 0)) return false;
    TSNode block = ts_node_child_by_field_name(with, "body", 4);
    uint32_t w0 = ts_node_start_byte(with), colon = 0;   /* just after the header's `:` */
    for (uint32_t i = 0; i < ts_node_child_count(with) && !colon; i++)
        if (is(ts_node_child(with, i), ":")) colon = ts_node_end_byte(ts_node_child(with, i));
    /* the header on one line, the body on the lines after it */
    if (colon <= w0 || line_end(site, w0) < colon || !is(block, "block") ||
        line_start(site, ts_node_start_byte(block)) == line_start(site, w0) || multiline_string(site, block, 0))
        return false;
    /* the indentation of the with and of its body's first line */
    uint32_t ws = line_start(site, w0), bs = line_start(site, ts_node_start_byte(block));
    size_t with_indent = w0 - ws, body_indent = ts_node_start_byte(block) - bs;
    if (body_indent <= with_indent || memcmp(site->text + ws, site->text + bs, with_indent) != 0) return false;
    struct as_buf out;
    as_buf_init(&out);
    /* a comment after the colon stays */
    uint32_t after = colon, header_end = line_end(site, colon);
    while (after < header_end && (site->text[after] == ' ' || site->text[after] == '\t')) after++;
    if (after < header_end && site->text[after] == '#') {
        as_buf_add(&out, site->text + ws, with_indent);
        as_buf_add(&out, site->text + after, header_end - after);
        as_buf_puts(&out, site->newline);
    }
    /* the lines after the header, one level out: lines between the header and the block (comments) too */
    uint32_t p = header_end + newline_len(site, header_end);
    uint32_t end = line_end(site, ts_node_end_byte(block));
    bool ok = true;
    while (p < end && ok) {
        uint32_t e = line_end(site, p), k = p;
        while (k < e && (site->text[k] == ' ' || site->text[k] == '\t')) k++;
        if (k == e) {
            /* a blank line stays blank */
        } else if (k - p >= body_indent && memcmp(site->text + p, site->text + bs, body_indent) == 0) {
            as_buf_add(&out, site->text + p, with_indent);
            as_buf_add(&out, site->text + p + body_indent, e - p - body_indent);
        } else {
            ok = false;   /* a line less indented than the body (a continuation): leave it alone */
        }
        if (e < end) as_buf_add(&out, site->text + e, newline_len(site, e));
        p = e + newline_len(site, e);
    }
    if (!ok) {
        as_buf_release(&out);
        return false;
    }
    plan->edits[0].start = ws;
    plan->edits[0].end = end;
    plan->edits[0].content = as_buf_detach(&out, NULL);
    if (!plan->edits[0].content) plan->edits[0].content = calloc(1, 1);
    plan->n_edits = 1;
    plan->span_start = w0;
    plan->span_end = ts_node_end_byte(with);
    plan->applicability = AS_FIX_UNSAFE;
    snprintf(plan->message, sizeof(plan->message), "Remove the `with` (its body never checkpoints)");
    return true;
}
