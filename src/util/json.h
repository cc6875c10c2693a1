/* json.h — writing JSON strings: quotes, escapes for `"`, `\` and control characters, and U+FFFD in place of
 * bytes that are not valid UTF-8 (paths may contain any bytes), so the output is always valid JSON. */
#ifndef AS_UTIL_JSON_H
#define AS_UTIL_JSON_H
#include <stddef.h>

#include "util/buf.h"

void as_json_string(struct as_buf *b, const char *s, size_t len);
void as_json_string_z(struct as_buf *b, const char *s);   /* NUL-terminated; NULL writes `null` */

#endif
