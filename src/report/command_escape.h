/* command_escape.h — escaping for CI "workflow command" lines (GitHub Actions `::error ...::msg`, Azure Pipelines
 * `##vso[...]msg`): the data cannot end the command or start another one, nor drive the log viewer (control
 * characters other than CR/LF are made visible first, util/visible.h). */
#ifndef AS_REPORT_COMMAND_ESCAPE_H
#define AS_REPORT_COMMAND_ESCAPE_H
#include "util/buf.h"

/* Appends s with `%` written as `percent` (GitHub "%25", Azure "%AZP25"), CR and LF as %0D and %0A, and each
 * character of `special` (a property value's separators, "" for message data) as %XX. */
void as_command_escape(struct as_buf *b, const char *s, const char *percent, const char *special);

#endif
