/* arena.c — bump allocator backing per-file data; see arena.h. */
#include "util/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct as_arena_block {
    struct as_arena_block *next;
    size_t used, cap;
    max_align_t data[];
};

#define BLOCK_MIN ((size_t)16 * 1024)

void as_arena_init(struct as_arena *self) { self->head = NULL; self->total = 0; }

void as_arena_release(struct as_arena *self)
{
    struct as_arena_block *b = self->head;
    while (b) {
        struct as_arena_block *next = b->next;
        free(b);
        b = next;
    }
    as_arena_init(self);
}

/* size bytes at a multiple of align (a power of two, at most sizeof(max_align_t)), zeroed. */
static void *bump(struct as_arena *self, size_t size, size_t align)
{
    struct as_arena_block *b = self->head;
    size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;
    if (!b || at > b->cap || b->cap - at < size) {
        size_t cap = size > BLOCK_MIN ? size : BLOCK_MIN;
        if (self->head && cap < self->head->cap * 2 && self->head->cap < 1024 * 1024) cap = self->head->cap * 2;
        if (cap < size) cap = size;
        b = as_xmalloc(sizeof(*b) + cap);
        b->cap = cap;
        b->used = 0;
        b->next = self->head;
        self->head = b;
        self->total += cap;
        at = 0;
    }
    void *p = (char *)b->data + at;
    b->used = at + size;
    memset(p, 0, size);
    return p;
}

void *as_arena_alloc(struct as_arena *self, size_t size)
{
    const size_t align = sizeof(max_align_t);
    size = (size + align - 1) / align * align;
    if (size == 0) size = align;
    return bump(self, size, align);
}

/* Strings need no alignment: packed end to end (names are most of what the project pass keeps). */
char *as_arena_strndup(struct as_arena *self, const char *s, size_t n)
{
    char *p = bump(self, n + 1, 1);
    if (n) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *as_arena_strdup(struct as_arena *self, const char *s) { return as_arena_strndup(self, s, strlen(s)); }

char *as_arena_cat(struct as_arena *self, ...)
{
    va_list ap;
    va_start(ap, self);
    size_t n = 0;
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *)) n += strlen(s);
    va_end(ap);
    char *p = bump(self, n + 1, 1);
    char *at = p;
    va_start(ap, self);
    for (const char *s = va_arg(ap, const char *); s; s = va_arg(ap, const char *)) {
        size_t k = strlen(s);
        memcpy(at, s, k);
        at += k;
    }
    va_end(ap);
    *at = '\0';
    return p;
}

char *as_arena_printf(struct as_arena *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = bump(self, (size_t)n + 1, 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
