/* clean.c — `asyncscan clean [--cache-dir DIR]`, as `ruff clean`: removes the result cache (every file the
 * cache wrote: cache_prune.h), then its directory when nothing else is in it. The directory is opened without
 * following a symbolic link and must be the current user's, as for a run that uses it. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "pipeline/cache_prune.h"
#include "util/visible.h"

int as_run_clean(const struct as_options *o, FILE *out, FILE *err)
{
    const char *dir = o->cache_dir ? o->cache_dir : ".asyncscan_cache";
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) return 0;   /* nothing to clean */
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        const char *why = errno == ELOOP || errno == ENOTDIR ? "not a plain directory (left alone)" : strerror(errno);
        fputs("asyncscan: error: ", err);
        as_fputs_visible(dir, err);
        fprintf(err, ": %s\n", why);
        if (fd >= 0) close(fd);
        return 2;
    }
    if (st.st_uid != geteuid()) {
        fputs("asyncscan: error: ", err);
        as_fputs_visible(dir, err);
        fputs(": belongs to another user (left alone)\n", err);
        close(fd);
        return 2;
    }
    fputs("Removing cache at: ", out);
    as_fputs_visible(dir, out);
    fputc('\n', out);
    struct as_prune_stats stats;
    as_cache_prune_dir(fd, true, time(NULL), 0, &stats);
    close(fd);
    if (stats.foreign) {
        fputs("asyncscan: warning: ", err);
        as_fputs_visible(dir, err);
        fprintf(err, ": %zu name%s the cache did not write, left with the directory\n", stats.foreign,
                stats.foreign == 1 ? "" : "s");
        return 0;
    }
    if (rmdir(dir) != 0 && errno != ENOENT) {
        fputs("asyncscan: error: ", err);
        as_fputs_visible(dir, err);
        fprintf(err, ": %s\n", strerror(errno));
        return 2;
    }
    return 0;
}
