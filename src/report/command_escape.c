/* command_escape.c — see command_escape.h. */
#include "report/command_escape.h"

#include <string.h>

void as_command_escape(struct as_buf *b, const char *s, const char *percent, const char *special)
{
    for (; *s; s++) {
        if (*s == '%') as_buf_puts(b, percent);
        else if (*s == '\r' || *s == '\n' || strchr(special, *s)) as_buf_printf(b, "%%%02X", (unsigned char)*s);
        else as_buf_putc(b, *s);
    }
}
