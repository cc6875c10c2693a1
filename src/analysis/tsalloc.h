/* tsalloc.h — tree-sitter's allocator (installed with ts_set_allocator): while a worker analyses one file,
 * everything tree-sitter allocates on that thread (the parser, the tree, the query cursor, the Python grammar's
 * scanner state) comes from the worker's bump arena; freeing one object only keeps it for reuse when it is
 * small, and the whole file's worth is dropped at once when the file is done. tree-sitter mallocs and frees
 * every node of every tree; on the corpus that churn (malloc, free, and walking each tree to free it) was ~10%
 * of the instructions. Outside an arena's window (compiling queries, reading configuration, another thread)
 * and past an arena's reservation, allocations are malloc's. */
#ifndef AS_TSALLOC_H
#define AS_TSALLOC_H
#include <stdbool.h>
#include <stddef.h>

/* Installs the allocator. Call before starting any thread that uses tree-sitter (idempotent; as_engine_init
 * does). Objects tree-sitter allocated before stay valid: outside an arena the allocator is malloc. */
void as_tsalloc_install(void);

struct as_ts_arena;
/* NULL when no arena can be had (address space reservation refused; under AddressSanitizer, whose checks of
 * tree-sitter's heap an arena would hide): the caller then frees tree-sitter's objects one by one, as usual. */
struct as_ts_arena *as_ts_arena_new(void);
/* An arena of `bytes` of address space (as_ts_arena_new reserves 1 GiB); for the tests. */
struct as_ts_arena *as_ts_arena_new_reserving(size_t bytes);
void as_ts_arena_free(struct as_ts_arena *self);
/* Opens the arena's window on the calling thread: from now on tree-sitter's allocations on this thread come
 * from it. Every tree-sitter object made in the window must be made and given up in it. */
void as_ts_arena_begin(struct as_ts_arena *self);
/* Whether the arena holds everything allocated in the current window (so the window's objects need no
 * freeing): false once an allocation did not fit and came from malloc, or when the allocator is not
 * installed. Then the objects must be deleted one by one before the window ends (the arena's part of them is
 * skipped by free). */
bool as_ts_arena_holds_all(const struct as_ts_arena *self);
/* Closes the window and drops what it allocated (returning most of a large file's pages to the system). */
void as_ts_arena_end(struct as_ts_arena *self);

#endif
