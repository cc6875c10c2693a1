/* clean.c — `asyncscan clean [--cache-dir DIR]`, as `ruff clean`: removes the result cache (every file the
 * cache wrote: cache_prune.h), then its directory when nothing else is in it. The directory is opened and
 * checked as a run that uses it opens it (as_cache_dir_open). */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "pipeline/cache.h"
#include "pipeline/cache_prune.h"
#include "util/visible.h"

int as_run_clean(const struct as_options *o, FILE *out, FILE *err)
{
    const char *dir = o->cache_dir ? o->cache_dir : ".asyncscan_cache";
    struct stat st;
    if (lstat(dir, &st) != 0 && errno == ENOENT) return 0;   /* nothing to clean */
    char why[512];
    int fd = as_cache_dir_open(dir, why, sizeof(why));   /* the checks of a run that uses it */
    if (fd < 0) {
        fputs("asyncscan: error: ", err);
        as_fputs_visible(why, err);
        fputs(" (left alone)\n", err);
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
