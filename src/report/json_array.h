/* json_array.h — the framing of a report that is one JSON array over the whole run (json, gitlab): `[`,
 * items separated by `,` and each on its own indented line, `]`. */
#ifndef AS_REPORT_JSON_ARRAY_H
#define AS_REPORT_JSON_ARRAY_H
#include "report/report.h"
#include "util/buf.h"

/* Writes `[` and resets the item count kept in ctx->state. */
void as_json_array_begin(struct as_report_ctx *ctx);
/* Appends the separator and indentation before the next item. */
void as_json_array_next(struct as_report_ctx *ctx, struct as_buf *b);
/* Writes the closing `]` and a newline. */
void as_json_array_end(struct as_report_ctx *ctx);

#endif
