/* cache_prune.h — the result cache's housekeeping. Entries are named by their content's key and never
 * overwritten in place, so a changed file leaves its old entry behind: at most once a day (the stamp file's
 * time), a run that used the cache removes the entries and stat indexes not written for AS_CACHE_MAX_AGE (one
 * still wanted is analysed again once and rewritten: a miss, never a wrong result) and the temporary files of
 * runs killed mid-write (older than an hour). `asyncscan clean` removes every file the cache wrote. */
#ifndef AS_CACHE_PRUNE_H
#define AS_CACHE_PRUNE_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define AS_CACHE_PRUNE_STAMP "prune-stamp"
/* The names cache.c writes: `<2 hex>/<32 hex>` entries, AS_CACHE_INDEX_PREFIX followed by 16 hex digits, and
 * either one followed by AS_CACHE_TMP_INFIX `<pid>-<n>` while it is written. */
#define AS_CACHE_INDEX_PREFIX "stat-index-"
#define AS_CACHE_TMP_INFIX ".tmp-"
#define AS_CACHE_PRUNE_INTERVAL ((time_t)24 * 3600)
#define AS_CACHE_MAX_AGE ((time_t)30 * 24 * 3600)

struct as_prune_stats {
    size_t removed;       /* files */
    size_t directories;   /* shard directories emptied and removed */
    size_t foreign;       /* names at the top the cache does not write: left alone */
};

/* Prunes the cache directory open on dirfd: with `everything`, every file the cache wrote; else what is older
 * than max_age (temporary files: an hour) at time `now`. */
void as_cache_prune_dir(int dirfd, bool everything, time_t now, time_t max_age, struct as_prune_stats *stats);

/* Whether a day has passed since the last pruning of the directory on dirfd; true claims this one (the stamp is
 * renewed), so concurrent runs do not prune together. */
bool as_cache_prune_due(int dirfd, time_t now);

#endif
