/* inplace.h — rewriting a source file in place, the way `ruff check --fix` / `--add-noqa` do: the new bytes go
 * into the file itself (same inode), so a symbolic link stays a link to the file it names, hard links stay
 * shared, and the owner, group and mode are untouched. No temporary file is made, so a killed run leaves none
 * behind. The only writer of analysed files: --add-noqa and --fix both use it.
 * - Only a regular file is opened (a link is followed to the file it names; a FIFO or device is refused
 *   without blocking). When there is something to write, a file with no write permission bit, or one that
 *   cannot be opened for writing, is reported and left alone (one with nothing to change is not an error); the
 *   file opened for writing must be the one read (same device and inode).
 * - The transformation is given the bytes read from the open file immediately before writing; when the file
 *   changed while it ran (size, modification or status-change time), the file is read and transformed again
 *   (a few times at most) so that what is written is computed from what is there. */
#ifndef AS_FIX_INPLACE_H
#define AS_FIX_INPLACE_H
#include <stdbool.h>
#include <stddef.h>

/* Computes the new contents from the current ones. Returns 0 with *out NULL (nothing to change) or a heap
 * buffer of *out_len bytes (the writer frees it); or -1 with a one-line reason in err (nothing is written). It
 * may be called more than once for one file (see above). */
typedef int (*as_inplace_transform)(void *ud, const char *bytes, size_t len, char **out, size_t *out_len,
                                    char *err, size_t errlen);

enum as_inplace_result {
    AS_INPLACE_UNCHANGED,   /* the transformation changed nothing */
    AS_INPLACE_WRITTEN,     /* new contents written (or, with dry_run, would have been) */
    AS_INPLACE_FAILED,      /* not written: err says why (read-only, not a regular file, I/O error, ...) */
};

/* Reads `path` (at most max_size bytes), transforms it and writes the result in place. With dry_run nothing is
 * written: the transformation sees the bytes and keeps what it needs. */
enum as_inplace_result as_inplace_rewrite(const char *path, size_t max_size, bool dry_run,
                                          as_inplace_transform transform, void *ud, char *err, size_t errlen);

#endif
