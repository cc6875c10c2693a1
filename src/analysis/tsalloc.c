/* tsalloc.c — tree-sitter's per-file bump arenas; see tsalloc.h. An arena is one reservation of address space
 * (pages are only backed once touched); each block carries its size in an 8-byte header, so realloc can copy
 * it, and the last block grows in place. Whether a pointer is the arena's is one range check. Small blocks
 * freed in a window are kept on free lists by size (the freed block's first word links them) and handed out
 * again: the Python grammar's external scanner frees and allocates its indent stack before every token it scans.
 * Blocks are 8-byte aligned, which is all tree-sitter's objects need (pointers, 32- and 64-bit integers; the
 * low bit of a subtree pointer, its inline tag, stays 0): with 16-byte headers and alignment, a 15 MB file's
 * tree took 52 MB more than with malloc (docs/performance.md, "Memory of one large file"). */
#define _GNU_SOURCE 1 /* MAP_NORESERVE, MAP_ANONYMOUS */
#include "analysis/tsalloc.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <tree_sitter/api.h>

#include "util/xalloc.h"

#if defined(__SANITIZE_ADDRESS__)
#define AS_TS_ARENA_ENABLED 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AS_TS_ARENA_ENABLED 0
#endif
#endif
#ifndef AS_TS_ARENA_ENABLED
#define AS_TS_ARENA_ENABLED 1
#endif

#define RESERVE ((size_t)1 << 30) /* address space per arena: a file needing more spills over to malloc */
#define KEEP ((size_t)2 << 20)    /* pages kept backed between files; the rest go back to the system */
#define ALIGN 8

struct header {
    size_t size;
};

/* A block on a free list: its first word links the next block of its class. */
struct free_block {
    struct free_block *next;
};

/* Free lists for blocks of up to SMALL_MAX bytes, one per multiple of ALIGN */
#define SMALL_MAX 128
#define SMALL_CLASSES (SMALL_MAX / ALIGN)

struct as_ts_arena {
    char *base;
    size_t reserve; /* bytes of address space at base */
    size_t used;    /* bytes handed out in this window */
    size_t touched; /* high-water mark since the pages past KEEP were last given back */
    bool spilled;   /* an allocation of this window came from malloc */
    struct free_block *free_small[SMALL_CLASSES]; /* blocks freed in this window, by rounded size (8, 16, ...) */
};

static _Thread_local struct as_ts_arena *current;
static bool installed;

/* a block's payload: a multiple of ALIGN, at least one word (a freed block links the free list there) */
static size_t rounded(size_t n) { return n ? (n + (ALIGN - 1)) & ~(size_t)(ALIGN - 1) : ALIGN; }

/* The free list for blocks of n bytes, or -1 (0 bytes, or larger than SMALL_MAX) */
static int small_class(size_t n) { return n && n <= SMALL_MAX ? (int)(rounded(n) / ALIGN) - 1 : -1; }

static bool owns(const struct as_ts_arena *a, const void *p)
{
    return a && (const char *)p >= a->base && (const char *)p < a->base + a->reserve;
}

static void *take(struct as_ts_arena *a, size_t n)
{
    int c = small_class(n);
    if (c >= 0 && a->free_small[c]) {
        struct free_block *f = a->free_small[c];
        a->free_small[c] = f->next;
        ((struct header *)f - 1)->size = n;
        return f;
    }
    if (n > a->reserve) {
        a->spilled = true;
        return NULL;
    }
    size_t need = sizeof(struct header) + rounded(n);
    if (need > a->reserve - a->used) {
        a->spilled = true;
        return NULL;
    }
    struct header *h = (struct header *)(a->base + a->used);
    h->size = n;
    a->used += need;
    if (a->used > a->touched) a->touched = a->used;
    return h + 1;
}

static void *ts_arena_malloc(size_t n)
{
    struct as_ts_arena *a = current;
    void *p = a ? take(a, n) : NULL;
    return p ? p : malloc(n);
}

static void *ts_arena_calloc(size_t count, size_t size)
{
    struct as_ts_arena *a = current;
    if (a && (!size || count <= SIZE_MAX / size)) {
        void *p = take(a, count * size);
        if (p) return memset(p, 0, count * size);
    }
    return calloc(count, size);
}

static void give_back(struct as_ts_arena *a, void *p)
{
    struct header *h = (struct header *)p - 1;
    int c = small_class(h->size);
    if (c < 0) return;   /* larger blocks stay where they are until the window ends */
    struct free_block *f = p;
    f->next = a->free_small[c];
    a->free_small[c] = f;
}

static void *ts_arena_realloc(void *p, size_t n)
{
    struct as_ts_arena *a = current;
    if (!p) return ts_arena_malloc(n);
    if (!owns(a, p)) return realloc(p, n);
    struct header *h = (struct header *)p - 1;
    size_t old = h->size;
    if ((char *)p + rounded(old) == a->base + a->used && n <= a->reserve &&
        rounded(n) <= a->reserve - (size_t)((char *)p - a->base)) {
        /* the last block: grow or shrink it where it is */
        a->used = (size_t)((char *)p - a->base) + rounded(n);
        if (a->used > a->touched) a->touched = a->used;
        h->size = n;
        return p;
    }
    if (n <= old) {
        h->size = n;
        return p;
    }
    void *q = ts_arena_malloc(n);
    if (q) {
        memcpy(q, p, old);
        give_back(a, p);
    }
    return q;
}

static void ts_arena_free(void *p)
{
    if (owns(current, p)) give_back(current, p);
    else free(p);
}

static pthread_once_t install_once = PTHREAD_ONCE_INIT;

static void install(void)
{
    ts_set_allocator(ts_arena_malloc, ts_arena_calloc, ts_arena_realloc, ts_arena_free);
    installed = true;
}

void as_tsalloc_install(void)
{
    if (AS_TS_ARENA_ENABLED) pthread_once(&install_once, install);
}

struct as_ts_arena *as_ts_arena_new_reserving(size_t bytes)
{
    if (!AS_TS_ARENA_ENABLED || bytes < 4096) return NULL;
    void *base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED) return NULL;
    struct as_ts_arena *a = as_xcalloc(1, sizeof(*a));
    a->base = base;
    a->reserve = bytes;
    return a;
}

struct as_ts_arena *as_ts_arena_new(void) { return as_ts_arena_new_reserving(RESERVE); }

void as_ts_arena_free(struct as_ts_arena *self)
{
    if (!self) return;
    if (current == self) current = NULL;
    munmap(self->base, self->reserve);
    free(self);
}

void as_ts_arena_begin(struct as_ts_arena *self)
{
    if (!self) return;
    self->used = 0;
    self->spilled = false;
    memset(self->free_small, 0, sizeof(self->free_small));
    current = self;
}

bool as_ts_arena_holds_all(const struct as_ts_arena *self)
{
    return self && installed && current == self && !self->spilled;
}

void as_ts_arena_end(struct as_ts_arena *self)
{
    if (!self) return;
    if (current == self) current = NULL;
    self->used = 0;
    memset(self->free_small, 0, sizeof(self->free_small));
    if (self->touched > KEEP && self->reserve > KEEP) {
        madvise(self->base + KEEP, self->touched - KEEP, MADV_DONTNEED);
        self->touched = KEEP;
    }
}
