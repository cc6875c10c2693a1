/* text_common.h — what the human-readable formats (full, concise, grouped) share: the `path:line:col: CODE message`
 * header line with optional ANSI colour. Text from the analysed tree (paths, source lines, messages that quote
 * it) is printed through util/visible.h, so it cannot drive the terminal. */
#ifndef AS_REPORT_TEXT_COMMON_H
#define AS_REPORT_TEXT_COMMON_H
#include "report/report.h"

#define AS_BOLD "\x1b[1m"
#define AS_RED "\x1b[1;31m"
#define AS_CYAN "\x1b[36m"
#define AS_UNDERLINE "\x1b[4m"
#define AS_RESET "\x1b[0m"

void as_report_header_line(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d);

#endif
