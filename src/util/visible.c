/* visible.c — escaping terminal-driving characters for display; see visible.h. */
#include "util/visible.h"

#include <stdio.h>
#include <string.h>

/* Length in bytes (1 to 3) of the escapable character at s[i], 0 when s[i] starts none; its code point in *cp. */
static size_t escapable_at(const unsigned char *s, size_t i, size_t n, unsigned *cp)
{
    unsigned char b = s[i];
    if ((b < 0x20 && b != '\t') || b == 0x7f) {
        *cp = b;
        return 1;
    }
    if (b == 0xC2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F) {   /* C1: U+0080..U+009F */
        *cp = s[i + 1];
        return 2;
    }
    if (b == 0xE2 && i + 2 < n) {
        unsigned c = (unsigned)(b & 0x0F) << 12 | (unsigned)(s[i + 1] & 0x3F) << 6 | (unsigned)(s[i + 2] & 0x3F);
        bool valid = (s[i + 1] & 0xC0) == 0x80 && (s[i + 2] & 0xC0) == 0x80;
        if (valid && ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))) {
            *cp = c;
            return 3;
        }
    }
    return 0;
}

size_t as_escaped_at(const char *s, size_t i, size_t n, size_t *columns)
{
    unsigned cp;
    size_t k = escapable_at((const unsigned char *)s, i, n, &cp);
    *columns = k == 1 ? 4 : 6;
    return k;
}

void as_fputs_visible(const char *s, FILE *f)
{
    size_t n = strlen(s);
    if (!as_needs_escape(s, n)) {
        fputs(s, f);
        return;
    }
    struct as_buf b;
    as_buf_init(&b);
    as_buf_add_visible(&b, s, n);
    fwrite(b.data, 1, b.len, f);
    as_buf_release(&b);
}

bool as_needs_escape(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned cp;
    for (size_t i = 0; i < n; i++)
        if ((u[i] < 0x20 || u[i] == 0x7f || u[i] == 0xC2 || u[i] == 0xE2) && escapable_at(u, i, n, &cp)) return true;
    return false;
}

void as_buf_add_visible(struct as_buf *out, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;   /* start of the pending unescaped run */
    unsigned cp;
    for (size_t i = 0; i < n;) {
        size_t k = (u[i] < 0x20 || u[i] == 0x7f || u[i] == 0xC2 || u[i] == 0xE2) ? escapable_at(u, i, n, &cp) : 0;
        if (!k) {
            i++;
            continue;
        }
        as_buf_add(out, s + run, i - run);
        if (k == 1) as_buf_printf(out, "\\x%02x", cp);
        else as_buf_printf(out, "\\u%04x", cp);
        i += k;
        run = i;
    }
    as_buf_add(out, s + run, n - run);
}
