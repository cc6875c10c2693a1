/* visible.h — text from a hostile tree made safe to print on a terminal: control characters that a terminal
 * acts on (C0 but tab, DEL, C1 such as U+009B CSI) and the bidirectional overrides and isolates that reorder
 * what is displayed (U+202A-U+202E, U+2066-U+2069: "Trojan Source") are written in a visible escaped form:
 * `\x1b` for a byte below 0x20 or 0x7f, `\u009b` / `\u202e` for a code point. Everything else, including any
 * other UTF-8 and invalid bytes, passes through unchanged. */
#ifndef AS_UTIL_VISIBLE_H
#define AS_UTIL_VISIBLE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/buf.h"

/* Appends s[0..n) to out with the characters above escaped. */
void as_buf_add_visible(struct as_buf *out, const char *s, size_t n);
/* Whether s[0..n) holds any character as_buf_add_visible would escape. */
bool as_needs_escape(const char *s, size_t n);
/* Bytes of the character at s[i] that is escaped (0 when it is not), and the columns its escape takes. */
size_t as_escaped_at(const char *s, size_t i, size_t n, size_t *columns);
/* Writes NUL-terminated s to f with the characters above escaped. */
void as_fputs_visible(const char *s, FILE *f);

#endif
