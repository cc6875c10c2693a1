/* text_common.h — what the human-readable formats (full, concise, grouped) share: the `path:line:col: CODE message`
 * header line with optional ANSI colour. Text from the analysed tree (paths, source lines, messages that quote
 * it) is printed through util/visible.h, so it cannot drive the terminal. */
#ifndef AS_REPORT_TEXT_COMMON_H
#define AS_REPORT_TEXT_COMMON_H
#include "report/report.h"
#include "util/buf.h"

#define AS_BOLD "\x1b[1m"
#define AS_RED "\x1b[1;31m"
#define AS_CYAN "\x1b[36m"
#define AS_UNDERLINE "\x1b[4m"
#define AS_RESET "\x1b[0m"

/* A finding's position as text: "L:C", or ruff's "cell N:L:C" for a notebook's. */
void as_report_position(struct as_buf *b, const struct as_diag *d);
/* The line a format that points into the file gives a finding: its line, or 1 for a notebook's (a cell's line
 * is not a line of the .ipynb file; ruff falls back the same way); such formats then name the cell in the
 * message (as_report_cell_prefix). */
uint32_t as_report_file_line(const struct as_diag *d);
/* "cell N:L:C: " for a notebook's finding, "" otherwise. */
void as_report_cell_prefix(struct as_buf *b, const struct as_diag *d);

void as_report_header_line(struct as_report_ctx *ctx, const struct as_file_result *res, const struct as_diag *d);

#endif
