/* cache.c — the on-disk result cache; see cache.h for the contract. Entries:
 *   "ASCACHE\1" | u32 format | u32 body length | u64 tag | 16-byte key | body
 * where the body is a list of sections (u32 tag, u32 length, payload) and the tag is SipHash-2-4, under the
 * user's key (cache_secret.h), of the whole entry with the tag field zeroed. Integers are little-endian on the
 * machines this runs on; an entry written elsewhere, or by anyone without the key, is a miss.
 * All file access goes through the directory's file descriptor, never following a symbolic link: the
 * directory may sit in a hostile tree (a committed `.asyncscan_cache/ab -> /home/user/.ssh`). */
#define _GNU_SOURCE 1
#include "pipeline/cache.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "pipeline/cache_prune.h"
#include "pipeline/cache_secret.h"
#include "util/buf.h"
#include "util/readfile.h"
#include "util/siphash.h"
#include "util/strmap.h"
#include "util/vec.h"
#include "util/xalloc.h"

#define MAGIC "ASCACHE\1"
#define FORMAT 6u
#define HEADER (8 + 4 + 4 + 8 + 16)

enum section { SEC_ERROR = 1, SEC_DIAGS = 2, SEC_FUNCTIONS = 3, SEC_MODULE = 4, SEC_CLASSES = 5, SEC_ALIASES = 6,
               SEC_PARSED = 7, SEC_JOIN = 8, SEC_JOIN_END = 9 };

struct index_entry {
    const char *path;            /* into index_text */
    struct as_file_status st;
    bool looked_up;              /* this run asked about the path (so the entry is not carried over as it is) */
};

struct as_cache {
    char *dir;                   /* for messages */
    int dirfd;                   /* every access is relative to it (O_NOFOLLOW) */
    unsigned char secret[AS_SIPHASH_KEY_BYTES];
    uint64_t settings;
    size_t hits, misses, writes, unchanged;
    time_t opened;               /* files changed after opened - 2 s are not indexed */
    char *index_text;            /* the loaded index file (its paths are used in place) */
    struct index_entry *index;
    size_t n_index;
    struct as_strmap index_by_path;
    int disabled;              /* set once, atomically, when a write fails */
    char warning[256];
};

/* Turns the cache off for the rest of the run; the first failure (on `what`, in the directory) is the warning. */
static void disable(struct as_cache *self, const char *what, int err)
{
    if (!__atomic_exchange_n(&self->disabled, 1, __ATOMIC_SEQ_CST))
        snprintf(self->warning, sizeof(self->warning), "cache disabled: %s/%s: %s", self->dir, what, strerror(err));
}

/* Writes data to a new temporary file in directory fd `at` (O_EXCL, O_NOFOLLOW) and renames it over `name`
 * there: readers see the old file or the new one, never half of one, and a symbolic link planted under either
 * name is replaced, not followed. A failure disables the cache (one warning naming `shown`). */
static bool write_file_atomically(struct as_cache *self, int at, const char *name, const char *shown,
                                  const char *data, size_t len)
{
    static unsigned long counter;
    char tmp[128];
    snprintf(tmp, sizeof(tmp), "%s" AS_CACHE_TMP_INFIX "%ld-%lu", name, (long)getpid(),
             __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED));
    int fd = openat(at, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    if (ok) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = write(fd, data + off, len - off);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) { ok = false; break; }
            off += (size_t)w;
        }
        if (close(fd) != 0) ok = false;
        if (ok && renameat(at, tmp, at, name) != 0) ok = false;
        int e = errno;
        if (!ok) unlinkat(at, tmp, 0);
        errno = e;
    }
    if (!ok) disable(self, shown, errno);
    return ok;
}

/* The tag of a whole entry or index (with its tag field zeroed by the caller). */
static uint64_t seal(const struct as_cache *self, const char *data, size_t len)
{
    return as_siphash24(self->secret, data, len);
}

static void load_index(struct as_cache *c);
static bool read_entry(struct as_cache *self, struct as_cache_key key, struct as_buf *data);

uint64_t as_cache_settings_hash(const char *const *parts, size_t n)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    for (size_t i = 0; i < n; i++) XXH3_64bits_update(st, parts[i], strlen(parts[i]) + 1);
    uint64_t h = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return h;
}

/* The cache directory, created if needed (see as_cache_dir_open). */
static int open_cache_dir(const char *dir, char *err, size_t errlen)
{
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the cache directory %s: %s", dir, strerror(errno));
        return -1;
    }
    return as_cache_dir_open(dir, err, errlen);
}

int as_cache_dir_open(const char *dir, char *err, size_t errlen)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (errno == ELOOP || errno == ENOTDIR) snprintf(err, errlen, "the cache path %s is not a plain directory", dir);
        else snprintf(err, errlen, "cannot open the cache directory %s: %s", dir, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen, "the cache directory %s belongs to another user", dir);
    } else if (faccessat(fd, ".", W_OK | X_OK, 0) != 0) {
        snprintf(err, errlen, "the cache directory %s is not writable", dir);
    } else {
        return fd;
    }
    close(fd);
    return -1;
}

struct as_cache *as_cache_open(const char *dir, uint64_t settings_hash, char *err, size_t errlen)
{
    unsigned char secret[AS_SIPHASH_KEY_BYTES];
    if (!as_cache_secret_load(secret, err, errlen)) return NULL;
    int fd = open_cache_dir(dir, err, errlen);
    if (fd < 0) return NULL;
    /* Mark the directory so tools and people know what it is (like ruff's .ruff_cache); whatever already has
     * the name (even a dangling symbolic link) is left alone. */
    int tag = openat(fd, ".gitignore", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (tag >= 0) {
        static const char text[] = "# Automatically created by asyncscan.\n*\n";
        if (write(tag, text, sizeof(text) - 1) < 0) { /* only a marker */ }
        close(tag);
    }
    struct as_cache *c = as_xcalloc(1, sizeof(*c));
    c->dir = as_xstrdup(dir);
    c->dirfd = fd;
    memcpy(c->secret, secret, sizeof(secret));
    c->settings = settings_hash;
    c->opened = time(NULL);
    load_index(c);
    return c;
}

void as_cache_close(struct as_cache *self)
{
    if (!self) return;
    time_t now = time(NULL);
    if (!__atomic_load_n(&self->disabled, __ATOMIC_SEQ_CST) && as_cache_prune_due(self->dirfd, now)) {
        struct as_prune_stats stats;   /* the day's housekeeping (cache_prune.h) */
        as_cache_prune_dir(self->dirfd, false, now, AS_CACHE_MAX_AGE, &stats);
    }
    close(self->dirfd);
    free(self->dir);
    free(self->index_text);
    free(self->index);
    as_strmap_free(&self->index_by_path);
    free(self);
}

/* ---- the stat index ---------------------------------------------------------------------------------- */

#define INDEX_MAGIC "asyncscan-stat-index 1"

bool as_file_status_of(const char *path, struct as_file_status *out)
{
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    *out = (struct as_file_status){(uint64_t)st.st_dev, (uint64_t)st.st_ino,     (uint64_t)st.st_size,
                                   st.st_mtim.tv_sec,   st.st_mtim.tv_nsec,      st.st_ctim.tv_sec,
                                   st.st_ctim.tv_nsec};
    return true;
}

static void index_name(const struct as_cache *self, char *out, size_t n)
{
    snprintf(out, n, AS_CACHE_INDEX_PREFIX "%016llx", (unsigned long long)self->settings);
}

/* The index's numbers: decimal, as put_entry writes them (a '-' only for times before 1970), each followed by
 * one space. false on anything else. sscanf took ~10% of a warm run's instructions. */
static bool read_number(char **p, bool is_signed, unsigned long long *out)
{
    char *q = *p;
    bool negative = is_signed && *q == '-';
    if (negative) q++;
    unsigned long long v = 0;
    const char *digits = q;
    while (*q >= '0' && *q <= '9') {
        unsigned digit = (unsigned)(*q++ - '0');
        if (v > ULLONG_MAX / 10 || (v == ULLONG_MAX / 10 && digit > ULLONG_MAX % 10)) return false;
        v = v * 10 + digit;
    }
    if (q == digits || *q != ' ' || (negative && v > (unsigned long long)LLONG_MAX)) return false;
    *out = negative ? (unsigned long long)(-(long long)v) : v;
    *p = q + 1;
    return true;
}

/* Reads the index; anything malformed (bad magic or checksum, a short line) drops it whole. */
static void load_index(struct as_cache *c)
{
    char name[64], why[128];
    index_name(c, name, sizeof(name));
    char *text;
    size_t len;
    if (as_read_file_at(c->dirfd, name, 256u << 20, AS_READ_NOFOLLOW, &text, &len, why, sizeof(why)) != AS_READ_OK)
        return;
    struct as_buf data = {text, len, len + 1};
    /* the last line: "end <tag of everything before it>" */
    const size_t trailer = 4 + 16 + 1;
    char *end = len >= trailer ? text + len - trailer : NULL;
    unsigned long long sum = 0;
    if (!end || strncmp(end, "end ", 4) != 0 || sscanf(end + 4, "%16llx", &sum) != 1 ||
        seal(c, text, (size_t)(end - text)) != sum || strncmp(text, INDEX_MAGIC "\n", strlen(INDEX_MAGIC) + 1) != 0) {
        as_buf_release(&data);
        return;
    }
    *end = '\0';
    size_t cap = 0;
    for (char *line = text + strlen(INDEX_MAGIC) + 1; *line;) {
        char *nl = strchr(line, '\n');
        if (!nl) break;
        *nl = '\0';
        struct index_entry e = {0};
        unsigned long long v[7];
        char *q = line;
        bool ok = true;
        for (int k = 0; k < 7 && ok; k++) ok = read_number(&q, k >= 3, &v[k]);
        if (!ok || !*q) {
            free(c->index);
            c->index = NULL;
            c->n_index = 0;
            as_strmap_free(&c->index_by_path);
            as_buf_release(&data);
            return;
        }
        e.path = q;
        e.st = (struct as_file_status){v[0], v[1], v[2], (int64_t)v[3], (int64_t)v[4], (int64_t)v[5], (int64_t)v[6]};
        if (c->n_index == cap) {
            cap = cap ? cap * 2 : 256;
            c->index = as_xrealloc(c->index, cap * sizeof(*c->index));
        }
        c->index[c->n_index] = e;
        as_strmap_put(&c->index_by_path, e.path, (int32_t)c->n_index);
        c->n_index++;
        line = nl + 1;
    }
    c->index_text = text;
}

bool as_cache_known_trivial(struct as_cache *self, const char *path, const struct as_file_status *st)
{
    int32_t i = as_strmap_get(&self->index_by_path, path);
    if (i < 0) return false;
    struct index_entry *e = &self->index[i];
    e->looked_up = true;   /* only this file's worker writes this entry */
    if (memcmp(&e->st, st, sizeof(*st)) != 0) return false;
    __atomic_fetch_add(&self->unchanged, 1, __ATOMIC_RELAXED);
    return true;
}

static bool settled(const struct as_cache *self, const struct as_file_status *st)
{
    int64_t limit = (int64_t)self->opened - 2;
    return st->mtime_s < limit && st->ctime_s < limit;
}

static void put_number(struct as_buf *b, unsigned long long v, bool negative)
{
    char digits[24];
    size_t n = 0;
    do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
    if (negative) as_buf_putc(b, '-');
    while (n) as_buf_putc(b, digits[--n]);
    as_buf_putc(b, ' ');
}

static void put_signed(struct as_buf *b, long long v)
{
    put_number(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0);
}

/* Whether this run's file goes into the index: nothing to show, settled, and a name without a newline (the
 * index is one line per file). */
static bool indexable(const struct as_cache *self, const char *path, const struct as_file_status *st, bool trivial)
{
    return trivial && settled(self, st) && !strchr(path, '\n');
}

/* One line: "dev ino size mtime_s mtime_ns ctime_s ctime_ns path" (read_number reads the numbers back). */
static void put_entry(struct as_buf *b, const char *path, const struct as_file_status *st)
{
    put_number(b, (unsigned long long)st->dev, false);
    put_number(b, (unsigned long long)st->ino, false);
    put_number(b, (unsigned long long)st->size, false);
    put_signed(b, (long long)st->mtime_s);
    put_signed(b, (long long)st->mtime_ns);
    put_signed(b, (long long)st->ctime_s);
    put_signed(b, (long long)st->ctime_ns);
    as_buf_puts(b, path);
    as_buf_putc(b, '\n');
}

void as_cache_save_index(struct as_cache *self, const char *const *paths, const struct as_file_status *status,
                         const bool *trivial, size_t n)
{
    if (__atomic_load_n(&self->disabled, __ATOMIC_RELAXED)) return;
    /* Unchanged (every file this run indexes has its entry with the same status, and every entry this run
     * looked up is one of those): the file on disk already says it all, and a warm run writes nothing. */
    size_t wanted = 0, matched = 0, looked_up = 0;
    for (size_t i = 0; i < n; i++) {
        if (!indexable(self, paths[i], &status[i], trivial[i])) continue;
        wanted++;
        int32_t k = as_strmap_get(&self->index_by_path, paths[i]);
        if (k >= 0 && self->index[k].looked_up && memcmp(&self->index[k].st, &status[i], sizeof(status[i])) == 0)
            matched++;
    }
    for (size_t k = 0; k < self->n_index; k++) looked_up += self->index[k].looked_up;
    if (self->index_text && wanted == matched && looked_up == matched) return;
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, INDEX_MAGIC "\n");
    struct as_strmap written = {0};
    for (size_t i = 0; i < n; i++)
        if (indexable(self, paths[i], &status[i], trivial[i])) {
            put_entry(&b, paths[i], &status[i]);
            as_strmap_put(&written, paths[i], 1);
        }
    for (size_t i = 0; i < self->n_index; i++) {
        const struct index_entry *e = &self->index[i];
        if (!e->looked_up && as_strmap_get(&written, e->path) < 0) put_entry(&b, e->path, &e->st);
    }
    as_strmap_free(&written);
    as_buf_printf(&b, "end %016llx\n", (unsigned long long)seal(self, b.data, b.len));
    char name[64];
    index_name(self, name, sizeof(name));
    write_file_atomically(self, self->dirfd, name, name, b.data, b.len);
    as_buf_release(&b);
}

size_t as_cache_unchanged(const struct as_cache *self)
{
    return __atomic_load_n(&self->unchanged, __ATOMIC_RELAXED);
}

struct as_cache_key as_cache_key_for(const struct as_cache *self, const char *path, const char *bytes, size_t len)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset_withSeed(st, self->settings);
    XXH3_128bits_update(st, path, strlen(path) + 1);
    XXH3_128bits_update(st, bytes, len);
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    struct as_cache_key k = {h.high64, h.low64};
    return k;
}

/* The entry's shard directory ("ab", the key's first byte) and file name in it. */
static void entry_name(struct as_cache_key k, char shard[3], char name[33])
{
    snprintf(shard, 3, "%02x", (unsigned)(k.hi >> 56));
    snprintf(name, 33, "%016llx%016llx", (unsigned long long)k.hi, (unsigned long long)k.lo);
}

/* ---- writing ----------------------------------------------------------------------------------------- */

static void put_u32(struct as_buf *b, uint32_t v) { as_buf_add(b, (const char *)&v, 4); }

static void put_str(struct as_buf *b, const char *s)
{
    if (!s) {
        put_u32(b, UINT32_MAX);
        return;
    }
    uint32_t n = (uint32_t)strlen(s);
    put_u32(b, n);
    as_buf_add(b, s, n);
}

static void put_site(struct as_buf *b, const struct as_call_site *c)
{
    put_str(b, c->callee);
    put_str(b, c->code);
    uint32_t nums[5] = {c->line, c->col, c->end_line, c->end_col, c->flags};
    as_buf_add(b, (const char *)nums, sizeof(nums));
    put_str(b, c->guard);
    put_str(b, c->shape);
    put_str(b, c->noqa);
}

static void put_diags(struct as_buf *p, const struct as_diag *diags, size_t n)
{
    put_u32(p, (uint32_t)n);
    for (size_t i = 0; i < n; i++) {
        const struct as_diag *d = &diags[i];
        put_str(p, d->code);
        put_str(p, d->name);
        put_str(p, d->message);
        put_str(p, d->help);
        put_str(p, d->url);
        uint32_t nums[7] = {d->line, d->col, d->end_line, d->end_col, d->noqa_line, (uint32_t)d->joined,
                            (uint32_t)d->n_chain};
        as_buf_add(p, (const char *)nums, sizeof(nums));
        for (size_t c = 0; c < d->n_chain; c++) {
            put_str(p, d->chain[c].label);
            put_str(p, d->chain[c].path);
            put_u32(p, d->chain[c].line);
            put_u32(p, d->chain[c].col);
        }
        put_str(p, d->root_code);
    }
}

static void section(struct as_buf *body, enum section tag, const struct as_buf *payload)
{
    put_u32(body, tag);
    put_u32(body, (uint32_t)payload->len);
    as_buf_add(body, payload->data, payload->len);
}

/* The envelope (magic, format, length, checksum, key) around body, written atomically to the key's path. */
static bool write_entry(struct as_cache *self, struct as_cache_key key, const struct as_buf *body)
{
    struct as_buf all;
    as_buf_init(&all);
    as_buf_add(&all, MAGIC, 8);
    put_u32(&all, FORMAT);
    put_u32(&all, (uint32_t)body->len);
    uint64_t sum = 0;
    as_buf_add(&all, (const char *)&sum, 8);
    as_buf_add(&all, (const char *)&key.hi, 8);
    as_buf_add(&all, (const char *)&key.lo, 8);
    as_buf_add(&all, body->data, body->len);
    sum = seal(self, all.data, all.len);
    memcpy(all.data + 16, &sum, 8);
    char shard[3], name[33];
    entry_name(key, shard, name);
    mkdirat(self->dirfd, shard, 0777);
    int at = openat(self->dirfd, shard, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    bool ok = at >= 0;
    if (ok) {
        ok = write_file_atomically(self, at, name, shard, all.data, all.len);
        close(at);
    } else {
        disable(self, shard, errno == ELOOP || errno == ENOTDIR ? ENOTDIR : errno);
    }
    as_buf_release(&all);
    return ok;
}

void as_cache_store_raw(struct as_cache *self, struct as_cache_key key, const char *body, size_t len)
{
    struct as_buf b = {(char *)body, len, 0};   /* read only */
    write_entry(self, key, &b);
}

bool as_cache_load_raw(struct as_cache *self, struct as_cache_key key, char **body, size_t *len)
{
    struct as_buf data;
    *body = NULL;
    *len = 0;
    if (!read_entry(self, key, &data)) {
        as_buf_release(&data);
        return false;
    }
    *len = data.len - HEADER;
    memmove(data.data, data.data + HEADER, *len);
    data.data[*len] = '\0';
    *body = data.data;
    return true;
}

void as_cache_dir_id(const struct as_cache *self, uint64_t *dev, uint64_t *ino)
{
    struct stat st;
    *dev = *ino = 0;
    if (fstat(self->dirfd, &st) == 0) {
        *dev = (uint64_t)st.st_dev;
        *ino = (uint64_t)st.st_ino;
    }
}

void as_cache_save_index_raw(struct as_cache *self, const char *text, size_t len)
{
    struct as_buf b;
    as_buf_init(&b);
    as_buf_add(&b, text, len);
    as_buf_printf(&b, "end %016llx\n", (unsigned long long)seal(self, b.data, b.len));
    char name[64];
    index_name(self, name, sizeof(name));
    write_file_atomically(self, self->dirfd, name, name, b.data, b.len);
    as_buf_release(&b);
}

void as_cache_store(struct as_cache *self, struct as_cache_key key, const struct as_file_result *res)
{
    if (__atomic_load_n(&self->disabled, __ATOMIC_RELAXED)) return;
    struct as_buf body, p;
    as_buf_init(&body);
    as_buf_init(&p);
    if (res->error) {
        put_str(&p, res->error);
        section(&body, SEC_ERROR, &p);
        as_buf_reset(&p);
    }
    if (res->module) {
        put_str(&p, res->module);
        section(&body, SEC_MODULE, &p);
        as_buf_reset(&p);
    }
    put_diags(&p, res->diags, res->n_diags);
    section(&body, SEC_DIAGS, &p);
    as_buf_reset(&p);
    put_u32(&p, (uint32_t)res->n_functions);
    for (size_t i = 0; i < res->n_functions; i++) {
        const struct as_function_summary *f = &res->functions[i];
        put_str(&p, f->qname);
        uint32_t nums[5] = {(uint32_t)f->is_async | (uint32_t)f->is_decorated << 1 | (uint32_t)f->is_generator << 2 |
                           (uint32_t)f->is_offloaded << 3 | (uint32_t)f->is_property << 4, f->line, f->col,
                           (uint32_t)f->n_calls, (uint32_t)f->n_blocking};
        as_buf_add(&p, (const char *)nums, sizeof(nums));
        put_str(&p, f->returns);
        for (size_t c = 0; c < f->n_calls; c++) put_site(&p, &f->calls[c]);
        for (size_t c = 0; c < f->n_blocking; c++) put_site(&p, &f->blocking[c]);
    }
    section(&body, SEC_FUNCTIONS, &p);
    as_buf_reset(&p);
    put_u32(&p, (uint32_t)res->n_classes);
    for (size_t i = 0; i < res->n_classes; i++) {
        put_str(&p, res->classes[i].qname);
        put_u32(&p, (uint32_t)res->classes[i].n_bases);
        for (size_t k = 0; k < res->classes[i].n_bases; k++) put_str(&p, res->classes[i].bases[k]);
    }
    section(&body, SEC_CLASSES, &p);
    as_buf_reset(&p);
    put_u32(&p, (uint32_t)res->n_aliases);
    for (size_t i = 0; i < res->n_aliases; i++) {
        put_str(&p, res->aliases[i].name);
        put_str(&p, res->aliases[i].target);
    }
    section(&body, SEC_ALIASES, &p);
    as_buf_reset(&p);
    if (res->parsed) section(&body, SEC_PARSED, &p);
    as_buf_release(&p);

    if (write_entry(self, key, &body)) __atomic_add_fetch(&self->writes, 1, __ATOMIC_RELAXED);   /* file entries */
    as_buf_release(&body);
}

/* ---- reading ----------------------------------------------------------------------------------------- */

struct reader {
    const char *p, *end;
    bool bad;
    struct as_arena *arena;
};

static uint32_t get_u32(struct reader *r)
{
    uint32_t v = 0;
    if (r->end - r->p < 4) { r->bad = true; return 0; }
    memcpy(&v, r->p, 4);
    r->p += 4;
    return v;
}

static const char *get_str(struct reader *r)
{
    uint32_t n = get_u32(r);
    if (r->bad || n == UINT32_MAX) return NULL;
    if ((size_t)(r->end - r->p) < n) { r->bad = true; return NULL; }
    const char *s = as_arena_strndup(r->arena, r->p, n);
    r->p += n;
    return s;
}

/* Reads a count and checks it is plausible for the bytes left (each item needs at least `min_item` bytes). */
static uint32_t get_count(struct reader *r, size_t min_item)
{
    uint32_t n = get_u32(r);
    if ((size_t)(r->end - r->p) / min_item < n) { r->bad = true; return 0; }
    return n;
}

static void get_site(struct reader *r, struct as_call_site *c)
{
    c->callee = get_str(r);
    c->code = get_str(r);
    c->line = get_u32(r);
    c->col = get_u32(r);
    c->end_line = get_u32(r);
    c->end_col = get_u32(r);
    c->flags = get_u32(r);
    c->guard = get_str(r);
    c->shape = get_str(r);
    c->noqa = get_str(r);
}

/* A list of findings (as put_diags writes it); on a bad one *n is 0. */
static struct as_diag *get_diags(struct reader *rd, struct as_arena *arena, size_t *n_out)
{
    struct reader s = *rd;
    uint32_t n = get_count(&s, 48);
    struct as_diag *diags = as_arena_alloc(arena, (n ? n : 1) * sizeof(struct as_diag));
    for (uint32_t i = 0; i < n && !s.bad; i++) {
        struct as_diag *d = &diags[i];
        d->code = get_str(&s);
        d->name = get_str(&s);
        d->message = get_str(&s);
        d->help = get_str(&s);
        d->url = get_str(&s);
        d->line = get_u32(&s);
        d->col = get_u32(&s);
        d->end_line = get_u32(&s);
        d->end_col = get_u32(&s);
        d->noqa_line = get_u32(&s);
        d->joined = get_u32(&s) != 0;
        d->n_chain = get_count(&s, 16);
        d->chain = d->n_chain ? as_arena_alloc(arena, d->n_chain * sizeof(struct as_chain_step)) : NULL;
        for (size_t c = 0; c < d->n_chain && !s.bad; c++) {
            d->chain[c].label = get_str(&s);
            d->chain[c].path = get_str(&s);
            d->chain[c].line = get_u32(&s);
            d->chain[c].col = get_u32(&s);
        }
        d->root_code = get_str(&s);
        if (!d->code || !d->name || !d->message) s.bad = true;
    }
    *n_out = s.bad ? 0 : n;
    rd->p = s.p;
    rd->bad = s.bad;
    return diags;
}

static bool parse_body(struct reader *r, struct as_file_result *res)
{
    while (r->p < r->end && !r->bad) {
        uint32_t tag = get_u32(r), len = get_u32(r);
        if (r->bad || (size_t)(r->end - r->p) < len) return false;
        struct reader s = {r->p, r->p + len, false, r->arena};
        r->p += len;
        switch (tag) {
        case SEC_ERROR: res->error = get_str(&s); break;
        case SEC_MODULE: res->module = get_str(&s); break;
        case SEC_DIAGS: res->diags = get_diags(&s, r->arena, &res->n_diags); break;
        case SEC_FUNCTIONS: {
            uint32_t n = get_count(&s, 28);
            res->functions = as_arena_alloc(r->arena, (n ? n : 1) * sizeof(struct as_function_summary));
            for (uint32_t i = 0; i < n && !s.bad; i++) {
                struct as_function_summary *f = &res->functions[i];
                f->qname = get_str(&s);
                uint32_t bits = get_u32(&s);
                f->is_async = bits & 1;
                f->is_decorated = (bits >> 1) & 1;
                f->is_generator = (bits >> 2) & 1;
                f->is_offloaded = (bits >> 3) & 1;
                f->is_property = (bits >> 4) & 1;
                f->line = get_u32(&s);
                f->col = get_u32(&s);
                f->n_calls = get_u32(&s);
                f->n_blocking = get_u32(&s);
                f->returns = get_str(&s);
                if ((size_t)(s.end - s.p) / 40 < f->n_calls + f->n_blocking) { s.bad = true; break; }
                f->calls = as_arena_alloc(r->arena, (f->n_calls ? f->n_calls : 1) * sizeof(struct as_call_site));
                f->blocking = as_arena_alloc(r->arena, (f->n_blocking ? f->n_blocking : 1) * sizeof(struct as_call_site));
                for (size_t c = 0; c < f->n_calls && !s.bad; c++) get_site(&s, &f->calls[c]);
                for (size_t c = 0; c < f->n_blocking && !s.bad; c++) get_site(&s, &f->blocking[c]);
            }
            res->n_functions = s.bad ? 0 : n;
            break;
        }
        case SEC_CLASSES: {
            uint32_t n = get_count(&s, 8);
            res->classes = as_arena_alloc(r->arena, (n ? n : 1) * sizeof(struct as_class_summary));
            for (uint32_t i = 0; i < n && !s.bad; i++) {
                struct as_class_summary *c = &res->classes[i];
                c->qname = get_str(&s);
                c->n_bases = get_count(&s, 4);
                c->bases = as_arena_alloc(r->arena, (c->n_bases ? c->n_bases : 1) * sizeof(char *));
                for (size_t k = 0; k < c->n_bases && !s.bad; k++)
                    if (!(c->bases[k] = get_str(&s))) s.bad = true;
                if (!c->qname) s.bad = true;
            }
            res->n_classes = s.bad ? 0 : n;
            break;
        }
        case SEC_ALIASES: {
            uint32_t n = get_count(&s, 8);
            res->aliases = as_arena_alloc(r->arena, (n ? n : 1) * sizeof(struct as_alias));
            for (uint32_t i = 0; i < n && !s.bad; i++) {
                res->aliases[i].name = get_str(&s);
                res->aliases[i].target = get_str(&s);
                if (!res->aliases[i].name || !res->aliases[i].target) s.bad = true;
            }
            res->n_aliases = s.bad ? 0 : n;
            break;
        }
        case SEC_PARSED: res->parsed = true; break;
        default:
            break;   /* a section from a newer writer: skip it */
        }
        if (s.bad) return false;
    }
    return !r->bad;
}

/* The body of the entry for key into *data (the caller releases it; the body starts at HEADER), or false when
 * there is none or it fails the magic, format, key or checksum test. */
static bool read_entry(struct as_cache *self, struct as_cache_key key, struct as_buf *data)
{
    char shard[3], name[33], why[128];
    entry_name(key, shard, name);
    as_buf_init(data);
    int at = openat(self->dirfd, shard, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (at < 0) return false;
    char *bytes;
    size_t n;
    enum as_read_status rc = as_read_file_at(at, name, 64u << 20, AS_READ_NOFOLLOW, &bytes, &n, why, sizeof(why));
    close(at);
    if (rc != AS_READ_OK) return false;
    as_buf_release(data);
    *data = (struct as_buf){bytes, n, n + 1};
    if (data->len < HEADER || memcmp(data->data, MAGIC, 8) != 0) return false;
    uint32_t fmt, len;
    uint64_t sum, hi, lo;
    memcpy(&fmt, data->data + 8, 4);
    memcpy(&len, data->data + 12, 4);
    memcpy(&sum, data->data + 16, 8);
    memcpy(&hi, data->data + 24, 8);
    memcpy(&lo, data->data + 32, 8);
    memset(data->data + 16, 0, 8);
    return fmt == FORMAT && len == data->len - HEADER && hi == key.hi && lo == key.lo &&
           seal(self, data->data, data->len) == sum;
}

bool as_cache_load(struct as_cache *self, struct as_cache_key key, struct as_file_result *res)
{
    struct as_buf data;
    bool ok = false;
    if (read_entry(self, key, &data)) {
        /* parse into a scratch result first, so a bad entry leaves res untouched */
        struct reader r = {data.data + HEADER, data.data + data.len, false, &res->arena};
        struct as_file_result tmp;
        memset(&tmp, 0, sizeof(tmp));
        if (parse_body(&r, &tmp)) {
            res->error = tmp.error;
            res->module = tmp.module;
            res->diags = tmp.diags;
            res->n_diags = tmp.n_diags;
            res->functions = tmp.functions;
            res->n_functions = tmp.n_functions;
            res->classes = tmp.classes;
            res->n_classes = tmp.n_classes;
            res->aliases = tmp.aliases;
            res->n_aliases = tmp.n_aliases;
            res->parsed = tmp.parsed;
            ok = true;
        }
    }
    as_buf_release(&data);
    __atomic_add_fetch(ok ? &self->hits : &self->misses, 1, __ATOMIC_RELAXED);
    return ok;
}

/* ---- the project pass's findings ------------------------------------------------------------------------ */

struct as_cache_key as_cache_join_key(const struct as_cache *self, const char *context, const char *const *paths,
                                      const struct as_cache_key *keys, const bool *keyed,
                                      const struct as_file_status *status, const bool *trivial, size_t n)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset_withSeed(st, self->settings);
    XXH3_128bits_update(st, "join", 5);
    XXH3_128bits_update(st, context, strlen(context) + 1);
    for (size_t i = 0; i < n; i++) {
        XXH3_128bits_update(st, paths[i], strlen(paths[i]) + 1);
        /* a file with nothing to show that the index may vouch for is known by its status (the same whether it
         * was read this time or not); any other by its content */
        if (trivial[i] && settled(self, &status[i])) {
            XXH3_128bits_update(st, "s", 1);
            XXH3_128bits_update(st, &status[i], sizeof(status[i]));
        } else if (keyed[i]) {
            XXH3_128bits_update(st, "k", 1);
            XXH3_128bits_update(st, &keys[i], sizeof(keys[i]));
        } else {
            XXH3_128bits_update(st, "x", 1);   /* unread: its error is reported anew on every run */
        }
    }
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    struct as_cache_key k = {h.high64, h.low64};
    return k;
}

void as_cache_store_join(struct as_cache *self, struct as_cache_key key, const struct as_join_findings *items, size_t n)
{
    if (__atomic_load_n(&self->disabled, __ATOMIC_RELAXED)) return;
    struct as_buf body, p;
    as_buf_init(&body);
    as_buf_init(&p);
    for (size_t i = 0; i < n; i++) {
        put_u32(&p, items[i].file);
        put_diags(&p, items[i].diags, items[i].n_diags);
        section(&body, SEC_JOIN, &p);
        as_buf_reset(&p);
    }
    section(&body, SEC_JOIN_END, &p);   /* an empty run's entry is not empty */
    as_buf_release(&p);
    write_entry(self, key, &body);
    as_buf_release(&body);
}

bool as_cache_load_join(struct as_cache *self, struct as_cache_key key, struct as_arena *arena,
                        struct as_join_findings **items, size_t *n)
{
    *items = NULL;
    *n = 0;
    struct as_buf data;
    bool ok = read_entry(self, key, &data);
    VEC(struct as_join_findings) got = {0};
    bool ended = false;
    struct reader r = {NULL, NULL, false, arena};
    if (ok) r = (struct reader){data.data + HEADER, data.data + data.len, false, arena};
    while (ok && r.p < r.end && !r.bad) {
        uint32_t tag = get_u32(&r), len = get_u32(&r);
        if (r.bad || (size_t)(r.end - r.p) < len) { ok = false; break; }
        struct reader s = {r.p, r.p + len, false, arena};
        r.p += len;
        if (tag == SEC_JOIN_END) { ended = true; continue; }
        if (tag != SEC_JOIN) continue;
        struct as_join_findings j;
        j.file = get_u32(&s);
        j.diags = get_diags(&s, arena, &j.n_diags);
        if (s.bad || (got.len && j.file <= got.items[got.len - 1].file)) { ok = false; break; }
        vec_push(&got, j);
    }
    ok = ok && ended && !r.bad;
    if (ok && got.len) {
        *items = as_arena_alloc(arena, got.len * sizeof(**items));
        memcpy(*items, got.items, got.len * sizeof(**items));
        *n = got.len;
    }
    vec_free(&got);
    as_buf_release(&data);
    return ok;
}

void as_cache_stats(const struct as_cache *self, size_t *hits, size_t *misses, size_t *writes)
{
    *hits = __atomic_load_n(&self->hits, __ATOMIC_RELAXED);
    *misses = __atomic_load_n(&self->misses, __ATOMIC_RELAXED);
    *writes = __atomic_load_n(&self->writes, __ATOMIC_RELAXED);
}

const char *as_cache_warning(const struct as_cache *self)
{
    return __atomic_load_n(&self->disabled, __ATOMIC_SEQ_CST) ? self->warning : NULL;
}
