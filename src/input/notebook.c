/* notebook.c — Jupyter notebooks as Python input; see notebook.h. jansson parses and decodes the JSON; the
 * locator here only finds the byte range of each token of a text jansson has already accepted (skipping a string
 * means finding its closing quote), so that edits can be written back at a string's bytes. The magics are
 * recognised with a small line lexer that knows where strings, brackets and comments are. */
#include "input/notebook.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

bool as_notebook_path(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 6 && strcmp(path + n - 6, ".ipynb") == 0;
}

/* ---- the locator: token boundaries in JSON text jansson accepted ---- */

struct cursor { const char *s; size_t n, i; };

static void skip_ws(struct cursor *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static bool expect(struct cursor *c, char ch)
{
    skip_ws(c);
    if (c->i >= c->n || c->s[c->i] != ch) return false;
    c->i++;
    return true;
}

static void skip_string(struct cursor *c)
{
    for (c->i++; c->i < c->n && c->s[c->i] != '"'; c->i++)
        if (c->s[c->i] == '\\') c->i++;
    if (c->i < c->n) c->i++;
}

/* Skips one value (a container with everything in it, iteratively: no recursion on hostile depth). */
static void skip_value(struct cursor *c)
{
    skip_ws(c);
    size_t depth = 0;
    do {
        if (c->i >= c->n) return;
        char ch = c->s[c->i];
        if (ch == '"') {
            skip_string(c);
        } else if (ch == '{' || ch == '[') {
            depth++;
            c->i++;
        } else if (ch == '}' || ch == ']') {
            if (depth) depth--;
            c->i++;
        } else if (depth) {
            c->i++;
        } else {
            while (c->i < c->n && strchr("0123456789+-.eEtrufalsn", c->s[c->i])) c->i++;
        }
    } while (depth);
}

/* Calls fn for each member of the object at the cursor with its key's decoded text; fn must leave the cursor
 * after the member's value. False when the text is not an object there. */
static bool each_member(struct cursor *c, bool (*fn)(struct cursor *c, const char *key, void *ud), void *ud)
{
    if (!expect(c, '{')) return false;
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == '}') return c->i++, true;
    for (;;) {
        skip_ws(c);
        if (c->i >= c->n || c->s[c->i] != '"') return false;
        size_t k = c->i;
        skip_string(c);
        json_t *key = json_loadb(c->s + k, c->i - k, JSON_DECODE_ANY, NULL);
        bool ok = key && json_is_string(key) && expect(c, ':') && fn(c, json_string_value(key), ud);
        json_decref(key);
        if (!ok) return false;
        skip_ws(c);
        if (c->i < c->n && c->s[c->i] == ',') { c->i++; continue; }
        return expect(c, '}');
    }
}

/* ---- the magics ---- */

static const char *const automagics[] = {
    "alias", "alias_magic", "autoawait", "autocall", "automagic", "bookmark", "cd", "code_wrap", "colors", "conda",
    "config", "debug", "dhist", "dirs", "doctest_mode", "edit", "env", "gui", "history", "killbgscripts", "load",
    "load_ext", "loadpy", "logoff", "logon", "logstart", "logstate", "logstop", "lsmagic", "macro", "magic", "mamba",
    "matplotlib", "micromamba", "notebook", "page", "pastebin", "pdb", "pdef", "pdoc", "pfile", "pinfo", "pinfo2",
    "pip", "popd", "pprint", "precision", "prun", "psearch", "psource", "pushd", "pwd", "pycat", "pylab", "quickref",
    "recall", "rehashx", "reload_ext", "rerun", "reset", "reset_selective", "run", "save", "sc", "set_env", "sx",
    "system", "tb", "time", "timeit", "unalias", "unload_ext", "who", "who_ls", "whos", "xdel", "xmode"};
/* cell magics whose body is Python that runs in the notebook's namespace */
static const char *const python_cell_magics[] = {"capture", "debug",  "ipytest", "prun", "pypy",
                                                 "python",  "python3", "time",   "timeit"};
static const char *const assign_ops[] = {"=", "+=", "-=", "*=", "/=", "//=", "%=", "**=", "&=", "|=", "^="};

static bool is_blank(char ch) { return ch == ' ' || ch == '\t' || ch == '\f' || ch == '\v'; }

static bool word_in(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && memcmp(list[i], w, n) == 0) return true;
    return false;
}

/* The next whitespace-separated token of [*i, end). */
static const char *next_token(const char *s, size_t *i, size_t end, size_t *n)
{
    while (*i < end && (is_blank(s[*i]) || s[*i] == '\r' || s[*i] == '\n')) (*i)++;
    size_t start = *i;
    while (*i < end && !is_blank(s[*i]) && s[*i] != '\r' && s[*i] != '\n') (*i)++;
    *n = *i - start;
    return s + start;
}

/* ruff's rule: a cell is not Python when its first line starts with an automagic (`cd dir`, not `cd = 1`) or
 * any line starts with a cell magic other than the ones whose body is Python (`%%time`). */
static bool is_magic_cell(const char *s, size_t n)
{
    size_t i = 0, len;
    size_t eol = 0;
    while (eol < n && s[eol] != '\n' && s[eol] != '\r') eol++;
    const char *t = next_token(s, &i, eol, &len);
    if (len && word_in(t, len, automagics, sizeof(automagics) / sizeof(*automagics))) {
        const char *op = next_token(s, &i, eol, &len);
        if (!len || !word_in(op, len, assign_ops, sizeof(assign_ops) / sizeof(*assign_ops))) return true;
    }
    for (size_t start = 0; start < n;) {
        size_t end = start;
        while (end < n && s[end] != '\n' && s[end] != '\r') end++;
        size_t j = start;
        t = next_token(s, &j, end, &len);
        if (len >= 2 && t[0] == '%' && t[1] == '%' &&
            !word_in(t + 2, len - 2, python_cell_magics, sizeof(python_cell_magics) / sizeof(*python_cell_magics)))
            return true;
        start = end + 1;
    }
    return false;
}

/* Python's lexical state across the lines of one cell: inside a string (its quote, whether triple), the bracket
 * depth, a backslash continuation. */
struct lex { char quote; bool triple; size_t depth; bool continued; };

/* Lexes one line [s, e): updates the state; returns where its comment starts (e when none) and, in *last, the
 * last non-blank byte of its code (or e). */
static size_t lex_line(struct lex *lx, const char *s, size_t b, size_t e, size_t *last)
{
    lx->continued = false;
    *last = e;
    for (size_t i = b; i < e; i++) {
        char ch = s[i];
        if (lx->quote) {
            if (ch == '\\') { i++; if (i >= e) lx->continued = true; continue; }
            if (ch != lx->quote) continue;
            if (!lx->triple) { lx->quote = 0; *last = i; continue; }
            if (i + 2 < e && s[i + 1] == ch && s[i + 2] == ch) { lx->quote = 0; i += 2; *last = i; }
            continue;
        }
        if (ch == '#') return i;
        if (is_blank(ch)) continue;
        *last = i;
        if (ch == '\'' || ch == '"') {
            lx->quote = ch;
            lx->triple = i + 2 < e && s[i + 1] == ch && s[i + 2] == ch;
            if (lx->triple) i += 2;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            lx->depth++;
        } else if ((ch == ')' || ch == ']' || ch == '}') && lx->depth) {
            lx->depth--;
        } else if (ch == '\\' && i + 1 == e) {
            lx->continued = true;
        }
    }
    if (lx->quote && !lx->triple && !lx->continued) lx->quote = 0;   /* an unclosed one-line string ends here */
    return e;
}

/* Where an escape command starts on a logical line that begins at b: `%x`, `!x`, `?x`, `/f x`, `,f x`, `;f x`,
 * or the value of an assignment (`out = !ls`, `t = %time f()`); e when none. */
static size_t magic_start(const char *s, size_t b, size_t e)
{
    while (b < e && is_blank(s[b])) b++;
    if (b < e && strchr("%!?/,;", s[b])) return b;
    size_t i = b;
    while (i < e && (s[i] == '_' || s[i] == '.' || s[i] == ',' || s[i] == ' ' || (s[i] >= 'a' && s[i] <= 'z') ||
                     (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || (unsigned char)s[i] >= 0x80))
        i++;
    if (i == b || i >= e || s[i] != '=' || (i + 1 < e && s[i + 1] == '=')) return e;
    for (i++; i < e && is_blank(s[i]);) i++;
    return i < e && (s[i] == '%' || s[i] == '!') ? i : e;
}

static void blank_out(char *s, size_t b, size_t e)
{
    for (size_t i = b; i < e; i++) s[i] = i == b ? '0' : ' ';
}

/* Neutralises the line magics of one cell's text in place (same length, same lines). */
void as_notebook_neutralise(char *s, size_t n)
{
    struct lex lx = {0};
    bool magic_continues = false;
    for (size_t b = 0; b < n;) {
        size_t e = b;
        while (e < n && s[e] != '\n' && s[e] != '\r') e++;
        bool logical_start = !lx.quote && !lx.depth && !lx.continued;
        if (magic_continues) {
            magic_continues = e > b && s[e - 1] == '\\';
            memset(s + b, ' ', e - b);
        } else if (logical_start && magic_start(s, b, e) < e) {
            magic_continues = s[e - 1] == '\\';
            blank_out(s, magic_start(s, b, e), e);
        } else {
            size_t last;
            size_t first = b;
            while (first < e && is_blank(s[first])) first++;
            lex_line(&lx, s, b, e, &last);
            if (logical_start && last < e && s[last] == '?' && !lx.quote && !lx.depth) blank_out(s, first, e);
        }
        b = e < n && s[e] == '\r' && e + 1 < n && s[e + 1] == '\n' ? e + 2 : e + 1;
    }
}

/* ---- reading ---- */

struct reader {
    struct as_arena *arena;
    struct cursor cur;
    json_t *root;
    struct as_nb_cell *cells; size_t n_cells, cap;   /* the code cells kept */
    struct as_buf text;       /* the joined text, as written */
    uint32_t raw_index;       /* cells seen */
    uint32_t line;            /* the joined text's line count so far */
    char *err; size_t errlen;
    /* the cell being located */
    size_t source_at;         /* where its last "source" value starts; SIZE_MAX when none */
};

static bool note_source(struct cursor *c, const char *key, void *ud)
{
    struct reader *r = ud;
    skip_ws(c);
    if (strcmp(key, "source") == 0) r->source_at = c->i;
    skip_value(c);
    return true;
}

static uint32_t count_lines(const char *s, size_t n)
{
    uint32_t lines = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))) lines++;
    return lines;
}

/* Decodes the string token at the cursor into the joined text as one part of `cell`. */
static bool take_string(struct reader *r, struct as_nb_cell *cell, struct as_nb_part *part)
{
    struct cursor *c = &r->cur;
    skip_ws(c);
    if (c->i >= c->n || c->s[c->i] != '"') return false;
    size_t start = c->i;
    skip_string(c);
    json_t *v = json_loadb(c->s + start, c->i - start, JSON_DECODE_ANY, NULL);
    if (!v || !json_is_string(v)) { json_decref(v); return false; }
    part->cell_off = r->text.len - cell->text_off;
    part->len = json_string_length(v);
    part->json_start = start;
    part->json_end = c->i;
    as_buf_add(&r->text, json_string_value(v), json_string_length(v));
    json_decref(v);
    return true;
}

/* Locates and decodes the source of the code cell whose "source" value starts at `at`. */
static bool read_source(struct reader *r, struct as_nb_cell *cell, size_t at, size_t n_strings)
{
    struct cursor *c = &r->cur;
    c->i = at;
    cell->text_off = r->text.len;
    cell->parts = as_arena_alloc(r->arena, (n_strings ? n_strings : 1) * sizeof(*cell->parts));
    skip_ws(c);
    cell->value_start = c->i;
    cell->is_array = c->i < c->n && c->s[c->i] == '[';
    if (!cell->is_array) {
        cell->n_parts = 1;
        bool ok = take_string(r, cell, &cell->parts[0]);
        cell->value_end = c->i;
        return ok;
    }
    c->i++;
    for (size_t k = 0; k < n_strings; k++) {
        if (k && !expect(c, ',')) return false;
        if (!take_string(r, cell, &cell->parts[k])) return false;
        cell->n_parts++;
    }
    bool ok = expect(c, ']');
    cell->value_end = c->i;
    return ok;
}

static const char *cell_language(json_t *cell)
{
    json_t *lang = json_object_get(json_object_get(json_object_get(cell, "metadata"), "vscode"), "languageId");
    return json_is_string(lang) ? json_string_value(lang) : NULL;
}

/* One cell: markdown, raw and non-Python code cells only count; a code cell's text joins the module. */
static bool read_cell(struct cursor *c, void *ud)
{
    struct reader *r = ud;
    json_t *cell = json_array_get(json_object_get(r->root, "cells"), r->raw_index++);
    json_t *type = json_object_get(cell, "cell_type"), *src = json_object_get(cell, "source");
    r->source_at = SIZE_MAX;
    if (!json_is_object(cell) || !json_is_string(type) || !(json_is_string(src) || json_is_array(src)) ||
        !each_member(c, note_source, r) || r->source_at == SIZE_MAX) {
        snprintf(r->err, r->errlen, "not a Jupyter notebook: cell %u has no \"cell_type\" or \"source\"", r->raw_index);
        return false;
    }
    const char *lang = cell_language(cell);
    if (strcmp(json_string_value(type), "code") != 0 || (lang && strcmp(lang, "python") != 0)) return true;
    size_t n_strings = json_is_array(src) ? json_array_size(src) : 1;
    for (size_t k = 0; json_is_array(src) && k < n_strings; k++)
        if (!json_is_string(json_array_get(src, k))) {
            snprintf(r->err, r->errlen, "not a Jupyter notebook: cell %u's source is not text", r->raw_index);
            return false;
        }
    if (r->n_cells == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        struct as_nb_cell *grown = as_arena_alloc(r->arena, r->cap * sizeof(*grown));
        if (r->n_cells) memcpy(grown, r->cells, r->n_cells * sizeof(*grown));
        r->cells = grown;
    }
    struct as_nb_cell *cell_out = &r->cells[r->n_cells];
    memset(cell_out, 0, sizeof(*cell_out));
    size_t mark = r->text.len;
    if (!read_source(r, cell_out, r->source_at, n_strings)) {
        snprintf(r->err, r->errlen, "not a Jupyter notebook: cell %u's source could not be read", r->raw_index);
        return false;
    }
    cell_out->text_len = r->text.len - cell_out->text_off;
    if (is_magic_cell(r->text.data + cell_out->text_off, cell_out->text_len)) {
        r->text.len = mark;   /* a cell magic makes the cell another language: left out, as ruff does */
        return true;
    }
    cell_out->raw_index = r->raw_index;
    cell_out->first_line = r->line + 1;
    as_buf_putc(&r->text, '\n');
    r->line += count_lines(r->text.data + cell_out->text_off, cell_out->text_len + 1);
    r->n_cells++;
    return true;
}

static bool read_cells(struct cursor *c, const char *key, void *ud)
{
    struct reader *r = ud;
    if (strcmp(key, "cells") != 0) return skip_value(c), true;
    size_t after;
    if (!expect(c, '[')) return false;
    r->raw_index = 0;
    r->n_cells = 0;
    r->text.len = 0;
    r->line = 0;
    skip_ws(c);
    if (c->i < c->n && c->s[c->i] == ']') return c->i++, true;
    for (;;) {
        size_t cell_start = c->i;
        skip_ws(c);
        struct cursor probe = *c;
        skip_value(&probe);
        after = probe.i;
        c->i = cell_start;
        if (!read_cell(c, r)) return false;
        c->i = after;
        skip_ws(c);
        if (c->i < c->n && c->s[c->i] == ',') { c->i++; continue; }
        return expect(c, ']');
    }
}

static bool python_language(json_t *root)
{
    json_t *meta = json_object_get(root, "metadata");
    json_t *info = json_object_get(meta, "language_info");
    if (info) return json_is_string(json_object_get(info, "name")) &&
                     strcmp(json_string_value(json_object_get(info, "name")), "python") == 0;
    json_t *spec = json_object_get(meta, "kernelspec");
    if (spec) return json_is_string(json_object_get(spec, "language")) &&
                     strcmp(json_string_value(json_object_get(spec, "language")), "python") == 0;
    return true;
}

int as_notebook_read(struct as_notebook *self, struct as_arena *arena, const char *bytes, size_t len, char *err,
                     size_t errlen)
{
    memset(self, 0, sizeof(*self));
    json_error_t jerr;
    json_t *root = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        snprintf(err, errlen, "invalid notebook JSON at line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        return -1;
    }
    json_t *format = json_object_get(root, "nbformat");
    if (!json_is_object(root) || !json_is_array(json_object_get(root, "cells")) || !json_is_integer(format) ||
        json_integer_value(format) != 4) {
        snprintf(err, errlen, "not a Jupyter notebook of format 4 (an object with \"nbformat\": 4 and \"cells\")");
        json_decref(root);
        return -1;
    }
    struct reader r = {.arena = arena, .cur = {bytes, len, 0}, .root = root, .err = err, .errlen = errlen};
    as_buf_init(&r.text);
    snprintf(err, errlen, "not a Jupyter notebook: its \"cells\" could not be read");
    bool ok = each_member(&r.cur, read_cells, &r);
    self->is_python = python_language(root);
    json_decref(root);
    if (!ok) {
        as_buf_release(&r.text);
        return -1;
    }
    self->len = r.text.len;
    self->original = as_arena_strndup(arena, r.text.data ? r.text.data : "", r.text.len);
    self->text = as_arena_strndup(arena, self->original, self->len);
    as_buf_release(&r.text);
    self->cells = r.cells;
    self->n_cells = r.n_cells;
    for (size_t k = 0; k < self->n_cells; k++)
        as_notebook_neutralise(self->text + self->cells[k].text_off, self->cells[k].text_len);
    return 0;
}

const struct as_nb_cell *as_notebook_cell_at(const struct as_notebook *self, size_t off)
{
    size_t lo = 0, hi = self->n_cells;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (self->cells[mid].text_off <= off) lo = mid + 1; else hi = mid;
    }
    if (!lo) return NULL;
    const struct as_nb_cell *c = &self->cells[lo - 1];
    return off <= c->text_off + c->text_len ? c : NULL;
}

/* ---- writing edits back ---- */

/* The offset after `lines` more line ends from `at` (len when the text ends first): the walks below go forward
 * only, so writing a notebook back is linear in its size whatever the number of cells and lines. */
static size_t skip_lines(const char *text, size_t len, size_t at, uint32_t lines)
{
    size_t i = at;
    for (uint32_t l = 0; l < lines && i < len; i++)
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= len || text[i + 1] != '\n'))) l++;
    return i;
}

/* string_flags' own bit: the file spells its \u escapes in lower case (Python's json does), jansson in upper. */
#define LOWER_HEX (1u << 30)

/* Appends the JSON string token for `s` (jansson's encoding; `flags` JSON_ENSURE_ASCII for a file written so). */
static bool put_json_string(struct as_buf *out, const char *s, size_t n, size_t flags)
{
    json_t *v = json_stringn(s, n);
    char *enc = v ? json_dumps(v, JSON_ENCODE_ANY | (flags & ~(size_t)LOWER_HEX)) : NULL;
    json_decref(v);
    if (!enc) return false;
    for (char *p = enc; (flags & LOWER_HEX) && *p; p++)
        if (p[0] == '\\' && p[1] == 'u') {
            for (int k = 2; k < 6 && p[k]; k++)
                if (p[k] >= 'A' && p[k] <= 'F') p[k] = (char)(p[k] - 'A' + 'a');
            p += 5;
        } else if (p[0] == '\\' && p[1]) {
            p++;
        }
    as_buf_puts(out, enc);
    free(enc);
    return true;
}

/* A replacement of file bytes [start, end): a string to encode, or (raw) JSON text written as it is. */
struct splice { size_t start, end; const char *text; size_t len; bool raw; };

/* The splices of one cell whose text changed from old to new with the same lines: one per source string whose
 * lines changed when every string but the last ends a line (nbformat's way), else one over the changed strings. */
static void cell_splices(const struct as_nb_cell *cell, const char *old, const char *new, size_t new_len,
                         struct splice *sp, size_t *n_sp, struct as_arena *arena)
{
    bool aligned = true;
    for (size_t k = 0; k + 1 < cell->n_parts && aligned; k++) {
        const struct as_nb_part *p = &cell->parts[k];
        aligned = p->len && (old[p->cell_off + p->len - 1] == '\n' || old[p->cell_off + p->len - 1] == '\r');
    }
    if (aligned) {
        size_t a = 0;
        for (size_t k = 0; k < cell->n_parts; k++) {
            const struct as_nb_part *p = &cell->parts[k];
            size_t b = k + 1 == cell->n_parts ? new_len
                                              : skip_lines(new, new_len, a, count_lines(old + p->cell_off, p->len));
            size_t part_start = a;
            a = b;
            if (b - part_start == p->len && memcmp(new + part_start, old + p->cell_off, p->len) == 0) continue;
            sp[(*n_sp)++] = (struct splice){p->json_start, p->json_end, new + part_start, b - part_start, false};
        }
        return;
    }
    size_t old_len = cell->text_len, pre = 0, suf = 0;
    while (pre < old_len && pre < new_len && old[pre] == new[pre]) pre++;
    while (suf < old_len - pre && suf < new_len - pre && old[old_len - 1 - suf] == new[new_len - 1 - suf]) suf++;
    size_t first = 0, last = cell->n_parts - 1;
    while (first < last && cell->parts[first].cell_off + cell->parts[first].len <= pre) first++;
    while (last > first && cell->parts[last].cell_off >= old_len - suf) last--;
    size_t from = cell->parts[first].cell_off, to = cell->parts[last].cell_off + cell->parts[last].len;
    size_t n = to - from + new_len - old_len;
    char *merged = as_arena_strndup(arena, new + from, n);
    sp[(*n_sp)++] = (struct splice){cell->parts[first].json_start, cell->parts[last].json_end, merged, n, false};
}

/* The layout of an array that has no strings to copy it from: one string per line, indented one unit deeper
 * than the line of the "source" key, with the file's line ending (a compact file: `, ` between strings). */
static void empty_array_layout(const char *bytes, size_t at, struct as_buf *lead, struct as_buf *trail)
{
    size_t line = at;
    while (line > 0 && bytes[line - 1] != '\n') line--;
    if (line == 0) return;   /* one line: compact */
    const char *nl = line >= 2 && bytes[line - 2] == '\r' ? "\r\n" : "\n";
    size_t w = line;
    while (bytes[w] == ' ' || bytes[w] == '\t') w++;
    size_t unit = 0, first_nl = 0;
    while (bytes[first_nl] != '\n') first_nl++;
    while (bytes[first_nl + 1 + unit] == ' ' || bytes[first_nl + 1 + unit] == '\t') unit++;
    as_buf_puts(lead, nl);
    as_buf_add(lead, bytes + line, w - line);
    if (unit) as_buf_add(lead, bytes + first_nl + 1, unit);
    else as_buf_putc(lead, ' ');   /* the file's second line is not indented: one space (not its first byte) */
    as_buf_puts(trail, nl);
    as_buf_add(trail, bytes + line, w - line);
}

/* The new `source` value of a cell whose lines changed (JSON text, arena): its form and layout kept. NULL when
 * the text is not valid UTF-8. */
static const char *new_source(const struct as_nb_cell *cell, const char *bytes, const char *text, size_t n,
                              size_t flags, struct as_arena *arena, size_t *out_len)
{
    struct as_buf o, lead, sep, trail;
    as_buf_init(&o);
    as_buf_init(&lead);
    as_buf_init(&sep);
    as_buf_init(&trail);
    bool ok = true;
    if (!cell->is_array) {
        ok = put_json_string(&o, text, n, flags);
    } else if (n == 0) {
        as_buf_puts(&o, "[]");
    } else {
        const struct as_nb_part *p = cell->parts;
        size_t np = cell->n_parts;
        if (np) {
            as_buf_add(&lead, bytes + cell->value_start + 1, p[0].json_start - cell->value_start - 1);
            as_buf_add(&trail, bytes + p[np - 1].json_end, cell->value_end - 1 - p[np - 1].json_end);
        } else {
            empty_array_layout(bytes, cell->value_start, &lead, &trail);
        }
        if (np >= 2) {
            as_buf_add(&sep, bytes + p[0].json_end, p[1].json_start - p[0].json_end);
        } else {
            as_buf_putc(&sep, ',');
            if (lead.len) as_buf_add(&sep, lead.data, lead.len); else as_buf_putc(&sep, ' ');
        }
        as_buf_putc(&o, '[');
        as_buf_add(&o, lead.data, lead.len);
        for (size_t i = 0; i < n && ok;) {   /* one string per line, its line ending kept (ruff's split) */
            size_t e = i;
            while (e < n && text[e] != '\n' && text[e] != '\r') e++;
            if (e < n) e += text[e] == '\r' && e + 1 < n && text[e + 1] == '\n' ? 2 : 1;
            if (i) as_buf_add(&o, sep.data, sep.len);
            ok = put_json_string(&o, text + i, e - i, flags);
            i = e;
        }
        as_buf_add(&o, trail.data, trail.len);
        as_buf_putc(&o, ']');
    }
    const char *r = ok ? as_arena_strndup(arena, o.data ? o.data : "", o.len) : NULL;
    *out_len = o.len;
    as_buf_release(&o);
    as_buf_release(&lead);
    as_buf_release(&sep);
    as_buf_release(&trail);
    return r;
}

/* JSON_ENSURE_ASCII when the file is ASCII and escapes characters (`\u00e9`): new strings are written alike,
 * their hex digits in the file's case. */
static size_t string_flags(const char *bytes, size_t len)
{
    bool escapes = false, lower = false;
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)bytes[i] >= 0x80) return 0;
        if (bytes[i] != '\\' || i + 1 >= len) continue;
        if (bytes[i + 1] == 'u') {
            escapes = true;
            for (size_t k = i + 2; k < i + 6 && k < len; k++) lower |= bytes[k] >= 'a' && bytes[k] <= 'f';
        }
        i++;   /* the escaped character is not the start of another escape */
    }
    return escapes ? JSON_ENSURE_ASCII | (lower ? LOWER_HEX : 0) : 0;
}

/* Applies the splices (in file order) to bytes: *out is the new file, or NULL when there are none. */
static int splice_file(const char *bytes, size_t len, const struct splice *sp, size_t n_sp, size_t flags,
                       char **out, size_t *out_len, char *err, size_t errlen)
{
    struct as_buf o;
    as_buf_init(&o);
    size_t at = 0;
    for (size_t i = 0; i < n_sp; i++) {
        as_buf_add(&o, bytes + at, sp[i].start - at);
        if (sp[i].raw) {
            as_buf_add(&o, sp[i].text, sp[i].len);
        } else if (!put_json_string(&o, sp[i].text, sp[i].len, flags)) {
            snprintf(err, errlen, "an edited cell is not valid UTF-8");
            as_buf_release(&o);
            return -1;
        }
        at = sp[i].end;
    }
    if (n_sp) {
        as_buf_add(&o, bytes + at, len - at);
        *out = as_buf_detach(&o, out_len);
    } else {
        as_buf_release(&o);
    }
    return 0;
}

int as_notebook_apply_cells(const struct as_notebook *self, const char *bytes, size_t len, const char *edited,
                            size_t edited_len, const uint32_t *starts, char **out, size_t *out_len, char *err,
                            size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    size_t total_parts = 0;
    for (size_t k = 0; k < self->n_cells; k++) total_parts += self->cells[k].n_parts + 1;
    struct splice *sp = as_xcalloc(total_parts + 1, sizeof(*sp));
    size_t n_sp = 0, flags = string_flags(bytes, len);
    struct as_arena arena;
    as_arena_init(&arena);
    int rc = 0;
    for (size_t k = 0; k < self->n_cells && rc == 0; k++) {
        const struct as_nb_cell *c = &self->cells[k];
        size_t a = starts[k], b = k + 1 < self->n_cells ? starts[k + 1] : edited_len;
        if (b <= a || b > edited_len || edited[b - 1] != '\n' || (k == 0 && a != 0)) {
            snprintf(err, errlen, "an edit removed the end of cell %u", c->raw_index);
            rc = -1;
            break;
        }
        const char *old = self->original + c->text_off, *new = edited + a;
        size_t new_len = b - 1 - a;
        if (new_len == c->text_len && memcmp(new, old, new_len) == 0) continue;
        if (c->n_parts && count_lines(old, c->text_len) == count_lines(new, new_len)) {
            cell_splices(c, old, new, new_len, sp, &n_sp, &arena);
            continue;
        }
        size_t n;
        const char *json = new_source(c, bytes, new, new_len, flags, &arena, &n);
        if (!json) {
            snprintf(err, errlen, "an edited cell is not valid UTF-8");
            rc = -1;
        } else {
            sp[n_sp++] = (struct splice){c->value_start, c->value_end, json, n, true};
        }
    }
    if (rc == 0) rc = splice_file(bytes, len, sp, n_sp, flags, out, out_len, err, errlen);
    as_arena_release(&arena);
    free(sp);
    return rc;
}

int as_notebook_apply(const struct as_notebook *self, const char *bytes, size_t len, const char *edited,
                      size_t edited_len, char **out, size_t *out_len, char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (edited_len >= UINT32_MAX) {
        snprintf(err, errlen, "the edited notebook is too large");
        return -1;
    }
    uint32_t *starts = as_xcalloc(self->n_cells + 1, sizeof(*starts));
    size_t next = 0;   /* where the next cell starts in edited */
    int rc = 0;
    for (size_t k = 0; k < self->n_cells && rc == 0; k++) {
        const struct as_nb_cell *c = &self->cells[k];
        uint32_t lines = count_lines(self->original + c->text_off, c->text_len + 1);
        starts[k] = (uint32_t)next;
        size_t b = skip_lines(edited, edited_len, next, lines);
        if (b <= next || edited[b - 1] != '\n' || count_lines(edited + next, b - next) != lines) {
            snprintf(err, errlen, "an edit changed the lines of cell %u", c->raw_index);
            rc = -1;
        }
        next = b;
    }
    if (rc == 0 && next != edited_len) {
        snprintf(err, errlen, "an edit changed the lines of cell %u",
                 self->n_cells ? self->cells[self->n_cells - 1].raw_index : 0);
        rc = -1;
    }
    if (rc == 0) rc = as_notebook_apply_cells(self, bytes, len, edited, edited_len, starts, out, out_len, err, errlen);
    free(starts);
    return rc;
}

int as_notebook_code_cells(const char *bytes, size_t len, struct as_arena *arena, struct as_nb_code_cell **cells,
                           size_t *n_cells)
{
    *cells = NULL;
    *n_cells = 0;
    json_t *root = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, NULL);
    json_t *list = json_object_get(root, "cells");
    if (!json_is_array(list)) {
        json_decref(root);
        return -1;
    }
    size_t n = json_array_size(list);
    *cells = as_arena_alloc(arena, (n ? n : 1) * sizeof(**cells));
    for (size_t i = 0; i < n; i++) {
        json_t *cell = json_array_get(list, i), *type = json_object_get(cell, "cell_type");
        json_t *src = json_object_get(cell, "source");
        if (!json_is_string(type) || strcmp(json_string_value(type), "code") != 0) continue;
        struct as_buf b;
        as_buf_init(&b);
        if (json_is_string(src)) as_buf_add(&b, json_string_value(src), json_string_length(src));
        for (size_t k = 0; json_is_array(src) && k < json_array_size(src); k++) {
            json_t *line = json_array_get(src, k);
            if (json_is_string(line)) as_buf_add(&b, json_string_value(line), json_string_length(line));
        }
        (*cells)[(*n_cells)++] = (struct as_nb_code_cell){(uint32_t)(i + 1), as_arena_strndup(arena, b.data ? b.data : "", b.len), b.len};
        as_buf_release(&b);
    }
    json_decref(root);
    return 0;
}
