/* test_cache.c — the result cache: a stored result comes back identical (findings, error, summaries); keys
 * differ by content, path and settings; corrupt, truncated and foreign entries are misses that get rewritten;
 * concurrent writers never leave a torn entry; an unwritable directory is refused with a reason; the stat index
 * round-trips, is not written again when nothing changed, and a malformed line drops it; entries and indexes
 * sealed under another key (or only checksummed) are misses; SipHash-2-4 gives the paper's test vectors. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "pipeline/cache.h"
#include "util/siphash.h"
#include "pipeline/engine.h"
#include "test_util.h"

static char dir[64];
static struct as_engine engine;
static const char *src = "import time\nasync def f():\n    time.sleep(1)\ndef g():\n    time.sleep(2)\n";

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/asyncscan-cache-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char home[128];
    snprintf(home, sizeof(home), "%s/home", dir);   /* the key file, created there by the first open */
    setenv("XDG_CACHE_HOME", home, 1);
    char *err = NULL;
    ck_assert_int_eq(as_engine_init(&engine, NULL, NULL, NULL, &err), 0);
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
    as_engine_release(&engine);
}

static void analyse(struct as_file_result *r)
{
    struct as_worker *w = as_worker_new();
    as_file_result_init(r);
    as_analyze_buffer(w, &engine, "pkg/m.py", src, strlen(src), r);
    as_worker_free(w);
}

/* Path of the single entry file in the cache. */
static void entry_file(char *out, size_t n)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "find '%s' -type f -not -name .gitignore -not -path '*/home/*' | head -1", dir);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(fgets(out, (int)n, p));
    pclose(p);
    out[strcspn(out, "\n")] = '\0';
}

START_TEST(round_trip)
{
    char err[256];
    struct as_cache *c = as_cache_open(dir, 42, err, sizeof(err));
    ck_assert_ptr_nonnull(c);
    struct as_file_result a, b;
    analyse(&a);
    struct as_cache_key k = as_cache_key_for(c, "pkg/m.py", src, strlen(src));
    as_file_result_init(&b);
    ck_assert(!as_cache_load(c, k, &b));
    as_cache_store(c, k, &a);
    ck_assert(as_cache_load(c, k, &b));
    ck_assert_uint_eq(b.n_diags, a.n_diags);
    ck_assert_uint_eq(b.n_diags, 1);
    ck_assert_str_eq(b.diags[0].code, "ASYNC251");
    ck_assert_str_eq(b.diags[0].message, a.diags[0].message);
    ck_assert_uint_eq(b.diags[0].line, 3);
    ck_assert_uint_eq(b.diags[0].end_col, a.diags[0].end_col);
    ck_assert_str_eq(b.module, "pkg.m");
    ck_assert_uint_eq(b.n_functions, 2);
    ck_assert_str_eq(b.functions[1].qname, "pkg.m.g");
    ck_assert_uint_eq(b.functions[1].n_blocking, 1);
    ck_assert_str_eq(b.functions[1].blocking[0].callee, "time.sleep");
    size_t hits, misses, writes;
    as_cache_stats(c, &hits, &misses, &writes);
    ck_assert_uint_eq(hits, 1);
    ck_assert_uint_eq(misses, 1);
    ck_assert_uint_eq(writes, 1);
    /* keys depend on content, path and settings */
    struct as_cache_key k2 = as_cache_key_for(c, "pkg/other.py", src, strlen(src));
    ck_assert(k2.hi != k.hi || k2.lo != k.lo);
    struct as_cache_key k3 = as_cache_key_for(c, "pkg/m.py", src, strlen(src) - 1);
    ck_assert(k3.hi != k.hi || k3.lo != k.lo);
    struct as_cache *c2 = as_cache_open(dir, 43, err, sizeof(err));
    struct as_cache_key k4 = as_cache_key_for(c2, "pkg/m.py", src, strlen(src));
    ck_assert(k4.hi != k.hi || k4.lo != k.lo);
    as_cache_close(c2);
    as_file_result_release(&a);
    as_file_result_release(&b);
    as_cache_close(c);
}
END_TEST

START_TEST(corrupt_entries_are_misses)
{
    char err[256], path[512];
    struct as_cache *c = as_cache_open(dir, 1, err, sizeof(err));
    struct as_file_result a, b;
    analyse(&a);
    struct as_cache_key k = as_cache_key_for(c, "pkg/m.py", src, strlen(src));
    as_cache_store(c, k, &a);
    entry_file(path, sizeof(path));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    /* flip one byte in the body */
    FILE *f = fopen(path, "r+b");
    fseek(f, st.st_size - 3, SEEK_SET);
    int ch = fgetc(f);
    fseek(f, st.st_size - 3, SEEK_SET);
    fputc(ch ^ 0x55, f);
    fclose(f);
    as_file_result_init(&b);
    ck_assert(!as_cache_load(c, k, &b));
    ck_assert_uint_eq(b.n_diags, 0);
    as_file_result_release(&b);
    /* truncated */
    ck_assert_int_eq(truncate(path, st.st_size / 2), 0);
    as_file_result_init(&b);
    ck_assert(!as_cache_load(c, k, &b));
    as_file_result_release(&b);
    /* foreign content */
    f = fopen(path, "wb");
    fputs("not a cache entry at all, just some text that is long enough to pass a size check", f);
    fclose(f);
    as_file_result_init(&b);
    ck_assert(!as_cache_load(c, k, &b));
    as_file_result_release(&b);
    /* rewritten, it works again */
    as_cache_store(c, k, &a);
    as_file_result_init(&b);
    ck_assert(as_cache_load(c, k, &b));
    ck_assert_uint_eq(b.n_diags, 1);
    as_file_result_release(&b);
    as_file_result_release(&a);
    as_cache_close(c);
}
END_TEST

struct writer_arg {
    struct as_cache *cache;
    struct as_cache_key key;
    struct as_file_result *res;
};

static void *writer(void *p)
{
    struct writer_arg *a = p;
    for (int i = 0; i < 200; i++) as_cache_store(a->cache, a->key, a->res);
    return NULL;
}

START_TEST(concurrent_writers)
{
    char err[256];
    struct as_cache *c = as_cache_open(dir, 7, err, sizeof(err));
    struct as_file_result a;
    analyse(&a);
    struct writer_arg arg = {c, as_cache_key_for(c, "pkg/m.py", src, strlen(src)), &a};
    pthread_t t[4];
    for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, writer, &arg);
    /* readers meanwhile only ever see a miss or the complete entry */
    for (int i = 0; i < 300; i++) {
        struct as_file_result b;
        as_file_result_init(&b);
        if (as_cache_load(c, arg.key, &b)) ck_assert_uint_eq(b.n_diags, 1);
        as_file_result_release(&b);
    }
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    struct as_file_result b;
    as_file_result_init(&b);
    ck_assert(as_cache_load(c, arg.key, &b));
    as_file_result_release(&b);
    as_file_result_release(&a);
    as_cache_close(c);
}
END_TEST

START_TEST(unusable_directory)
{
    char err[256], path[128];
    snprintf(path, sizeof(path), "%s/file", dir);
    FILE *f = fopen(path, "w");
    fclose(f);
    ck_assert_ptr_null(as_cache_open(path, 1, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "not a plain directory"));
    snprintf(path, sizeof(path), "%s/ro", dir);
    mkdir(path, 0500);
    if (access(path, W_OK) == 0) return;   /* running as root: permissions are not enforced */
    ck_assert_ptr_null(as_cache_open(path, 1, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "not writable"));
}
END_TEST

static ino_t inode_of(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return st.st_ino;
}

/* The stat index: entries come back with exactly their status (times before 1970, the largest numbers, a name
 * that starts with a space); a run that changes nothing does not write it again (the same inode: it is
 * replaced by a rename when written); a run that does writes what changed; a line with a malformed number
 * drops the index whole. */
START_TEST(stat_index)
{
    char err[256], index[128];
    snprintf(index, sizeof(index), "%s/stat-index-%016llx", dir, 7ULL);
    struct as_file_status st[3] = {
        {1, 2, 3, 10, 5, 11, 6},
        {UINT64_MAX, UINT64_MAX - 1, 0, -5, 999999999, INT64_MIN + 1, 0},
        {4, 5, 6, 12, 0, 13, 0},
    };
    const char *paths[3] = {"a.py", " leading space.py", "c.py"};
    bool trivial[3] = {true, true, false};
    struct as_cache *c = as_cache_open(dir, 7, err, sizeof(err));
    ck_assert_ptr_nonnull(c);
    as_cache_save_index(c, paths, st, trivial, 3);
    as_cache_close(c);
    ino_t first = inode_of(index);

    c = as_cache_open(dir, 7, err, sizeof(err));
    struct as_file_status touched = st[0];
    touched.ctime_ns++;
    ck_assert(!as_cache_known_trivial(c, "a.py", &touched));
    ck_assert(as_cache_known_trivial(c, "a.py", &st[0]));
    ck_assert(as_cache_known_trivial(c, " leading space.py", &st[1]));
    ck_assert(!as_cache_known_trivial(c, "c.py", &st[2]));
    ck_assert_uint_eq(as_cache_unchanged(c), 2);
    as_cache_save_index(c, paths, st, trivial, 3);   /* nothing changed */
    as_cache_close(c);
    ck_assert(inode_of(index) == first);

    c = as_cache_open(dir, 7, err, sizeof(err));
    ck_assert(as_cache_known_trivial(c, "a.py", &st[0]));
    ck_assert(as_cache_known_trivial(c, " leading space.py", &st[1]));
    trivial[2] = true;                               /* c.py has nothing to show now */
    as_cache_save_index(c, paths, st, trivial, 3);
    as_cache_close(c);
    ck_assert(inode_of(index) != first);
    c = as_cache_open(dir, 7, err, sizeof(err));
    ck_assert(as_cache_known_trivial(c, "c.py", &st[2]));
    ck_assert(as_cache_known_trivial(c, "a.py", &st[0]));
    as_cache_close(c);

    /* a sealed index whose line holds a malformed number is dropped whole */
    const char *bad = "asyncscan-stat-index 1\n1 2 3 10 5 11 6 a.py\n4 5 6x 12 0 13 0 c.py\n";
    const char *good = "asyncscan-stat-index 1\n1 2 3 10 5 11 6 a.py\n4 5 6 12 0 13 0 c.py\n";
    c = as_cache_open(dir, 7, err, sizeof(err));
    as_cache_save_index_raw(c, bad, strlen(bad));
    as_cache_close(c);
    c = as_cache_open(dir, 7, err, sizeof(err));
    ck_assert(!as_cache_known_trivial(c, "a.py", &st[0]));
    /* and the same index with that number well formed is read */
    as_cache_save_index_raw(c, good, strlen(good));
    as_cache_close(c);
    c = as_cache_open(dir, 7, err, sizeof(err));
    ck_assert(as_cache_known_trivial(c, "a.py", &st[0]));
    as_cache_close(c);
    /* the well-formed one with a checksum (anyone can compute) instead of the tag is ignored */
    char body[320];
    snprintf(body, sizeof(body), "%send %016llx\n", good, (unsigned long long)XXH3_64bits(good, strlen(good)));
    FILE *f = fopen(index, "w");
    fputs(body, f);
    fclose(f);
    c = as_cache_open(dir, 7, err, sizeof(err));
    ck_assert(!as_cache_known_trivial(c, "a.py", &st[0]));
    as_cache_close(c);
}
END_TEST

/* An entry written under one user's key is a miss under another's (a committed or copied cache). */
START_TEST(other_key_is_a_miss)
{
    char err[256], home[128];
    struct as_cache *c = as_cache_open(dir, 1, err, sizeof(err));
    struct as_file_result a, b;
    analyse(&a);
    struct as_cache_key k = as_cache_key_for(c, "pkg/m.py", src, strlen(src));
    as_cache_store(c, k, &a);
    as_cache_close(c);
    snprintf(home, sizeof(home), "%s/other-home", dir);
    setenv("XDG_CACHE_HOME", home, 1);
    c = as_cache_open(dir, 1, err, sizeof(err));
    ck_assert_ptr_nonnull(c);
    as_file_result_init(&b);
    ck_assert(!as_cache_load(c, k, &b));
    ck_assert_uint_eq(b.n_diags, 0);
    as_file_result_release(&b);
    as_cache_close(c);
    as_file_result_release(&a);
}
END_TEST

/* SipHash-2-4, key 00..0f, messages 00..(n-1): the reference implementation's vectors (as 64-bit integers). */
START_TEST(siphash_vectors)
{
    unsigned char key[16], msg[64];
    for (int i = 0; i < 16; i++) key[i] = (unsigned char)i;
    for (int i = 0; i < 64; i++) msg[i] = (unsigned char)i;
    ck_assert_uint_eq(as_siphash24(key, msg, 0), 0x726fdb47dd0e0e31ULL);
    ck_assert_uint_eq(as_siphash24(key, msg, 7), 0xab0200f58b01d137ULL);
    ck_assert_uint_eq(as_siphash24(key, msg, 14), 0xf723ca908e7af2eeULL);
    ck_assert_uint_eq(as_siphash24(key, msg, 63), 0x958a324ceb064572ULL);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("cache");
    TCase *tc = tcase_create("cache");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, corrupt_entries_are_misses);
    tcase_add_test(tc, concurrent_writers);
    tcase_add_test(tc, unusable_directory);
    tcase_add_test(tc, stat_index);
    tcase_add_test(tc, other_key_is_a_miss);
    tcase_add_test(tc, siphash_vectors);
    suite_add_tcase(s, tc);
    return s;
}
