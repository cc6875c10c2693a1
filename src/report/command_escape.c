/* command_escape.c — see command_escape.h. */
#include "report/command_escape.h"

#include <string.h>

#include "util/visible.h"

/* One character's escape (CR and LF survive as %0D/%0A: the consumer decodes them). */
static void escape_char(struct as_buf *b, char c, const char *percent, const char *special)
{
    if (c == '%') as_buf_puts(b, percent);
    else if (c == '\r' || c == '\n' || strchr(special, c)) as_buf_printf(b, "%%%02X", (unsigned char)c);
    else as_buf_putc(b, c);
}

void as_command_escape(struct as_buf *b, const char *s, const char *percent, const char *special)
{
    /* other control characters are made visible first (util/visible.h): CI log viewers interpret ANSI sequences */
    struct as_buf visible;
    as_buf_init(&visible);
    while (*s) {
        size_t n = strcspn(s, "\r\n");
        as_buf_reset(&visible);
        as_buf_add_visible(&visible, s, n);
        for (size_t i = 0; i < visible.len; i++) escape_char(b, visible.data[i], percent, special);
        s += n;
        if (*s) escape_char(b, *s++, percent, special);
    }
    as_buf_release(&visible);
}
