/* config.c — finding and reading configuration files (see config.h). The TOML document is parsed by
 * tree-sitter-toml; this file walks its tree: tables and dotted keys give every pair a full key path, inline
 * tables are flattened the same way, and only the values asyncscan reads are decoded (strings, arrays of
 * strings, booleans, integers). */
#define _GNU_SOURCE 1 /* memmem */
#include "input/config.h"

#include <errno.h>
#include <stdarg.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <tree_sitter/api.h>

#include "util/name_match.h"
#include "util/buf.h"
#include "util/readfile.h"
#include "util/xalloc.h"

const TSLanguage *tree_sitter_toml(void);

#define MAX_CONFIG_SIZE (4u << 20)

const char *const as_config_keys[] = {
    "select", "ignore", "extend-select", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore",
    "force-exclude", "output-format", "jobs", "blocking", "rules-dirs", "fix", "unsafe-fixes", "fixable", "unfixable",
    "offload-functions", "type-heuristics", "include", "extend-include", "async-library",
    "startable-in-context-manager", "transform-async-generator-decorators",
    "no-checkpoint-warning-decorators", "exception-suppress-context-managers", NULL,
};

const char *const as_config_type_heuristics[] = {"tmp-path", "path-division", NULL};

enum key_id { K_SELECT, K_IGNORE, K_EXTEND_SELECT, K_PER_FILE_IGNORES, K_EXCLUDE, K_EXTEND_EXCLUDE,
              K_RESPECT_GITIGNORE, K_FORCE_EXCLUDE, K_OUTPUT_FORMAT, K_JOBS, K_BLOCKING, K_RULES_DIRS, K_FIX,
              K_UNSAFE_FIXES, K_FIXABLE, K_UNFIXABLE, K_OFFLOAD_FUNCTIONS,
              K_TYPE_HEURISTICS, K_INCLUDE, K_EXTEND_INCLUDE, K_ASYNC_LIBRARY,
              K_STARTABLE, K_GENERATOR_DECORATORS, K_NO_CHECKPOINT_DECORATORS, K_SUPPRESSING_MANAGERS };

struct parser {
    const char *path, *text;
    size_t len;
    bool pyproject;
    bool ruff;          /* reading ruff's configuration: [tool.ruff] / ruff.toml (see apply_ruff) */
    bool found;
    struct as_config *out;
    char *err;
};

static void set_error(struct parser *p, TSNode at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_error(struct parser *p, TSNode at, const char *fmt, ...)
{
    if (p->err) return;
    TSPoint pt = ts_node_start_point(at);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    struct as_buf b;
    as_buf_init(&b);
    as_buf_printf(&b, "%s:%u:%u: %s", p->path, pt.row + 1, pt.column + 1, msg);
    p->err = as_buf_detach(&b, NULL);
}

static char *node_text(struct parser *p, TSNode n)
{
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    return as_xstrndup(p->text + a, b - a);
}

/* Decodes a string node (basic, literal, multi-line) into a heap string; NULL on a bad escape. */
static char *string_value(struct parser *p, TSNode n)
{
    char *raw = node_text(p, n);
    size_t rl = strlen(raw);
    size_t q = (rl >= 6 && (strncmp(raw, "\"\"\"", 3) == 0 || strncmp(raw, "'''", 3) == 0)) ? 3 : 1;
    if (rl < 2 * q) { free(raw); return as_xstrdup(""); }
    bool literal = raw[0] == '\'';
    struct as_buf b;
    as_buf_init(&b);
    const char *s = raw + q, *e = raw + rl - q;
    if (q == 3 && s < e && *s == '\n') s++;   /* a newline right after the opening quotes is trimmed */
    for (; s < e; s++) {
        if (literal || *s != '\\') { as_buf_putc(&b, *s); continue; }
        if (++s >= e) break;
        switch (*s) {
        case 'n': as_buf_putc(&b, '\n'); break;
        case 't': as_buf_putc(&b, '\t'); break;
        case 'r': as_buf_putc(&b, '\r'); break;
        case '"': as_buf_putc(&b, '"'); break;
        case '\\': as_buf_putc(&b, '\\'); break;
        case 'u': case 'U': {
            int digits = *s == 'u' ? 4 : 8;
            unsigned long cp = 0;
            for (int i = 0; i < digits && s + 1 < e; i++) {
                char c = *++s;
                cp = cp * 16 + (unsigned long)(c >= 'a' ? c - 'a' + 10 : c >= 'A' ? c - 'A' + 10 : c - '0');
            }
            char u[4];
            size_t n8 = 0;
            if (cp < 0x80) u[n8++] = (char)cp;
            else if (cp < 0x800) { u[n8++] = (char)(0xC0 | (cp >> 6)); u[n8++] = (char)(0x80 | (cp & 0x3F)); }
            else if (cp < 0x10000) {
                u[n8++] = (char)(0xE0 | (cp >> 12)); u[n8++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                u[n8++] = (char)(0x80 | (cp & 0x3F));
            } else {
                u[n8++] = (char)(0xF0 | (cp >> 18)); u[n8++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                u[n8++] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[n8++] = (char)(0x80 | (cp & 0x3F));
            }
            as_buf_add(&b, u, n8);
            break;
        }
        default: as_buf_putc(&b, '\\'); as_buf_putc(&b, *s); break;
        }
    }
    free(raw);
    return as_buf_detach(&b, NULL);
}

/* Appends the segments of a key node (bare, quoted or dotted) to path (NUL-separated in a buffer). */
static void key_segments(struct parser *p, TSNode key, char **segs, size_t *n, size_t cap)
{
    const char *type = ts_node_type(key);
    if (strcmp(type, "dotted_key") == 0) {
        for (uint32_t i = 0; i < ts_node_named_child_count(key); i++)
            key_segments(p, ts_node_named_child(key, i), segs, n, cap);
    } else if (*n < cap) {
        segs[(*n)++] = strcmp(type, "quoted_key") == 0 ? string_value(p, key) : node_text(p, key);
    }
}

static bool is_string(TSNode n) { return strcmp(ts_node_type(n), "string") == 0; }

/* A list value: an array of strings, or (for convenience) one string. */
static char **string_list(struct parser *p, TSNode v, size_t *n)
{
    *n = 0;
    if (is_string(v)) {
        char **out = as_xcalloc(1, sizeof(char *));
        out[(*n)++] = string_value(p, v);
        return out;
    }
    if (strcmp(ts_node_type(v), "array") != 0) {
        set_error(p, v, "expected an array of strings");
        return NULL;
    }
    uint32_t c = ts_node_named_child_count(v);
    char **out = as_xcalloc(c + 1, sizeof(char *));
    for (uint32_t i = 0; i < c; i++) {
        TSNode e = ts_node_named_child(v, i);
        if (strcmp(ts_node_type(e), "comment") == 0) continue;
        if (!is_string(e)) {
            set_error(p, e, "expected a string in this array");
            continue;
        }
        out[(*n)++] = string_value(p, e);
    }
    return out;
}

static char *joined_list(struct parser *p, TSNode v)
{
    size_t n;
    char **items = string_list(p, v, &n);
    if (!items) return NULL;
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < n; i++) {
        if (i) as_buf_putc(&b, ',');
        as_buf_puts(&b, items[i]);
        free(items[i]);
    }
    free(items);
    return as_buf_detach(&b, NULL);
}

static void free_list(char **items, size_t n)
{
    for (size_t i = 0; i < n; i++) free(items[i]);
    free(items);
}

static char *resolve_dir(const char *base, const char *rel)
{
    if (rel[0] == '/' || strcmp(base, ".") == 0) return as_xstrdup(rel);
    size_t n = strlen(base) + strlen(rel) + 2;
    char *out = as_xmalloc(n);
    snprintf(out, n, "%s/%s", base, rel);
    return out;
}

/* `type-heuristics = ["tmp-path", ...]` -> the bits of the names listed (an unknown name is an error). */
static int heuristic_bits(struct parser *p, TSNode value)
{
    size_t m;
    char **names = string_list(p, value, &m);
    int bits = 0;
    for (size_t i = 0; names && i < m; i++) {
        size_t k = 0;
        while (as_config_type_heuristics[k] && strcmp(as_config_type_heuristics[k], names[i]) != 0) k++;
        if (as_config_type_heuristics[k]) bits |= 1 << k;
        else set_error(p, value, "unknown type heuristic '%s' (known: tmp-path, path-division)", names[i]);
        free(names[i]);
    }
    free(names);
    return bits;
}

static void record_origin(struct parser *p, enum key_id k, TSNode at)
{
    char line[64];
    snprintf(line, sizeof(line), "%u", ts_node_start_point(at).row + 1);
    free(p->out->origin[k]);
    p->out->origin[k] = as_xstrdup(line);
}

static void add_pair(struct as_config_pair **pairs, size_t *n, char *key, char *value, char *origin)
{
    *pairs = as_xrealloc(*pairs, (*n + 1) * sizeof(**pairs));
    (*pairs)[*n].key = key;
    (*pairs)[*n].value = value;
    (*pairs)[*n].origin = origin;
    (*n)++;
}

/* Appends the strings of the TOML array `value` to *list (a key that adds to what an earlier one gave). */
static void append_strings(struct parser *p, TSNode value, char ***list, size_t *n)
{
    size_t m;
    char **more = string_list(p, value, &m);
    for (size_t i = 0; more && i < m; i++) {
        *list = as_xrealloc(*list, (*n + 1) * sizeof(char *));
        (*list)[(*n)++] = more[i];
    }
    free(more);
}

static char *line_of(TSNode at)
{
    char line[32];
    snprintf(line, sizeof(line), "%u", ts_node_start_point(at).row + 1);
    return as_xstrdup(line);
}

static char **concat_lists(char **a, size_t na, char **b, size_t nb, size_t *n);

/* A list key that replaces its list (exclude, include); append_strings extends one. */
static void replace_list(struct parser *p, TSNode v, char ***list, size_t *n, bool *has)
{
    free_list(*list, *n);
    *list = string_list(p, v, n);
    *has = true;
}

/* One value at key path segs[0..n) (relative to the asyncscan table). */
static void apply(struct parser *p, char **segs, size_t n, TSNode value, TSNode at)
{
    if (n == 0) return;
    const char *k = segs[0];
    int id = -1;
    for (int i = 0; as_config_keys[i]; i++)
        if (strcmp(as_config_keys[i], k) == 0) id = i;
    if (id < 0) {
        const char *best = NULL;
        size_t bd = SIZE_MAX;
        for (int i = 0; as_config_keys[i]; i++) {
            size_t d = as_edit_distance(k, as_config_keys[i]);
            if (d < bd) { bd = d; best = as_config_keys[i]; }
        }
        char msg[256];
        if (best && bd <= 3) snprintf(msg, sizeof(msg), "unknown key '%s' (did you mean '%s'?)", k, best);
        else snprintf(msg, sizeof(msg), "unknown key '%s'", k);
        set_error(p, at, "%s", msg);
        return;
    }
    struct as_config *c = p->out;
    bool table_key = id == K_PER_FILE_IGNORES || id == K_BLOCKING;
    if (table_key != (n == 2)) {
        if (n > 2 || !table_key) { set_error(p, at, "'%s' takes no sub-keys", k); return; }
        set_error(p, at, "'%s' is a table: write [tool.asyncscan.<key>] or <key> = { ... }", k);
        return;
    }
    record_origin(p, (enum key_id)id, at);
    const char *type = ts_node_type(value);
    switch ((enum key_id)id) {
    case K_SELECT: free(c->select); c->select = joined_list(p, value); break;
    case K_IGNORE: free(c->ignore); c->ignore = joined_list(p, value); break;
    case K_EXTEND_SELECT: free(c->extend_select); c->extend_select = joined_list(p, value); break;
    case K_PER_FILE_IGNORES: {
        char *codes = joined_list(p, value);
        if (codes) add_pair(&c->per_file_ignores, &c->n_per_file_ignores, as_xstrdup(segs[1]), codes, line_of(at));
        break;
    }
    case K_EXCLUDE: replace_list(p, value, &c->exclude, &c->n_exclude, &c->has_exclude); break;
    case K_EXTEND_EXCLUDE: append_strings(p, value, &c->extend_exclude, &c->n_extend_exclude); break;
    case K_INCLUDE: replace_list(p, value, &c->include, &c->n_include, &c->has_include); break;
    case K_EXTEND_INCLUDE: append_strings(p, value, &c->extend_include, &c->n_extend_include); break;
    case K_FIXABLE: free(c->fixable); c->fixable = joined_list(p, value); break;
    case K_UNFIXABLE: free(c->unfixable); c->unfixable = joined_list(p, value); break;
    case K_FIX:
    case K_UNSAFE_FIXES:
    case K_RESPECT_GITIGNORE:
    case K_FORCE_EXCLUDE: {
        if (strcmp(type, "boolean") != 0) { set_error(p, value, "'%s' must be true or false", k); break; }
        char *t = node_text(p, value);
        int v = strcmp(t, "true") == 0;
        free(t);
        if (id == K_RESPECT_GITIGNORE) c->respect_gitignore = v;
        else if (id == K_FIX) c->fix = v;
        else if (id == K_UNSAFE_FIXES) c->unsafe_fixes = v;
        else c->force_exclude = v;
        break;
    }
    case K_OUTPUT_FORMAT:
        if (!is_string(value)) { set_error(p, value, "'%s' must be a string", k); break; }
        free(c->output_format);
        c->output_format = string_value(p, value);
        break;
    case K_JOBS: {
        char *t = node_text(p, value);
        long v = strtol(t, NULL, 10);
        free(t);
        if (strcmp(type, "integer") != 0 || v < 1 || v > 256) { set_error(p, value, "'%s' must be an integer 1..256", k); break; }
        c->jobs = (int)v;
        break;
    }
    case K_BLOCKING:
        if (!is_string(value)) { set_error(p, value, "a blocking entry's value is the suggested replacement (a string)"); break; }
        add_pair(&c->blocking, &c->n_blocking, as_xstrdup(segs[1]), string_value(p, value), line_of(at));
        break;
    case K_RULES_DIRS: {
        size_t m;
        char **dirs = string_list(p, value, &m);
        for (size_t i = 0; dirs && i < m; i++) {
            c->rules_dirs = as_xrealloc(c->rules_dirs, (c->n_rules_dirs + 1) * sizeof(char *));
            c->rules_dirs[c->n_rules_dirs++] = resolve_dir(c->dir, dirs[i]);
            free(dirs[i]);
        }
        free(dirs);
        break;
    }
    case K_OFFLOAD_FUNCTIONS: append_strings(p, value, &c->offload_functions, &c->n_offload_functions); break;
    case K_STARTABLE: append_strings(p, value, &c->startable, &c->n_startable); break;
    case K_GENERATOR_DECORATORS: append_strings(p, value, &c->generator_decorators, &c->n_generator_decorators); break;
    case K_NO_CHECKPOINT_DECORATORS:
        append_strings(p, value, &c->no_checkpoint_decorators, &c->n_no_checkpoint_decorators);
        break;
    case K_SUPPRESSING_MANAGERS:
        append_strings(p, value, &c->suppressing_managers, &c->n_suppressing_managers);
        break;
    case K_TYPE_HEURISTICS:
        c->type_heuristics = heuristic_bits(p, value);
        break;
    case K_ASYNC_LIBRARY: {
        char *v = is_string(value) ? string_value(p, value) : NULL;
        if (!v || (strcmp(v, "trio") != 0 && strcmp(v, "anyio") != 0 && strcmp(v, "asyncio") != 0)) {
            set_error(p, value, "'%s' must be \"trio\", \"anyio\" or \"asyncio\"", k);
            free(v);
            break;
        }
        free(c->async_library);
        c->async_library = v;
        break;
    }
    }
}

#define MAX_SEGS 16
#define MAX_INLINE_DEPTH 32   /* inline tables in inline tables: asyncscan's own keys need 1 */

/* ruff's keys that asyncscan honours, by their asyncscan name; the rest of ruff's configuration (line-length,
 * the formatter, other linters' options) is not asyncscan's business and is skipped without a word. */
static const char *const ruff_keys[] = {"select", "ignore", "extend-select", "per-file-ignores", "exclude",
                                        "extend-exclude", "respect-gitignore", "force-exclude", "include",
                                        "extend-include"};

/* One value at key path segs[0..n) of ruff's table: `lint.` prefixes dropped, `extend` remembered,
 * `extend-per-file-ignores` read as more per-file-ignores, the honoured keys handed to apply. */
static void apply_ruff(struct parser *p, char **segs, size_t n, TSNode value, TSNode at)
{
    if (n && strcmp(segs[0], "lint") == 0) segs++, n--;
    if (n == 1 && strcmp(segs[0], "extend") == 0) {
        if (!is_string(value)) { set_error(p, value, "'extend' must be a string (a path)"); return; }
        char *rel = string_value(p, value);
        free(p->out->extend);
        p->out->extend = rel[0] == '/' ? as_xstrdup(rel) : resolve_dir(p->out->dir, rel);
        free(rel);
        return;
    }
    if (n == 0) return;
    bool extend_pfi = strcmp(segs[0], "extend-per-file-ignores") == 0;
    const char *k = extend_pfi ? "per-file-ignores" : segs[0];
    for (size_t i = 0; i < sizeof(ruff_keys) / sizeof(*ruff_keys); i++) {
        if (strcmp(ruff_keys[i], k) != 0) continue;
        char *renamed[MAX_SEGS];
        for (size_t j = 0; j < n && j < MAX_SEGS; j++) renamed[j] = segs[j];
        renamed[0] = (char *)k;
        apply(p, renamed, n, value, at);
        if (!extend_pfi && strcmp(k, "per-file-ignores") == 0) p->out->has_per_file_ignores = true;
        return;
    }
}

/* Whether key path segs[0..n) is in the table this parser reads; *skip is the table's own segments. */
static bool in_our_table(const struct parser *p, char **segs, size_t n, size_t *skip)
{
    *skip = p->pyproject ? 2 : 0;
    if (!p->pyproject) return true;
    return n >= 2 && strcmp(segs[0], "tool") == 0 && strcmp(segs[1], p->ruff ? "ruff" : "asyncscan") == 0;
}

/* A pair under table path tab[0..nt), `depth` inline tables down: the full path decides whether it is ours.
 * Inline tables recurse, at most MAX_INLINE_DEPTH deep (then an error at the pair: never a stack overflow). */
static void visit_pair(struct parser *p, char **tab, size_t nt, TSNode pair, int depth)
{
    if (ts_node_named_child_count(pair) < 2 || p->err) return;
    if (depth > MAX_INLINE_DEPTH) {
        set_error(p, pair, "inline tables nested more than %d deep", MAX_INLINE_DEPTH);
        return;
    }
    TSNode key = ts_node_named_child(pair, 0), value = ts_node_named_child(pair, 1);
    char *segs[MAX_SEGS];
    size_t n = 0;
    for (size_t i = 0; i < nt && n < MAX_SEGS; i++) segs[n++] = as_xstrdup(tab[i]);
    key_segments(p, key, segs, &n, MAX_SEGS);
    bool others = p->pyproject && ((n >= 1 && strcmp(segs[0], "tool") != 0) ||
                                   (n >= 2 && strcmp(segs[1], p->ruff ? "ruff" : "asyncscan") != 0));
    if (others) {
        /* another tool's table: nothing in it is read */
    } else if (strcmp(ts_node_type(value), "inline_table") == 0) {
        for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
            TSNode c = ts_node_named_child(value, i);
            if (strcmp(ts_node_type(c), "pair") == 0) visit_pair(p, segs, n, c, depth + 1);
        }
    } else {
        size_t skip;
        bool ours = in_our_table(p, segs, n, &skip);
        if (ours && p->pyproject) p->found = true;
        if (ours && p->ruff) apply_ruff(p, segs + skip, n - skip, value, key);
        else if (ours) apply(p, segs + skip, n - skip, value, key);
    }
    for (size_t i = 0; i < n; i++) free(segs[i]);
}

static void visit_document(struct parser *p, TSNode doc)
{
    for (uint32_t i = 0; i < ts_node_named_child_count(doc) && !p->err; i++) {
        TSNode c = ts_node_named_child(doc, i);
        const char *type = ts_node_type(c);
        if (strcmp(type, "pair") == 0) {
            visit_pair(p, NULL, 0, c, 0);
        } else if (strcmp(type, "table") == 0 || strcmp(type, "table_array_element") == 0) {
            TSNode header = ts_node_named_child(c, 0);
            char *tab[MAX_SEGS];
            size_t nt = 0;
            key_segments(p, header, tab, &nt, MAX_SEGS);
            size_t skip_tab;
            bool ours = in_our_table(p, tab, nt, &skip_tab);
            if (ours && p->pyproject) p->found = true;
            if (p->ruff) ours = false;   /* ruff's own tables ([tool.ruff.lint.isort], ...) are not checked */
            if (ours && strcmp(type, "table_array_element") == 0)
                set_error(p, c, "arrays of tables are not used by asyncscan");
            /* a header that is itself a key of ours ([tool.asyncscan.per-file-ignores]) is checked by apply */
            if (ours && !p->err && nt > (p->pyproject ? 2u : 0u)) {
                size_t skip = p->pyproject ? 2 : 0;
                const char *k = tab[skip];
                bool known = false;
                for (int j = 0; as_config_keys[j]; j++) known |= strcmp(as_config_keys[j], k) == 0;
                if (!known) {
                    /* reuse apply's message with its hint */
                    apply(p, tab + skip, 1, header, header);
                }
            }
            for (uint32_t k = 1; k < ts_node_named_child_count(c) && !p->err; k++) {
                TSNode pc = ts_node_named_child(c, k);
                if (strcmp(ts_node_type(pc), "pair") == 0) visit_pair(p, tab, nt, pc, 0);
            }
            for (size_t k = 0; k < nt; k++) free(tab[k]);
        }
    }
}

/* The first error or missing node under n, found by descending (no recursion: the nesting is the file's). */
static TSNode first_error(TSNode n)
{
    for (;;) {
        if (ts_node_is_error(n) || ts_node_is_missing(n)) return n;
        bool down = false;
        for (uint32_t i = 0; i < ts_node_child_count(n) && !down; i++) {
            TSNode c = ts_node_child(n, i);
            if (ts_node_has_error(c) || ts_node_is_missing(c)) {
                n = c;
                down = true;
            }
        }
        if (!down) return ts_node_has_error(n) ? n : (TSNode){0};
    }
}

char *as_config_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return as_xstrdup(".");
    if (slash == path) return as_xstrdup("/");
    return as_xstrndup(path, (size_t)(slash - path));
}

static int parse(struct as_config *out, const char *path, const char *text, size_t len, bool is_pyproject, bool ruff,
                 bool *found, char **err)
{
    memset(out, 0, sizeof(*out));
    out->respect_gitignore = out->force_exclude = out->fix = out->unsafe_fixes = -1;
    out->type_heuristics = -1;
    out->path = as_xstrdup(path);
    out->dir = as_config_dir_of(path);
    out->ruff = ruff;
    struct parser p = {path, text, len, is_pyproject, ruff, false, out, NULL};
    if (len > UINT32_MAX / 2 || memchr(text, '\0', len)) {
        *err = as_xstrdup(path);
        size_t n = strlen(path) + 64;
        free(*err);
        *err = as_xmalloc(n);
        snprintf(*err, n, "%s:1:1: not a TOML text file", path);
        return -1;
    }
    TSParser *parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_toml());
    TSTree *tree = ts_parser_parse_string(parser, NULL, text, (uint32_t)len);
    TSNode root = ts_tree_root_node(tree);
    if (ts_node_has_error(root)) {
        TSNode e = first_error(root);
        set_error(&p, ts_node_is_null(e) ? root : e, "invalid TOML");
    } else {
        visit_document(&p, root);
    }
    ts_tree_delete(tree);
    ts_parser_delete(parser);
    if (found) *found = p.found;
    if (p.err) {
        *err = p.err;
        return -1;
    }
    return 0;
}

int as_config_parse(struct as_config *out, const char *path, const char *text, size_t len, bool is_pyproject,
                    bool *found, char **err)
{
    return parse(out, path, text, len, is_pyproject, false, found, err);
}

static int read_file(const char *path, char **text, size_t *len, char **err)
{
    char why[128];
    enum as_read_status rc = as_read_file(path, MAX_CONFIG_SIZE, text, len, why, sizeof(why));
    if (rc == AS_READ_OK) return 0;
    size_t n = strlen(path) + 192;
    *err = as_xmalloc(n);
    if (rc == AS_READ_TOO_LARGE) snprintf(*err, n, "%s: larger than %u MiB; not a configuration file", path, MAX_CONFIG_SIZE >> 20);
    else snprintf(*err, n, "%s: cannot read: %s", path, why);
    return -1;
}

static bool is_pyproject_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strcmp(base, "pyproject.toml") == 0;
}

int as_config_load(struct as_config *out, const char *path, char **err)
{
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof(*out));
    if (read_file(path, &text, &len, err)) return -1;
    bool found = false;
    int rc = as_config_parse(out, path, text, len, is_pyproject_name(path), &found, err);
    free(text);
    return rc;
}

static void free_pairs(struct as_config_pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(pairs[i].key);
        free(pairs[i].value);
        free(pairs[i].origin);
    }
    free(pairs);
}

void as_config_release(struct as_config *c)
{
    free(c->path);
    free(c->dir);
    free(c->select);
    free(c->ignore);
    free(c->extend_select);
    free_pairs(c->per_file_ignores, c->n_per_file_ignores);
    free_list(c->exclude, c->n_exclude);
    free_list(c->extend_exclude, c->n_extend_exclude);
    free_list(c->include, c->n_include);
    free_list(c->extend_include, c->n_extend_include);
    free(c->output_format);
    free(c->fixable);
    free(c->unfixable);
    free_pairs(c->blocking, c->n_blocking);
    free_list(c->rules_dirs, c->n_rules_dirs);
    free_list(c->offload_functions, c->n_offload_functions);
    free_list(c->startable, c->n_startable);
    free_list(c->generator_decorators, c->n_generator_decorators);
    free_list(c->no_checkpoint_decorators, c->n_no_checkpoint_decorators);
    free_list(c->suppressing_managers, c->n_suppressing_managers);
    free(c->async_library);
    for (size_t i = 0; i < sizeof(c->origin) / sizeof(c->origin[0]); i++) free(c->origin[i]);
    free(c->extend);
    memset(c, 0, sizeof(*c));
}

/* Whether pyproject.toml at `path` has a [tool.asyncscan] table (a file that cannot be parsed counts, so its
 * error is reported rather than silently skipped). */
static bool pyproject_has_table(const char *path, const char *tool)
{
    char *text = NULL, *err = NULL;
    size_t len = 0;
    if (read_file(path, &text, &len, &err)) { free(err); return false; }
    bool has = memmem(text, len, tool, strlen(tool)) != NULL;
    free(text);
    return has;
}

/* The files a directory's configuration may be in, first found wins (pyproject.toml only with our table). */
static const char *const config_names[] = {".asyncscan.toml", "asyncscan.toml", "pyproject.toml"};
#define N_CONFIG_NAMES (sizeof(config_names) / sizeof(config_names[0]))

bool as_config_file_name(const char *name)
{
    for (size_t i = 0; i < N_CONFIG_NAMES; i++)
        if (strcasecmp(name, config_names[i]) == 0) return true;
    return as_config_is_ruff_name(name);
}

bool as_config_is_ruff_name(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return strcasecmp(base, "ruff.toml") == 0 || strcasecmp(base, ".ruff.toml") == 0;
}

/* The first of the three names (the last a pyproject.toml, counted only when it mentions `tool`) that is a regular
 * file in dir. Heap or NULL. */
static char *first_in_dir(const char *dir, const char *const names[3], const char *tool)
{
    for (size_t i = 0; i < 3; i++) {
        char cand[PATH_MAX + 32];
        snprintf(cand, sizeof(cand), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, names[i]);
        struct stat st;
        if (stat(cand, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (i == 2 && !pyproject_has_table(cand, tool)) continue;
        return as_xstrdup(cand);
    }
    return NULL;
}

/* in_dir of dir, else of the nearest directory above it that has one. */
static char *find_upwards(const char *dir, char *(*in_dir)(const char *))
{
    char cur[PATH_MAX];
    if (!realpath(dir, cur)) return NULL;
    for (;;) {
        char *found = in_dir(cur);
        if (found) return found;
        char *slash = strrchr(cur, '/');
        if (!slash || strcmp(cur, "/") == 0) return NULL;
        if (slash == cur) strcpy(cur, "/");
        else *slash = '\0';
    }
}

char *as_config_in_dir(const char *dir)
{
    return first_in_dir(dir, config_names, "asyncscan");
}

char *as_config_find(const char *dir)
{
    return find_upwards(dir, as_config_in_dir);
}

/* The absolute path as_config_relative last made on this thread ("" when none): what a glob inherited through
 * ruff's `extend` (absolute) is matched against. */
static __thread char last_absolute[PATH_MAX * 2];

const char *as_config_relative(const char *base_dir, const char *path, char *buf, size_t buflen)
{
    char abs_path[PATH_MAX], abs_base[PATH_MAX];
    char full[PATH_MAX * 2];
    full[0] = '\0';
    last_absolute[0] = '\0';
    const char *rel = path;
    if (base_dir && realpath(base_dir, abs_base)) {
        /* the path relative to the config's directory (the path may not be canonical: use its directory) */
        char dirbuf[PATH_MAX];
        snprintf(dirbuf, sizeof(dirbuf), "%s", path);
        char *slash = strrchr(dirbuf, '/');
        const char *file = slash ? slash + 1 : path;
        if (slash) *slash = '\0';
        if (realpath(slash ? dirbuf : ".", abs_path)) {
            size_t bl = strlen(abs_base);
            snprintf(full, sizeof(full), "%s/%s", abs_path, file);
            snprintf(last_absolute, sizeof(last_absolute), "%s", full);
            if (strncmp(full, abs_base, bl) == 0 && (full[bl] == '/' || bl == 1)) {
                snprintf(buf, buflen, "%s", full + (bl == 1 ? 1 : bl + 1));
                rel = buf;
            }
        }
    }
    return rel;
}

bool as_config_glob_match(const char *const *globs, size_t n, const char *base_dir, const char *path)
{
    static __thread char relbuf[PATH_MAX * 2];
    return as_config_glob_match_relative(globs, n, as_config_relative(base_dir, path, relbuf, sizeof(relbuf)));
}

bool as_config_glob_match_relative(const char *const *globs, size_t n, const char *rel)
{
    for (size_t i = 0; i < n; i++) {
        const char *g = globs[i];
        while (g[0] == '.' && g[1] == '/') g += 2;
        if (g[0] == '/') {
            /* absolute (a glob inherited through ruff's `extend`): matched against the absolute path */
            size_t gl = strlen(g);
            char dirpat[PATH_MAX];
            snprintf(dirpat, sizeof(dirpat), "%s%s*", g, g[gl - 1] == '/' ? "" : "/");
            const char *abs = rel[0] == '/' ? rel : last_absolute;
            if (abs[0] && (fnmatch(g, abs, FNM_PATHNAME) == 0 || fnmatch(dirpat, abs, 0) == 0)) return true;
        } else if (strchr(g, '/')) {
            /* anchored at the config's directory; a pattern naming a directory covers what is under it */
            if (fnmatch(g, rel, FNM_PATHNAME) == 0) return true;
            size_t gl = strlen(g);
            char dirpat[PATH_MAX];
            snprintf(dirpat, sizeof(dirpat), "%s%s*", g, g[gl - 1] == '/' ? "" : "/");
            if (fnmatch(dirpat, rel, 0) == 0) return true;
        } else {
            /* any component of the relative path, or the file name */
            const char *s = rel;
            for (;;) {
                const char *e = strchr(s, '/');
                char comp[NAME_MAX + 1];
                size_t cl = e ? (size_t)(e - s) : strlen(s);
                if (cl <= NAME_MAX) {
                    memcpy(comp, s, cl);
                    comp[cl] = '\0';
                    if (fnmatch(g, comp, 0) == 0) return true;
                }
                if (!e) break;
                s = e + 1;
            }
        }
    }
    return false;
}

/* ---- ruff's configuration, the fallback ---- */

static const char *const ruff_names[] = {".ruff.toml", "ruff.toml", "pyproject.toml"};

char *as_ruff_config_in_dir(const char *dir)
{
    return first_in_dir(dir, ruff_names, "tool.ruff");
}

char *as_ruff_config_find(const char *dir)
{
    return find_upwards(dir, as_ruff_config_in_dir);
}

/* What `base` says of a key `child` leaves unset, and where it said it ("PATH:LINE"). */
static char *inherited_origin(const struct as_config *base, const char *origin)
{
    if (!origin) return NULL;
    if (strchr(origin, ':')) return as_xstrdup(origin);
    size_t n = strlen(base->path) + strlen(origin) + 2;
    char *o = as_xmalloc(n);
    snprintf(o, n, "%s:%s", base->path, origin);
    return o;
}

static char **concat_lists(char **a, size_t na, char **b, size_t nb, size_t *n)
{
    char **out = as_xcalloc(na + nb + 1, sizeof(char *));
    for (size_t i = 0; i < na; i++) out[i] = a[i];
    for (size_t i = 0; i < nb; i++) out[na + i] = b[i];
    free(a);
    free(b);
    *n = na + nb;
    return out;
}

/* A glob of base's, as it applies from another directory: one with a slash is anchored at base's directory, so
 * it becomes absolute there (as_config_glob_match matches an absolute glob against the absolute path). */
static char *rebased_glob(const struct as_config *base, char *glob)
{
    char abs_dir[PATH_MAX];
    if (!strchr(glob, '/') || glob[0] == '/' || !realpath(base->dir, abs_dir)) return glob;
    const char *g = glob;
    while (g[0] == '.' && g[1] == '/') g += 2;
    char *out = resolve_dir(abs_dir, g);
    free(glob);
    return out;
}

/* A replacing list key (exclude, include): base's when c does not set it (globs with `/` re-anchored when
 * `rebase`); base gives its list away. */
static void inherit_list(struct as_config *c, const struct as_config *base, int key, char ***mine, size_t *n_mine,
                         bool *has_mine, char ***theirs, size_t *n_theirs, bool has_theirs, bool rebase)
{
    if (*has_mine || !has_theirs) return;
    for (size_t i = 0; rebase && i < *n_theirs; i++) (*theirs)[i] = rebased_glob(base, (*theirs)[i]);
    *mine = *theirs;
    *n_mine = *n_theirs;
    *has_mine = true;
    c->origin[key] = inherited_origin(base, base->origin[key]);
    *theirs = NULL;
    *n_theirs = 0;
}

/* An extending list key (extend-exclude, extend-include): base's entries, then c's. */
static void join_list(struct as_config *c, const struct as_config *base, int key, char ***mine, size_t *n_mine,
                      char ***theirs, size_t *n_theirs, bool rebase)
{
    for (size_t i = 0; rebase && i < *n_theirs; i++) (*theirs)[i] = rebased_glob(base, (*theirs)[i]);
    if (!c->origin[key]) c->origin[key] = inherited_origin(base, base->origin[key]);
    *mine = concat_lists(*theirs, *n_theirs, *mine, *n_mine, n_mine);
    *theirs = NULL;
    *n_theirs = 0;
}

/* Lays `child` over `base` (ruff's `extend`): a key child sets wins (select starts the selection afresh: base's
 * select, extend-select and ignore are dropped, as ruff's layered selection does), extend-select, ignore,
 * extend-exclude and extend-per-file-ignores add to base's; `base` is emptied. */
static void merge_base(struct as_config *c, struct as_config *base)
{
#define TAKE(field, key) do { if (!c->origin[key] && base->field) { c->field = base->field; base->field = NULL; \
        c->origin[key] = inherited_origin(base, base->origin[key]); } } while (0)
    if (!c->select) {
        TAKE(select, K_SELECT);
        char *joined[2] = {base->extend_select, base->ignore};
        char **mine[2] = {&c->extend_select, &c->ignore};
        int keys[2] = {K_EXTEND_SELECT, K_IGNORE};
        for (int i = 0; i < 2; i++) {
            if (!joined[i]) continue;
            if (!*mine[i]) c->origin[keys[i]] = inherited_origin(base, base->origin[keys[i]]);
            size_t n = strlen(joined[i]) + (*mine[i] ? strlen(*mine[i]) : 0) + 2;
            char *both = as_xmalloc(n);
            snprintf(both, n, "%s%s%s", joined[i], *mine[i] ? "," : "", *mine[i] ? *mine[i] : "");
            free(*mine[i]);
            *mine[i] = both;
        }
    }
    inherit_list(c, base, K_EXCLUDE, &c->exclude, &c->n_exclude, &c->has_exclude, &base->exclude, &base->n_exclude,
                 base->has_exclude, true);
    join_list(c, base, K_EXTEND_EXCLUDE, &c->extend_exclude, &c->n_extend_exclude, &base->extend_exclude,
              &base->n_extend_exclude, true);
    if (!c->has_per_file_ignores) {
        for (size_t i = 0; i < base->n_per_file_ignores; i++) {
            struct as_config_pair *pr = &base->per_file_ignores[i];
            char *origin = inherited_origin(base, pr->origin);
            add_pair(&c->per_file_ignores, &c->n_per_file_ignores, rebased_glob(base, pr->key), pr->value, origin);
            free(pr->origin);
            pr->key = pr->value = pr->origin = NULL;
        }
        if (!c->origin[K_PER_FILE_IGNORES])
            c->origin[K_PER_FILE_IGNORES] = inherited_origin(base, base->origin[K_PER_FILE_IGNORES]);
    }
    inherit_list(c, base, K_INCLUDE, &c->include, &c->n_include, &c->has_include, &base->include, &base->n_include,
                 base->has_include, false);
    join_list(c, base, K_EXTEND_INCLUDE, &c->extend_include, &c->n_extend_include, &base->extend_include,
              &base->n_extend_include, false);
    if (c->respect_gitignore < 0 && base->respect_gitignore >= 0) {
        c->respect_gitignore = base->respect_gitignore;
        c->origin[K_RESPECT_GITIGNORE] = inherited_origin(base, base->origin[K_RESPECT_GITIGNORE]);
    }
    if (c->force_exclude < 0 && base->force_exclude >= 0) {
        c->force_exclude = base->force_exclude;
        c->origin[K_FORCE_EXCLUDE] = inherited_origin(base, base->origin[K_FORCE_EXCLUDE]);
    }
#undef TAKE
}

#define MAX_EXTEND_DEPTH 16

static int load_ruff(struct as_config *out, const char *path, int depth, char **seen, char **err)
{
    char *text = NULL;
    size_t len = 0;
    memset(out, 0, sizeof(*out));
    if (read_file(path, &text, &len, err)) return -1;
    int rc = parse(out, path, text, len, is_pyproject_name(path), true, NULL, err);
    free(text);
    if (rc || !out->extend) return rc;
    char real[PATH_MAX];
    if (!realpath(out->extend, real)) {
        size_t n = strlen(path) + strlen(out->extend) + 64;
        *err = as_xmalloc(n);
        snprintf(*err, n, "%s: 'extend' names %s, which cannot be read", path, out->extend);
        return -1;
    }
    for (int i = 0; i < depth; i++)
        if (strcmp(seen[i], real) == 0 || depth >= MAX_EXTEND_DEPTH) {
            size_t n = strlen(path) + 96;
            *err = as_xmalloc(n);
            snprintf(*err, n, "%s: 'extend' chain is circular or deeper than %d files", path, MAX_EXTEND_DEPTH);
            return -1;
        }
    seen[depth] = real;
    struct as_config base;
    rc = load_ruff(&base, out->extend, depth + 1, seen, err);
    if (rc == 0) merge_base(out, &base);
    as_config_release(&base);
    return rc;
}

int as_ruff_config_load(struct as_config *out, const char *path, char **err)
{
    char *seen[MAX_EXTEND_DEPTH + 1];
    char real[PATH_MAX];
    seen[0] = realpath(path, real) ? real : (char *)path;
    return load_ruff(out, path, 1, seen, err);
}
