/* diff.h — `--diff`: a unified diff of a file's text before and after its fixes (as `diff -u` and ruff
 * print it: `--- path` / `+++ path` headers, hunks with three lines of context, `\ No newline at end of file`).
 * Lines are compared with their line endings, so a CRLF file's diff shows them as they are. */
#ifndef AS_FIX_DIFF_H
#define AS_FIX_DIFF_H
#include <stddef.h>

#include "util/buf.h"

/* Appends the diff of a -> b (nothing when they are equal) to out. */
void as_fix_unified_diff(struct as_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen);

#endif
