/* arena.h — a bump allocator: many small allocations freed at once. One arena holds everything that belongs
 * to one analysed file (facts, names, messages); it is released when that file's results are printed.
 * Not thread-safe: an arena belongs to one thread at a time. */
#ifndef AS_UTIL_ARENA_H
#define AS_UTIL_ARENA_H
#include <stdarg.h>
#include <stddef.h>

struct as_arena_block;
struct as_arena {
    struct as_arena_block *head;
    size_t total;
};

void as_arena_init(struct as_arena *self);
/* Frees every block; the arena is left empty and reusable. */
void as_arena_release(struct as_arena *self);
/* Zeroed memory, aligned for any type, owned by the arena. Aborts on out-of-memory. */
void *as_arena_alloc(struct as_arena *self, size_t size);
/* Strings (the copy is NUL-terminated): packed end to end, not aligned. */
char *as_arena_strndup(struct as_arena *self, const char *s, size_t n);
char *as_arena_strdup(struct as_arena *self, const char *s);
char *as_arena_printf(struct as_arena *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The strings given, up to a NULL, joined into one: as_arena_cat(a, module, ".", name, (char *)NULL). What the
 * name resolution composes all the time, without printf's format parsing (two passes of vsnprintf). */
char *as_arena_cat(struct as_arena *self, ...) __attribute__((sentinel));

#endif
