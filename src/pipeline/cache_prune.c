/* cache_prune.c — keeps the result cache from growing without end, and empties it for `asyncscan clean`; see
 * cache_prune.h. Only the names the cache writes are touched (the two-hex-digit shard directories and the
 * 32-hex-digit entries in them, `stat-index-<16 hex>`, the temporary files `<name>.tmp-<pid>-<n>` of either, the
 * `.gitignore` marker and the prune stamp), always through the directory's descriptor and never through a
 * symbolic link: the cache directory may sit in a hostile tree. */
#define _GNU_SOURCE 1
#include "pipeline/cache_prune.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
    return s[n] == '\0' || s[n] == '.';
}

/* A temporary file of a write: `<base>.tmp-<pid>-<n>` with base a name the cache writes. */
static bool is_temporary(const char *name, size_t base_len)
{
    return strncmp(name + base_len, AS_CACHE_TMP_INFIX, strlen(AS_CACHE_TMP_INFIX)) == 0;
}

static bool is_entry(const char *name)
{
    return all_hex(name, 32) && (name[32] == '\0' || is_temporary(name, 32));
}

static bool is_index(const char *name)
{
    size_t at = strlen(AS_CACHE_INDEX_PREFIX);
    if (strncmp(name, AS_CACHE_INDEX_PREFIX, at) != 0 || !all_hex(name + at, 16)) return false;
    return name[at + 16] == '\0' || is_temporary(name, at + 16);
}

static bool is_shard(const char *name)
{
    return all_hex(name, 2) && name[2] == '\0';
}

/* Whether the file `name` in `at` goes: everything with `everything`, else a temporary file older than an hour
 * (a run killed mid-write) or a file not written for max_age seconds. Never a directory or a link's target. */
static bool goes(int at, const char *name, bool everything, time_t now, time_t max_age)
{
    struct stat st;
    if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISDIR(st.st_mode)) return false;
    if (everything) return true;
    time_t age = now - st.st_mtim.tv_sec;
    return strstr(name, AS_CACHE_TMP_INFIX) ? age > 3600 : age > max_age;
}

/* Removes what goes from shard directory `name`, and the directory when that empties it. */
static void prune_shard(int dirfd, const char *name, struct as_prune_stats *stats, bool everything, time_t now,
                        time_t max_age)
{
    int at = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (at < 0) return;
    DIR *d = fdopendir(at);
    if (!d) {
        close(at);
        return;
    }
    size_t left = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (is_entry(e->d_name) && goes(at, e->d_name, everything, now, max_age) && unlinkat(at, e->d_name, 0) == 0)
            stats->removed++;
        else
            left++;
    }
    closedir(d);
    if (left == 0 && unlinkat(dirfd, name, AT_REMOVEDIR) == 0) stats->directories++;
}

void as_cache_prune_dir(int dirfd, bool everything, time_t now, time_t max_age, struct as_prune_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    int fd = dup(dirfd);   /* closedir closes what fdopendir was given */
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
        struct stat st;
        bool dir = fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
        if (is_shard(name) && dir) {
            prune_shard(dirfd, name, stats, everything, now, max_age);
        } else if (is_shard(name) && everything) {   /* a link or file planted under a shard's name: itself goes */
            if (unlinkat(dirfd, name, 0) == 0) stats->removed++;
        } else if (is_index(name) || (everything && (strcmp(name, ".gitignore") == 0 ||
                                                      strcmp(name, AS_CACHE_PRUNE_STAMP) == 0))) {
            if (goes(dirfd, name, everything, now, max_age) && unlinkat(dirfd, name, 0) == 0) stats->removed++;
        } else {
            stats->foreign++;
        }
    }
    closedir(d);
}

bool as_cache_prune_due(int dirfd, time_t now)
{
    struct stat st;
    if (fstatat(dirfd, AS_CACHE_PRUNE_STAMP, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
        now - st.st_mtim.tv_sec < AS_CACHE_PRUNE_INTERVAL && st.st_mtim.tv_sec <= now)
        return false;
    /* claim the day's pruning: the stamp is made anew (a link planted under its name is replaced, not followed) */
    unlinkat(dirfd, AS_CACHE_PRUNE_STAMP, 0);
    int fd = openat(dirfd, AS_CACHE_PRUNE_STAMP, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;   /* another run claimed it, or the directory is not writable */
    close(fd);
    return true;
}
