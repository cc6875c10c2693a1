/* noqa_edit.c — `--add-noqa`: inserts or merges ruff-style `# noqa: CODES` directives into a file's text
 * (see noqa_edit.h). Owns the per-line Python-aware scan that finds where a line's comment starts (skipping
 * string literals, f-string replacement fields included) and the rewriting of one line; recognising a
 * directive is noqa.c's as_noqa_parse. */
#include "pipeline/noqa_edit.h"

#include "input/notebook.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/noqa.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define NPOS SIZE_MAX
#define MAX_NEST 32   /* f-string fields nested in f-strings nested in ... : give up (skip the line) beyond */

struct want {
    size_t line;
    const char *code;
    size_t len;
};

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f'; }
static bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_quote(char c) { return c == '\'' || c == '"'; }

static bool is_id_start(char c)
{
    unsigned char u = (unsigned char)c;
    return u == '_' || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

static bool is_id_char(char c) { return is_id_start(c) || is_digit(c); }

/* A string prefix: one or two of r, b, u, f, t in any case. Sets *is_f for f-strings and t-strings. */
static bool string_prefix(const char *s, size_t n, bool *is_f)
{
    if (n == 0 || n > 2) return false;
    bool f = false;
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case 'r': case 'R': case 'b': case 'B': case 'u': case 'U': break;
        case 'f': case 'F': case 't': case 'T': f = true; break;
        default: return false;
        }
    }
    *is_f = f;
    return true;
}

static size_t skip_atom(const char *c, size_t n, size_t i, int depth);

/* After the '{' of an f-string replacement field: the expression, then an optional `:format spec` (literal
 * text with nested fields). Returns the index after the closing '}', or NPOS. */
static size_t skip_field(const char *c, size_t n, size_t i, int depth)
{
    if (depth > MAX_NEST) return NPOS;
    size_t nest = 0;   /* brackets open inside the expression */
    while (i < n) {
        char ch = c[i];
        if (is_quote(ch) || is_id_start(ch)) {
            i = skip_atom(c, n, i, depth + 1);
            if (i == NPOS) return NPOS;
            continue;
        }
        if (ch == '(' || ch == '[' || ch == '{') {
            nest++;
        } else if (ch == ')' || ch == ']') {
            if (nest) nest--;
        } else if (ch == '}') {
            if (nest == 0) return i + 1;
            nest--;
        } else if (ch == ':' && nest == 0) {
            /* format spec: quotes are literal here; '{' opens a nested field, '}' ends this one */
            for (i++; i < n; i++) {
                if (c[i] == '}') return i + 1;
                if (c[i] == '{') {
                    i = skip_field(c, n, i + 1, depth + 1);
                    if (i == NPOS) return NPOS;
                    i--;
                }
            }
            return NPOS;
        }
        i++;
    }
    return NPOS;
}

/* c[q] is an opening quote. Returns the index after the closing quote, or NPOS when the string does not close
 * within c[0..n). A backslash always keeps the next character from closing the string (raw strings too). */
static size_t skip_string(const char *c, size_t n, size_t q, bool is_f, int depth)
{
    char quote = c[q];
    bool triple = q + 2 < n && c[q + 1] == quote && c[q + 2] == quote;
    size_t i = q + (triple ? 3 : 1);
    while (i < n) {
        char ch = c[i];
        if (ch == '\\') {
            i += 2;
        } else if (ch == quote) {
            if (!triple) return i + 1;
            if (i + 2 < n && c[i + 1] == quote && c[i + 2] == quote) return i + 3;
            i++;
        } else if (is_f && ch == '{') {
            if (i + 1 < n && c[i + 1] == '{') {
                i += 2;
            } else {
                i = skip_field(c, n, i + 1, depth);
                if (i == NPOS) return NPOS;
            }
        } else {
            i++;
        }
    }
    return NPOS;
}

/* c[i] is a quote or starts an identifier: skips the identifier, or the string literal (with its prefix).
 * Returns the index after it, or NPOS for a string that does not close on the line. */
static size_t skip_atom(const char *c, size_t n, size_t i, int depth)
{
    bool is_f = false;
    if (!is_quote(c[i])) {
        size_t s = i;
        while (i < n && is_id_char(c[i])) i++;
        if (i >= n || !is_quote(c[i]) || !string_prefix(c + s, i - s, &is_f)) return i;
    }
    return skip_string(c, n, i, is_f, depth);
}

/* Finds the '#' that starts the line's comment (n when none). False when a string literal opened on the line
 * does not close on it. */
static bool scan_line(const char *c, size_t n, size_t *comment)
{
    size_t i = 0;
    while (i < n) {
        char ch = c[i];
        if (ch == '#') break;
        if (is_quote(ch) || is_id_start(ch)) {
            i = skip_atom(c, n, i, 0);
            if (i == NPOS) return false;
            continue;
        }
        i++;
    }
    *comment = i;
    return true;
}

/* A rule code as noqa.h lexes and stores it: [A-Z]+[0-9]+, shorter than AS_NOQA_CODE_MAX. */
static bool valid_code(const char *s, size_t *len)
{
    if (!s) return false;
    size_t i = 0;
    while (is_upper(s[i])) i++;
    size_t d = i;
    while (is_digit(s[i])) i++;
    if (d == 0 || i == d || s[i] != '\0' || i >= AS_NOQA_CODE_MAX) return false;
    *len = i;
    return true;
}

static int cmp_code(const char *a, size_t alen, const char *b, size_t blen)
{
    int r = memcmp(a, b, alen < blen ? alen : blen);
    if (r) return r;
    return (alen > blen) - (alen < blen);
}

static int cmp_want(const void *pa, const void *pb)
{
    const struct want *a = pa, *b = pb;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    return cmp_code(a->code, a->len, b->code, b->len);
}

struct span {
    size_t off, len;
};

static bool span_has(const char *c, const struct span *sp, size_t n, const char *code, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (sp[i].len == len && memcmp(c + sp[i].off, code, len) == 0) return true;
    return false;
}

static void put_codes(struct as_buf *b, const struct want *w, size_t k, bool first)
{
    for (size_t i = 0; i < k; i++) {
        if (!first) as_buf_add(b, ", ", 2);
        as_buf_add(b, w[i].code, w[i].len);
        first = false;
    }
}

/* Rewrites the directive `# noqa...` at c[h] (the first that as_noqa_parse recognises in the comment; coded or
 * malformed) with the missing codes added. Returns 1 when it changed the line, 0 when nothing was missing. */
static int merge_directive(struct as_buf *b, const char *c, size_t n, size_t h, const struct want *w, size_t k)
{
    /* Lex the directive as noqa.c does: '#', spaces, "noqa", spaces, ':', then codes separated by commas
     * and/or spaces, stopping at the first token that is not a code. */
    size_t p = h + 1;
    while (p < n && is_ws(c[p])) p++;
    p += 4;
    while (p < n && is_ws(c[p])) p++;
    p++;   /* ':' */
    size_t end = p;
    struct span *sp = as_xmalloc(sizeof(*sp) * (n / 2 + 1));   /* a code takes >= 2 bytes */
    size_t ns = 0;
    for (;;) {
        while (p < n && (is_ws(c[p]) || c[p] == ',')) p++;
        size_t s = p;
        while (p < n && is_upper(c[p])) p++;
        size_t d = p;
        while (p < n && is_digit(c[p])) p++;
        if (d == s || p == d) break;
        if (!span_has(c, sp, ns, c + s, p - s)) sp[ns++] = (struct span){s, p - s};
        end = p;
        if (p < n && !is_ws(c[p]) && c[p] != ',') break;
    }
    struct want *missing = as_xmalloc(sizeof(*missing) * k);
    size_t nm = 0;
    for (size_t i = 0; i < k; i++)
        if (!span_has(c, sp, ns, w[i].code, w[i].len)) missing[nm++] = w[i];
    int changed = 0;
    if (nm) {
        as_buf_add(b, c, h);
        as_buf_add(b, "# noqa: ", 8);
        for (size_t i = 0; i < ns; i++) {
            if (i) as_buf_add(b, ", ", 2);
            as_buf_add(b, c + sp[i].off, sp[i].len);
        }
        put_codes(b, missing, nm, ns == 0);
        /* keep text glued to the last code glued (`X1Y2`: the parser reads X1 and stops, so must it read the
         * new last code and stop); otherwise separate it (`X1#tail` -> `X1, A1 #tail`) */
        if (end < n && !is_ws(c[end]) && c[end] != ',' && !is_upper(c[end])) as_buf_putc(b, ' ');
        as_buf_add(b, c + end, n - end);
        changed = 1;
    }
    free(missing);
    free(sp);
    return changed;
}

const char *as_noqa_skip_reason_text(enum as_noqa_skip_reason reason)
{
    switch (reason) {
    case AS_NOQA_SKIP_NO_CODE: return "no statement starts on the line";
    case AS_NOQA_SKIP_STRING: return "the line opens a string that continues on the next line";
    case AS_NOQA_SKIP_CONTINUATION: return "the line ends in a backslash continuation";
    }
    return "";
}

/* Appends line c[0..n) (no terminator, no BOM) to b, edited for the k wanted codes w (sorted, distinct).
 * Returns 1 when changed, 0 when already suppressed, -1 when skipped (the line is appended unchanged, and
 * *why says why). */
static int edit_line(struct as_buf *b, const char *c, size_t n, const struct want *w, size_t k,
                     enum as_noqa_skip_reason *why)
{
    size_t hash;
    *why = AS_NOQA_SKIP_STRING;
    if (!scan_line(c, n, &hash)) goto unchanged_skip;
    size_t code_end = hash;
    while (code_end > 0 && is_ws(c[code_end - 1])) code_end--;
    *why = code_end == 0 ? AS_NOQA_SKIP_NO_CODE : AS_NOQA_SKIP_CONTINUATION;
    if (code_end == 0 || c[code_end - 1] == '\\') goto unchanged_skip;   /* no statement; or continued */

    size_t end = n;   /* where the new directive goes: after the code, or after the existing comment */
    if (hash < n) {
        for (size_t h = hash; h < n;) {
            const char *nx = memchr(c + h + 1, '#', n - h - 1);
            size_t seg = nx ? (size_t)(nx - c) : n;
            struct as_noqa nq;
            enum as_noqa_kind kind = as_noqa_parse(c + h, seg - h, false, &nq);
            if (kind == AS_NOQA_BLANKET) goto unchanged;
            if (kind != AS_NOQA_NONE) {
                if (merge_directive(b, c, n, h, w, k)) return 1;
                goto unchanged;
            }
            h = seg;
        }
    } else {
        end = code_end;
    }
    while (end > 0 && is_ws(c[end - 1])) end--;
    as_buf_add(b, c, end);
    as_buf_add(b, "  # noqa: ", 10);
    put_codes(b, w, k, true);
    return 1;

unchanged:
    as_buf_add(b, c, n);
    return 0;
unchanged_skip:
    as_buf_add(b, c, n);
    return -1;
}

int as_noqa_add_ex(const char *text, size_t len, const struct as_noqa_want *wants, size_t n, char **out,
                   size_t *out_len, size_t *skipped, struct as_noqa_skip *skips)
{
    size_t n_skips = 0;
    *out = NULL;
    *out_len = 0;
    if (skipped) *skipped = 0;
    if (!text || len == 0 || !wants || n == 0) return 0;

    struct want *w = as_xmalloc(sizeof(*w) * n);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        size_t clen;
        if (wants[i].line == 0 || !valid_code(wants[i].code, &clen)) continue;
        w[m++] = (struct want){wants[i].line, wants[i].code, clen};
    }
    qsort(w, m, sizeof(*w), cmp_want);
    size_t u = 0;   /* drop duplicates */
    for (size_t i = 0; i < m; i++)
        if (u == 0 || cmp_want(&w[u - 1], &w[i]) != 0) w[u++] = w[i];
    m = u;

    struct as_buf b;
    as_buf_init(&b);
    int changed = 0;
    size_t pos = 0, line = 1, wi = 0;
    while (wi < m && pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n' && text[e] != '\r') e++;
        size_t next = e;
        if (next < len) next += (text[next] == '\r' && next + 1 < len && text[next + 1] == '\n') ? 2 : 1;
        if (w[wi].line == line) {
            size_t wend = wi;
            while (wend < m && w[wend].line == line) wend++;
            size_t start = pos;
            if (pos == 0 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) start = 3;   /* UTF-8 BOM */
            as_buf_add(&b, text + pos, start - pos);
            enum as_noqa_skip_reason why;
            int r = edit_line(&b, text + start, e - start, w + wi, wend - wi, &why);
            if (r > 0) changed++;
            if (r < 0 && skips) skips[n_skips] = (struct as_noqa_skip){(uint32_t)line, why};
            if (r < 0) n_skips++;
            as_buf_add(&b, text + e, next - e);
            wi = wend;
        } else {
            as_buf_add(&b, text + pos, next - pos);
        }
        pos = next;
        line++;
    }
    free(w);
    if (skipped) *skipped = n_skips;
    if (changed == 0) {
        as_buf_release(&b);
        return 0;
    }
    as_buf_add(&b, text + pos, len - pos);
    *out = as_buf_detach(&b, out_len);
    return changed;
}

int as_noqa_add(const char *text, size_t len, const struct as_noqa_want *wants, size_t n, char **out,
                size_t *out_len)
{
    return as_noqa_add_ex(text, len, wants, n, out, out_len, NULL, NULL);
}

int as_noqa_add_file(bool notebook, const char *bytes, size_t len, const struct as_noqa_want *wants, size_t n,
                     char **out, size_t *out_len, size_t *skipped, struct as_noqa_skip *skips, char *err, size_t errlen)
{
    if (!notebook) return as_noqa_add_ex(bytes, len, wants, n, out, out_len, skipped, skips);
    *out = NULL;
    *out_len = 0;
    struct as_arena arena;
    as_arena_init(&arena);
    struct as_notebook nb;
    char *edited = NULL;
    size_t edited_len = 0;
    int changed = -1;
    if (as_notebook_read(&nb, &arena, bytes, len, err, errlen) == 0) {
        changed = as_noqa_add_ex(nb.original, nb.len, wants, n, &edited, &edited_len, skipped, skips);
        if (changed > 0 && as_notebook_apply(&nb, bytes, len, edited, edited_len, out, out_len, err, errlen) != 0)
            changed = -1;
    }
    free(edited);
    as_arena_release(&arena);
    return changed;
}
