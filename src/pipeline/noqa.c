/* noqa.c — the `# noqa` grammar (ruff's lexer: shared/docs/ecosystem.md section 4) and file-level exemptions
 * (`# asyncscan: noqa`, `# ruff: noqa[: CODES]`, `# flake8: noqa[: CODES]`). See noqa.h. */
#include "pipeline/noqa.h"

#include <ctype.h>
#include <string.h>

static bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\f'; }

static bool ieq4(const char *p, const char *end)
{
    return end - p >= 4 && tolower((unsigned char)p[0]) == 'n' && tolower((unsigned char)p[1]) == 'o' &&
           tolower((unsigned char)p[2]) == 'q' && tolower((unsigned char)p[3]) == 'a';
}

/* Lexes the token at *p (after separators): 1 = a code, go on; 2 = a code, then stop (`ASYNC251X...`: ruff
 * warns and keeps it); 0 = not a code, stop. A code too long to keep is passed over (returns 1, *n = 0). */
static int lex_code(const char **p, const char *end, const char **code, size_t *n)
{
    const char *q = *p;
    while (q < end && (is_ws(*q) || *q == ',')) q++;
    const char *s = q;
    while (q < end && *q >= 'A' && *q <= 'Z') q++;
    const char *d = q;
    while (q < end && *q >= '0' && *q <= '9') q++;
    *p = q;
    if (d == s || q == d) return 0;
    *code = s;
    *n = (size_t)(q - s) < AS_NOQA_CODE_MAX ? (size_t)(q - s) : 0;
    return q < end && !is_ws(*q) && *q != ',' ? 2 : 1;
}

/* Reads codes after the colon: letters then digits, separated by commas and/or whitespace; stops at the first
 * token that is not a code. Only counts them and remembers where the list is: any number of codes costs no
 * memory (as_noqa_next_code reads them again). */
static void read_codes(const char *p, const char *end, struct as_noqa *out)
{
    out->codes_at = p;
    out->codes_end = end;
    const char *code;
    size_t n;
    for (int r; (r = lex_code(&p, end, &code, &n)) != 0;) {
        if (n) out->n_codes++;
        if (r == 2) return;
    }
}

bool as_noqa_next_code(const struct as_noqa *self, const char **cursor, char out[AS_NOQA_CODE_MAX])
{
    const char *p = *cursor ? *cursor : self->codes_at;
    if (!p || self->kind != AS_NOQA_CODES) return false;
    const char *code;
    size_t n;
    for (int r; (r = lex_code(&p, self->codes_end, &code, &n)) != 0;) {
        if (r == 2) p = self->codes_end;   /* the last code */
        if (!n) continue;
        memcpy(out, code, n);
        out[n] = '\0';
        *cursor = p;
        return true;
    }
    *cursor = self->codes_end;
    return false;
}

/* After "noqa": blanket, codes, or invalid. */
static enum as_noqa_kind after_noqa(const char *p, const char *end, struct as_noqa *out)
{
    const char *q = p;
    while (q < end && is_ws(*q)) q++;
    if (q < end && *q == ':') {
        read_codes(q + 1, end, out);
        out->kind = out->n_codes ? AS_NOQA_CODES : AS_NOQA_INVALID;
        return out->kind;
    }
    /* end of comment, another '#', or whitespace followed by something that is not a colon: blanket */
    if (p == end || *p == '#' || is_ws(*p)) {
        out->kind = AS_NOQA_BLANKET;
        return out->kind;
    }
    return AS_NOQA_NONE;   /* `# noqaX`: not a directive */
}

static enum as_noqa_kind file_level(const char *c, const char *end, struct as_noqa *out)
{
    static const char *const tools[] = {"asyncscan", "ruff", "flake8", NULL};
    const char *p = c + 1;
    while (p < end && is_ws(*p)) p++;
    for (size_t t = 0; tools[t]; t++) {
        size_t n = strlen(tools[t]);
        if ((size_t)(end - p) < n || memcmp(p, tools[t], n) != 0) continue;
        const char *q = p + n;
        while (q < end && is_ws(*q)) q++;
        if (q >= end || *q != ':') return AS_NOQA_NONE;
        q++;
        while (q < end && is_ws(*q)) q++;
        if (!ieq4(q, end)) return AS_NOQA_NONE;
        q += 4;
        const char *r = q;
        while (r < end && is_ws(*r)) r++;
        out->file_level = true;
        if (r >= end) {
            out->kind = AS_NOQA_BLANKET;
            return out->kind;
        }
        if (*r == ':') {
            read_codes(r + 1, end, out);
            out->kind = out->n_codes ? AS_NOQA_CODES : AS_NOQA_INVALID;
            return out->kind;
        }
        out->file_level = false;
        return AS_NOQA_NONE;
    }
    return AS_NOQA_NONE;
}

enum as_noqa_kind as_noqa_parse(const char *comment, size_t len, bool own_line, struct as_noqa *out)
{
    memset(out, 0, sizeof(*out));
    const char *end = comment + len;
    if (len == 0 || comment[0] != '#') return AS_NOQA_NONE;
    if (own_line && file_level(comment, end, out) != AS_NOQA_NONE) return out->kind;
    memset(out, 0, sizeof(*out));
    /* Every '#' in the comment may start a directive: `# type: ignore # noqa: X`. */
    for (const char *h = comment; h && h < end; h = memchr(h + 1, '#', (size_t)(end - h - 1))) {
        const char *p = h + 1;
        while (p < end && is_ws(*p)) p++;
        if (!ieq4(p, end)) continue;
        enum as_noqa_kind k = after_noqa(p + 4, end, out);
        if (k != AS_NOQA_NONE) return k;
    }
    memset(out, 0, sizeof(*out));
    return AS_NOQA_NONE;
}

bool as_noqa_covers(const struct as_noqa *self, const char *code)
{
    if (self->kind == AS_NOQA_BLANKET) return true;
    if (self->kind != AS_NOQA_CODES) return false;
    char c[AS_NOQA_CODE_MAX];
    for (const char *at = NULL; as_noqa_next_code(self, &at, c);)
        if (strcmp(c, code) == 0) return true;
    return false;
}
