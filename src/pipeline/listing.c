/* listing.c — the project listing in the result cache; see listing.h. The entry's body:
 *   "ASLIST1\n" | u32 n, n paths | u32 n, n directories (path, u8 flags) | u32 n, n watched paths
 * where a string is a u32 length and its bytes, a path in a list is front-coded (the u32 length of the prefix
 * it shares with the one before it, then the string of the rest), and a watched path carries what stat(2) said of it when the
 * listing was taken (struct watched). Integers little-endian, as the cache's entries. */
#include "pipeline/listing.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define LISTING_MAGIC "ASLIST1\n"
#define SETTLE_SECONDS 2

enum watch_kind {
    WATCH_ABSENT = 0,   /* stat failed: the file was not there (or not reachable) */
    WATCH_FULL = 1,     /* a file or directory: every field must match */
    WATCH_IDENTITY = 2, /* a `.git` directory above the root: only which directory it is (git changes its times) */
};

struct watched {
    uint8_t kind;
    uint32_t mode;
    uint64_t dev, ino, size;
    int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
};

static void watch_status(const char *path, bool identity_if_dir, struct watched *w)
{
    struct stat st;
    memset(w, 0, sizeof(*w));
    if (stat(path, &st) != 0) return;   /* WATCH_ABSENT */
    w->mode = (uint32_t)st.st_mode;
    w->dev = (uint64_t)st.st_dev;
    w->ino = (uint64_t)st.st_ino;
    if (identity_if_dir && S_ISDIR(st.st_mode)) {
        w->kind = WATCH_IDENTITY;
        return;
    }
    w->kind = WATCH_FULL;
    w->size = (uint64_t)st.st_size;
    w->mtime_s = st.st_mtim.tv_sec;
    w->mtime_ns = st.st_mtim.tv_nsec;
    w->ctime_s = st.st_ctim.tv_sec;
    w->ctime_ns = st.st_ctim.tv_nsec;
}

static bool same_status(const struct watched *a, const struct watched *b)
{
    if (a->kind != b->kind) return false;
    if (a->kind == WATCH_ABSENT) return true;
    if (a->dev != b->dev || a->ino != b->ino || (a->mode & S_IFMT) != (b->mode & S_IFMT)) return false;
    return a->kind == WATCH_IDENTITY ||
           (a->mode == b->mode && a->size == b->size && a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns &&
            a->ctime_s == b->ctime_s && a->ctime_ns == b->ctime_ns);
}

/* ---- the key ---------------------------------------------------------------------------------------- */

static void put_u32(struct as_buf *b, uint32_t v) { as_buf_add(b, (const char *)&v, 4); }
static void put_u64(struct as_buf *b, uint64_t v) { as_buf_add(b, (const char *)&v, 8); }

static void put_str(struct as_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    put_u32(b, s ? (uint32_t)n : UINT32_MAX);
    as_buf_add(b, s ? s : "", n);
}

/* s front-coded against prev (the string written before it in the same list, or NULL): the length of the
 * prefix they share, then the rest. Sorted paths share most of their bytes (a listing is ~5x smaller). */
static void put_next(struct as_buf *b, const char *prev, const char *s)
{
    uint32_t shared = 0;
    while (prev && prev[shared] && prev[shared] == s[shared] && shared < UINT32_MAX - 1) shared++;
    put_u32(b, shared);
    put_str(b, s + shared);
}

static void put_strs(struct as_buf *b, const char *const *list, size_t n)
{
    put_u32(b, (uint32_t)n);
    for (size_t i = 0; i < n; i++) put_str(b, list[i]);
}

struct as_cache_key as_listing_key(const struct as_cache *cache, const char *root, const char *cwd,
                                   const struct as_discover_opts *o)
{
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, "listing");
    put_str(&b, root);
    put_str(&b, cwd);
    put_strs(&b, o->exclude, o->n_exclude);
    put_strs(&b, o->extensions, o->n_extensions);
    put_strs(&b, o->include, o->n_include);
    put_strs(&b, o->extend_include, o->n_extend_include);
    put_u32(&b, (uint32_t)o->no_default_excludes | (uint32_t)o->force_exclude << 1 | (uint32_t)o->respect_gitignore << 2);
    put_str(&b, getenv("HOME"));   /* where git's user configuration is looked for */
    put_str(&b, getenv("XDG_CONFIG_HOME"));
    struct as_cache_key k = as_cache_key_for(cache, "\x01listing", b.data, b.len);
    as_buf_release(&b);
    return k;
}

/* ---- storing ---------------------------------------------------------------------------------------- */

static void put_watched(struct as_buf *b, const char *prev, const char *path, const struct watched *w)
{
    put_next(b, prev, path);
    as_buf_add(b, (const char *)&w->kind, 1);
    put_u32(b, w->mode);
    put_u64(b, w->dev);
    put_u64(b, w->ino);
    put_u64(b, w->size);
    put_u64(b, (uint64_t)w->mtime_s);
    put_u64(b, (uint64_t)w->mtime_ns);
    put_u64(b, (uint64_t)w->ctime_s);
    put_u64(b, (uint64_t)w->ctime_ns);
}

/* Whether w changed too recently to be trusted (see listing.h). */
static bool unsettled(const struct watched *w, time_t walked_at)
{
    int64_t limit = (int64_t)walked_at - SETTLE_SECONDS;
    return w->kind != WATCH_ABSENT && w->kind != WATCH_IDENTITY && (w->mtime_s >= limit || w->ctime_s >= limit);
}

/* The watch list being written: its count so far and the last path (each is front-coded against it). */
struct watch_list {
    uint32_t n;
    char *last;
};

/* Appends path with its status to b; false when it is unsettled. */
static bool watch(struct as_buf *b, struct watch_list *l, const char *path, bool identity_if_dir, time_t walked_at)
{
    struct watched w;
    watch_status(path, identity_if_dir, &w);
    put_watched(b, l->last, path, &w);
    free(l->last);
    l->last = as_xstrdup(path);
    l->n++;
    return !unsettled(&w, walked_at);
}

/* The walked directories (but the cache directory and what lies in it), the watch list, and the `.git` and
 * `.gitignore` entries of root_abs and every directory above it, into b. False when one is unsettled. */
static bool put_watch_list(struct as_cache *cache, struct as_buf *b, const char *root_abs,
                           const struct as_path_list *list, time_t walked_at)
{
    size_t count_at = b->len;
    struct watch_list l = {0, NULL};
    put_u32(b, 0);
    bool settled = true;
    uint64_t cache_dev, cache_ino;
    as_cache_dir_id(cache, &cache_dev, &cache_ino);
    const char *skip = NULL;   /* the cache directory as the listing spells it, once met */
    size_t skip_len = 0;
    for (size_t i = 0; i < list->n_dirs && settled; i++) {
        const char *d = list->dirs[i].path;
        if (skip && strncmp(d, skip, skip_len) == 0 && d[skip_len] == '/') continue;
        struct stat st;
        if (stat(d, &st) == 0 && (uint64_t)st.st_dev == cache_dev && (uint64_t)st.st_ino == cache_ino) {
            skip = d;
            skip_len = strlen(d);
            continue;
        }
        settled = watch(b, &l, d, false, walked_at);
    }
    for (size_t i = 0; i < list->n_watch && settled; i++) settled = watch(b, &l, list->watch[i], false, walked_at);
    struct as_buf p;
    as_buf_init(&p);
    as_buf_puts(&p, root_abs);
    for (bool more = settled; more;) {
        size_t len = p.len;
        as_buf_puts(&p, len == 1 ? ".git" : "/.git");
        settled = watch(b, &l, p.data, true, walked_at);
        as_buf_puts(&p, "ignore");   /* ".git" + "ignore" */
        settled = settled && watch(b, &l, p.data, false, walked_at);
        p.len = len;
        p.data[len] = '\0';
        char *slash = strrchr(p.data, '/');
        more = settled && slash && len > 1;
        if (more) p.len = slash == p.data ? 1 : (size_t)(slash - p.data);
        p.data[p.len] = '\0';
    }
    as_buf_release(&p);
    memcpy(b->data + count_at, &l.n, 4);
    free(l.last);
    return settled;
}

void as_listing_store(struct as_cache *cache, struct as_cache_key key, const char *root_abs,
                      const struct as_path_list *list, time_t walked_at)
{
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, LISTING_MAGIC);
    put_u32(&b, (uint32_t)list->n);
    for (size_t i = 0; i < list->n; i++) put_next(&b, i ? list->paths[i - 1] : NULL, list->paths[i]);
    put_u32(&b, (uint32_t)list->n_dirs);
    for (size_t i = 0; i < list->n_dirs; i++) {
        put_next(&b, i ? list->dirs[i - 1].path : NULL, list->dirs[i].path);
        uint8_t flags = (uint8_t)(list->dirs[i].plain | list->dirs[i].config_names << 1);
        as_buf_add(&b, (const char *)&flags, 1);
    }
    if (put_watch_list(cache, &b, root_abs, list, walked_at)) as_cache_store_raw(cache, key, b.data, b.len);
    as_buf_release(&b);
}

/* ---- loading ---------------------------------------------------------------------------------------- */

struct reader {
    const char *p, *end;
    bool bad;
};

static void get(struct reader *r, void *out, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        memset(out, 0, n);
        return;
    }
    memcpy(out, r->p, n);
    r->p += n;
}

static uint32_t get_u32(struct reader *r)
{
    uint32_t v;
    get(r, &v, 4);
    return v;
}

static uint64_t get_u64(struct reader *r)
{
    uint64_t v;
    get(r, &v, 8);
    return v;
}

/* A string of the body (heap, NUL-terminated), or NULL (and r->bad) when it does not fit or has a NUL. */
static char *get_str(struct reader *r)
{
    uint32_t n = get_u32(r);
    if (r->bad || (size_t)(r->end - r->p) < n || memchr(r->p, '\0', n)) {
        r->bad = true;
        return NULL;
    }
    char *s = as_xstrndup(r->p, n);
    r->p += n;
    return s;
}

/* A front-coded string (put_next) after prev (heap; NULL for the first of a list), or NULL and r->bad. */
static char *get_next(struct reader *r, const char *prev)
{
    uint32_t shared = get_u32(r);
    if (r->bad || shared > (prev ? strlen(prev) : 0)) {
        r->bad = true;
        return NULL;
    }
    char *rest = get_str(r);
    if (!rest) return NULL;
    size_t n = strlen(rest);
    char *s = as_xmalloc((size_t)shared + n + 1);
    if (shared) memcpy(s, prev, shared);
    memcpy(s + shared, rest, n + 1);
    free(rest);
    return s;
}

/* A count of items of at least min_item bytes each that the rest of the body can hold. */
static uint32_t get_count(struct reader *r, size_t min_item)
{
    uint32_t n = get_u32(r);
    if (!r->bad && (size_t)(r->end - r->p) / min_item < n) r->bad = true;
    return r->bad ? 0 : n;
}

/* Whether every watched path of the body is as it was (r at the watch list). */
static bool still_valid(struct reader *r)
{
    uint32_t n = get_count(r, 4 + 4 + 1 + 4 + 7 * 8);
    char *prev = NULL;
    bool same = true;
    for (uint32_t i = 0; i < n && !r->bad && same; i++) {
        char *path = get_next(r, prev);
        struct watched was, now;
        get(r, &was.kind, 1);
        was.mode = get_u32(r);
        was.dev = get_u64(r);
        was.ino = get_u64(r);
        was.size = get_u64(r);
        was.mtime_s = (int64_t)get_u64(r);
        was.mtime_ns = (int64_t)get_u64(r);
        was.ctime_s = (int64_t)get_u64(r);
        was.ctime_ns = (int64_t)get_u64(r);
        same = false;
        if (!r->bad) {
            watch_status(path, was.kind == WATCH_IDENTITY, &now);
            same = same_status(&was, &now);
        }
        free(prev);
        prev = path;
    }
    free(prev);
    return same && !r->bad && r->p == r->end;
}

static void push_path(struct as_path_list *l, char *path)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->paths = as_xrealloc(l->paths, l->cap * sizeof(char *));
    }
    l->paths[l->n++] = path;
}

static void push_dir(struct as_path_list *l, char *path, uint8_t flags)
{
    if (l->n_dirs == l->cap_dirs) {
        l->cap_dirs = l->cap_dirs ? l->cap_dirs * 2 : 64;
        l->dirs = as_xrealloc(l->dirs, l->cap_dirs * sizeof(*l->dirs));
    }
    l->dirs[l->n_dirs++] = (struct as_listed_dir){path, flags & 1, (flags >> 1) & 1};
}

bool as_listing_load(struct as_cache *cache, struct as_cache_key key, struct as_path_list *out)
{
    char *body;
    size_t len;
    if (!as_cache_load_raw(cache, key, &body, &len)) return false;
    struct reader r = {body, body + len, false};
    char magic[8];
    get(&r, magic, 8);
    bool ok = !r.bad && memcmp(magic, LISTING_MAGIC, 8) == 0;
    uint32_t n = ok ? get_count(&r, 8) : 0;
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        char *p = get_next(&r, i ? out->paths[i - 1] : NULL);
        if (p) push_path(out, p);
    }
    n = r.bad ? 0 : get_count(&r, 9);
    for (uint32_t i = 0; i < n && !r.bad; i++) {
        char *p = get_next(&r, i ? out->dirs[i - 1].path : NULL);
        uint8_t flags;
        get(&r, &flags, 1);
        if (p) push_dir(out, p, flags);
    }
    ok = ok && !r.bad && still_valid(&r);
    free(body);
    if (!ok) as_path_list_release(out);
    return ok;
}
