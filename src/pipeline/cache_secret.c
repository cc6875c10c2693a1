/* cache_secret.c — finding, creating and checking the user's cache key; see cache_secret.h. */
#include "pipeline/cache_secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"

/* The key file's directory into b ($XDG_CACHE_HOME/asyncscan or $HOME/.cache/asyncscan), its parents
 * created (0700); false when neither variable is set to an absolute path. */
static bool key_dir(struct as_buf *b)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (xdg && xdg[0] == '/') {
        as_buf_puts(b, xdg);
    } else if (home && home[0] == '/') {
        as_buf_puts(b, home);
        as_buf_puts(b, "/.cache");
    } else {
        return false;
    }
    mkdir(b->data, 0700);
    as_buf_puts(b, "/asyncscan");
    mkdir(b->data, 0700);
    return true;
}

/* Writes a fresh key to a temporary file and links it to `path` (never replacing one another run made). */
static void create_key(const char *dir, const char *path)
{
    unsigned char key[AS_SIPHASH_KEY_BYTES];
    if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key)) return;
    char tmp[4200];
    snprintf(tmp, sizeof(tmp), "%s/key.tmp-%ld", dir, (long)getpid());
    unlink(tmp);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return;
    bool ok = write(fd, key, sizeof(key)) == (ssize_t)sizeof(key);
    if (close(fd) != 0) ok = false;
    if (ok) (void)link(tmp, path);   /* EEXIST: another run made one first; that one is used */
    unlink(tmp);
}

bool as_cache_secret_load(unsigned char key[AS_SIPHASH_KEY_BYTES], char *err, size_t errlen)
{
    struct as_buf dir;
    as_buf_init(&dir);
    if (!key_dir(&dir)) {
        snprintf(err, errlen, "no place for the cache key (set HOME or XDG_CACHE_HOME)");
        as_buf_release(&dir);
        return false;
    }
    char path[4200];
    snprintf(path, sizeof(path), "%s/key", dir.data);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        create_key(dir.data, path);
        fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    }
    as_buf_release(&dir);
    if (fd < 0 && errno != ELOOP) {
        snprintf(err, errlen, "cannot read the cache key %s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    bool ok = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 077) &&
              st.st_size == AS_SIPHASH_KEY_BYTES && read(fd, key, AS_SIPHASH_KEY_BYTES) == AS_SIPHASH_KEY_BYTES;
    if (fd >= 0) close(fd);
    if (!ok)
        snprintf(err, errlen, "the cache key %s is not a 16-byte file of this user's, unreadable by others", path);
    return ok;
}
