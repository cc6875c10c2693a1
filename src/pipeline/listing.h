/* listing.h — the project listing kept in the result cache: what discovery found under a project root (its
 * files, the directories it walked: struct as_path_list) together with everything that listing depends on,
 * so that a warm run over a file named alone does not walk its whole project again (on the corpus as one
 * project the walk was most of such a run: ~50 ms of ~60).
 *
 * It depends on: the status (device, inode, times, size) of every directory walked, which changes whenever an
 * entry is added, removed or renamed in it; every file git's ignore rules came from, found or not (discover.h's
 * watch list: .gitignore files, info/exclude, the excludes file and the git configuration that names it); the
 * `.git` and `.gitignore` entries of the root and every directory above it (a repository appearing around the
 * project); the discovery options, the root as spelled, the current directory, $HOME and $XDG_CONFIG_HOME
 * (in the key). A listing is used only when every one of those is as it was (stat(2) only, no reading), and
 * stored only when none of them changed within 2 s before the walk (an entry added in the same timestamp tick
 * as the walk could go unseen) and the walk met no error (its notes are given anew by each run). The cache
 * directory itself, when it lies in the tree, is not depended on (it changes on every run that writes).
 *
 * One cache entry per key (cache.h's entries: sealed under the user's key, written atomically, never through a
 * symbolic link, at most 64 MB): a corrupt, foreign or forged listing is a miss, and the run walks. */
#ifndef AS_PIPELINE_LISTING_H
#define AS_PIPELINE_LISTING_H
#include <stdbool.h>
#include <time.h>

#include "input/discover.h"
#include "pipeline/cache.h"

/* The key of the listing of `root` (as discovery is given it) walked from `cwd` with opts. */
struct as_cache_key as_listing_key(const struct as_cache *cache, const char *root, const char *cwd,
                                   const struct as_discover_opts *opts);
/* The stored listing for key into out (initialised to {0}) when it is valid now. False (out left empty)
 * otherwise. */
bool as_listing_load(struct as_cache *cache, struct as_cache_key key, struct as_path_list *out);
/* Stores `list`, the result of a walk of `root_abs` (absolute, without symbolic links) that started at
 * `walked_at` and reported no error, under key (unless something it depends on was changing then). */
void as_listing_store(struct as_cache *cache, struct as_cache_key key, const char *root_abs,
                      const struct as_path_list *list, time_t walked_at);

#endif
