/* inplace.c — the in-place writer of analysed files (see inplace.h): open, check, read, transform, check the
 * file did not change meanwhile, write over the same inode, truncate, sync. */
#include "fix/inplace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xalloc.h"

#define MAX_ATTEMPTS 3   /* a file that keeps changing while it is transformed is reported */

static bool same_state(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Reads the whole open file (its size from *st) into a heap, NUL-terminated buffer. */
static char *read_all(int fd, const struct stat *st, size_t *len, char *err, size_t errlen)
{
    size_t size = (size_t)st->st_size;
    char *buf = as_xmalloc(size + 1);
    size_t off = 0;
    while (off < size) {
        ssize_t r = pread(fd, buf + off, size - off, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(err, errlen, "cannot read: %s", strerror(errno));
            free(buf);
            return NULL;
        }
        if (r == 0) break;   /* shrank meanwhile: the state check after the transformation notices */
        off += (size_t)r;
    }
    buf[off] = '\0';
    *len = off;
    return buf;
}

static int write_all(int fd, const char *data, size_t len, char *err, size_t errlen)
{
    for (size_t off = 0; off < len;) {
        ssize_t w = pwrite(fd, data + off, len - off, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            snprintf(err, errlen, "cannot write: %s", w < 0 ? strerror(errno) : "short write");
            return -1;
        }
        off += (size_t)w;
    }
    if (ftruncate(fd, (off_t)len) != 0 || fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* Opens path for reading and checks it is a regular file within the size limit. */
static int open_checked(const char *path, size_t max_size, struct stat *st, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open: %s", strerror(errno));
        return -1;
    }
    const char *why = NULL;
    if (fstat(fd, st) != 0) why = strerror(errno);
    else if (!S_ISREG(st->st_mode)) why = "not a regular file";
    else if ((uintmax_t)st->st_size > max_size) why = "file is larger than the size limit";
    if (why) {
        snprintf(err, errlen, "%s", why);
        close(fd);
        return -1;
    }
    return fd;
}

/* Writes out into the file read as `read` (its state): opened again for writing, it must be the same file. */
static enum as_inplace_result write_back(const char *path, const struct stat *read, const char *out, size_t len,
                                         char *err, size_t errlen)
{
    if ((read->st_mode & 0222) == 0) {
        snprintf(err, errlen, "read-only (no write permission bit): not rewritten");
        return AS_INPLACE_FAILED;
    }
    int fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int e = errno;
        if (e == EACCES || e == EPERM || e == EROFS) snprintf(err, errlen, "read-only (%s): not rewritten", strerror(e));
        else snprintf(err, errlen, "cannot open for writing: %s", strerror(e));
        return AS_INPLACE_FAILED;
    }
    struct stat now;
    enum as_inplace_result r = AS_INPLACE_FAILED;
    if (fstat(fd, &now) != 0 || now.st_dev != read->st_dev || now.st_ino != read->st_ino)
        snprintf(err, errlen, "the file was replaced while it was being edited: not rewritten");
    else if (write_all(fd, out, len, err, errlen) == 0)
        r = AS_INPLACE_WRITTEN;
    close(fd);
    return r;
}

enum as_inplace_result as_inplace_rewrite(const char *path, size_t max_size, bool dry_run,
                                          as_inplace_transform transform, void *ud, char *err, size_t errlen)
{
    struct stat before;
    int fd = open_checked(path, max_size, &before, err, errlen);
    if (fd < 0) return AS_INPLACE_FAILED;
    enum as_inplace_result result = AS_INPLACE_FAILED;
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        size_t len = 0, out_len = 0;
        char *bytes = read_all(fd, &before, &len, err, errlen);
        char *out = NULL;
        int rc = bytes ? transform(ud, bytes, len, &out, &out_len, err, errlen) : -1;
        free(bytes);
        if (rc != 0) break;
        struct stat now;
        if (fstat(fd, &now) != 0) {
            snprintf(err, errlen, "cannot stat: %s", strerror(errno));
            free(out);
            break;
        }
        if (!same_state(&before, &now)) {   /* written to meanwhile: compute again from what is there */
            free(out);
            before = now;
            if ((uintmax_t)now.st_size > max_size) {
                snprintf(err, errlen, "file is larger than the size limit");
                break;
            }
            snprintf(err, errlen, "the file kept changing while it was being edited: not rewritten");
            continue;
        }
        if (!out) result = AS_INPLACE_UNCHANGED;
        else result = dry_run ? AS_INPLACE_WRITTEN : write_back(path, &before, out, out_len, err, errlen);
        free(out);
        break;
    }
    close(fd);
    return result;
}
