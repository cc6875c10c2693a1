/* json_object.h — one finding as ruff's JSON object, shared by the json and json-lines formats. */
#ifndef AS_REPORT_JSON_OBJECT_H
#define AS_REPORT_JSON_OBJECT_H
#include "report/report.h"
#include "util/buf.h"

/* Appends the object; `indent` is the indentation of its opening brace ("" = one line, compact). */
void as_report_json_object(struct as_buf *b, const struct as_report_ctx *ctx, const struct as_file_result *res,
                           const struct as_diag *d, const char *indent);
/* The absolute path of a result: ctx->cwd + "/" + path when relative (a leading "./" dropped). */
void as_report_absolute_path(struct as_buf *b, const struct as_report_ctx *ctx, const char *path);

#endif
