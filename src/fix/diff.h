/* diff.h — `--diff`: a unified diff of a file's text before and after its fixes (as `diff -u` and ruff
 * print it: `--- path` / `+++ path` headers, hunks with three lines of context, `\ No newline at end of file`).
 * Lines are compared with their line endings, so a CRLF file's diff shows them as they are. */
#ifndef AS_FIX_DIFF_H
#define AS_FIX_DIFF_H
#include <stddef.h>

#include "util/buf.h"

/* Appends the diff of a -> b (nothing when they are equal) to out. */
void as_fix_unified_diff(struct as_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen);

/* A notebook's diff, as ruff prints it: for each code cell (a, b: the notebook's JSON before and after), the
 * header `--- path:cell N` / `+++ path:cell N` (N: the raw 1-based index; every code cell has one, changed or
 * not), the hunks of its source text (a last line without a line ending is shown as a line, with no `\ No
 * newline` note: a cell's source has none), and one blank line after the notebook. */
void as_fix_notebook_diff(struct as_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen);

#endif
