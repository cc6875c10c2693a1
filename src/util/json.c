/* json.c — JSON string escaping; see json.h. */
#include "util/json.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned char b = s[0];
    size_t need;
    unsigned cp;
    if (b < 0x80) return 1;
    if (b >= 0xC2 && b <= 0xDF) { need = 1; cp = b & 0x1F; }
    else if (b >= 0xE0 && b <= 0xEF) { need = 2; cp = b & 0x0F; }
    else if (b >= 0xF0 && b <= 0xF4) { need = 3; cp = b & 0x07; }
    else return 0;
    if (need >= left) return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return need + 1;
}

void as_json_string(struct as_buf *b, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    as_buf_putc(b, '"');
    size_t i = 0;
    while (i < len) {
        unsigned char c = u[i];
        if (c == '"') { as_buf_puts(b, "\\\""); i++; }
        else if (c == '\\') { as_buf_puts(b, "\\\\"); i++; }
        else if (c == '\n') { as_buf_puts(b, "\\n"); i++; }
        else if (c == '\r') { as_buf_puts(b, "\\r"); i++; }
        else if (c == '\t') { as_buf_puts(b, "\\t"); i++; }
        else if (c == '\b') { as_buf_puts(b, "\\b"); i++; }
        else if (c == '\f') { as_buf_puts(b, "\\f"); i++; }
        else if (c < 0x20 || c == 0x7F) { as_buf_printf(b, "\\u%04x", c); i++; }
        else if (c < 0x80) { as_buf_putc(b, (char)c); i++; }
        else {
            size_t n = utf8_seq(u + i, len - i);
            if (n) {
                as_buf_add(b, s + i, n);
                i += n;
            } else {
                as_buf_puts(b, "\\ufffd");
                i++;
            }
        }
    }
    as_buf_putc(b, '"');
}

void as_json_string_z(struct as_buf *b, const char *s)
{
    if (!s) as_buf_puts(b, "null");
    else as_json_string(b, s, strlen(s));
}
