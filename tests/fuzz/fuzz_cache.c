/* fuzz_cache.c — libFuzzer target for the cache reader, as an attacker who knows the user's key (the strongest
 * one: without it every entry is a miss before it is parsed). The first byte picks what the rest becomes: a
 * file entry's body (as_cache_load), a project-pass entry's body (as_cache_load_join), the stat index's
 * text (read when the cache is opened), or a project listing's body (as_listing_load: its watched paths are
 * stat'ed, never read). Whatever the bytes, loading must not crash, and a hit must hold
 * findings with a code, a name and a message. The cache lives in a temporary directory made once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/cache.h"
#include "pipeline/engine.h"
#include "pipeline/listing.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz_cache: could not remove %s\n", dir);
}

static const char *cache_dir(void)
{
    if (!dir[0]) {
        snprintf(dir, sizeof(dir), "/tmp/asyncscan-fuzz-cache-XXXXXX");
        if (!mkdtemp(dir)) abort();
        char home[128];
        snprintf(home, sizeof(home), "%s/home", dir);
        setenv("XDG_CACHE_HOME", home, 1);
        atexit(remove_dir);
    }
    return dir;
}

static void check_diags(const struct as_diag *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!d[i].code || !d[i].name || !d[i].message) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    char err[256];
    struct as_cache *c = as_cache_open(cache_dir(), 1, err, sizeof(err));
    if (!c) abort();
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    struct as_cache_key key = as_cache_key_for(c, "fuzz.py", "", 0);
    switch (data[0] % 4) {
    case 3: {
        as_cache_store_raw(c, key, body, len);
        struct as_path_list list = {0};
        if (as_listing_load(c, key, &list))
            for (size_t i = 0; i < list.n; i++)
                if (!list.paths[i]) abort();
        as_path_list_release(&list);
        break;
    }
    case 0: {
        as_cache_store_raw(c, key, body, len);
        struct as_file_result r;
        as_file_result_init(&r);
        if (as_cache_load(c, key, &r)) check_diags(r.diags, r.n_diags);
        as_file_result_release(&r);
        break;
    }
    case 1: {
        as_cache_store_raw(c, key, body, len);
        struct as_arena arena;
        as_arena_init(&arena);
        struct as_join_findings *items;
        size_t n;
        if (as_cache_load_join(c, key, &arena, &items, &n))
            for (size_t i = 0; i < n; i++) check_diags(items[i].diags, items[i].n_diags);
        as_arena_release(&arena);
        break;
    }
    default: {
        as_cache_save_index_raw(c, body, len);
        as_cache_close(c);
        c = as_cache_open(cache_dir(), 1, err, sizeof(err));
        if (!c) abort();
        struct as_file_status st = {1, 2, 3, 4, 5, 6, 7};
        (void)as_cache_known_trivial(c, "a.py", &st);
        break;
    }
    }
    as_cache_close(c);
    return 0;
}
