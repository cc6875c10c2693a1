/* insert_checkpoint.c — the fix of the checkpoint rules (ASYNC910, 911, 913; registered in fixes.c): a line
 * `await <lib>.lowlevel.checkpoint()` (`await asyncio.sleep(0)` on asyncio) where flake8-async puts it: before
 * the statement holding a reported `return` or `yield`, at the end of a function reported at its `async def`,
 * at the top of a reported endless loop's body. The library is the one the finding's help names (the check
 * decided it: the configuration's `async-library`, else the file's imports); its import is added when missing.
 * Not offered where one line cannot be inserted cleanly (a body on the header's line, several statements on the
 * line, the yield inside an `and`/`or` or a compound statement's header). In an `except` clause it goes to the
 * top of the loop around it or of the function (see place_exit). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/site.h"
#include "util/xalloc.h"

static bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0; }

/* The innermost node starting at `start` of one of the reported kinds. */
static TSNode anchor_at(const struct as_fix_site *site, uint32_t start)
{
    TSNode n = ts_node_descendant_for_byte_range(ts_tree_root_node(site->tree), start, start);
    for (; !ts_node_is_null(n) && ts_node_start_byte(n) == start; n = ts_node_parent(n))
        if (is(n, "yield") || is(n, "return_statement") || is(n, "function_definition") || is(n, "while_statement") ||
            is(n, "for_statement"))
            return n;
    return (TSNode){0};
}

/* Start of the line holding byte `pos`. */
static uint32_t line_start(const struct as_fix_site *site, uint32_t pos)
{
    while (pos > 0 && site->text[pos - 1] != '\n' && site->text[pos - 1] != '\r') pos--;
    return pos;
}

/* The whitespace before n on its line, when only whitespace is there ("" otherwise: NULL). Heap. */
static char *indent_of(const struct as_fix_site *site, TSNode n)
{
    uint32_t s = line_start(site, ts_node_start_byte(n)), e = ts_node_start_byte(n);
    for (uint32_t i = s; i < e; i++)
        if (site->text[i] != ' ' && site->text[i] != '\t') return NULL;
    return as_xstrndup(site->text + s, e - s);
}

static bool same_line(const struct as_fix_site *site, uint32_t a, uint32_t b)
{
    if (a > b) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    for (uint32_t i = a; i < b; i++)
        if (site->text[i] == '\n' || site->text[i] == '\r') return false;
    return true;
}

/* The first statement of a block that is not a comment. */
static TSNode first_statement(TSNode block)
{
    uint32_t n = ts_node_named_child_count(block);
    for (uint32_t i = 0; i < n; i++)
        if (!is(ts_node_named_child(block, i), "comment")) return ts_node_named_child(block, i);
    return (TSNode){0};
}

/* Where a yield or return sits: the simple statement (a child of a block) holding it, the function, whether it
 * is in an `except` clause and the innermost loop around that clause. `ok` is false when a line cannot go before
 * the statement: an and/or around it (it may not run), a compound statement's header, a loop inside the
 * handler. */
struct site_of {
    TSNode stmt, function, loop;
    bool in_except, ok;
};

static struct site_of site_of(TSNode n)
{
    struct site_of w;
    memset(&w, 0, sizeof(w));
    w.ok = true;
    bool inner_loop = false;
    for (TSNode p = n, up = ts_node_parent(n); !ts_node_is_null(up); p = up, up = ts_node_parent(up)) {
        if (is(up, "boolean_operator") || is(up, "lambda")) w.ok = false;
        if (is(up, "except_clause") || is(up, "except_group_clause")) w.in_except = true;
        if ((is(up, "while_statement") || is(up, "for_statement")) && ts_node_is_null(w.loop)) {
            if (w.in_except) w.loop = up;
            else inner_loop = true;   /* in a handler, a loop inside it: its top is in the handler too */
        }
        if (is(up, "function_definition")) {
            w.function = up;
            break;
        }
        if (ts_node_is_null(w.stmt) && is(up, "block")) {
            const char *t = ts_node_type(p);
            if (strcmp(t, "expression_statement") != 0 && strcmp(t, "return_statement") != 0) w.ok = false;
            w.stmt = p;
        }
    }
    if (w.in_except && inner_loop) w.ok = false;
    w.ok = w.ok && !ts_node_is_null(w.stmt) && !ts_node_is_null(w.function);
    return w;
}

/* "trio", "anyio" or "asyncio": the library of the checkpoint the finding's help names. */
static const char *library_of(const struct as_diag *d)
{
    const char *h = d->help ? strstr(d->help, "`await ") : NULL;
    if (!h) return NULL;
    h += 7;
    if (strncmp(h, "trio.", 5) == 0) return "trio";
    if (strncmp(h, "anyio.", 6) == 0) return "anyio";
    if (strncmp(h, "asyncio.", 8) == 0) return "asyncio";
    return NULL;
}

static void add_insert(struct as_fix_plan *plan, uint32_t at, const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *text = as_xmalloc(n);
    snprintf(text, n, "%s%s%s", a, b, c);
    plan->edits[0].start = plan->edits[0].end = at;
    plan->edits[0].content = text;
    plan->n_edits = 1;
}

/* A line before `first` (a block's first statement), with its indentation. */
static bool before_first(const struct as_fix_site *site, TSNode block, TSNode header, const char *call,
                         struct as_fix_plan *plan)
{
    TSNode first = first_statement(block);
    if (ts_node_is_null(first) || same_line(site, ts_node_start_byte(header), ts_node_start_byte(first))) return false;
    char *indent = indent_of(site, first);
    if (indent) add_insert(plan, line_start(site, ts_node_start_byte(first)), indent, call, site->newline);
    free(indent);
    return indent != NULL;
}

/* Before the statement of a reported return or yield (above its leading comment lines). In an `except` clause
 * (a checkpoint there would be ASYNC120's), a path lacking one since the function's start gets it at the top of
 * the loop around the handler, or of the function, as flake8-async does (since a yield, that would not help: it
 * goes before the statement). */
static bool place_exit(const struct as_fix_site *site, const struct as_diag *d, TSNode anchor, const char *call,
                       struct as_fix_plan *plan, TSNode *function)
{
    struct site_of w = site_of(anchor);
    if (!w.ok) return false;
    *function = w.function;
    if (w.in_except && d->message && strstr(d->message, "the function's start")) {
        TSNode around = ts_node_is_null(w.loop) ? w.function : w.loop;
        return before_first(site, ts_node_child_by_field_name(around, "body", 4), around, call, plan);
    }
    char *indent = indent_of(site, w.stmt);
    if (!indent) return false;
    TSNode next = ts_node_next_named_sibling(w.stmt), at = w.stmt;
    while (is(next, "comment")) next = ts_node_next_named_sibling(next);
    bool alone = ts_node_is_null(next) || !same_line(site, ts_node_end_byte(w.stmt), ts_node_start_byte(next));
    /* above the comment lines that lead to the statement */
    for (TSNode prev = ts_node_prev_named_sibling(at); is(prev, "comment"); prev = ts_node_prev_named_sibling(prev)) {
        char *own = indent_of(site, prev);
        bool own_line = own != NULL;
        free(own);
        if (!own_line) break;
        at = prev;
    }
    if (alone) add_insert(plan, line_start(site, ts_node_start_byte(at)), indent, call, site->newline);
    free(indent);
    return alone;
}

/* Where the line goes and what it is: before a reported return's or yield's statement, as the last line of a
 * function reported at its `async def`, as the first line of a reported loop's body. */
static bool place(const struct as_fix_site *site, const struct as_diag *d, TSNode anchor, const char *call,
                  struct as_fix_plan *plan, TSNode *function)
{
    if (is(anchor, "yield") || is(anchor, "return_statement")) return place_exit(site, d, anchor, call, plan, function);
    TSNode block = ts_node_child_by_field_name(anchor, "body", 4);
    if (!is(anchor, "function_definition")) {   /* the first line of a loop's body */
        for (TSNode up = ts_node_parent(anchor); !ts_node_is_null(up) && ts_node_is_null(*function); up = ts_node_parent(up))
            if (is(up, "function_definition")) *function = up;
        return before_first(site, block, anchor, call, plan);
    }
    *function = anchor;   /* a new last line of the body */
    TSNode first = first_statement(block);
    if (ts_node_is_null(first) || same_line(site, ts_node_start_byte(anchor), ts_node_start_byte(first))) return false;
    char *indent = indent_of(site, first);
    if (!indent) return false;
    uint32_t end = ts_node_end_byte(block);
    while (end < site->len && site->text[end] != '\n' && site->text[end] != '\r') end++;
    size_t n = strlen(site->newline) + strlen(indent) + 1;
    char *lead = as_xmalloc(n);
    snprintf(lead, n, "%s%s", site->newline, indent);
    add_insert(plan, end, lead, call, "");
    free(lead);
    free(indent);
    return true;
}

bool as_fix_insert_checkpoint(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan)
{
    const char *lib = library_of(d), *spelling;
    bool add;
    TSNode anchor = anchor_at(site, as_fix_site_offset(site, d->line, d->col)), function = {0};
    if (!lib || ts_node_is_null(anchor) || !as_fix_site_spell_module(site, lib, &spelling, &add)) return false;
    bool asyncio = strcmp(lib, "asyncio") == 0;
    char call[128];
    snprintf(call, sizeof(call), "await %s.%s", spelling, asyncio ? "sleep(0)" : "lowlevel.checkpoint()");
    if (!place(site, d, anchor, call, plan, &function) || ts_node_is_null(function)) return false;
    snprintf(plan->message, sizeof(plan->message), "Insert `await %s.%s`", lib,
             asyncio ? "sleep(0)" : "lowlevel.checkpoint()");
    plan->applicability = AS_FIX_UNSAFE;
    if (add && plan->n_imports < 2) plan->imports[plan->n_imports++] = lib;
    /* the other checkpoint findings of the function may go with it; one such fix per function and pass, so that
     * the next pass sees what this one settled (a loop's checkpoint also covers the returns in it) */
    plan->span_start = ts_node_start_byte(function);
    plan->span_end = ts_node_end_byte(function);
    plan->one_per_span = true;
    return true;
}
