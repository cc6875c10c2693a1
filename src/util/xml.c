/* xml.c — XML escaping; see xml.h. */
#include "util/xml.h"

#include <string.h>

static size_t utf8_len(const unsigned char *s)
{
    unsigned char b = s[0];
    size_t need;
    if (b >= 0xC2 && b <= 0xDF) need = 1;
    else if (b >= 0xE0 && b <= 0xEF) need = 2;
    else if (b >= 0xF0 && b <= 0xF4) need = 3;
    else return 0;
    for (size_t k = 1; k <= need; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    if (b == 0xE0 && s[1] < 0xA0) return 0;
    if (b == 0xED && s[1] >= 0xA0) return 0;
    if (b == 0xF0 && s[1] < 0x90) return 0;
    if (b == 0xF4 && s[1] >= 0x90) return 0;
    return need + 1;
}

void as_xml_escape(struct as_buf *b, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        unsigned char c = *u;
        if (c == '&') as_buf_puts(b, "&amp;");
        else if (c == '<') as_buf_puts(b, "&lt;");
        else if (c == '>') as_buf_puts(b, "&gt;");
        else if (c == '"') as_buf_puts(b, "&quot;");
        else if (c == '\'') as_buf_puts(b, "&apos;");
        else if (c == '\n') as_buf_puts(b, "&#10;");
        else if (c == '\r') as_buf_puts(b, "&#13;");
        else if (c == '\t') as_buf_puts(b, "&#9;");
        else if (c < 0x20 || c == 0x7F) as_buf_puts(b, "\xef\xbf\xbd");
        else if (c < 0x80) as_buf_putc(b, (char)c);
        else {
            size_t n = utf8_len(u);
            if (n) {
                as_buf_add(b, (const char *)u, n);
                u += n;
                continue;
            }
            as_buf_puts(b, "\xef\xbf\xbd");
        }
        u++;
    }
}
