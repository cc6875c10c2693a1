/* engine.c — the per-file pipeline and the shared engine state; see engine.h. */
#define _GNU_SOURCE 1 /* memmem */
#include "pipeline/engine.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tree_sitter/api.h>

#include "checks/check.h"
#include "pipeline/cache.h"
#include "analysis/conditions.h"
#include "util/name_match.h"
#include "util/embedded.h"
#include "analysis/facts.h"
#include "analysis/flow.h"
#include "analysis/guards.h"
#include "analysis/outline.h"
#include "analysis/model.h"
#include "analysis/nesting.h"
#include "analysis/types.h"
#include "pipeline/noqa.h"
#include "analysis/query.h"
#include "input/notebook.h"
#include "input/source.h"
#include "analysis/tsalloc.h"
#include "util/buf.h"
#include "util/vec.h"
#include "util/xalloc.h"

struct as_lazy_queries {
    pthread_mutex_t lock;
    struct as_query_set *_Atomic set;
    char *err;   /* why they did not compile */
    pthread_t compiler;
    bool compiling;   /* `compiler` was started (as_engine_compile_in_background) and is to be joined */
};

static void *compile_queries(void *engine)
{
    as_engine_queries(engine, NULL);
    return NULL;
}

void as_engine_compile_in_background(const struct as_engine *self)
{
    struct as_lazy_queries *lq = self->queries;
    if (lq->compiling) return;
    lq->compiling = pthread_create(&lq->compiler, NULL, compile_queries, (void *)self) == 0;
}

const struct as_query_set *as_engine_queries(const struct as_engine *self, const char **err)
{
    struct as_lazy_queries *lq = self->queries;
    struct as_query_set *set = atomic_load_explicit(&lq->set, memory_order_acquire);
    if (set) return set;
    pthread_mutex_lock(&lq->lock);
    set = atomic_load_explicit(&lq->set, memory_order_relaxed);
    if (!set && !lq->err) {
        char *e = NULL;
        set = as_query_set_load(&e);
        if (set && as_facts_check_captures(set, &e)) {
            as_query_set_free(set);
            set = NULL;
        }
        if (set) atomic_store_explicit(&lq->set, set, memory_order_release);
        else lq->err = e ? e : as_xstrdup("queries: compilation failed");
    }
    if (!set && err) *err = lq->err;
    pthread_mutex_unlock(&lq->lock);
    return set;
}

static bool is_word(const char *s, size_t n)
{
    if (n == 0) return false;
    for (size_t i = 0; i < n; i++)
        if (!as_name_byte((unsigned char)s[i])) return false;
    return true;
}

/* The needle of a rule's pattern; in_async: the rule is async-only. A qualified name needs its first segment
 * (the module root; for `builtins.x`, the builtin x) and its last one; a glob segment (`*.request`,
 * `urllib3.PoolManager().*`) needs nothing, so such a pattern needs the other one alone, and the root of the
 * module an `if-imported:` condition names (imported_root, or NULL) when it has one. */
static void add_needle(struct as_engine *self, const char *pattern, bool in_async, const char *imported_root)
{
    bool builtin = strncmp(pattern, "builtins.", 9) == 0;
    const char *first = builtin ? pattern + 9 : pattern;
    size_t fl = strcspn(first, ".(");
    const char *end = pattern + strlen(pattern);
    const char *dot = strrchr(first, '.');
    const char *name = dot ? dot + 1 : first;
    size_t nl = (size_t)(end - name);
    if (nl >= 2 && name[nl - 2] == '(' && name[nl - 1] == ')') nl -= 2;   /* `X.Y()`: a constructor */
    bool first_ok = is_word(first, fl), name_ok = is_word(name, nl) && dot;
    if (strlen(pattern) >= 128 || (!first_ok && !name_ok)) {
        /* not a plain name anywhere: no word to look for */
        if (in_async) self->async_always = true;
        else self->always_parse = true;
        return;
    }
    /* a builtin, or a segment that is a glob: one word (a needle without a root) */
    bool one_word = builtin || !first_ok || !name_ok;
    char *root = !one_word ? as_xstrndup(first, fl) : imported_root ? as_xstrdup(imported_root) : as_xstrdup("");
    char *nm = first_ok && (builtin || !name_ok) ? as_xstrndup(first, fl) : as_xstrndup(name, nl);
    for (size_t i = 0; i < self->n_needles; i++)
        if (strcmp(self->needles[i].root, root) == 0 && strcmp(self->needles[i].name, nm) == 0) {
            self->needles[i].in_async &= in_async;   /* a rule that fires anywhere needs the pair anywhere */
            free(root);
            free(nm);
            return;
        }
    self->needles = as_xrealloc(self->needles, (self->n_needles + 1) * sizeof(*self->needles));
    self->needles[self->n_needles] =
        (struct as_needle){.root = root, .name = nm, .root_id = -1, .name_id = -1, .in_async = in_async};
    self->n_needles++;
}

/* The needle of one entry of a kind's needs_word: a word, or `a.b` (both words), where a word may end in `*`
 * (`except*`: the keyword, then blanks, then a star; see probe_word). */
static void add_word_needle(struct as_engine *self, const char *entry, size_t n, bool in_async)
{
    const char *dot = memchr(entry, '.', n);
    size_t rl = dot ? (size_t)(dot - entry) : 0;
    const char *name = dot ? dot + 1 : entry;
    size_t nl = n - (size_t)(name - entry);
    if (!nl || nl >= 64 || rl >= 64) return;
    for (size_t i = 0; i < self->n_needles; i++)
        if (strlen(self->needles[i].root) == rl && strncmp(self->needles[i].root, entry, rl) == 0 &&
            strlen(self->needles[i].name) == nl && strncmp(self->needles[i].name, name, nl) == 0) {
            self->needles[i].in_async &= in_async;
            return;
        }
    self->needles = as_xrealloc(self->needles, (self->n_needles + 1) * sizeof(*self->needles));
    self->needles[self->n_needles] = (struct as_needle){.root = as_xstrndup(entry, rl), .name = as_xstrndup(name, nl),
                                                        .root_id = -1, .name_id = -1, .in_async = in_async};
    self->n_needles++;
}

/* The needles of a word entry of a kind that judges any code of an async file (in_async_files): the word in
 * async code, or with one of the library names a file that imports the library must contain. */
static void add_async_file_needles(struct as_engine *self, const char *word, size_t n)
{
    static const char *const libraries[] = {"trio", "anyio", "asyncio"};
    add_word_needle(self, word, n, true);
    for (size_t i = 0; i < sizeof(libraries) / sizeof(*libraries); i++) {
        char pair[128];
        int len = snprintf(pair, sizeof(pair), "%s.%.*s", libraries[i], (int)n, word);
        if (len > 0 && (size_t)len < sizeof(pair)) add_word_needle(self, pair, (size_t)len, false);
    }
}

/* The needles of a `match:` line: its pattern's, once per module an `if-imported:` condition names (the
 * import statement spells the module's root: `from . import x` is no import of urllib3). */
static void add_match_needles(struct as_engine *self, const struct as_match *m, bool in_async)
{
    for (size_t c = 0; c < m->n_conditions; c++) {
        const char *w = m->condition_words[c];
        if (strncmp(w, "if-imported:", 12) != 0) continue;
        for (const char *v = w + 12; *v;) {
            size_t vl = strcspn(v, "|"), rl = strcspn(v, ".|");
            if (!is_word(v, rl) || rl >= 128) {   /* no plain root: the pattern's words alone */
                add_needle(self, m->pattern, in_async, NULL);
            } else {
                char root[128];
                memcpy(root, v, rl);
                root[rl] = '\0';
                add_needle(self, m->pattern, in_async, root);
            }
            v += vl + (v[vl] == '|');
        }
        return;   /* the conditions must all hold: one of them is enough to require */
    }
    add_needle(self, m->pattern, in_async, NULL);
}

static int32_t skip_word_id(struct as_engine *self, const char *word)
{
    int32_t id = as_strmap_put(&self->skip_words, word, (int32_t)self->n_skip_words);
    if ((size_t)id == self->n_skip_words) {
        size_t n = strlen(word);
        self->skip_shape[(unsigned char)word[0]] |= 1ull << (n < 63 ? n : 63);
        self->skip_last[(unsigned char)word[n - 1]] = true;
        self->n_skip_words++;
    }
    return id;
}

/* The prefilter (see engine.h) for the needles collected. */
static void build_prefilter(struct as_engine *self)
{
    size_t n = 0;
    const char *cand[AS_PREFILTER_MAX + 1];
    bool too_many = false;
    for (size_t i = 0; i <= self->n_needles && !too_many; i++) {
        if (i > 0 && self->needles[i - 1].in_async) continue;   /* a text it keeps contains "async" */
        const char *c = i == 0 ? "async" : *self->needles[i - 1].root ? self->needles[i - 1].root
                                                                        : self->needles[i - 1].name;
        bool covered = false;   /* a text containing c contains a candidate already taken */
        for (size_t k = 0; k < n && !covered; k++) covered = strstr(c, cand[k]) != NULL;
        if (covered) continue;
        size_t kept = 0;   /* c covers the candidates that contain it: they go */
        for (size_t k = 0; k < n; k++)
            if (!strstr(cand[k], c)) cand[kept++] = cand[k];
        n = kept;
        if (n == AS_PREFILTER_MAX) too_many = true;
        else cand[n++] = c;
    }
    if (too_many) return;
    for (size_t k = 0; k < n; k++) {
        self->prefilter[k] = as_xstrdup(cand[k]);
        self->prefilter_len[k] = strlen(cand[k]);
    }
    self->n_prefilter = n;
}

/* Whether a needle (root, name) is already there. */
static bool has_needle(const struct as_engine *self, const char *root, const char *name)
{
    for (size_t i = 0; i < self->n_needles; i++)
        if (strcmp(self->needles[i].root, root) == 0 && strcmp(self->needles[i].name, name) == 0) return true;
    return false;
}

/* Adds (root, name) for every needle (rhs_root, name) there: an object of a type rooted at rhs_root can be made
 * in a file that spells only root (`socket.socketpair()` gives sockets; `tmp_path` is a pathlib.Path). Returns
 * whether one was added. */
static bool derive_needles(struct as_engine *self, const char *root, const char *rhs_root)
{
    bool added = false;
    if (strcmp(root, rhs_root) == 0) return false;
    for (size_t i = 0; i < self->n_needles; i++) {
        if (strcmp(self->needles[i].root, rhs_root) != 0 || has_needle(self, root, self->needles[i].name)) continue;
        char pattern[300];
        if (snprintf(pattern, sizeof(pattern), "%s.%s", root, self->needles[i].name) >= (int)sizeof(pattern)) continue;
        add_needle(self, pattern, self->needles[i].in_async, NULL);
        added = true;
    }
    return added;
}

/* The skip stays exact when types flow (analysis/types.h): a typed expression's rules need the words of where the
 * type came from. Repeated until nothing is added (types chain: tmp_path_factory -> _pytest -> pathlib). Under the
 * path-division heuristic a distinct method's name alone is enough (`x / "a"` spells no module). */
static void add_typed_needles(struct as_engine *self)
{
    static const char *const fixture_roots[][2] = {{"tmp_path", "pathlib"}, {"tmp_path_factory", "_pytest"}};
    for (bool again = true; again;) {
        again = false;
        const char *lhs, *rhs;
        for (size_t i = 0; as_types_roots(self->types, i, &lhs, &rhs); i++)
            for (const char *r = rhs; *r; r += strlen(r) + 1) again |= derive_needles(self, lhs, r);
        if (self->type_heuristics & AS_HEURISTIC_TMP_PATH)
            for (size_t i = 0; i < 2; i++) again |= derive_needles(self, fixture_roots[i][0], fixture_roots[i][1]);
    }
    if (!(self->type_heuristics & AS_HEURISTIC_PATH_DIVISION)) return;
    const char *name, *root;
    for (size_t i = 0; as_types_distinct(self->types, i, &name, &root); i++) {
        for (size_t k = 0; k < self->n_needles; k++) {
            if (strcmp(self->needles[k].root, root) != 0 || strcmp(self->needles[k].name, name) != 0) continue;
            char pattern[300];
            snprintf(pattern, sizeof(pattern), "builtins.%s", name);
            add_needle(self, pattern, self->needles[k].in_async, NULL);
            break;
        }
    }
}

static void collect_needles(struct as_engine *self)
{
    for (size_t i = 0; i < self->rules.n; i++) {
        const struct as_rule *r = self->rules.rules[i];
        if (!self->enabled[i]) continue;
        if (r->async_only && r->kind->project_wide) {
            self->async_always = true;   /* every async function is a root of the project pass */
            continue;
        }
        if (r->kind->on_file && r->kind->needs_match) {
            for (size_t k = 0; k < r->n_matches; k++) add_match_needles(self, &r->matches[k], r->async_only);
            continue;
        }
        if (r->kind->on_file) {
            /* its `match:` lines, if any, exempt (decorators): the word the kind needs is what to look for */
            if (r->kind->needs_word) {
                /* space-separated entries, any one of which the findings need (in async code for an async-only
                 * kind, anywhere for the others) */
                for (const char *w = r->kind->needs_word; *w;) {
                    size_t n = strcspn(w, " ");
                    if (r->kind->in_async_files && !self->library) add_async_file_needles(self, w, n);
                    else add_word_needle(self, w, n, r->async_only);
                    w += n + (w[n] == ' ');
                }
            }
            else if (r->async_only) self->async_always = true;
            else self->always_parse = true;
            continue;
        }
        if (r->kind == &as_check_unused_noqa) add_needle(self, "noqa", false, NULL);   /* only a file with "noqa" can have one */
        for (size_t k = 0; k < r->n_matches; k++) add_match_needles(self, &r->matches[k], r->async_only);
    }
    add_typed_needles(self);
    if (self->async_always) {   /* the async-only pairs cannot change a decision then: async code is kept */
        size_t kept = 0;
        for (size_t i = 0; i < self->n_needles; i++) {
            if (self->needles[i].in_async) {
                free(self->needles[i].root);
                free(self->needles[i].name);
            } else {
                self->needles[kept++] = self->needles[i];
            }
        }
        self->n_needles = kept;
    }
    /* number the words (keys borrowed from the needles, which live as long as the map) */
    for (size_t i = 0; i < self->n_needles; i++) {
        struct as_needle *n = &self->needles[i];
        n->name_id = skip_word_id(self, n->name);
        n->root_id = *n->root ? skip_word_id(self, n->root) : -1;
    }
    build_prefilter(self);
}

static void free_needles(struct as_engine *self)
{
    for (size_t k = 0; k < self->n_prefilter; k++) free(self->prefilter[k]);
    self->n_prefilter = 0;
    for (size_t i = 0; i < self->n_needles; i++) {
        free(self->needles[i].root);
        free(self->needles[i].name);
    }
    free(self->needles);
    self->needles = NULL;
    self->n_needles = 0;
    as_strmap_free(&self->skip_words);
    memset(&self->skip_words, 0, sizeof(self->skip_words));
    self->n_skip_words = 0;
    memset(self->skip_shape, 0, sizeof(self->skip_shape));
    memset(self->skip_last, 0, sizeof(self->skip_last));
}

static bool is_async_opener(const char *w, size_t n)
{
    return (n == 3 && (memcmp(w, "def", 3) == 0 || memcmp(w, "for", 3) == 0)) || (n == 4 && memcmp(w, "with", 4) == 0);
}

/* A word tree-sitter may not read as one identifier: one that starts with a digit (`6sleep` is the number 6, then
 * `sleep`) or holds non-ASCII bytes (a character that cannot be in an identifier, `€sleep`, ends one). The
 * skip reads every suffix of each of its ASCII runs as a word too. */
static bool odd_word(const char *w, size_t n)
{
    if (w[0] >= '0' && w[0] <= '9') return true;
    for (size_t k = 0; k < n; k++)
        if ((unsigned char)w[k] >= 0x80) return true;
    return false;
}

/* Calls fn(ud, start, end) for each word the skip reads in the odd word text[s, e) besides the word itself: the
 * suffixes of its ASCII runs; stops when fn returns true, and returns that. */
static bool each_odd_part(const char *text, size_t s, size_t e, bool (*fn)(void *ud, size_t start, size_t end),
                          void *ud)
{
    size_t a = s;
    while (a < e) {
        while (a < e && (unsigned char)text[a] >= 0x80) a++;
        size_t b = a;
        while (b < e && (unsigned char)text[b] < 0x80) b++;
        for (size_t k = a; k < b; k++)
            if ((k > s || b < e) && fn(ud, k, b)) return true;   /* (the whole word was read above) */
        a = b;
    }
    return false;
}

static bool probe_opener(void *text, size_t start, size_t end)
{
    return is_async_opener((const char *)text + start, end - start);
}

/* Whether text[s, e) is, or (odd) holds, `def`, `with` or `for`. */
static bool has_async_opener(const char *text, size_t s, size_t e)
{
    return is_async_opener(text + s, e - s) ||
           (odd_word(text + s, e - s) && each_odd_part(text, s, e, probe_opener, (void *)text));
}

/* After the word `async` ending at text[i]: true when it can open async code, an async function or async code in
 * one: blanks and line continuations lead to `def`, `with` or `for`; or, as tree-sitter's error recovery makes
 * `async x def f():` or `async \<newline> ) def f():` an async function, one of those words follows later on
 * its logical line, unless the `async` is in a comment (a `#` before it on its line, and no quote before that
 * that could make it part of a string). *scanned is where the last such line scan stopped without finding one:
 * a later `async` before it is on that line too (so the scans stay linear in the text). */
static bool opens_async(const char *text, size_t len, size_t start, size_t i, size_t *scanned)
{
    size_t after = i;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\f' || text[i] == '\\' || text[i] == '\r' ||
                       text[i] == '\n'))
        i++;
    size_t s = i;
    while (i < len && as_name_byte((unsigned char)text[i])) i++;
    if (i > s && has_async_opener(text, s, i)) return true;
    i = after;
    if (i < *scanned) return false;
    /* (the line's start is after the last scan's end, a newline: the backward scans do not overlap either) */
    size_t line = start;
    while (line > 0 && text[line - 1] != '\n') line--;
    for (size_t k = line; k < start && text[k] != '"' && text[k] != '\''; k++)
        if (text[k] == '#') {   /* in a comment, and so is every later `async` of this line */
            const char *nl = memchr(text + i, '\n', len - i);
            *scanned = nl ? (size_t)(nl - text) : len;
            return false;
        }
    while (i < len) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\\') && !(i >= 2 && text[i - 1] == '\r' && text[i - 2] == '\\'))
            break;
        if (!as_name_byte((unsigned char)text[i])) {
            i++;
            continue;
        }
        s = i;
        while (i < len && as_name_byte((unsigned char)text[i])) i++;
        if (has_async_opener(text, s, i)) return true;
    }
    *scanned = i;
    return false;
}

/* Where the star is that follows text[at...] across blanks and line continuations, or len when none does. */
static size_t starred_after(const char *text, size_t len, size_t at)
{
    while (at < len && text[at] && strchr(" \t\f\r\n\\", text[at])) at++;
    return at < len && text[at] == '*' ? at : len;
}

/* The prefilter runs over every file of a tree (~80 MB on the corpus), where memmem per needle cost ~2.4% of a
 * cold run's instructions: with SSE2 (every x86-64), one pass compares 16 starting positions at a time against
 * each needle's first and last byte and checks the middle only where both agree; memmem does the rest. */
#if defined(__SSE2__)
/* Each set bit of mask is an offset from `at` where needle's (len bytes) first and last bytes agree: whether its
 * middle bytes agree too at one of them. Both block widths share it. */
static bool mask_has_needle(const char *at, unsigned mask, const char *needle, size_t len)
{
    for (; mask; mask &= mask - 1) {
        unsigned bit = (unsigned)__builtin_ctz(mask);
        if (len <= 2 || memcmp(at + bit + 1, needle + 1, len - 2) == 0) return true;
    }
    return false;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
/* The blocks of as_contains_any 32 bytes at a time, on a CPU with AVX2 (chosen at run time: release builds do not
 * assume it). Returns the offset it stopped at (the tail is left to the caller), or len + 1 when a needle was
 * found. */
__attribute__((target("avx2"))) static size_t contains_blocks_avx2(const char *text, size_t len,
                                                                   char *const *needles, const size_t *lens, size_t n,
                                                                   size_t longest)
{
    __m256i first[AS_PREFILTER_MAX], last[AS_PREFILTER_MAX];
    for (size_t k = 0; k < n; k++) {
        first[k] = _mm256_set1_epi8(needles[k][0]);
        last[k] = _mm256_set1_epi8(needles[k][lens[k] - 1]);
    }
    size_t i = 0;
    for (; longest && i + 31 + longest <= len; i += 32) {
        __m256i at = _mm256_loadu_si256((const __m256i *)(const void *)(text + i));
        for (size_t k = 0; k < n; k++) {
            __m256i end = _mm256_loadu_si256((const __m256i *)(const void *)(text + i + lens[k] - 1));
            unsigned mask = (unsigned)_mm256_movemask_epi8(
                _mm256_and_si256(_mm256_cmpeq_epi8(at, first[k]), _mm256_cmpeq_epi8(end, last[k])));
            if (mask_has_needle(text + i, mask, needles[k], lens[k])) return len + 1;
        }
    }
    return i;
}
#endif

/* A needle ending in `*` (`except*`): its text, then blanks and line continuations, then the star. */
static bool contains_starred(const char *text, size_t len, const char *needle, size_t nlen)
{
    size_t pl = nlen - 1;
    for (const char *at = text; (at = memmem(at, len - (size_t)(at - text), needle, pl)) != NULL; at++)
        if (starred_after(text, len, (size_t)(at - text) + pl) < len) return true;
    return false;
}

bool as_contains_any(const char *text, size_t len, char *const *all, const size_t *all_lens, size_t n_all)
{
    for (size_t k = 0; k < n_all; k++)
        if (!all_lens[k]) return true;   /* as memmem: the empty needle is everywhere */
    if (!len) return false;
    char *needles[AS_PREFILTER_MAX];   /* the plain ones; the starred are looked for apart */
    size_t lens[AS_PREFILTER_MAX], n = 0;
    for (size_t k = 0; k < n_all && k < AS_PREFILTER_MAX; k++) {
        if (all_lens[k] > 1 && all[k][all_lens[k] - 1] == '*') {
            if (contains_starred(text, len, all[k], all_lens[k])) return true;
            continue;
        }
        needles[n] = all[k];
        lens[n++] = all_lens[k];
    }
    size_t i = 0;
#if defined(__SSE2__)
    size_t longest = 0;
    for (size_t k = 0; k < n; k++)
        if (lens[k] > longest) longest = lens[k];
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {   /* one load and test: libgcc reads the CPU at startup */
        i = contains_blocks_avx2(text, len, needles, lens, n, longest);
        if (i > len) return true;
    }
#endif
    __m128i first[AS_PREFILTER_MAX], last[AS_PREFILTER_MAX];
    for (size_t k = 0; k < n; k++) {
        first[k] = _mm_set1_epi8(needles[k][0]);
        last[k] = _mm_set1_epi8(needles[k][lens[k] - 1]);
    }
    /* block i: the occurrences starting at i..i+15, whose bytes all lie before len (after the AVX2 blocks) */
    for (; longest && i + 15 + longest <= len; i += 16) {
        __m128i at = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
        for (size_t k = 0; k < n; k++) {
            __m128i end = _mm_loadu_si128((const __m128i *)(const void *)(text + i + lens[k] - 1));
            unsigned mask = (unsigned)_mm_movemask_epi8(
                _mm_and_si128(_mm_cmpeq_epi8(at, first[k]), _mm_cmpeq_epi8(end, last[k])));
            if (mask_has_needle(text + i, mask, needles[k], lens[k])) return true;
        }
    }
#endif
    for (size_t k = 0; k < n; k++)   /* what the blocks did not cover */
        if (memmem(text + i, len - i, needles[k], lens[k])) return true;
    return false;
}

/* The word scan's state: the needles' words seen, whether async code opens (and where the last line scan for it
 * stopped). */
struct word_probe {
    const struct as_engine *engine;
    const char *text;
    size_t len;
    bool *seen;
    bool opens, keep;
    size_t scanned;
};

static bool probe_word(void *ud, size_t s, size_t e)
{
    struct word_probe *p = ud;
    const struct as_engine *self = p->engine;
    const char *text = p->text;
    size_t n = e - s;
    if (!p->opens && n == 5 && memcmp(text + s, "async", 5) == 0 && opens_async(text, p->len, s, e, &p->scanned)) {
        p->opens = true;
        p->keep = self->async_always;
    }
    if ((self->skip_shape[(unsigned char)text[s]] >> (n < 63 ? n : 63) & 1) && self->skip_last[(unsigned char)text[e - 1]]) {
        int32_t id = as_strmap_get_n(&self->skip_words, text + s, n);
        if (id >= 0) p->seen[id] = true;
    }
    /* a word followed, across blanks, by a star counts as the word with the star (`except *`: `except*`) */
    if (self->skip_last['*'] && n < 63 && (self->skip_shape[(unsigned char)text[s]] >> (n + 1) & 1)) {
        size_t j = starred_after(text, p->len, e);
        if (j < p->len) {
            char w[64];
            memcpy(w, text + s, n);
            w[n] = '*';
            int32_t id = as_strmap_get_n(&self->skip_words, w, n + 1);
            if (id >= 0) p->seen[id] = true;
        }
    }
    return p->keep;
}

bool as_engine_can_skip(const struct as_engine *self, const char *path, const char *text, size_t len)
{
    if (!self->skip_enabled || self->always_parse) return false;
    /* The module's own definitions and relative imports are qualified with its name, which comes from the
     * path (`from . import create_task` in asyncio/x.py is asyncio.create_task): its root counts as written. */
    size_t rlen = 0;
    const char *root = path ? as_model_module_root(path, &rlen) : "";
    if (self->n_prefilter && !as_contains_any(text, len, self->prefilter, self->prefilter_len, self->n_prefilter) &&
        !as_contains_any(root, rlen, self->prefilter, self->prefilter_len, self->n_prefilter))
        return true;
    bool seen_small[256];
    bool *seen = self->n_skip_words <= 256 ? seen_small : as_xcalloc(self->n_skip_words, sizeof(bool));
    if (seen == seen_small) memset(seen_small, 0, sizeof(seen_small));
    int32_t root_id = rlen ? as_strmap_get_n(&self->skip_words, root, rlen) : -1;
    if (root_id >= 0) seen[root_id] = true;
    struct word_probe wp = {self, text, len, seen, false, false, 0};
    size_t i = 0;
    while (i < len && !wp.keep) {
        while (i < len && !as_name_byte((unsigned char)text[i])) i++;
        size_t s = i;
        unsigned char seen_bytes = 0;   /* (their bits or'ed: a non-ASCII byte sets the high one) */
        while (i < len && as_name_byte((unsigned char)text[i])) seen_bytes |= (unsigned char)text[i++];
        if (i == s) break;
        bool odd = seen_bytes >= 0x80 || (text[s] >= '0' && text[s] <= '9');   /* odd_word, without a second pass */
        if (!probe_word(&wp, s, i) && odd) each_odd_part(text, s, i, probe_word, &wp);
    }
    bool keep = wp.keep, opens = wp.opens;
    for (size_t k = 0; k < self->n_needles && !keep; k++) {
        const struct as_needle *nd = &self->needles[k];
        if (seen[nd->name_id] && (nd->root_id < 0 || seen[nd->root_id]) && (opens || !nd->in_async)) keep = true;
    }
    if (seen != seen_small) free(seen);
    return !keep;
}

/* From the enabled rules: the tracked ones, the name index and the skip's needles. */
static void finish_selection(struct as_engine *self)
{
    free(self->tracked);
    as_rule_index_free(self->index);
    free_needles(self);
    self->always_parse = false;
    self->async_always = false;
    /* The blocking-call rules feed the summaries ASC108 joins even when only ASC108 is selected: every one on
     * by default (or selected) and not ignored is tracked; only enabled rules report. */
    self->tracked = as_xcalloc(self->rules.n ? self->rules.n : 1, sizeof(bool));
    memcpy(self->tracked, self->enabled, self->rules.n * sizeof(bool));
    bool project_on = false;
    for (size_t i = 0; i < self->rules.n; i++)
        if (self->enabled[i] && (self->rules.rules[i]->kind == &as_check_blocking_helper ||
                                 self->rules.rules[i]->kind == &as_check_maybe_blocking_helper))
            project_on = true;
    if (project_on) {
        bool *defaults = as_xcalloc(self->rules.n ? self->rules.n : 1, sizeof(bool));
        char *err = NULL;
        if (as_ruleset_select(&self->rules, NULL, self->extend_select, self->ignore, defaults, &err) == 0) {
            for (size_t i = 0; i < self->rules.n; i++)
                if (defaults[i] && self->rules.rules[i]->kind == &as_check_blocking_call) self->tracked[i] = true;
        }
        free(err);
        free(defaults);
    }
    self->index = as_rule_index_new(&self->rules, self->tracked);
    collect_needles(self);
    self->needs_outline = AS_OUTLINE_NONE;
    for (size_t i = 0; i < self->rules.n; i++) {
        enum as_outline_reach reach = self->rules.rules[i]->kind->needs_outline;
        if (self->enabled[i] && reach > self->needs_outline) self->needs_outline = reach;
    }
}

const char *const as_engine_builtin_offload[] = {
    "asgiref.sync.sync_to_async",           /* Django's and ASGI apps' wrapper: runs in a thread pool */
    "channels.db.database_sync_to_async",
    "asyncer.asyncify",
    "textual.work(thread=True)",            /* textual workers: threaded only with thread=True */
    "textual.worker.work(thread=True)",
    "anyio.to_thread.run_sync",             /* the to_thread runners, should one be used as a decorator */
    "trio.to_thread.run_sync",
    "asyncio.to_thread",
    "starlette.concurrency.run_in_threadpool",
    "fastapi.concurrency.run_in_threadpool",
    NULL,
};

static char **copy_strings(const char *const *from, size_t n)
{
    char **to = as_xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++) to[i] = as_xstrdup(from[i]);
    return to;
}

/* The configuration's options for the check kinds (struct as_check_options). */
static void load_check_options(struct as_engine *self, const struct as_engine_extras *extras)
{
    struct as_check_options *o = &self->check_options;
    o->n_startable = extras ? extras->n_startable : 0;
    o->startable = copy_strings(extras ? extras->startable : NULL, o->n_startable);
    o->n_generator_decorators = extras ? extras->n_generator_decorators : 0;
    o->generator_decorators = copy_strings(extras ? extras->generator_decorators : NULL, o->n_generator_decorators);
}

static void free_strings(char **list, size_t n)
{
    for (size_t i = 0; list && i < n; i++) free(list[i]);
    free(list);
}

/* The offload list: the built-in names, then the configuration's. */
static void load_offload(struct as_engine *self, const struct as_engine_extras *extras)
{
    size_t nb = 0, nc = extras ? extras->n_offload_functions : 0;
    while (as_engine_builtin_offload[nb]) nb++;
    self->offload = as_xcalloc(nb + nc + 1, sizeof(char *));
    for (size_t i = 0; i < nb; i++) self->offload[self->n_offload++] = as_xstrdup(as_engine_builtin_offload[i]);
    for (size_t i = 0; i < nc; i++) self->offload[self->n_offload++] = as_xstrdup(extras->offload_functions[i]);
}

static void load_checkpoint_options(struct as_engine *self, const struct as_engine_extras *extras)
{
    struct as_checkpoint_options *o = &self->checkpoint_options;
    size_t nd = extras ? extras->n_no_checkpoint_decorators : 0, ns = extras ? extras->n_suppressing_managers : 0;
    o->no_checkpoint_decorators = copy_strings(extras ? extras->no_checkpoint_decorators : NULL, nd);
    o->n_no_checkpoint_decorators = nd;
    o->suppressing_managers = copy_strings(extras ? extras->suppressing_managers : NULL, ns);
    o->n_suppressing_managers = ns;
}

bool as_engine_offload_match(const struct as_engine *self, const char *q, const char **kw)
{
    char pat[512];
    for (size_t i = 0; i < self->n_offload; i++) {
        const char *p = self->offload[i], *paren = strchr(p, '(');
        size_t n = paren ? (size_t)(paren - p) : strlen(p);
        if (n >= sizeof(pat)) continue;
        memcpy(pat, p, n);
        pat[n] = '\0';
        for (const char *s = q; s; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL) {
            if (!as_qname_glob(pat, s)) continue;
            if (kw) *kw = paren;
            return true;
        }
    }
    return false;
}

int as_engine_init_ex(struct as_engine *self, const char *select, const char *extend_select, const char *ignore,
                      const struct as_engine_extras *extras, char **err)
{
    memset(self, 0, sizeof(*self));
    as_tsalloc_install();   /* before any thread that uses tree-sitter (the queries' background compile) */
    self->parse_timeout_s = 20.0;
    self->queries = as_xcalloc(1, sizeof(*self->queries));
    pthread_mutex_init(&self->queries->lock, NULL);
    if (as_ruleset_load_embedded(&self->rules, as_check_rule_kind, err)) goto fail;
    self->types = as_types_load_embedded(err);
    if (!self->types) goto fail;
    self->type_heuristics = (AS_HEURISTIC_TMP_PATH | AS_HEURISTIC_PATH_DIVISION) & ~(extras ? extras->heuristics_off : 0);
    if (extras) {
        if (extras->async_library) {
            self->library = as_check_library_named(extras->async_library);
            if (!self->library) {
                *err = as_xstrdup("async-library: expected \"trio\", \"anyio\" or \"asyncio\"");
                goto fail;
            }
        }
        for (size_t i = 0; i < extras->n_rules_dirs; i++)
            if (as_ruleset_load_dir(&self->rules, extras->rules_dirs[i], as_check_rule_kind, err)) goto fail;
        if (extras->n_blocking) {
            struct as_rule *r = as_rule_blocking_table(extras->blocking_patterns, extras->blocking_notes,
                                                       extras->n_blocking, as_check_rule_kind, err);
            if (!r || as_ruleset_add(&self->rules, r, err)) goto fail;
        }
    }
    load_offload(self, extras);
    load_check_options(self, extras);
    load_checkpoint_options(self, extras);
    self->enabled = as_xcalloc(self->rules.n ? self->rules.n : 1, sizeof(bool));
    if (as_ruleset_select(&self->rules, select, extend_select, ignore, self->enabled, err)) goto fail;
    self->extend_select = extend_select ? as_xstrdup(extend_select) : NULL;
    self->ignore = ignore ? as_xstrdup(ignore) : NULL;
    self->skip_enabled = true;
    finish_selection(self);
    return 0;
fail:
    as_engine_release(self);
    return -1;
}

int as_engine_init(struct as_engine *self, const char *select, const char *extend_select, const char *ignore,
                   char **err)
{
    return as_engine_init_ex(self, select, extend_select, ignore, NULL, err);
}

void as_engine_enable_more(struct as_engine *self, const bool *more)
{
    for (size_t i = 0; i < self->rules.n; i++) self->enabled[i] |= more[i];
    finish_selection(self);
}

void as_engine_release(struct as_engine *self)
{
    free_needles(self);
    if (self->queries) {
        if (self->queries->compiling) pthread_join(self->queries->compiler, NULL);
        as_query_set_free(atomic_load(&self->queries->set));
        free(self->queries->err);
        pthread_mutex_destroy(&self->queries->lock);
        free(self->queries);
    }
    as_ruleset_release(&self->rules);
    as_types_free(self->types);
    free(self->enabled);
    free(self->tracked);
    free(self->extend_select);
    free(self->ignore);
    for (size_t i = 0; i < self->n_offload; i++) free(self->offload[i]);
    free(self->offload);
    free_strings(self->check_options.startable, self->check_options.n_startable);
    free_strings(self->check_options.generator_decorators, self->check_options.n_generator_decorators);
    struct as_checkpoint_options *co = &self->checkpoint_options;
    free_strings(co->no_checkpoint_decorators, co->n_no_checkpoint_decorators);
    free_strings(co->suppressing_managers, co->n_suppressing_managers);
    as_rule_index_free(self->index);
    memset(self, 0, sizeof(*self));
}

/* A call matched by a blocking rule, whatever its context (for function summaries). */
struct blocking_hit {
    size_t call;
    const struct as_rule *rule;
};

struct as_worker {
    struct as_ts_arena *ts_arena;   /* tree-sitter's memory for the file at hand (NULL: malloc's) */
    /* as_analyze_buffer_incremental: the tree to reparse from and to keep (malloc's memory, outside the
     * arena), its parser (kept between calls), and whether the call at hand keeps its tree */
    TSTree **keep_tree;
    TSParser *plain_parser;
    struct as_facts_scratch *scratch;
    VEC(struct as_finding) findings;
    VEC(struct blocking_hit) blocking;
};

struct as_worker *as_worker_new(void)
{
    struct as_worker *w = as_xcalloc(1, sizeof(*w));
    w->ts_arena = as_ts_arena_new();   /* (tree-sitter's allocator is installed by as_engine_init) */
    w->scratch = as_facts_scratch_new();
    return w;
}

void as_worker_free(struct as_worker *w)
{
    if (!w) return;
    as_ts_arena_free(w->ts_arena);
    if (w->plain_parser) ts_parser_delete(w->plain_parser);
    as_facts_scratch_free(w->scratch);
    vec_free(&w->findings);
    vec_free(&w->blocking);
    free(w);
}

struct parse_deadline {
    struct timespec start;
    double limit;
    bool expired;
    unsigned calls;
};

/* tree-sitter calls this every hundred or so parse steps; the clock is read on every 64th call only (reading
 * it on each was ~1.5% of the CPU time on the corpus). The clock is the thread's CPU time, as for the queries:
 * a wall clock made a large file's findings depend on how loaded the machine was. */
static bool parse_progress(TSParseState *state)
{
    struct parse_deadline *d = state->payload;
    if (d->limit <= 0 || (++d->calls & 63) != 0) return false;
    struct timespec now;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    double el = (double)(now.tv_sec - d->start.tv_sec) + (double)(now.tv_nsec - d->start.tv_nsec) / 1e9;
    if (el > d->limit) { d->expired = true; return true; }
    return false;
}

struct string_input {
    const char *text;
    size_t len;
};

static const char *read_string(void *payload, uint32_t byte_index, TSPoint position, uint32_t *bytes_read)
{
    (void)position;
    const struct string_input *in = payload;
    if (byte_index >= in->len) {
        *bytes_read = 0;
        return "";
    }
    *bytes_read = (uint32_t)(in->len - byte_index);
    return in->text + byte_index;
}

struct hit_ctx {
    struct as_check_ctx *check;
    size_t call_index;
    const struct as_engine *engine;
    bool matched;        /* a pattern matched the name (whether or not its conditions held) */
};

static bool rule_enabled(const struct as_engine *e, const struct as_rule *rule)
{
    for (size_t i = 0; i < e->rules.n; i++)
        if (e->rules.rules[i] == rule) return e->enabled[i];
    return false;
}

static void on_hit(void *ud, const struct as_rule_hit *hit)
{
    struct hit_ctx *h = ud;
    h->matched = true;
    for (size_t i = 0; i < hit->match->n_conditions; i++)
        if (!as_condition_holds(hit->match->conditions[i], h->check->model, h->call_index)) return;
    if (hit->rule->kind == &as_check_blocking_call) {
        struct as_worker *w = h->check->report_ud;
        struct blocking_hit b = {h->call_index, hit->rule};
        vec_push(&w->blocking, b);
    }
    if (!rule_enabled(h->engine, hit->rule)) return;   /* tracked for summaries only */
    const struct as_call *call = &h->check->model->facts->calls[h->call_index];
    if (hit->rule->async_only && !as_model_in_async_at(h->check->model, call->scope, call->span.start)) return;
    hit->rule->kind->on_call(h->check, hit->rule, hit->match, h->call_index);
}

/* Directives from comments: line-level ones (sorted by line, at most one per line: memory follows the number
 * of directives, not of lines) and file-level ones. */
struct suppressions {
    struct as_noqa *dirs;         /* arena */
    uint32_t *lines;              /* arena: the 1-based line of dirs[i], increasing */
    uint8_t **used;               /* arena: used[i][k] set when dirs[i]'s k-th code suppressed a finding */
    struct as_span *spans;        /* arena: the directive's comment */
    size_t n_dirs;
    struct as_noqa file_level[8];
    size_t n_file_level;
};
static bool suppressed(const struct suppressions *sup, uint32_t line, const struct as_rule *rule);
static const char *site_noqa(const struct as_engine *engine, const struct suppressions *sup, uint32_t line,
                             struct as_arena *arena);

static void fill_site(struct as_call_site *c, const struct as_model *model, size_t call_index,
                      const struct as_source *src, const struct suppressions *sup, const struct as_rule *helper,
                      const struct as_rule *coroutine, const struct as_rule *maybe)
{
    const struct as_call *call = &model->facts->calls[call_index];
    as_source_position(src, call->callee.span.start, &c->line, &c->col);
    as_source_position(src, call->callee.span.end, &c->end_line, &c->end_col);
    c->flags = 0;
    if (call->awaited) c->flags |= AS_SITE_AWAITED;
    bool dropped = !call->awaited && call->discarded;
    if (!call->awaited && !dropped && call->assigned_to >= 0)
        dropped = as_flow_call_value_unread(model, call_index);   /* `x = f()` with x never read (analysis/flow.h) */
    if (dropped) c->flags |= AS_SITE_DROPPED;
    for (size_t k = 0; k < model->facts->n_typechecks; k++)
        if (call->span.start >= model->facts->typechecks[k].start && call->span.end <= model->facts->typechecks[k].end) {
            c->flags |= AS_SITE_TYPE_DEPENDENT;
            break;
        }
    if (helper && suppressed(sup, c->line, helper)) c->flags |= AS_SITE_NOQA_HELPER;
    if (coroutine && suppressed(sup, c->line, coroutine)) c->flags |= AS_SITE_NOQA_COROUTINE;
    if (maybe && suppressed(sup, c->line, maybe)) c->flags |= AS_SITE_NOQA_MAYBE;
    c->shape = c->code ? NULL : as_call_shape(model, call_index);
}

/* The dotted names in a class's base list (`(Base, mod.Mixin, Generic[T], metaclass=M)` -> Base, mod.Mixin,
 * Generic), each resolved in the scope enclosing the class. */
static void summarise_bases(const struct as_model *model, int32_t cls, struct as_class_summary *out,
                            struct as_arena *arena)
{
    const struct as_scope *s = &model->facts->scopes[cls];
    out->bases = NULL;
    out->n_bases = 0;
    if (s->bases.end <= s->bases.start + 2) return;
    const char *text = model->source;
    size_t cap = 0, depth = 0;
    uint32_t piece = s->bases.start + 1, end = s->bases.end - 1;
    const char **bases = NULL;
    for (uint32_t i = piece; i <= end; i++) {
        char ch = i < end ? text[i] : ',';
        if (ch == '(' || ch == '[' || ch == '{') depth++;
        else if ((ch == ')' || ch == ']' || ch == '}') && depth) depth--;
        if (ch != ',' || depth) continue;
        uint32_t a = piece, b = i;
        piece = i + 1;
        while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\n' || text[a] == '\r')) a++;
        uint32_t e = a;
        while (e < b && (text[e] == '_' || text[e] == '.' || (text[e] >= 'a' && text[e] <= 'z') ||
                         (text[e] >= 'A' && text[e] <= 'Z') || (text[e] >= '0' && text[e] <= '9')))
            e++;
        if (e == a || text[a] == '.' || (text[a] >= '0' && text[a] <= '9')) continue;
        uint32_t k = e;
        while (k < b && (text[k] == ' ' || text[k] == '\t')) k++;
        if (k < b && text[k] == '=') continue;   /* metaclass=..., keyword arguments */
        const char *dot = memchr(text + a, '.', e - a);
        struct as_expr ex = {0};
        ex.kind = AS_EXPR_NAME;
        ex.head = as_arena_strndup(arena, text + a, dot ? (size_t)(dot - (text + a)) : e - a);
        ex.head_pos = a;
        ex.tail = dot ? as_arena_strndup(arena, dot, (size_t)(text + e - dot)) : "";
        ex.span = (struct as_span){a, e};
        const char *q = as_model_qualify(model, &ex, s->parent, s->node.start);
        if (!q) continue;
        if (out->n_bases == cap) {
            cap = cap ? cap * 2 : 4;
            const char **nb = as_arena_alloc(arena, cap * sizeof(char *));
            if (out->n_bases) memcpy(nb, bases, out->n_bases * sizeof(char *));
            bases = nb;
        }
        bases[out->n_bases++] = q;
    }
    out->bases = bases;
}

/* Whether the decorator runs the function in a worker thread (the engine's offload list). An entry
 * "name(kw=VALUE)" also needs the decorator to be called with that keyword argument spelled so
 * (`@work(thread=True)`). */
static bool offload_decorator(const struct as_engine *engine, const struct as_model *model,
                              const struct as_decorator *dec)
{
    int32_t scope = as_model_scope_at(model, dec->expr.span.start);
    const char *q = as_model_qualify(model, &dec->expr, scope, dec->expr.span.start);
    const char *kw = NULL;
    if (!q || !as_engine_offload_match(engine, q, &kw)) return false;
    if (!kw) return true;
    const char *eq = strchr(kw, '=');
    if (!eq) return false;
    size_t name_len = (size_t)(eq - kw - 1), value_len = strcspn(eq + 1, ")");
    const struct as_facts *f = model->facts;
    for (size_t i = 0; i < f->n_calls; i++) {
        const struct as_call *c = &f->calls[i];
        if (c->callee.span.start != dec->expr.span.start || c->callee.span.end != dec->expr.span.end) continue;
        for (uint32_t a = 0; a < c->n_args; a++) {
            const struct as_arg *arg = &c->args[a];
            const char *t = arg->value.text;
            if (arg->keyword && strlen(arg->keyword) == name_len && strncmp(arg->keyword, kw + 1, name_len) == 0 &&
                t && strlen(t) == value_len && strncmp(t, eq + 1, value_len) == 0)
                return true;
        }
    }
    return false;
}

/* One summary per def (its resolved calls and its blocking calls, see struct as_function_summary), per class
 * (its bases) and the module's import aliases: what the project-wide pass joins across files. */
static void summarise_functions(struct as_worker *w, const struct as_engine *engine, const struct as_model *model,
                                const char *const *callee_names, const struct as_source *src,
                                const struct suppressions *sup, struct as_file_result *out)
{
    const struct as_facts *f = model->facts;
    const struct as_rule *helper = as_engine_rule_of_kind(engine, &as_check_blocking_helper);
    const struct as_rule *coroutine = as_engine_rule_of_kind(engine, &as_check_project_coroutine);
    const struct as_rule *maybe = as_engine_rule_of_kind(engine, &as_check_maybe_blocking_helper);
    out->parsed = true;
    if (!helper && !coroutine && !maybe) return;   /* no project pass to join them: none are made */
    size_t n = 0, n_classes = 0;
    for (size_t i = 1; i < f->n_scopes; i++) {
        n += f->scopes[i].kind == AS_SCOPE_FUNCTION;
        n_classes += f->scopes[i].kind == AS_SCOPE_CLASS;
    }
    out->functions = as_arena_alloc(&out->arena, (n ? n : 1) * sizeof(struct as_function_summary));
    out->classes = as_arena_alloc(&out->arena, (n_classes ? n_classes : 1) * sizeof(struct as_class_summary));
    int32_t *slot = as_arena_alloc(&out->arena, f->n_scopes * sizeof(int32_t));
    size_t k = 0;
    for (size_t i = 0; i < f->n_scopes; i++) {
        slot[i] = -1;
        const struct as_scope *s = &f->scopes[i];
        if (i > 0 && s->kind == AS_SCOPE_CLASS) {
            struct as_class_summary *cs = &out->classes[out->n_classes++];
            cs->qname = as_model_scope_qualname(model, (int32_t)i);
            summarise_bases(model, (int32_t)i, cs, &out->arena);
        }
        if (i == 0 || s->kind != AS_SCOPE_FUNCTION) continue;
        struct as_function_summary *fs = &out->functions[k];
        fs->qname = as_model_scope_qualname(model, (int32_t)i);
        fs->is_async = s->is_async;
        for (size_t d = 0; d < f->n_decorators; d++) {
            const struct as_decorator *dec = &f->decorators[d];
            if (dec->function.start != s->node.start || dec->function.end != s->node.end) continue;
            if (offload_decorator(engine, model, dec)) fs->is_offloaded = true;
            const char *h = dec->expr.kind == AS_EXPR_NAME ? dec->expr.head : "";
            if ((strcmp(h, "staticmethod") == 0 || strcmp(h, "classmethod") == 0) && !*dec->expr.tail) continue;
            fs->is_decorated = true;
        }
        for (size_t y = 0; y < f->n_yields && !fs->is_generator; y++)
            if (as_model_context_scope(model, as_model_scope_at(model, f->yields[y])) == (int32_t)i)
                fs->is_generator = true;
        as_source_position(src, s->name_span.start, &fs->line, &fs->col);
        fs->returns = as_model_returns(model, (int32_t)i);
        if (fs->returns) fs->returns = as_arena_strdup(&out->arena, fs->returns);
        fs->is_property = fs->returns && as_model_is_property(model, (int32_t)i);
        slot[i] = (int32_t)k++;
    }
    out->n_functions = k;
    const char **guards = as_guards_of_calls(model);   /* the condition each call runs under (guards.h) */
    /* count, then fill, calls per function */
    size_t *nc = as_arena_alloc(&out->arena, (k ? k : 1) * sizeof(size_t));
    size_t *nb = as_arena_alloc(&out->arena, (k ? k : 1) * sizeof(size_t));
    for (size_t i = 0; i < f->n_calls; i++) {
        int32_t fn = as_model_context_scope(model, f->calls[i].scope);
        if (fn > 0 && slot[fn] >= 0 && callee_names[i]) nc[slot[fn]]++;
    }
    for (size_t i = 0; i < w->blocking.len; i++) {
        int32_t fn = as_model_context_scope(model, f->calls[w->blocking.items[i].call].scope);
        if (fn > 0 && slot[fn] >= 0) nb[slot[fn]]++;
    }
    for (size_t j = 0; j < k; j++) {
        out->functions[j].calls = as_arena_alloc(&out->arena, (nc[j] ? nc[j] : 1) * sizeof(struct as_call_site));
        out->functions[j].blocking = as_arena_alloc(&out->arena, (nb[j] ? nb[j] : 1) * sizeof(struct as_call_site));
    }
    for (size_t i = 0; i < f->n_calls; i++) {
        int32_t fn = as_model_context_scope(model, f->calls[i].scope);
        if (fn <= 0 || slot[fn] < 0 || !callee_names[i]) continue;
        struct as_function_summary *fs = &out->functions[slot[fn]];
        struct as_call_site *c = &fs->calls[fs->n_calls++];
        c->callee = callee_names[i];
        c->code = NULL;
        fill_site(c, model, i, src, sup, helper, coroutine, maybe);
        c->guard = guards[i];
        c->noqa = fs->is_async && strstr(c->callee, "().") ? site_noqa(engine, sup, c->line, &out->arena) : NULL;
    }
    for (size_t i = 0; i < w->blocking.len; i++) {
        const struct blocking_hit *b = &w->blocking.items[i];
        int32_t fn = as_model_context_scope(model, f->calls[b->call].scope);
        if (fn <= 0 || slot[fn] < 0) continue;
        struct as_function_summary *fs = &out->functions[slot[fn]];
        /* the same call matched by two rules (or two patterns) is one blocking site */
        if (fs->n_blocking && fs->blocking[fs->n_blocking - 1].callee == callee_names[b->call]) {
            uint32_t l, c0;
            as_source_position(src, f->calls[b->call].callee.span.start, &l, &c0);
            if (fs->blocking[fs->n_blocking - 1].line == l && fs->blocking[fs->n_blocking - 1].col == c0) continue;
        }
        struct as_call_site *c = &fs->blocking[fs->n_blocking++];
        c->callee = callee_names[b->call] ? callee_names[b->call]
                                           : as_arena_strndup(&out->arena, src->text + f->calls[b->call].callee.span.start,
                                                              f->calls[b->call].callee.span.end -
                                                                  f->calls[b->call].callee.span.start);
        c->code = b->rule->code;
        fill_site(c, model, b->call, src, sup, helper, coroutine, maybe);
        c->guard = guards[b->call];
        c->noqa = NULL;
    }
    /* module-level import aliases (re-exports) */
    size_t na = 0;
    for (size_t i = 0; i < f->n_bindings; i++)
        na += f->bindings[i].scope == 0 &&
              (f->bindings[i].kind == AS_BIND_FROM_IMPORT || f->bindings[i].kind == AS_BIND_STAR_IMPORT);
    out->aliases = as_arena_alloc(&out->arena, (na ? na : 1) * sizeof(struct as_alias));
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->scope != 0) continue;
        const char *target = NULL;
        if (b->kind == AS_BIND_FROM_IMPORT) {
            target = as_model_binding_target(model, b);
        } else if (b->kind == AS_BIND_STAR_IMPORT) {
            /* `from .db import *`: the target is the module itself */
            struct as_binding tmp = *b;
            tmp.kind = AS_BIND_FROM_IMPORT;
            tmp.imported = "*";
            const char *t = as_model_binding_target(model, &tmp);
            if (t && strlen(t) > 2) target = as_arena_strndup(&out->arena, t, strlen(t) - 2);
        } else {
            continue;
        }
        if (!target) continue;
        out->aliases[out->n_aliases].name = b->kind == AS_BIND_STAR_IMPORT ? "*" : b->name;
        out->aliases[out->n_aliases].target = target;
        out->n_aliases++;
    }
}

static void collect_finding(struct as_check_ctx *ctx, const struct as_finding *f)
{
    struct as_worker *w = ctx->report_ud;
    vec_push(&w->findings, *f);
}

static void collect_suppressions(struct suppressions *sup, const struct as_facts *f, const struct as_source *src,
                                 struct as_arena *arena)
{
    memset(sup, 0, sizeof(*sup));
    for (size_t i = 0; i < f->n_comments; i++) {
        struct as_span c = f->comments[i];
        uint32_t line, col;
        as_source_position(src, c.start, &line, &col);
        /* own line: only whitespace before the comment on its line */
        size_t ls = src->line_starts[line - 1];
        bool own = true;
        for (size_t k = ls; k < c.start; k++)
            if (src->text[k] != ' ' && src->text[k] != '\t' && src->text[k] != '\f') { own = false; break; }
        struct as_noqa nq;
        if (as_noqa_parse(src->text + c.start, c.end - c.start, own, &nq) == AS_NOQA_NONE) continue;
        if (nq.kind == AS_NOQA_INVALID) continue;
        if (nq.file_level) {
            if (sup->n_file_level < 8) sup->file_level[sup->n_file_level++] = nq;
            continue;
        }
        if (!sup->dirs) {
            size_t cap = f->n_comments - i;   /* the directives left can only be among the comments left */
            sup->dirs = as_arena_alloc(arena, cap * sizeof(struct as_noqa));
            sup->lines = as_arena_alloc(arena, cap * sizeof(uint32_t));
            sup->used = as_arena_alloc(arena, cap * sizeof(uint8_t *));
            sup->spans = as_arena_alloc(arena, cap * sizeof(struct as_span));
        }
        if (sup->n_dirs && sup->lines[sup->n_dirs - 1] >= line) continue;   /* comments come in order */
        sup->dirs[sup->n_dirs] = nq;
        sup->lines[sup->n_dirs] = line;
        sup->spans[sup->n_dirs] = c;
        sup->used[sup->n_dirs] = nq.n_codes ? as_arena_alloc(arena, nq.n_codes) : NULL;
        if (nq.n_codes) memset(sup->used[sup->n_dirs], 0, nq.n_codes);
        sup->n_dirs++;
    }
}

/* The directive on `line`, or -1 (binary search). */
static ptrdiff_t directive_at(const struct suppressions *sup, uint32_t line)
{
    size_t lo = 0, hi = sup->n_dirs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sup->lines[mid] < line) lo = mid + 1;
        else hi = mid;
    }
    return lo < sup->n_dirs && sup->lines[lo] == line ? (ptrdiff_t)lo : -1;
}

/* Whether `code` names the rule: its code or one of its aliases ("ASYNC300" for RUF006). */
static bool rule_named(const struct as_rule *rule, const char *code)
{
    if (strcmp(code, rule->code) == 0) return true;
    for (const char *p = rule->aliases ? rule->aliases : ""; *p;) {
        while (*p == ',' || *p == ' ') p++;
        size_t n = strcspn(p, ", ");
        if (n && strlen(code) == n && strncmp(code, p, n) == 0) return true;
        p += n;
    }
    return false;
}

/* Index of the directive's code that names the rule; -2 for a blanket directive; -1 when it does not cover
 * the rule. */
static ptrdiff_t covering_code(const struct as_noqa *nq, const struct as_rule *rule)
{
    if (nq->kind == AS_NOQA_BLANKET) return -2;
    char code[AS_NOQA_CODE_MAX];
    ptrdiff_t k = 0;
    for (const char *at = NULL; as_noqa_next_code(nq, &at, code); k++)
        if (rule_named(rule, code)) return k;
    return -1;
}

static bool suppressed(const struct suppressions *sup, uint32_t line, const struct as_rule *rule)
{
    for (size_t i = 0; i < sup->n_file_level; i++)
        if (covering_code(&sup->file_level[i], rule) != -1) return true;
    ptrdiff_t d = directive_at(sup, line);
    if (d >= 0) {
        ptrdiff_t k = covering_code(&sup->dirs[d], rule);
        if (k >= 0) sup->used[d][k] = 1;
        return k != -1;
    }
    return false;
}

/* Appends to b the codes of the rules directive nq names (a code no rule has is left out); with `used`, the codes
 * that name a blocking-call rule are marked used (see site_noqa). */
static void add_noqa_codes(const struct as_engine *engine, const struct as_noqa *nq, uint8_t *used, struct as_buf *b)
{
    char code[AS_NOQA_CODE_MAX];
    size_t k = 0;
    for (const char *at = NULL; as_noqa_next_code(nq, &at, code); k++)
        for (size_t i = 0; i < engine->rules.n; i++) {
            const struct as_rule *r = engine->rules.rules[i];
            if (!rule_named(r, code)) continue;
            if (b->len) as_buf_putc(b, ',');
            as_buf_puts(b, r->code);
            if (used && r->kind == &as_check_blocking_call) used[k] = 1;
            break;
        }
}

/* The codes the `# noqa` directives covering `line` name, for a call site of an async function that the project
 * pass may type through another module (struct as_call_site's noqa): "*" for a blanket one, NULL for none. Their
 * blocking-call codes count as used for RUF100: only the join can tell whether such a call blocks. */
static const char *site_noqa(const struct as_engine *engine, const struct suppressions *sup, uint32_t line,
                             struct as_arena *arena)
{
    ptrdiff_t d = directive_at(sup, line);
    if (d < 0 && !sup->n_file_level) return NULL;
    struct as_buf b;
    as_buf_init(&b);
    bool blanket = d >= 0 && sup->dirs[d].kind == AS_NOQA_BLANKET;
    for (size_t i = 0; i < sup->n_file_level && !blanket; i++) {
        if (sup->file_level[i].kind == AS_NOQA_BLANKET) blanket = true;
        else add_noqa_codes(engine, &sup->file_level[i], NULL, &b);
    }
    if (d >= 0 && !blanket) add_noqa_codes(engine, &sup->dirs[d], sup->used[d], &b);
    const char *out = blanket ? "*" : b.len ? as_arena_strndup(arena, b.data, b.len) : NULL;
    as_buf_release(&b);
    return out;
}

/* RUF100: codes of our rules in line directives that suppressed nothing. */
static void report_unused_noqa(struct as_worker *w, const struct as_engine *engine, const struct suppressions *sup,
                               const struct as_rule *rule, struct as_arena *arena)
{
    for (size_t d = 0; d < sup->n_dirs; d++) {
        const struct as_noqa *nq = &sup->dirs[d];
        if (nq->kind != AS_NOQA_CODES) continue;
        struct as_buf unused, off;
        as_buf_init(&unused);
        as_buf_init(&off);
        char code[AS_NOQA_CODE_MAX];
        size_t k = 0;
        for (const char *at = NULL; as_noqa_next_code(nq, &at, code); k++) {
            if (sup->used[d][k]) continue;
            const struct as_rule *r = NULL;
            bool on = false;
            for (size_t i = 0; i < engine->rules.n && !r; i++)
                if (rule_named(engine->rules.rules[i], code)) {
                    r = engine->rules.rules[i];
                    on = engine->enabled[i];
                }
            if (!r || r->kind->project_wide) continue;   /* another linter's code, or decided after this file */
            struct as_buf *b = on ? &unused : &off;
            as_buf_printf(b, "%s`%s`", b->len ? ", " : "", code);
        }
        if (unused.len || off.len) {
            struct as_finding f = {rule, sup->spans[d], NULL, rule->help, false};
            f.message = as_arena_printf(arena, "Unused `noqa` directive (%s%s%s%s%s)", unused.len ? "unused: " : "",
                                        unused.len ? unused.data : "", unused.len && off.len ? "; " : "",
                                        off.len ? "non-enabled: " : "", off.len ? off.data : "");
            vec_push(&w->findings, f);
        }
        as_buf_release(&unused);
        as_buf_release(&off);
    }
}

/* A call of what `functools.partial(f, ...)` made (`p = partial(f, x); p()`, or `partial(f, x)()`): what runs
 * is f, so the call is f's for the rules and the summaries. */
static const char *partial_target(const struct as_model *m, const char *const *names, size_t i)
{
    const struct as_facts *f = m->facts;
    const struct as_call *c = &f->calls[i];
    int32_t inner = -1;
    if (c->callee.kind == AS_EXPR_CALL && !*c->callee.tail) {
        inner = c->callee.call;
    } else if (c->callee.kind == AS_EXPR_NAME && !*c->callee.tail) {
        const struct as_binding *b = as_model_lookup(m, c->scope, c->callee.head, c->span.start);
        if (b && b->kind == AS_BIND_ASSIGN && b->value.kind == AS_EXPR_CALL && !*b->value.tail) inner = b->value.call;
    }
    if (inner < 0 || (size_t)inner >= f->n_calls || !names[inner] || strcmp(names[inner], "functools.partial") != 0)
        return NULL;
    const struct as_call *pc = &f->calls[inner];
    for (uint32_t a = 0; a < pc->n_args; a++) {
        if (pc->args[a].keyword) continue;
        const struct as_expr *e = &pc->args[a].value;
        return e->kind == AS_EXPR_NAME ? as_model_qualify(m, e, pc->scope, pc->span.start) : NULL;
    }
    return NULL;
}

/* Parses the decoded text and extracts its facts. The parser, the tree and the query cursor are made for this
 * file in the worker's arena (tsalloc.h), and dropped with it. False, with out->error set, when the parser
 * failed or ran out of time; false too when the tree is nested deeper than AS_MAX_NESTING (analysis/nesting.h):
 * no query runs on it then, and *too_deep_at is the offset where the limit is crossed (else UINT32_MAX). */
static bool parse_facts(struct as_worker *w, const struct as_engine *engine, const struct as_query_set *queries,
                        const struct as_source *src, struct as_facts *facts, struct as_outline *flow,
                        struct as_file_result *out, uint32_t *too_deep_at)
{
    struct as_arena *arena = &out->arena;
    TSTree **keep = w->keep_tree;   /* an editor's buffer: its tree outlives the file's analysis */
    TSParser *parser;
    if (keep) {
        if (!w->plain_parser) {
            w->plain_parser = ts_parser_new();
            ts_parser_set_language(w->plain_parser, tree_sitter_python());
        }
        parser = w->plain_parser;
    } else {
        as_ts_arena_begin(w->ts_arena);
        parser = ts_parser_new();
        ts_parser_set_language(parser, tree_sitter_python());
    }
    struct parse_deadline deadline = {.limit = engine->parse_timeout_s};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &deadline.start);
    struct string_input si = {src->text, src->len};
    TSInput input = {.payload = &si, .read = read_string, .encoding = TSInputEncodingUTF8};
    TSParseOptions opts = {.payload = &deadline, .progress_callback = parse_progress};
    TSTree *tree = ts_parser_parse_with_options(parser, keep ? *keep : NULL, input, opts);
    *too_deep_at = UINT32_MAX;
    bool too_deep = tree && as_tree_nested_deeper_than(tree, AS_MAX_NESTING, too_deep_at);
    if (tree && !too_deep) {
        as_facts_collect(facts, arena, w->scratch, queries, tree, src->text, src->len);
        if (engine->needs_outline) as_outline_build(flow, arena, facts, tree, src->text, engine->needs_outline);   /* while the tree lives */
    }
    if (keep) {
        if (!tree) ts_parser_reset(parser);   /* a cancelled parse would resume on the next call */
        if (*keep) ts_tree_delete(*keep);
        *keep = tree;
    } else {
        if (tree && !as_ts_arena_holds_all(w->ts_arena)) ts_tree_delete(tree);
        ts_parser_delete(parser);
        as_ts_arena_end(w->ts_arena);
    }
    /* the records are copied into the file's arena only now that the tree's memory is gone (unless kept) */
    if (tree && !too_deep) as_facts_publish(facts, arena, w->scratch);
    if (too_deep) return false;
    if (!tree) {
        out->error = deadline.expired
                         ? as_arena_printf(arena, "parsing took more than %.0f s of CPU time and was cancelled",
                                           engine->parse_timeout_s)
                         : "the parser failed on this file";
        return false;
    }
    return true;
}

/* A name no pattern matched, rewritten through the types (analysis/types.h): when the typed name matches, it
 * is the call's name from now on (messages, summaries). Not for an awaited call: what it returns is awaitable,
 * so the object is not the synchronous type the types name (`await (trio_path / "x").mkdir()`). */
static void flow_and_look_up(const struct as_engine *engine, const struct as_model *model, const char **callee_names,
                             struct hit_ctx *h)
{
    if (model->facts->calls[h->call_index].awaited) return;
    const char *typed = as_model_flow(model, callee_names[h->call_index]);
    if (typed == callee_names[h->call_index] || typed[0] == '<') return;
    const char *raw = callee_names[h->call_index];
    callee_names[h->call_index] = typed;
    as_rule_index_lookup(engine->index, typed, false, on_hit, h);
    if (!h->matched) callee_names[h->call_index] = raw;
}

/* Resolves every call's qualified name (through functools.partial), runs the rules whose patterns match it and
 * the whole-file kinds; the findings go to w->findings. Returns the callee names (facts order, arena). */
static const char **run_checks(struct as_worker *w, const struct as_engine *engine, const struct as_model *model,
                               const struct as_outline *flow, struct as_arena *arena)
{
    const struct as_facts *facts = model->facts;
    const char **callee_names = as_arena_alloc(arena, (facts->n_calls ? facts->n_calls : 1) * sizeof(char *));
    struct as_check_ctx check = {model, arena, model->source, callee_names, collect_finding, w,
                                 engine->needs_outline ? flow : NULL, engine->library, &engine->check_options,
                                 NULL, &engine->checkpoint_options};
    w->findings.len = 0;
    w->blocking.len = 0;
    for (size_t i = 0; i < facts->n_calls; i++) callee_names[i] = as_model_callee(model, &facts->calls[i]);
    for (size_t i = 0; i < facts->n_calls; i++)
        if (callee_names[i] && strcmp(callee_names[i], "functools.partial()") == 0) {
            const char *t = partial_target(model, callee_names, i);
            if (t) callee_names[i] = t;
        }
    for (size_t i = 0; i < facts->n_calls; i++) {
        struct hit_ctx h = {&check, i, engine, false};
        if (callee_names[i]) {
            as_rule_index_lookup(engine->index, callee_names[i], false, on_hit, &h);
            if (!h.matched) flow_and_look_up(engine, model, callee_names, &h);
        } else if (*facts->calls[i].callee.tail) {
            /* Unknown receiver: only `*.attr` patterns can match ("?.pool.request"). */
            const char *pseudo = as_arena_cat(arena, "?", facts->calls[i].callee.tail, (char *)NULL);
            as_rule_index_lookup(engine->index, pseudo, true, on_hit, &h);
        }
    }

    for (size_t i = 0; i < engine->rules.n; i++)
        if (engine->enabled[i] && engine->rules.rules[i]->kind->on_file)
            engine->rules.rules[i]->kind->on_file(&check, engine->rules.rules[i]);
    return callee_names;
}

/* One finding per rule and position: the same call matched by two patterns, or a chain of calls starting at one
 * place (`sqlite3.connect(p).execute(q)` is `sqlite3.connect` and `sqlite3.connect(p).execute`). Of those,
 * the one with the shortest span stays: it names the first call that blocks. `diags` is sorted. */
static size_t dedupe_diags(struct as_diag *diags, size_t n)
{
    size_t u = 0;
    for (size_t i = 0; i < n; i++) {
        struct as_diag *last = u ? &diags[u - 1] : NULL;
        /* findings at one place with the same span but different messages are distinct (ASYNC910: a return
         * reached from two places without a checkpoint) */
        bool distinct = last && last->end_line == diags[i].end_line && last->end_col == diags[i].end_col &&
                        strcmp(last->message, diags[i].message) != 0;
        if (last && !distinct && last->line == diags[i].line && last->col == diags[i].col &&
            strcmp(last->code, diags[i].code) == 0) {
            if (diags[i].end_line < last->end_line ||
                (diags[i].end_line == last->end_line && diags[i].end_col < last->end_col))
                *last = diags[i];
            continue;
        }
        diags[u++] = diags[i];
    }
    return u;
}

/* The findings no `# noqa` suppressed, as diagnostics with final positions, sorted; the same call matched twice
 * by one rule (two patterns) is one finding. */
static void publish_diags(struct as_worker *w, const struct as_source *src, const struct suppressions *sup,
                          struct as_file_result *out)
{
    out->diags = as_arena_alloc(&out->arena, (w->findings.len ? w->findings.len : 1) * sizeof(struct as_diag));
    size_t nd = 0;
    for (size_t i = 0; i < w->findings.len; i++) {
        const struct as_finding *f = &w->findings.items[i];
        struct as_diag *d = &out->diags[nd];
        as_source_position(src, f->span.start, &d->line, &d->col);
        as_source_position(src, f->span.end, &d->end_line, &d->end_col);
        if (f->suppressed || (f->rule->kind == &as_check_unused_noqa && suppressed(sup, d->line, f->rule))) continue;
        d->code = f->rule->code;
        d->name = f->rule->name;
        d->message = f->message;
        d->help = f->help;
        d->url = f->rule->url;
        d->noqa_line = d->line;
        nd++;
    }
    out->n_diags = nd;
    as_diags_sort(out->diags, nd);
    out->n_diags = dedupe_diags(out->diags, nd);
}

void as_analyze_buffer(struct as_worker *w, const struct as_engine *engine, const char *path, const char *bytes,
                       size_t len, struct as_file_result *out)
{
    as_analyze_buffer_ex(w, engine, path, bytes, len, false, out);
}

/* A notebook's code cells as the text to analyse (as_source over nb->text), and the result's cell table.
 * Returns 0, 1 for a notebook of another language (nothing to analyse), or -1 with out->error set. */
static int notebook_source(struct as_notebook *nb, struct as_source *src, const char *bytes, size_t len,
                           struct as_file_result *out)
{
    char err[256];
    if (as_notebook_read(nb, &out->arena, bytes, len, err, sizeof(err)) != 0) {
        out->error = as_arena_strdup(&out->arena, err);
        return -1;
    }
    if (!nb->is_python) return 1;
    memset(src, 0, sizeof(*src));
    src->text = nb->text;
    src->len = nb->len;
    as_source_finish(src, &out->arena);
    struct as_cell_start *cells = as_arena_alloc(&out->arena, (nb->n_cells ? nb->n_cells : 1) * sizeof(*cells));
    for (size_t i = 0; i < nb->n_cells; i++) cells[i] = (struct as_cell_start){nb->cells[i].first_line, nb->cells[i].raw_index};
    out->cells = cells;
    out->n_cells = nb->n_cells;
    out->text = nb->original;   /* shown by reporters: the magics as written */
    out->text_len = nb->len;
    out->line_starts = src->line_starts;
    out->n_lines = src->n_lines;
    return 0;
}

/* The code cells whose top level awaits (an `await`, `async for` or `async with` outside any function): IPython
 * runs such a cell in the kernel's event loop, so its top level is async context. */
static void mark_async_cells(struct as_model *model, const struct as_notebook *nb, struct as_arena *arena)
{
    const struct as_facts *f = model->facts;
    struct as_span *spans = as_arena_alloc(arena, (nb->n_cells ? nb->n_cells : 1) * sizeof(*spans));
    size_t n = 0;
    for (size_t i = 0; i < f->n_checkpoints; i++) {
        uint32_t pos = f->checkpoints[i];
        if (as_model_context_scope(model, as_model_scope_at(model, pos)) != -1) continue;
        const struct as_nb_cell *c = as_notebook_cell_at(nb, pos);
        if (!c || (n && spans[n - 1].start == c->text_off)) continue;
        spans[n++] = (struct as_span){(uint32_t)c->text_off, (uint32_t)(c->text_off + c->text_len + 1)};
    }
    model->async_top_level = spans;
    model->n_async_top_level = n;
}

/* "at line L, column C" of an offset into the parsed text, or "in cell N at line L, column C" in a notebook
 * (the line counted within the cell) */
static const char *where_in_file(const struct as_source *src, const struct as_notebook *nb, uint32_t offset,
                                 struct as_arena *arena)
{
    uint32_t line, col;
    as_source_position(src, offset, &line, &col);
    const struct as_nb_cell *cell = nb->n_cells ? as_notebook_cell_at(nb, offset) : NULL;
    if (!cell) return as_arena_printf(arena, "at line %u, column %u", line, col);
    return as_arena_printf(arena, "in cell %u at line %u, column %u", cell->raw_index, line - cell->first_line + 1,
                           col);
}

void as_analyze_buffer_ex(struct as_worker *w, const struct as_engine *engine, const char *path, const char *bytes,
                          size_t len, bool force_parse, struct as_file_result *out)
{
    struct as_arena *arena = &out->arena;
    out->path = as_arena_strdup(arena, path);
    struct as_source src;
    struct as_notebook nb = {0};
    char err[256];
    if (as_notebook_path(path)) {
        /* always parsed: a cell's top-level await opens async code without the words the skip looks for */
        if (notebook_source(&nb, &src, bytes, len, out) != 0) return;
    } else {
        if (as_source_decode_lazy(&src, arena, bytes, len, err, sizeof(err)) != 0) {
            out->error = as_arena_strdup(arena, err);
            return;
        }
        /* a file left out has nothing to show: no copy of its text, no line table */
        if (!force_parse && as_engine_can_skip(engine, path, src.text, src.len)) return;
        as_source_finish(&src, arena);
        out->text = src.text;
        out->text_len = src.len;
        out->line_starts = src.line_starts;
        out->n_lines = src.n_lines;
    }
    if (src.len > UINT32_MAX - 1) {
        out->error = "file too large to parse";
        return;
    }

    /* the queries outlive the file: compiled before the arena's window opens */
    const char *qerr = NULL;
    const struct as_query_set *queries = as_engine_queries(engine, &qerr);
    if (!queries) {
        out->error = qerr;
        return;
    }
    struct as_facts facts;
    struct as_outline flow;
    uint32_t too_deep_at;
    if (!parse_facts(w, engine, queries, &src, &facts, &flow, out, &too_deep_at)) {
        if (too_deep_at != UINT32_MAX) {
            const struct as_nb_cell *cell = nb.n_cells ? as_notebook_cell_at(&nb, too_deep_at) : NULL;
            if (cell) out->error_cell = cell->raw_index;
            out->error = as_arena_printf(arena, "nested more than %u levels deep %s (not analysed: CPython refuses "
                                                "far shallower code, see the README's Security section)",
                                         AS_MAX_NESTING, where_in_file(&src, &nb, too_deep_at, arena));
        }
        return;
    }

    bool is_init = false;
    const char *module = as_model_module_name(arena, path, &is_init);
    struct as_model model;
    as_model_build(&model, &facts, arena, module, is_init);
    as_model_use_types(&model, engine->types, engine->type_heuristics);
    model.source = src.text;
    if (nb.n_cells) mark_async_cells(&model, &nb, arena);

    const char **callee_names = run_checks(w, engine, &model, &flow, arena);

    out->module = module;
    struct suppressions sup;
    if (engine->ignore_noqa) memset(&sup, 0, sizeof(sup));
    else collect_suppressions(&sup, &facts, &src, arena);
    summarise_functions(w, engine, &model, callee_names, &src, &sup, out);
    /* which directives suppressed something is known only after every finding was checked against them */
    for (size_t i = 0; i < w->findings.len; i++) {
        uint32_t l, c0;
        as_source_position(&src, w->findings.items[i].span.start, &l, &c0);
        w->findings.items[i].suppressed = suppressed(&sup, l, w->findings.items[i].rule);
    }
    const struct as_rule *unused_rule = as_engine_rule_of_kind(engine, &as_check_unused_noqa);
    if (unused_rule) report_unused_noqa(w, engine, &sup, unused_rule, arena);
    publish_diags(w, &src, &sup, out);

    if (facts.has_error) {
        const struct as_nb_cell *cell = nb.n_cells ? as_notebook_cell_at(&nb, facts.first_error.start) : NULL;
        if (cell) out->error_cell = cell->raw_index;
        /* a cut query run says so even then: findings may be missing beyond the broken line's */
        out->error = as_arena_printf(arena, "invalid syntax %s (the intact parts were analysed%s)",
                                     where_in_file(&src, &nb, facts.first_error.start, arena),
                                     facts.match_limit_exceeded
                                         ? ", but not completely: the query match or time limit was reached"
                                         : "");
    } else if (facts.match_limit_exceeded) {
        out->error = "too deeply nested to analyse completely (the query match or time limit was reached)";
    }
}

void as_analyze_buffer_incremental(struct as_worker *w, const struct as_engine *engine, const char *path,
                                   const char *bytes, size_t len, struct TSTree **tree, struct as_file_result *out)
{
    /* the tree's offsets are those of the bytes: reused only when the decoded text is the bytes (UTF-8 without
     * a byte order mark); a notebook's text is its cells' */
    bool reusable = !as_notebook_path(path) && !(len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0);
    if (!reusable && *tree) {
        ts_tree_delete(*tree);
        *tree = NULL;
    }
    w->keep_tree = reusable ? tree : NULL;
    as_analyze_buffer_ex(w, engine, path, bytes, len, true, out);
    w->keep_tree = NULL;
    if (*tree && (!out->text || out->text_len != len || memcmp(out->text, bytes, len) != 0)) {
        ts_tree_delete(*tree);   /* decoded into another text (a coding declaration): not the bytes' tree */
        *tree = NULL;
    }
}

void as_result_attach_source(struct as_file_result *res, const char *bytes, size_t len)
{
    struct as_source src;
    char err[256];
    if (as_notebook_path(res->path)) {
        struct as_notebook nb;
        const char *error = res->error;
        notebook_source(&nb, &src, bytes, len, res);
        res->error = error;
        return;
    }
    if (as_source_decode(&src, &res->arena, bytes, len, err, sizeof(err)) != 0) return;
    res->text = src.text;
    res->text_len = src.len;
    res->line_starts = src.line_starts;
    res->n_lines = src.n_lines;
}

const struct as_rule *as_engine_rule_of_kind(const struct as_engine *self, const struct as_check_kind *kind)
{
    for (size_t i = 0; i < self->rules.n; i++)
        if (self->enabled[i] && self->rules.rules[i]->kind == kind) return self->rules.rules[i];
    return NULL;
}

uint64_t as_engine_settings_hash(const struct as_engine *self)
{
    const char *parts[4096];
    size_t n = 0;
    parts[n++] = "asyncscan " ASYNCSCAN_VERSION;
    /* what the skip leaves out changes what a file's entry says (a syntax error is reported only if parsed):
     * "skip 2" since async code needs a rule's words too */
    parts[n++] = self->skip_enabled ? "skip 2" : "no-skip";
    if (self->ignore_noqa) parts[n++] = "ignore-noqa";
    static const char *const heuristic_sets[] = {"types 0", "types 1", "types 2", "types 3"};
    parts[n++] = heuristic_sets[self->type_heuristics & 3];
    /* results made before notebooks were read as notebooks (a .ipynb named on the command line was read as Python) */
    parts[n++] = "notebooks 1";
    static const char *const library_names[] = {"library inferred", "library trio", "library anyio", "", "library asyncio"};
    parts[n++] = library_names[self->library < 5 ? self->library : 0];
    for (size_t i = 0; i < as_embedded_count && n < 2048; i++) {
        parts[n++] = as_embedded_files[i].name;
        parts[n++] = as_embedded_files[i].data;
    }
    /* rules that are not built in (rules-dirs, the ASYNC200 table): their whole definition */
    struct as_buf extra;
    as_buf_init(&extra);
    for (size_t i = 0; i < self->rules.n && n < 4093; i++) {
        const struct as_rule *r = self->rules.rules[i];
        if (self->enabled[i]) parts[n++] = r->code;
        if (self->tracked[i]) parts[n++] = "tracked";
        if (strncmp(r->source, "rules/", 6) == 0) continue;
        as_buf_printf(&extra, "%s\n%s\n%s\n%s\n", r->source, r->kind_name, r->message, r->help ? r->help : "");
        for (size_t k = 0; k < r->n_matches; k++) {
            as_buf_printf(&extra, "%s %s", r->matches[k].pattern, r->matches[k].note ? r->matches[k].note : "");
            for (size_t c = 0; c < r->matches[k].n_conditions; c++)
                as_buf_printf(&extra, " %s", r->matches[k].condition_words[c]);
            as_buf_putc(&extra, '\n');
        }
    }
    parts[n++] = extra.data ? extra.data : "";
    for (size_t i = 0; i < self->n_offload && n < 4095; i++) parts[n++] = self->offload[i];
    /* the check options, each list after a marker (no entry can be one: these are names) */
    const struct as_check_options *o = &self->check_options;
    if (n < 4095) parts[n++] = "startable:";
    for (size_t i = 0; i < o->n_startable && n < 4095; i++) parts[n++] = o->startable[i];
    if (n < 4095) parts[n++] = "generator-decorators:";
    for (size_t i = 0; i < o->n_generator_decorators && n < 4095; i++) parts[n++] = o->generator_decorators[i];
    /* the checkpoint rules' options, each list after its own marker */
    const struct as_checkpoint_options *co = &self->checkpoint_options;
    if (n < 4095) parts[n++] = "no-checkpoint-warning-decorators";
    for (size_t i = 0; i < co->n_no_checkpoint_decorators && n < 4095; i++) parts[n++] = co->no_checkpoint_decorators[i];
    if (n < 4095) parts[n++] = "exception-suppress-context-managers";
    for (size_t i = 0; i < co->n_suppressing_managers && n < 4095; i++) parts[n++] = co->suppressing_managers[i];
    uint64_t h = as_cache_settings_hash(parts, n);
    as_buf_release(&extra);
    return h;
}
