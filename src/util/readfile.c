/* readfile.c — reading a hostile file without blocking, without following it into a device, within a size
 * cap; see readfile.h. */
#include "util/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

_Static_assert(AT_FDCWD == -100, "readfile.h spells AT_FDCWD as -100");

/* Reads fd to its end into *out, stopping once more than max bytes came: AS_READ_TOO_LARGE then. */
static enum as_read_status read_all(int fd, size_t size_hint, size_t max, char **out, size_t *len_out)
{
    size_t cap = (size_hint < max ? size_hint : max) + 1, n = 0;
    char *buf = as_xmalloc(cap + 1);
    for (;;) {
        if (n == cap) {
            if (cap > max) {
                free(buf);
                return AS_READ_TOO_LARGE;
            }
            cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
            buf = as_xrealloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            int e = errno;
            free(buf);
            errno = e;
            return AS_READ_FAILED;
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    if (n > max) {
        free(buf);
        return AS_READ_TOO_LARGE;
    }
    buf[n] = '\0';
    *out = buf;
    *len_out = n;
    return AS_READ_OK;
}

enum as_read_status as_read_file_at(int dirfd, const char *path, size_t max, int flags, char **bytes, size_t *len,
                                    char *err, size_t errlen)
{
    *bytes = NULL;
    *len = 0;
    int oflags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | ((flags & AS_READ_NOFOLLOW) ? O_NOFOLLOW : 0);
    int fd = openat(dirfd, path, oflags);
    if (fd < 0) {
        int e = errno;
        if (e == ELOOP && (flags & AS_READ_NOFOLLOW)) {
            snprintf(err, errlen, "a symbolic link (not followed)");
            errno = e;
            return AS_READ_NOT_REGULAR;
        }
        snprintf(err, errlen, "%s", strerror(e));
        errno = e;
        return AS_READ_FAILED;
    }
    struct stat st;
    enum as_read_status rc;
    if (fstat(fd, &st) != 0) {
        rc = AS_READ_FAILED;
        snprintf(err, errlen, "%s", strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        rc = AS_READ_NOT_REGULAR;
        snprintf(err, errlen, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
    } else if ((unsigned long long)st.st_size > max) {
        rc = AS_READ_TOO_LARGE;
    } else {
        rc = read_all(fd, (size_t)st.st_size, max, bytes, len);
        if (rc == AS_READ_FAILED) snprintf(err, errlen, "%s", strerror(errno));
    }
    if (rc == AS_READ_TOO_LARGE) snprintf(err, errlen, "larger than %zu bytes", max);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}
