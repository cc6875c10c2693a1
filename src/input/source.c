/* source.c — reading regular files safely and decoding Python source to UTF-8 (BOM, PEP 263 cookies through
 * iconv, strict UTF-8 validation), plus the line table that turns byte offsets into 1-based (line, column)
 * positions counted in code points. See source.h. */
#include "input/source.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/readfile.h"
#include "util/xalloc.h"

int as_source_read_file(const char *path, size_t max_size, char **bytes, size_t *len, char *err, size_t errlen)
{
    enum as_read_status rc = as_read_file(path, max_size, bytes, len, err, errlen);
    if (rc == AS_READ_TOO_LARGE)
        snprintf(err, errlen, "file is larger than the size limit (%zu bytes; --max-file-size)", max_size);
    return rc == AS_READ_OK ? 0 : -1;
}

/* Line and code-point column (1-based) of byte offset `off` in raw bytes, for error messages. */
static void raw_position(const char *s, size_t off, unsigned *line, unsigned *col)
{
    unsigned l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b == '\n' || (b == '\r' && (i + 1 >= off || s[i + 1] != '\n'))) {
            l++;
            c = 1;
        } else if (b == '\r') {
            /* the \n that follows ends the line */
        } else if ((b & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* Offset of the first invalid UTF-8 byte, or len when the text is valid (strict: no overlongs, no
 * surrogates, nothing above U+10FFFF). Plain ASCII runs are skipped eight bytes at a time. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i + 8 <= len) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= len) break;
        unsigned char b = s[i];
        if (b < 0x80) { i++; continue; }
        size_t need;
        uint32_t cp;
        if (b >= 0xC2 && b <= 0xDF) { need = 1; cp = b & 0x1F; }
        else if (b >= 0xE0 && b <= 0xEF) { need = 2; cp = b & 0x0F; }
        else if (b >= 0xF0 && b <= 0xF4) { need = 3; cp = b & 0x07; }
        else return i;
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need + 1;
    }
    return len;
}

/* PEP 263: `coding[:=]\s*([-\w.]+)` in a comment on line 1, or on line 2 when line 1 is a comment or blank.
 * Copies the name into out (lower-cased); returns the 1-based line or 0 when there is no cookie. */
static int find_cookie(const char *s, size_t len, char *out, size_t outlen)
{
    size_t pos = 0;
    for (int line = 1; line <= 2 && pos < len; line++) {
        size_t end = pos;
        while (end < len && s[end] != '\n' && s[end] != '\r') end++;
        size_t p = pos;
        while (p < end && (s[p] == ' ' || s[p] == '\t' || s[p] == '\f')) p++;
        bool is_comment = p < end && s[p] == '#';
        if (is_comment) {
            for (size_t k = p; k + 6 < end; k++) {
                if (memcmp(s + k, "coding", 6) != 0 || (s[k + 6] != ':' && s[k + 6] != '=')) continue;
                size_t v = k + 7;
                while (v < end && (s[v] == ' ' || s[v] == '\t')) v++;
                size_t n = 0;
                while (v < end && n + 1 < outlen && (isalnum((unsigned char)s[v]) || s[v] == '-' || s[v] == '_' || s[v] == '.'))
                    out[n++] = (char)tolower((unsigned char)s[v++]);
                out[n] = '\0';
                if (n) return line;
                break;
            }
        }
        if (!is_comment && p < end) return 0;   /* line 1 is code: no cookie on line 2 */
        pos = end;
        if (pos < len && s[pos] == '\r') pos++;
        if (pos < len && s[pos] == '\n') pos++;
    }
    return 0;
}

static bool is_utf8_name(const char *n)
{
    return strcmp(n, "utf-8") == 0 || strcmp(n, "utf8") == 0 || strcmp(n, "utf_8") == 0 ||
           strncmp(n, "utf-8-", 6) == 0 || strncmp(n, "utf_8_", 6) == 0 || strcmp(n, "u8") == 0 ||
           strcmp(n, "utf") == 0;
}

/* The iconv name for a Python codec name. */
static const char *iconv_name(const char *n, char *buf, size_t buflen)
{
    if (!strcmp(n, "latin-1") || !strcmp(n, "latin_1") || !strcmp(n, "latin1") || !strcmp(n, "iso-8859-1") ||
        !strcmp(n, "iso8859-1") || !strcmp(n, "iso_8859_1") || !strcmp(n, "l1") || strncmp(n, "iso-latin-1", 11) == 0)
        return "ISO-8859-1";
    if (!strcmp(n, "cp1252") || !strcmp(n, "windows-1252") || !strcmp(n, "windows_1252")) return "CP1252";
    if (!strcmp(n, "ascii") || !strcmp(n, "us-ascii")) return "ASCII";
    size_t i = 0;
    for (; n[i] && i + 1 < buflen; i++) buf[i] = n[i] == '_' ? '-' : (char)toupper((unsigned char)n[i]);
    buf[i] = '\0';
    return buf;
}

/* The line starts after the first in t[0..len) (a line ends at `\n`, `\r\n` or a lone `\r`), written to starts
 * when given; their number. Without a `\r` (has_cr false), memchr finds the breaks many bytes at a time (the
 * byte loop was ~1% of a cold run). */
static size_t line_breaks(const char *t, size_t len, bool has_cr, uint32_t *starts)
{
    size_t n = 0;
    if (!len) return 0;
    if (!has_cr) {
        for (const char *p = t, *end = t + len; p < end && (p = memchr(p, '\n', (size_t)(end - p))); p++) {
            if (starts) starts[n] = (uint32_t)(p - t + 1);
            n++;
        }
        return n;
    }
    for (size_t i = 0; i < len; i++)
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= len || t[i + 1] != '\n'))) {
            if (starts) starts[n] = (uint32_t)(i + 1);
            n++;
        }
    return n;
}

static void build_lines(struct as_source *self, struct as_arena *arena)
{
    bool has_cr = self->len && memchr(self->text, '\r', self->len);
    size_t n = 1 + line_breaks(self->text, self->len, has_cr, NULL);
    self->line_starts = as_arena_alloc(arena, n * sizeof(uint32_t));
    self->n_lines = n;
    self->line_starts[0] = 0;
    line_breaks(self->text, self->len, has_cr, self->line_starts + 1);
}

int as_source_decode(struct as_source *self, struct as_arena *arena, const char *bytes, size_t len, char *err,
                     size_t errlen)
{
    if (as_source_decode_lazy(self, arena, bytes, len, err, errlen) != 0) return -1;
    as_source_finish(self, arena);
    return 0;
}

/* A CR not followed by LF ends a line for Python (universal newlines, also inside strings), not for the
 * grammar: each becomes LF, which keeps every byte offset, so positions and the line table are unchanged. */
static void lone_cr_to_lf(char *t, size_t len)
{
    for (char *p = t, *end = t + len; p < end && (p = memchr(p, '\r', (size_t)(end - p))); p++)
        if (p + 1 >= end || p[1] != '\n') *p = '\n';
}

void as_source_finish(struct as_source *self, struct as_arena *arena)
{
    if (self->borrowed) {
        self->text = as_arena_strndup(arena, self->text, self->len);
        self->borrowed = false;
    }
    if (!self->line_starts) build_lines(self, arena);
    if (memchr(self->text, '\r', self->len)) lone_cr_to_lf((char *)self->text, self->len);   /* the arena's copy */
}

/* The ASCII letter, digit or underscore that NFKC makes of the 3- or 4-byte UTF-8 sequence at p (end: the
 * text's end), or 0. Covered: the full-width forms (U+FF10-FF19, U+FF21-FF3A, U+FF3F, U+FF41-FF5A) and the
 * mathematical alphanumeric letters and digits (U+1D400-1D6A3, U+1D7CE-1D7FF) — the compatibility characters
 * an identifier can hold that NFKC turns into ASCII. Quotes, brackets and other punctuation are left alone: a
 * full-width one is not Python syntax, and folding it would change what the grammar sees. */
static char compat_ascii(const unsigned char *p, const unsigned char *end, size_t *n)
{
    if (p[0] == 0xEF && end - p >= 3 && (p[1] == 0xBC || p[1] == 0xBD) && (p[2] & 0xC0) == 0x80) {
        unsigned cp = 0xF000u | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        *n = 3;
        if (cp >= 0xFF10 && cp <= 0xFF19) return (char)('0' + (cp - 0xFF10));
        if (cp >= 0xFF21 && cp <= 0xFF3A) return (char)('A' + (cp - 0xFF21));
        if (cp >= 0xFF41 && cp <= 0xFF5A) return (char)('a' + (cp - 0xFF41));
        if (cp == 0xFF3F) return '_';
        return 0;
    }
    if (p[0] == 0xF0 && end - p >= 4 && p[1] == 0x9D && (p[2] & 0xC0) == 0x80 && (p[3] & 0xC0) == 0x80) {
        unsigned cp = 0x1D000u | (unsigned)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
        *n = 4;
        if (cp >= 0x1D400 && cp <= 0x1D6A3) {
            unsigned k = (cp - 0x1D400) % 52;
            return (char)(k < 26 ? 'A' + k : 'a' + (k - 26));
        }
        if (cp >= 0x1D7CE && cp <= 0x1D7FF) return (char)('0' + (cp - 0x1D7CE) % 10);
    }
    return 0;
}

/* Python reads identifiers through NFKC (`ｔｉｍｅ.sleep` runs as time.sleep): the compatibility letters above
 * become ASCII in the text everything after decoding sees, strings and comments included (a display change
 * only: each is one code point for one, so lines and columns stay where they were). Files without such a
 * character (two memchr passes) are left as they are. */
static void fold_compatibility_letters(struct as_source *self, struct as_arena *arena)
{
    const unsigned char *t = (const unsigned char *)self->text, *end = t + self->len;
    if (!memchr(t, 0xEF, self->len) && !memchr(t, 0xF0, self->len)) return;
    size_t n;
    const unsigned char *first = NULL;
    for (const unsigned char *p = t; p < end && !first; p++)
        if ((*p == 0xEF || *p == 0xF0) && compat_ascii(p, end, &n)) first = p;
    if (!first) return;
    char *out = as_arena_alloc(arena, self->len + 1);
    size_t k = (size_t)(first - t);
    memcpy(out, t, k);
    for (const unsigned char *p = first; p < end;) {
        char c = (*p == 0xEF || *p == 0xF0) ? compat_ascii(p, end, &n) : 0;
        if (c) {
            out[k++] = c;
            p += n;
        } else {
            out[k++] = (char)*p++;
        }
    }
    out[k] = '\0';
    self->text = out;
    self->len = k;
    self->borrowed = false;
    self->line_starts = NULL;
}

int as_source_decode_lazy(struct as_source *self, struct as_arena *arena, const char *bytes, size_t len, char *err,
                          size_t errlen)
{
    memset(self, 0, sizeof(*self));
    const unsigned char *u = (const unsigned char *)bytes;
    if (len >= 4 && ((u[0] == 0xFF && u[1] == 0xFE && u[2] == 0 && u[3] == 0) ||
                     (u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF))) {
        snprintf(err, errlen, "UTF-32 is not supported (file starts with a UTF-32 byte order mark)");
        return -1;
    }
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        snprintf(err, errlen, "UTF-16 is not supported (file starts with a UTF-16 byte order mark)");
        return -1;
    }
    bool bom = len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF;
    if (bom) {
        bytes += 3;
        len -= 3;
    }
    if (len > UINT32_MAX - 2) {
        snprintf(err, errlen, "file is larger than 4 GiB");
        return -1;
    }
    const char *nul = memchr(bytes, '\0', len);
    if (nul) {
        unsigned line, col;
        raw_position(bytes, (size_t)(nul - bytes), &line, &col);
        snprintf(err, errlen, "file contains a NUL byte at line %u (binary file?)", line);
        return -1;
    }
    char name[64];
    int cookie_line = find_cookie(bytes, len, name, sizeof(name));
    if (cookie_line && !is_utf8_name(name)) {
        if (bom) {
            snprintf(err, errlen, "encoding problem: utf-8 BOM with coding cookie '%s'", name);
            return -1;
        }
        char ibuf[64];
        const char *from = iconv_name(name, ibuf, sizeof(ibuf));
        iconv_t cd = iconv_open("UTF-8", from);
        if (cd == (iconv_t)-1) {
            snprintf(err, errlen, "unknown encoding '%s' in coding cookie (line %d)", name, cookie_line);
            return -1;
        }
        size_t cap = len * 4 + 16;
        char *out = as_arena_alloc(arena, cap + 1);
        char *in = (char *)bytes, *op = out;
        size_t inleft = len, outleft = cap;
        size_t rc = iconv(cd, &in, &inleft, &op, &outleft);
        iconv_close(cd);
        if (rc == (size_t)-1) {
            unsigned line, col;
            raw_position(bytes, (size_t)(in - bytes), &line, &col);
            snprintf(err, errlen, "cannot decode as %s at line %u, column %u", name, line, col);
            return -1;
        }
        *op = '\0';
        self->text = out;
        self->len = (size_t)(op - out);
    } else {
        size_t bad = utf8_invalid_at((const unsigned char *)bytes, len);
        if (bad < len) {
            unsigned line, col;
            raw_position(bytes, bad, &line, &col);
            snprintf(err, errlen, "invalid UTF-8 at line %u, column %u", line, col);
            return -1;
        }
        self->text = bytes;   /* valid as it is: copied by as_source_finish only if it is to be parsed */
        self->len = len;
        self->borrowed = true;
    }
    fold_compatibility_letters(self, arena);
    return 0;
}

int as_source_encode_like(const char *orig, size_t orig_len, const char *text, size_t len, char **out,
                          size_t *out_len, char *err, size_t errlen)
{
    bool bom = orig_len >= 3 && memcmp(orig, "\xEF\xBB\xBF", 3) == 0;
    char name[64];
    int cookie_line = bom ? 0 : find_cookie(text, len, name, sizeof(name));
    if (!cookie_line || is_utf8_name(name)) {
        size_t pre = bom ? 3 : 0;
        *out = as_xmalloc(pre + len + 1);
        memcpy(*out, "\xEF\xBB\xBF", pre);
        memcpy(*out + pre, text, len);
        (*out)[pre + len] = '\0';
        *out_len = pre + len;
        return 0;
    }
    char ibuf[64];
    iconv_t cd = iconv_open(iconv_name(name, ibuf, sizeof(ibuf)), "UTF-8");
    if (cd == (iconv_t)-1) {
        snprintf(err, errlen, "cannot encode as '%s'", name);
        return -1;
    }
    size_t cap = len * 4 + 16;   /* UTF-8 -> any single- or multi-byte encoding iconv knows */
    char *buf = as_xmalloc(cap + 1), *op = buf, *in = (char *)text;
    size_t inleft = len, outleft = cap;
    size_t rc = iconv(cd, &in, &inleft, &op, &outleft);
    iconv_close(cd);
    if (rc == (size_t)-1) {
        snprintf(err, errlen, "the edited text cannot be encoded as %s", name);
        free(buf);
        return -1;
    }
    *op = '\0';
    *out = buf;
    *out_len = (size_t)(op - buf);
    return 0;
}

void as_source_position(const struct as_source *self, size_t offset, uint32_t *line, uint32_t *col)
{
    if (offset > self->len) offset = self->len;
    size_t lo = 0, hi = self->n_lines;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (self->line_starts[mid] <= offset) lo = mid;
        else hi = mid;
    }
    uint32_t c = 1;
    for (size_t i = self->line_starts[lo]; i < offset; i++)
        if (((unsigned char)self->text[i] & 0xC0) != 0x80) c++;
    *line = (uint32_t)lo + 1;
    *col = c;
}
