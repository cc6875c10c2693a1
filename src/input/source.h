/* source.h — reading and decoding one Python source file: the only place bytes become UTF-8 text and byte
 * offsets become (line, column) positions.
 * - Reads regular files only (FIFOs, devices and directories are refused), up to a size cap.
 * - Decodes: UTF-8 with or without BOM (BOM stripped), PEP 263 coding cookies on line 1 or 2 (latin-1,
 *   cp1252, ... through iconv) to UTF-8; invalid UTF-8, NUL bytes, UTF-16/32 BOMs and unknown encodings are
 *   errors with a one-line message naming line (and column where it helps).
 * - Line table: a line ends after "\n", "\r\n" or a lone "\r" (Python's universal newlines). Columns are
 *   1-based Unicode code points within the line. */
#ifndef AS_SOURCE_H
#define AS_SOURCE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

#define AS_SOURCE_DEFAULT_MAX_SIZE ((size_t)16 * 1024 * 1024)   /* tree-sitter needs ~45x the source */

struct as_source {
    const char *text;        /* UTF-8, NUL-terminated, BOM removed; in the arena given to as_source_decode */
    size_t len;              /* bytes, excluding the NUL */
    uint32_t *line_starts;   /* byte offset of each line's start; line_starts[0] == 0; arena */
    size_t n_lines;          /* >= 1 (an empty file has one empty line) */
    bool borrowed;           /* as_source_decode_lazy: text still points into the caller's bytes (no NUL) */
};

/* Reads a regular file into a heap buffer (*bytes, caller frees; NUL-terminated). Returns 0, or -1 with a
 * one-line reason in err ("not a regular file", "file is larger than the size limit", strerror text). Never blocks
 * on FIFOs or devices (opens with O_NONBLOCK and checks fstat before reading). */
int as_source_read_file(const char *path, size_t max_size, char **bytes, size_t *len, char *err, size_t errlen);

/* Decodes raw bytes into self (all memory from arena). Returns 0, or -1 with a one-line reason in err, e.g.
 * "invalid UTF-8 at line 3, column 7", "file contains a NUL byte at line 1", "UTF-16 is not supported",
 * "unknown encoding 'foo' in coding cookie". */
int as_source_decode(struct as_source *self, struct as_arena *arena, const char *bytes, size_t len,
                     char *err, size_t errlen);
/* The checks and conversions of as_source_decode without the copy and the line table: for valid UTF-8 the text
 * stays in `bytes` (self->borrowed; not NUL-terminated, valid while bytes is), which is all the pre-parse skip
 * needs. as_source_finish then makes it what as_source_decode returns. */
int as_source_decode_lazy(struct as_source *self, struct as_arena *arena, const char *bytes, size_t len, char *err,
                          size_t errlen);
void as_source_finish(struct as_source *self, struct as_arena *arena);

/* The inverse of as_source_decode for edited text: encodes UTF-8 `text` the way `orig` (the file's bytes as
 * read) was written: a UTF-8 BOM again when orig had one, the coding cookie's encoding when orig declares one
 * (the cookie as it is in `text`). Returns 0 with *out (heap, NUL-terminated) of *out_len bytes, or -1 with
 * a one-line reason (a character the encoding cannot represent). */
int as_source_encode_like(const char *orig, size_t orig_len, const char *text, size_t len, char **out,
                          size_t *out_len, char *err, size_t errlen);

/* Byte offset -> 1-based line and 1-based code-point column. Offsets past the end clamp to the end. */
void as_source_position(const struct as_source *self, size_t offset, uint32_t *line, uint32_t *col);

#endif
