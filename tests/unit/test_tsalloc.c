/* test_tsalloc.c — tree-sitter's per-file arenas: trees made in an arena's window read the same as with malloc,
 * window after window; blocks keep their bytes when they grow (in place or moved); small blocks freed in a
 * window are handed out again by size, large ones are not, and no free list carries over to the next window; an
 * allocation that does not fit spills over to malloc and says so; outside a window, and on other threads,
 * allocation is malloc's. Under AddressSanitizer there is no arena (as_ts_arena_new is NULL) and the cases that
 * need one are skipped. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analysis/query.h"
#include "test_util.h"
#include "analysis/tsalloc.h"

/* tree-sitter's allocator hooks (lib/src/alloc.h), as grammars built with TREE_SITTER_REUSE_ALLOCATOR see them */
extern void *(*ts_current_malloc)(size_t size);
extern void *(*ts_current_calloc)(size_t count, size_t size);
extern void *(*ts_current_realloc)(void *ptr, size_t size);
extern void (*ts_current_free)(void *ptr);

static char *tree_string(const char *src)
{
    TSParser *p = ts_parser_new();
    ts_parser_set_language(p, tree_sitter_python());
    TSTree *t = ts_parser_parse_string(p, NULL, src, (uint32_t)strlen(src));
    char *s = ts_node_string(ts_tree_root_node(t));   /* malloc'd by tree-sitter: copied out of the window */
    char *copy = strdup(s);
    ts_current_free(s);
    ts_tree_delete(t);
    ts_parser_delete(p);
    return copy;
}

static const char *const snippet =
    "import asyncio, time\n"
    "class C(Base):\n"
    "    async def f(self, x=1, *a, **k):\n"
    "        with open(x) as fh:\n"
    "            time.sleep([i for i in range(3)][0])\n"
    "        return await asyncio.gather(*(g(i) for i in a))\n"
    "def broken(:\n"
    "    pass\n";

START_TEST(trees_read_the_same)
{
    as_tsalloc_install();
    struct as_ts_arena *a = as_ts_arena_new();
    if (!a) return;   /* AddressSanitizer build */
    char *plain = tree_string(snippet);
    for (int round = 0; round < 3; round++) {   /* the arena's memory is reused from the second window on */
        as_ts_arena_begin(a);
        TSParser *p = ts_parser_new();
        ts_parser_set_language(p, tree_sitter_python());
        TSTree *t = ts_parser_parse_string(p, NULL, snippet, (uint32_t)strlen(snippet));
        char *s = ts_node_string(ts_tree_root_node(t));
        ck_assert_str_eq(s, plain);
        ck_assert(as_ts_arena_holds_all(a));
        ts_current_free(s);   /* a no-op: the arena's */
        ts_parser_delete(p);  /* the tree is dropped with the arena */
        as_ts_arena_end(a);
        ck_assert(!as_ts_arena_holds_all(a));   /* no window open */
    }
    as_ts_arena_free(a);
    free(plain);
}
END_TEST

START_TEST(blocks_keep_their_bytes)
{
    as_tsalloc_install();
    struct as_ts_arena *a = as_ts_arena_new();
    if (!a) return;
    as_ts_arena_begin(a);
    unsigned char *x = ts_current_malloc(40);
    for (int i = 0; i < 40; i++) x[i] = (unsigned char)i;
    unsigned char *grown = ts_current_realloc(x, 4000);   /* the last block: grows where it is */
    ck_assert_ptr_eq(grown, x);
    for (int i = 0; i < 40; i++) ck_assert_uint_eq(grown[i], (unsigned)i);
    int *z = ts_current_calloc(100, sizeof(int));
    for (int i = 0; i < 100; i++) ck_assert_int_eq(z[i], 0);
    unsigned char *moved = ts_current_realloc(grown, 100000);   /* no longer the last: copied */
    ck_assert_ptr_ne(moved, grown);
    for (int i = 0; i < 40; i++) ck_assert_uint_eq(moved[i], (unsigned)i);
    ck_assert_ptr_eq(ts_current_realloc(moved, 10), moved);   /* shrinking keeps it */
    ck_assert_uint_eq(((uintptr_t)z) % 8, 0);   /* all tree-sitter needs (tsalloc.c) */
    ts_current_free(z);
    ck_assert(as_ts_arena_holds_all(a));
    as_ts_arena_end(a);
    /* the next window starts over, and zeroes what calloc hands out again */
    as_ts_arena_begin(a);
    int *again = ts_current_calloc(100, sizeof(int));
    for (int i = 0; i < 100; i++) ck_assert_int_eq(again[i], 0);
    as_ts_arena_end(a);
    as_ts_arena_free(a);
}
END_TEST

START_TEST(too_big_spills_to_malloc)
{
    as_tsalloc_install();
    struct as_ts_arena *a = as_ts_arena_new_reserving(1 << 20);
    if (!a) return;
    as_ts_arena_begin(a);
    char *small = ts_current_malloc(64);
    ck_assert(as_ts_arena_holds_all(a));
    char *big = ts_current_malloc(600 << 10);
    ck_assert(as_ts_arena_holds_all(a));
    char *huge = ts_current_malloc(600 << 10);   /* past the reservation: malloc's */
    ck_assert_ptr_nonnull(huge);
    ck_assert(!as_ts_arena_holds_all(a));
    memset(huge, 'x', 600 << 10);
    memset(big, 'y', 600 << 10);
    ts_current_free(huge);    /* freed by free() */
    ts_current_free(small);   /* a no-op */
    ts_current_free(big);
    as_ts_arena_end(a);
    as_ts_arena_begin(a);     /* a new window holds all again */
    ck_assert(as_ts_arena_holds_all(a));
    as_ts_arena_end(a);
    as_ts_arena_free(a);
}
END_TEST

START_TEST(small_blocks_are_reused)
{
    as_tsalloc_install();
    struct as_ts_arena *a = as_ts_arena_new();
    if (!a) return;
    as_ts_arena_begin(a);
    char *x = ts_current_malloc(24);    /* a 24-byte block */
    char *y = ts_current_malloc(100);   /* a 104-byte one */
    char *big = ts_current_malloc(4096);
    char *x2 = ts_current_malloc(20);   /* 24 bytes too */
    memset(y, 0xff, 100);
    ts_current_free(x);
    ts_current_free(y);
    ts_current_free(big);
    ts_current_free(x2);
    char *m40 = ts_current_malloc(40);   /* another size: a new block */
    ck_assert_ptr_ne(m40, x);
    ck_assert_ptr_ne(m40, x2);
    ck_assert_ptr_eq(ts_current_malloc(18), x2);   /* the same size: the last one freed first */
    ck_assert_ptr_eq(ts_current_malloc(24), x);
    ck_assert_ptr_ne(ts_current_malloc(17), x);    /* that list is empty now */
    unsigned char *z = ts_current_calloc(1, 97);
    ck_assert_ptr_eq(z, y);
    for (int i = 0; i < 97; i++) ck_assert_uint_eq(z[i], 0);
    ck_assert_ptr_ne(ts_current_malloc(4096), big);   /* large blocks wait for the window's end */
    /* a block realloc moves gives its old place back */
    char *r = ts_current_malloc(16);
    (void)ts_current_malloc(16);
    char *moved = ts_current_realloc(r, 64);
    ck_assert_ptr_ne(moved, r);
    ck_assert_ptr_eq(ts_current_malloc(12), r);
    ck_assert(as_ts_arena_holds_all(a));
    as_ts_arena_end(a);
    /* the free lists go with the window */
    as_ts_arena_begin(a);
    char *first = ts_current_malloc(24);
    char *second = ts_current_malloc(24);
    ts_current_free(second);
    as_ts_arena_end(a);
    as_ts_arena_begin(a);
    ck_assert_ptr_eq(ts_current_malloc(24), first);
    as_ts_arena_end(a);
    as_ts_arena_free(a);
}
END_TEST

static void *other_thread(void *arg)
{
    /* no window on this thread: malloc's, which free() accepts */
    void *p = ts_current_malloc(32);
    free(p);
    *(int *)arg = 1;
    return NULL;
}

START_TEST(other_threads_use_malloc)
{
    as_tsalloc_install();
    struct as_ts_arena *a = as_ts_arena_new();
    as_ts_arena_begin(a);
    int done = 0;
    pthread_t t;
    ck_assert_int_eq(pthread_create(&t, NULL, other_thread, &done), 0);
    pthread_join(t, NULL);
    ck_assert_int_eq(done, 1);
    as_ts_arena_end(a);
    void *p = ts_current_malloc(32);   /* after the window: malloc's too */
    free(p);
    as_ts_arena_free(a);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("tsalloc");
    TCase *tc = tcase_create("tsalloc");
    tcase_add_test(tc, trees_read_the_same);
    tcase_add_test(tc, blocks_keep_their_bytes);
    tcase_add_test(tc, too_big_spills_to_malloc);
    tcase_add_test(tc, small_blocks_are_reused);
    tcase_add_test(tc, other_threads_use_malloc);
    suite_add_tcase(s, tc);
    return s;
}
