/* readfile.h — the one way asyncscan reads a file it did not write itself (everything in the analysed tree is
 * hostile): opened without blocking (a FIFO or a terminal cannot hang the run), checked with fstat to be a
 * regular file (a link to /dev/zero or /dev/stdin is refused), and read up to a size cap (a file that grows
 * while it is read is cut off, not followed). Optionally the last component must not be a symbolic link. */
#ifndef AS_UTIL_READFILE_H
#define AS_UTIL_READFILE_H
#include <stddef.h>

enum as_read_status {
    AS_READ_OK = 0,
    AS_READ_FAILED = -1,        /* open or read failed: errno is kept, err holds strerror */
    AS_READ_NOT_REGULAR = -2,   /* a directory, device, FIFO, socket (or a symbolic link with AS_READ_NOFOLLOW) */
    AS_READ_TOO_LARGE = -3,     /* more than max bytes */
};

enum { AS_READ_NOFOLLOW = 1 };

/* Reads `path` (relative to directory fd `dirfd`, or AT_FDCWD) into a NUL-terminated heap string *bytes
 * (caller frees) of *len bytes. On failure *bytes is NULL and err holds a short reason without the path
 * ("not a regular file", "is a directory", "larger than N bytes", strerror). */
enum as_read_status as_read_file_at(int dirfd, const char *path, size_t max, int flags, char **bytes, size_t *len,
                                    char *err, size_t errlen);
static inline enum as_read_status as_read_file(const char *path, size_t max, char **bytes, size_t *len, char *err,
                                               size_t errlen)
{
    return as_read_file_at(-100 /* AT_FDCWD */, path, max, 0, bytes, len, err, errlen);
}

#endif
