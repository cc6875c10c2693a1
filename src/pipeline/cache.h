/* cache.h — the result cache: what analysing one file produced (findings, the per-file error, function
 * summaries), stored under a key made of the file's content hash (xxHash XXH3-128), its display path (relative
 * imports and messages depend on it) and a settings hash (tool version, the embedded rules and queries, the
 * enabled rules, the skip switch). One file per entry, `<dir>/<2 hex>/<32 hex>`, written to a temporary file and
 * renamed into place, so concurrent runs never see half an entry. Each entry carries a magic, a format version
 * and a tag (SipHash-2-4 under the user's key, kept outside the tree: cache_secret.h): a corrupt, truncated,
 * foreign or forged file is a miss (and is overwritten). The directory is used only when it is a plain
 * directory (not a symbolic link) of the current user's; nothing in it is followed through a symbolic link.
 * A directory that cannot be created or written disables the cache after one warning. Entries are sections (tag, length), so the
 * project-wide pass can add its own section kinds without changing the format of the others. */
#ifndef AS_CACHE_H
#define AS_CACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

struct as_cache;

/* Opens (creating it if needed) the cache directory; NULL and a one-line reason in err when it is unusable. */
struct as_cache *as_cache_open(const char *dir, uint64_t settings_hash, char *err, size_t errlen);
void as_cache_close(struct as_cache *self);
/* An existing cache directory opened without following a symbolic link; -1 and a one-line reason when it is not
 * a plain directory of this user's that can be written (what as_cache_open and `asyncscan clean` accept). */
int as_cache_dir_open(const char *dir, char *err, size_t errlen);

struct as_cache_key {
    uint64_t hi, lo;
};
struct as_cache_key as_cache_key_for(const struct as_cache *self, const char *path, const char *bytes, size_t len);

/* Fills res (diags, error, function summaries; in res->arena) from the entry for key. True on a valid hit. */
bool as_cache_load(struct as_cache *self, struct as_cache_key key, struct as_file_result *res);
/* Stores res under key. Failures are silent after the first warning (the cache is an optimisation). */
void as_cache_store(struct as_cache *self, struct as_cache_key key, const struct as_file_result *res);

/* Hash of everything besides the file that decides results: the caller adds the selected codes and switches. */
uint64_t as_cache_settings_hash(const char *const *parts, size_t n);

/* The stat index, in front of the entries: the files whose last analysis had nothing to show (the pre-parse
 * skip left them out: no finding, no error), with the status they had then (device, inode, size, mtime and
 * ctime in nanoseconds). While a file's status is unchanged it is not read again: a warm run touches only the
 * files that matter, as ruff's and git's indexes do. An edit always changes the ctime (which no tool can set
 * back); a file changed within 2 s before the run is not indexed (a write in the same timestamp tick as ours
 * could go unseen). One index per settings hash, `<dir>/stat-index-<hash>`, sealed like the entries, replaced atomically;
 * a corrupt or foreign one is ignored. */
struct as_file_status {
    uint64_t dev, ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};
/* stat(2) of path into *out; false when it fails. */
bool as_file_status_of(const char *path, struct as_file_status *out);
/* True when the index holds path with exactly this status (thread-safe: the index is read-only during a run). */
bool as_cache_known_trivial(struct as_cache *self, const char *path, const struct as_file_status *st);
/* Writes the index: the files `trivial[i]` with status `status[i]` (taken before the file was read), plus the
 * entries of the previous index for paths this run did not look at. */
void as_cache_save_index(struct as_cache *self, const char *const *paths, const struct as_file_status *status,
                         const bool *trivial, size_t n);

/* The project-wide pass's findings (ASC108/ASC109) of a whole run, by file index in increasing order, stored
 * under a key of everything the join reads (run.c makes it from every file's key): a warm run with nothing
 * changed reuses them instead of parsing helper modules on demand and joining again. */
struct as_join_findings {
    uint32_t file;
    struct as_diag *diags;
    size_t n_diags;
};
/* The key: every file's path with, for a file with nothing to show (trivial[i]) whose status the index can
 * trust, that status (the same whether the index spared reading it or not), else its content key (keyed[i]);
 * `context` adds what else decides the join (the directory paths are shown from, --max-chain). */
struct as_cache_key as_cache_join_key(const struct as_cache *self, const char *context, const char *const *paths,
                                      const struct as_cache_key *keys, const bool *keyed,
                                      const struct as_file_status *status, const bool *trivial, size_t n);
void as_cache_store_join(struct as_cache *self, struct as_cache_key key, const struct as_join_findings *items, size_t n);
/* True on a valid entry, with *items (in arena) and *n. */
bool as_cache_load_join(struct as_cache *self, struct as_cache_key key, struct as_arena *arena,
                        struct as_join_findings **items, size_t *n);

/* `body` (sections, as the writer makes them, or anything else: the fuzz target and tests store what an
 * attacker who knows the user's key could) stored as the entry for key; `text` (without the trailer) as the stat index. */
void as_cache_store_raw(struct as_cache *self, struct as_cache_key key, const char *body, size_t len);
void as_cache_save_index_raw(struct as_cache *self, const char *text, size_t len);

/* The body stored under key (sections or anything else a caller wrote with as_cache_store_raw), checked like
 * every entry (magic, format, key, the tag under the user's key, at most 64 MB): *body is a heap copy
 * (caller frees) of *len bytes. False when there is no valid entry. Other stages keep their own records this
 * way (pipeline/listing.h). */
bool as_cache_load_raw(struct as_cache *self, struct as_cache_key key, char **body, size_t *len);
/* The device and inode of the cache directory (a walk over a tree that holds it must not depend on it). */
void as_cache_dir_id(const struct as_cache *self, uint64_t *dev, uint64_t *ino);

/* Hits, misses and writes so far (for tests and the benchmark); `unchanged`: files the stat index answered. */
void as_cache_stats(const struct as_cache *self, size_t *hits, size_t *misses, size_t *writes);
size_t as_cache_unchanged(const struct as_cache *self);
/* The warning to print once (NULL when none): the cache became unusable mid-run. */
const char *as_cache_warning(const struct as_cache *self);

#endif
