/* site.c — a parsed text for the fixes (see site.h): the tree, the line table, module-level imports and the
 * syntactic questions a fix asks of a call (may `await` go there, is it a statement). */
#include "fix/site.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input/source.h"
#include "util/xalloc.h"

const TSLanguage *tree_sitter_python(void);

#define MAX_BINDINGS 4096
#define MAX_DEPTH 64   /* if/try nesting searched for module-level imports */
#define PARSE_SECONDS 30.0

static bool is(TSNode n, const char *type) { return !ts_node_is_null(n) && strcmp(ts_node_type(n), type) == 0; }

static char *node_dup(const struct as_fix_site *site, TSNode n)
{
    return as_xstrndup(site->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
}

static void add_binding(struct as_fix_site *site, char *name, char *target, bool is_module)
{
    if (site->n_bindings >= MAX_BINDINGS) {
        free(name);
        free(target);
        return;
    }
    if (site->n_bindings % 16 == 0)
        site->bindings = as_xrealloc(site->bindings, (site->n_bindings + 16) * sizeof(*site->bindings));
    site->bindings[site->n_bindings++] = (struct as_fix_binding){name, target, is_module};
}

static void bind_import(struct as_fix_site *site, TSNode stmt)
{
    bool from = is(stmt, "import_from_statement");
    TSNode module = ts_node_child_by_field_name(stmt, "module_name", 11);
    char *mod = from && !ts_node_is_null(module) ? node_dup(site, module) : NULL;
    uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(stmt, i);
        if (from && ts_node_eq(c, module)) continue;
        TSNode name = c, alias = {0};
        if (is(c, "aliased_import")) {
            name = ts_node_child_by_field_name(c, "name", 4);
            alias = ts_node_child_by_field_name(c, "alias", 5);
        } else if (!is(c, "dotted_name")) {
            continue;
        }
        char *full = node_dup(site, name);
        if (from) {
            size_t need = strlen(mod) + strlen(full) + 2;
            char *target = as_xmalloc(need);
            snprintf(target, need, "%s.%s", mod, full);
            add_binding(site, ts_node_is_null(alias) ? full : node_dup(site, alias), target, false);
            if (!ts_node_is_null(alias)) free(full);
        } else if (!ts_node_is_null(alias)) {
            add_binding(site, node_dup(site, alias), full, true);
        } else {
            char *dot = strchr(full, '.');
            add_binding(site, as_xstrndup(full, dot ? (size_t)(dot - full) : strlen(full)),
                        as_xstrndup(full, dot ? (size_t)(dot - full) : strlen(full)), true);
            free(full);
        }
    }
    free(mod);
}

/* `if TYPE_CHECKING:` / `if typing.TYPE_CHECKING:` */
static bool type_checking_only(const struct as_fix_site *site, TSNode if_stmt)
{
    TSNode cond = ts_node_child_by_field_name(if_stmt, "condition", 9);
    if (ts_node_is_null(cond)) return false;
    uint32_t a = ts_node_start_byte(cond), b = ts_node_end_byte(cond);
    return b - a >= 13 && memcmp(site->text + b - 13, "TYPE_CHECKING", 13) == 0;
}

/* Module-level imports, also under if/try/with at module level (not in defs or classes). */
static void scan_imports(struct as_fix_site *site, TSNode parent, int depth)
{
    if (depth > MAX_DEPTH) return;
    uint32_t n = ts_node_named_child_count(parent);
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(parent, i);
        const char *t = ts_node_type(c);
        if (strcmp(t, "import_statement") == 0 || strcmp(t, "import_from_statement") == 0) bind_import(site, c);
        else if (strcmp(t, "if_statement") == 0 && type_checking_only(site, c))
            continue;   /* names imported for type checkers are not there at run time */
        else if (strcmp(t, "if_statement") == 0 || strcmp(t, "try_statement") == 0 || strcmp(t, "with_statement") == 0 ||
                 strcmp(t, "block") == 0 || strcmp(t, "else_clause") == 0 || strcmp(t, "elif_clause") == 0 ||
                 strcmp(t, "except_clause") == 0 || strcmp(t, "finally_clause") == 0)
            scan_imports(site, c, depth + 1);
    }
}

/* After the last import statement directly in the module that starts before `before`; else before its first
 * statement that is not the docstring (or a `from __future__` import). */
static void find_import_at(struct as_fix_site *site, uint32_t before)
{
    TSNode root = ts_tree_root_node(site->tree);
    uint32_t n = ts_node_named_child_count(root);
    TSNode last = {0}, first = {0};
    site->import_needs_newline = false;
    for (uint32_t i = 0; i < n; i++) {
        TSNode c = ts_node_named_child(root, i);
        if (is(c, "comment")) continue;
        const char *t = ts_node_type(c);
        bool docstring = i == 0 && is(c, "expression_statement") && is(ts_node_named_child(c, 0), "string");
        bool future = strcmp(t, "future_import_statement") == 0;
        if (!future && !docstring && ts_node_start_byte(c) >= before) {
            if (ts_node_is_null(first)) first = c;
            continue;
        }
        if (strcmp(t, "import_statement") == 0 || strcmp(t, "import_from_statement") == 0 || future || docstring)
            last = c;
        else if (ts_node_is_null(first))
            first = c;
    }
    if (ts_node_is_null(last) && !ts_node_is_null(first)) {
        site->import_at = site->line_starts[ts_node_start_point(first).row];
        return;
    }
    uint32_t row = ts_node_is_null(last) ? 0 : ts_node_end_point(last).row + 1;
    if (ts_node_is_null(last) && ts_node_is_null(first)) row = (uint32_t)site->n_lines;
    if (row < site->n_lines) {
        site->import_at = site->line_starts[row];
    } else {
        site->import_at = (uint32_t)site->len;
        site->import_needs_newline = site->len > 0 && site->text[site->len - 1] != '\n' && site->text[site->len - 1] != '\r';
    }
}

static const char *read_text(void *payload, uint32_t offset, TSPoint pos, uint32_t *n)
{
    (void)pos;
    const struct as_fix_site *site = payload;
    if (offset >= site->len) {
        *n = 0;
        return "";
    }
    *n = (uint32_t)(site->len - offset);
    return site->text + offset;
}

/* A parse for a fix gives up after PARSE_SECONDS (the analysis of the same text had its own limit). */
static bool past_deadline(TSParseState *state)
{
    const struct timespec *start = state->payload;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9 > PARSE_SECONDS;
}

bool as_fix_site_open(struct as_fix_site *site, const char *text, size_t len, const char *module)
{
    memset(site, 0, sizeof(*site));
    site->module = module;
    if (len >= UINT32_MAX) return false;
    site->text = text;
    site->len = len;
    site->newline = "\n";
    size_t cap = 64;
    site->line_starts = as_xmalloc(cap * sizeof(uint32_t));
    site->line_starts[site->n_lines++] = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] != '\n' && text[i] != '\r') continue;
        bool crlf = text[i] == '\r' && i + 1 < len && text[i + 1] == '\n';
        if (site->n_lines == 1) site->newline = crlf ? "\r\n" : text[i] == '\r' ? "\r" : "\n";
        if (crlf) i++;
        if (i + 1 > len) break;
        if (site->n_lines == cap) site->line_starts = as_xrealloc(site->line_starts, (cap *= 2) * sizeof(uint32_t));
        site->line_starts[site->n_lines++] = (uint32_t)(i + 1);
    }
    site->parser = ts_parser_new();
    ts_parser_set_language(site->parser, tree_sitter_python());
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    TSInput input = {.payload = site, .read = read_text, .encoding = TSInputEncodingUTF8};
    TSParseOptions opts = {.payload = &start, .progress_callback = past_deadline};
    site->tree = ts_parser_parse_with_options(site->parser, NULL, input, opts);
    if (!site->tree) {
        as_fix_site_close(site);
        return false;
    }
    scan_imports(site, ts_tree_root_node(site->tree), 0);
    find_import_at(site, UINT32_MAX);
    return true;
}

void as_fix_site_import_before(struct as_fix_site *site, uint32_t at)
{
    find_import_at(site, at);
}

void as_fix_site_close(struct as_fix_site *site)
{
    if (site->tree) ts_tree_delete(site->tree);
    if (site->parser) ts_parser_delete(site->parser);
    for (size_t i = 0; i < site->n_bindings; i++) {
        free(site->bindings[i].name);
        free(site->bindings[i].target);
    }
    free(site->bindings);
    free(site->line_starts);
    memset(site, 0, sizeof(*site));
}

void as_fix_plan_release(struct as_fix_plan *plan)
{
    for (size_t i = 0; i < plan->n_edits; i++) free(plan->edits[i].content);
    plan->n_edits = 0;
}

uint32_t as_fix_site_offset(const struct as_fix_site *site, uint32_t line, uint32_t col)
{
    if (line == 0 || line > site->n_lines) return (uint32_t)site->len;
    uint32_t off = site->line_starts[line - 1];
    for (uint32_t c = 1; c < col && off < site->len; c++) {
        off++;
        while (off < site->len && ((unsigned char)site->text[off] & 0xC0) == 0x80) off++;
    }
    return off;
}

void as_fix_site_position(const struct as_fix_site *site, uint32_t offset, uint32_t *line, uint32_t *col)
{
    struct as_source src = {.text = site->text, .len = site->len, .line_starts = site->line_starts,
                            .n_lines = site->n_lines};
    as_source_position(&src, offset, line, col);
}

bool as_fix_site_call(const struct as_fix_site *site, const struct as_diag *d, TSNode *call)
{
    uint32_t start = as_fix_site_offset(site, d->line, d->col);
    uint32_t end = as_fix_site_offset(site, d->end_line, d->end_col);
    TSNode n = ts_node_descendant_for_byte_range(ts_tree_root_node(site->tree), start, start);
    for (; !ts_node_is_null(n) && ts_node_start_byte(n) == start; n = ts_node_parent(n)) {
        if (!is(n, "call")) continue;
        TSNode fn = ts_node_child_by_field_name(n, "function", 8);
        if (ts_node_end_byte(n) == end || (!ts_node_is_null(fn) && ts_node_end_byte(fn) == end)) {
            *call = n;
            return true;
        }
    }
    return false;
}

const struct as_fix_binding *as_fix_site_binding(const struct as_fix_site *site, const char *name, size_t len)
{
    for (size_t i = site->n_bindings; i-- > 0;)
        if (strlen(site->bindings[i].name) == len && memcmp(site->bindings[i].name, name, len) == 0)
            return &site->bindings[i];
    return NULL;
}

bool as_fix_site_imports(const struct as_fix_site *site, const char *module)
{
    size_t ml = strlen(module);
    /* the package's own modules import it relatively: a component of the module's name is the package's
     * (the name is dotted from the path: "python3-trio.usr.lib.python3.dist-packages.trio.tests.test_x") */
    for (const char *own = site->module; own && *own;) {
        const char *dot = strchr(own, '.');
        size_t n = dot ? (size_t)(dot - own) : strlen(own);
        if (n == ml && memcmp(own, module, ml) == 0) return true;
        own = dot ? dot + 1 : NULL;
    }
    for (size_t i = 0; i < site->n_bindings; i++) {
        const char *t = site->bindings[i].target;
        if (strncmp(t, module, ml) == 0 && (t[ml] == '\0' || t[ml] == '.')) return true;
    }
    return false;
}

bool as_fix_site_spell_module(const struct as_fix_site *site, const char *module, const char **spelling, bool *add)
{
    *add = false;
    for (size_t i = 0; i < site->n_bindings; i++) {
        if (site->bindings[i].is_module && strcmp(site->bindings[i].target, module) == 0) {
            *spelling = site->bindings[i].name;
            return true;
        }
    }
    if (as_fix_site_binding(site, module, strlen(module))) return false;   /* the name means something else */
    *spelling = module;
    *add = true;
    return true;
}

static bool is_field(TSNode parent, const char *field, TSNode child)
{
    TSNode f = ts_node_child_by_field_name(parent, field, (uint32_t)strlen(field));
    return !ts_node_is_null(f) && ts_node_eq(f, child);
}

bool as_fix_site_can_await(const struct as_fix_site *site, TSNode n)
{
    for (TSNode p = ts_node_parent(n); !ts_node_is_null(p); n = p, p = ts_node_parent(p)) {
        const char *t = ts_node_type(p);
        if (strcmp(t, "lambda") == 0 || strcmp(t, "list_comprehension") == 0 || strcmp(t, "set_comprehension") == 0 ||
            strcmp(t, "dictionary_comprehension") == 0 || strcmp(t, "generator_expression") == 0)
            return false;
        if (strcmp(t, "class_definition") == 0 && is_field(p, "body", n)) return false;
        if (strcmp(t, "function_definition") == 0 && is_field(p, "body", n))
            return ts_node_child_count(p) > 0 && is(ts_node_child(p, 0), "async");
    }
    return site->top_level_await;
}

bool as_fix_site_await_needs_parens(TSNode n)
{
    TSNode p = ts_node_parent(n);
    if (ts_node_is_null(p)) return false;
    return (is(p, "attribute") && is_field(p, "object", n)) || (is(p, "subscript") && is_field(p, "value", n)) ||
           (is(p, "call") && is_field(p, "function", n));
}

bool as_fix_site_is_statement_or_value(TSNode call)
{
    TSNode p = ts_node_parent(call);
    if (is(p, "expression_statement")) return ts_node_named_child_count(p) == 1;
    if ((is(p, "assignment") || is(p, "augmented_assignment")) && is_field(p, "right", call))
        return true;
    return false;
}

bool as_fix_site_has_comment(TSNode n)
{
    TSTreeCursor c = ts_tree_cursor_new(n);
    bool found = false;
    for (;;) {   /* pre-order walk without recursion (a hostile file nests deeply) */
        if (is(ts_tree_cursor_current_node(&c), "comment")) {
            found = true;
            break;
        }
        if (ts_tree_cursor_goto_first_child(&c)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&c))
            if (!ts_tree_cursor_goto_parent(&c)) goto done;
    }
done:
    ts_tree_cursor_delete(&c);
    return found;
}
