/* run.c — drives one check run: engine setup, discovery, parallel analysis with ordered output, summary and
 * exit status; and the `rule` command. The only place that decides what goes to stdout vs stderr. */
#include "cli/run.h"

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks/check.h"
#include "pipeline/cache.h"
#include "input/discover.h"
#include "pipeline/engine.h"
#include "util/pool.h"
#include "input/notebook.h"
#include "project/index.h"
#include "project/project.h"
#include "project/root.h"
#include "project/scope.h"
#include "report/report.h"
#include "cli/rewrite.h"
#include "report/roots.h"
#include "cli/settings.h"
#include "input/source.h"
#include "util/budget.h"
#include "util/buf.h"
#include "util/vec.h"
#include "util/visible.h"
#include "util/xalloc.h"

struct run_state {
    const struct as_options *opts;
    const struct as_engine *engine;
    const struct as_reporter *reporter;
    struct as_report_ctx ctx;
    struct as_path_list files;
    struct as_file_result *results;   /* a ring of `window` slots: item i lives in slot i % window */
    size_t window;
    FILE *err;
    /* Workers (a parser arena, fact scratch) between pool runs: the project pass makes several runs, and a
     * fresh worker touches its pages again from nothing. At most max_idle (`jobs`) of them: one more is made
     * while struct ahead's thread holds one, and freed when it is done. Freed at the end. */
    pthread_mutex_t idle_mu;
    VEC(struct as_worker *) idle;
    size_t max_idle;
    size_t max_size;
    /* source bytes being analysed across workers, at most max_size unless one file alone (analyse_in_budget) */
    struct as_budget in_flight;
    int errors;
    size_t counts_by_rule[512];   /* --statistics, indexed like engine->rules */
    struct as_root_tally *roots;  /* findings through helpers, by root (--statistics, the summary) */
    struct as_cache *cache;       /* NULL with --no-cache or when unusable */
    bool cache_opened;            /* (tried: the cache is opened once) */
    /* The project-wide pass over the current batch (NULL when none of its rules is enabled): results are kept,
     * without their source text, until the batch's summaries are joined; only files with findings or errors
     * keep a result. */
    struct as_project *project;
    size_t base;                    /* the first file of the batch being joined (items are numbered from it) */
    struct as_file_result **kept;   /* per file, or NULL */
    struct as_arena kept_arena;     /* what the kept results hold (one arena: a few hundred bytes a file) */
    const size_t *wanted;           /* the on-demand round: the files to parse with the skip off (in the batch) */
    struct ahead *ahead;            /* -j2 and up: helper modules analysed while the project pass searches */
    struct as_settings *settings;
    int *file_config;               /* per file: the configuration that governs it (-1: none) */
    struct as_rewrite *rewrite;     /* rewrites files from a fresh analysis (rewrite.h): --add-noqa, fixes */
    bool *parsed;                   /* --show-parsed-files with the project pass on: per file, parsed by it */
    /* For the cache's stat index, per file: the status taken before reading, and whether the analysis had
     * nothing to show (left out by the skip, no finding, no error). */
    struct as_file_status *status;
    bool *trivial;
    /* For reusing the project pass's findings (as_cache_join_key), per file: its content key, if it was read. */
    struct as_cache_key *keys;
    bool *keyed;
    /* Files named alone, joined with the rest of their project (project/scope.h): files are the project's,
     * only the targets are analysed up front and reported; per file, whether it is one and the path its module
     * name comes from. A buffer on stdin stands for file stdin_file. NULL / SIZE_MAX otherwise. */
    struct as_project_scope *scope;
    bool *target;
    const char **module_paths;
    struct as_arena scope_arena;
    char *stdin_bytes;
    size_t stdin_len, stdin_file;
    struct timespec started;        /* when the analysis began (a slow join says so) */
    /* The named files' join goes through the project index (project/index.h), the language server's library:
     * index holds the project's files, index_of finds a file by its display path, named lists the targets in
     * file order; the index asks for helper modules a round at a time (round, analysed by the pool). */
    struct as_index *index;
    struct as_strmap index_of;
    size_t *named, n_named;
    size_t *round;
    struct as_file_result *round_res;
    size_t rounds;
    struct as_pool_job *job;
};

static void *worker_init(void *ud)
{
    struct run_state *st = ud;
    struct as_worker *w = NULL;
    pthread_mutex_lock(&st->idle_mu);
    if (st->idle.len) w = st->idle.items[--st->idle.len];
    pthread_mutex_unlock(&st->idle_mu);
    return w ? w : as_worker_new();
}

static void worker_fini(void *ud, void *w)
{
    struct run_state *st = ud;
    pthread_mutex_lock(&st->idle_mu);
    bool keep = st->idle.len < st->max_idle;
    if (keep) vec_push(&st->idle, (struct as_worker *)w);
    pthread_mutex_unlock(&st->idle_mu);
    if (!keep) as_worker_free(w);   /* (each keeps the scratch its largest file needed) */
}

/* Display path: relative to the current directory when under it; a leading "./" dropped. */
static const char *display_path(const char *path, const char *cwd, struct as_arena *arena)
{
    size_t cl = strlen(cwd);
    if (path[0] == '/' && cl > 1 && strncmp(path, cwd, cl) == 0 && path[cl] == '/') path += cl + 1;
    while (path[0] == '.' && path[1] == '/' && path[2]) path += 2;
    return as_arena_strdup(arena, path);
}

/* Whether an analysis had nothing to show: left out by the skip, no finding, no error. Such a file gets no
 * cache entry, and the stat index vouches for it while it is unchanged. */
static bool nothing_to_show(const struct as_file_result *res)
{
    return !res->parsed && !res->error && res->n_diags == 0;
}

/* The analysis of one buffer, admitted by the budget of source bytes in flight: a file's analysis takes ~30-60
 * bytes of memory per source byte at its peak (docs/performance.md), so workers analyse files together only
 * while their sizes add up to at most --max-file-size; a larger sum waits for the others to finish (a file
 * alone always runs). Ordinary files are far below it: the corpus never waits. */
static void analyse_in_budget(struct run_state *st, void *worker, const char *name, const char *bytes, size_t len,
                              bool force_parse, struct as_file_result *res)
{
    as_budget_take(&st->in_flight, len);
    as_analyze_buffer_ex(worker, st->engine, name, bytes, len, force_parse, res);
    as_budget_give_back(&st->in_flight, len);
}

/* Reads and analyses file `i` into `res` (from the cache when it holds a usable entry). */
static void analyse_file(struct run_state *st, void *worker, size_t i, bool force_parse, struct as_file_result *res)
{
    as_file_result_init(res);
    const char *path = st->files.paths[i];
    const char *shown = display_path(path, st->ctx.cwd, &res->arena);
    bool overlay = i == st->stdin_file;   /* the buffer on stdin replaces the file on disk */
    /* what the analysis names the file (its module name and relative imports come from it) */
    const char *name = st->module_paths ? st->module_paths[i] : shown;
    bool indexed = !overlay && st->cache && !force_parse && as_file_status_of(path, &st->status[i]);
    if (indexed && as_cache_known_trivial(st->cache, path, &st->status[i])) {
        res->path = shown;   /* unchanged since an analysis that had nothing to show: not even read */
        st->trivial[i] = true;
        return;
    }
    char *bytes = NULL;
    size_t len = 0;
    char err[256];
    if (overlay) {
        bytes = as_xmalloc(st->stdin_len + 1);
        memcpy(bytes, st->stdin_bytes, st->stdin_len);
        len = st->stdin_len;
    } else if (as_source_read_file(path, st->max_size, &bytes, &len, err, sizeof(err)) != 0) {
        res->path = shown;
        res->error = as_arena_strdup(&res->arena, err);
        return;
    }
    if (st->cache) {
        struct as_cache_key key = as_cache_key_for(st->cache, name, bytes, len);
        if (!force_parse) {
            st->keys[i] = key;
            st->keyed[i] = true;
        }
        if (as_cache_load(st->cache, key, res) && (res->parsed || !force_parse)) {
            res->path = shown;
            if (!st->project && !st->index) as_result_attach_source(res, bytes, len);
        } else {
            /* start again from an empty result (a usable-but-unparsed entry may have filled it) */
            char *copy = as_xstrdup(name);
            as_file_result_release(res);
            as_file_result_init(res);
            analyse_in_budget(st, worker, copy, bytes, len, force_parse, res);
            free(copy);
            /* scanning such a file again costs less than creating a file for it (a first run on the corpus
             * wrote 6,995 entries, now 662: system time 0.8-1.7 s -> 0.4 s) */
            if (!nothing_to_show(res)) as_cache_store(st->cache, key, res);
        }
    } else {
        analyse_in_budget(st, worker, name, bytes, len, force_parse, res);
    }
    free(bytes);
    if (st->module_paths) res->path = display_path(path, st->ctx.cwd, &res->arena);   /* shown as any run shows it */
    if (indexed) st->trivial[i] = nothing_to_show(res);
}

static void work(void *ud, void *worker, size_t i)
{
    struct run_state *st = ud;
    analyse_file(st, worker, st->base + i, false, &st->results[i % st->window]);
}

/* What the finished result of item i (or j) holds until it is emitted (pool.h). */
static size_t held_bytes(void *ud, size_t i)
{
    struct run_state *st = ud;
    return st->results[i % st->window].arena.total;
}

/* ---- analysing ahead -------------------------------------------------------------------------------- */

/* While the project pass searches for the helper modules it needs (one thread: the other workers would idle),
 * a thread analyses each module the moment the search first needs it; the round that follows then takes those
 * results instead of analysing the modules again. A result depends only on the file, so the output is the same
 * whoever analysed it and whenever. The results held ahead are bounded (a quarter of the pool's max_held). */
struct ahead {
    struct run_state *st;
    pthread_t thread;
    bool running;                    /* the thread was started and is not joined yet */
    pthread_mutex_t mu;
    pthread_cond_t cv;               /* the queue grew, or stop was set */
    pthread_cond_t finished_cv;      /* the file in progress is done */
    VEC(size_t) queue;               /* files (in the batch) the search needs, in the order it met them */
    size_t next;                     /* queue[next..] are still to analyse */
    size_t in_progress;              /* the file being analysed, or SIZE_MAX */
    bool stop;                       /* the search is over: take no more */
    bool drain;                      /* (tests) the search is over: analyse the rest of the queue, then stop */
    struct as_file_result **done;    /* per file of the batch: its result, analysed ahead, or NULL */
    size_t held, max_held;
    size_t taken;                    /* results the rounds took (ASYNCSCAN_PROJECT_STATS) */
};

static void *ahead_main(void *arg)
{
    struct ahead *a = arg;
    void *worker = worker_init(a->st);
    pthread_mutex_lock(&a->mu);
    for (;;) {
        while (!a->stop && a->next == a->queue.len) pthread_cond_wait(&a->cv, &a->mu);
        if (a->next == a->queue.len || (a->stop && !a->drain) || a->held > a->max_held) break;
        size_t file = a->queue.items[a->next++];
        a->in_progress = file;
        pthread_mutex_unlock(&a->mu);
        struct as_file_result *res = as_xmalloc(sizeof(*res));
        analyse_file(a->st, worker, a->st->base + file, true, res);
        pthread_mutex_lock(&a->mu);
        a->done[file] = res;
        a->held += res->arena.total;
        a->in_progress = SIZE_MAX;
        pthread_cond_broadcast(&a->finished_cv);
    }
    pthread_mutex_unlock(&a->mu);
    worker_fini(a->st, worker);
    return NULL;
}

/* as_project_on_request's callback, on the searching thread. */
static void ahead_request(void *ud, size_t file)
{
    struct ahead *a = ud;
    pthread_mutex_lock(&a->mu);
    vec_push(&a->queue, file);
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
}

/* Waits for the thread of the last search to end (it ends after the file it was analysing, if any). */
static void ahead_join(struct ahead *a)
{
    if (!a->running) return;
    pthread_join(a->thread, NULL);
    a->running = false;
}

static void ahead_start(struct ahead *a)
{
    ahead_join(a);
    a->stop = false;
    a->held = 0;   /* what the last search's thread analysed was taken by the round after it */
    a->queue.len = a->next = 0;
    a->in_progress = SIZE_MAX;
    a->running = pthread_create(&a->thread, NULL, ahead_main, a) == 0;
}

/* The search is over: the thread takes no more files, and the round starts without waiting for the one it is
 * analysing (work_wanted waits for that file only if it reaches it first). */
static void ahead_stop(struct ahead *a)
{
    pthread_mutex_lock(&a->mu);
    a->stop = true;
    pthread_cond_signal(&a->cv);
    pthread_mutex_unlock(&a->mu);
    if (a->drain) ahead_join(a);
}

/* The result of `file` analysed ahead (the caller owns it), or NULL; waits while the thread is analysing it. */
static struct as_file_result *ahead_take(struct ahead *a, size_t file)
{
    pthread_mutex_lock(&a->mu);
    while (a->in_progress == file) pthread_cond_wait(&a->finished_cv, &a->mu);
    struct as_file_result *res = a->done[file];
    a->done[file] = NULL;
    if (res) a->taken++;
    pthread_mutex_unlock(&a->mu);
    return res;
}

/* Readies `a` for the batch of n files being joined and has the project's searches tell it what they need.
 * `mode` (ASYNCSCAN_AHEAD, for the tests): "all" analyses the whole queue after each search. */
static void ahead_init(struct ahead *a, struct run_state *st, size_t n, size_t max_held, const char *mode)
{
    memset(a, 0, sizeof(*a));
    a->st = st;
    a->drain = mode && strcmp(mode, "all") == 0;
    a->max_held = max_held;
    a->done = as_xcalloc(n + 1, sizeof(*a->done));
    pthread_mutex_init(&a->mu, NULL);
    pthread_cond_init(&a->cv, NULL);
    pthread_cond_init(&a->finished_cv, NULL);
    as_project_on_request(st->project, ahead_request, a);
}

/* Ends the thread, frees the results no round took (none should be left: every file the search needs is in
 * its answer) and everything else of `a`. */
static void ahead_release(struct ahead *a, size_t n)
{
    ahead_join(a);
    for (size_t i = 0; i < n; i++)
        if (a->done[i]) {
            as_file_result_release(a->done[i]);
            free(a->done[i]);
        }
    as_project_on_request(a->st->project, NULL, NULL);
    vec_free(&a->queue);
    free(a->done);
    pthread_cond_destroy(&a->cv);
    pthread_cond_destroy(&a->finished_cv);
    pthread_mutex_destroy(&a->mu);
}

static void work_wanted(void *ud, void *worker, size_t j)
{
    struct run_state *st = ud;
    size_t file = st->wanted[j];
    struct as_file_result *slot = &st->results[j % st->window];
    struct as_file_result *early = st->ahead ? ahead_take(st->ahead, file) : NULL;
    if (early) {
        *slot = *early;
        free(early);
        return;
    }
    analyse_file(st, worker, st->base + file, true, slot);
}

/* A one-line (or several-line) message that may quote the tree (paths, configuration keys): "asyncscan: <kind>: "
 * then each line with its control characters escaped. */
static void print_message(FILE *err, const char *kind, const char *msg)
{
    fprintf(err, "asyncscan: %s: ", kind);
    while (*msg) {
        size_t n = strcspn(msg, "\n");
        struct as_buf b;
        as_buf_init(&b);
        as_buf_add_visible(&b, msg, n);
        fwrite(b.data, 1, b.len, err);
        as_buf_release(&b);
        fputc('\n', err);
        msg += n;
        if (*msg) msg++;
    }
}

static void print_error(struct run_state *st, const char *path, const char *msg)
{
    fputs("asyncscan: error: ", st->err);
    as_fputs_visible(path, st->err);   /* a name or a message from the tree: no terminal control */
    fputs(": ", st->err);
    as_fputs_visible(msg, st->err);
    fputc('\n', st->err);
    st->errors++;
}

/* Prints one file's result (errors to stderr, findings through the reporter) and counts it; the file's
 * configuration drops what it does not select (per-file-ignores, nested configurations). */
static void report_result(struct run_state *st, size_t file, struct as_file_result *res)
{
    if (st->settings) as_settings_filter(st->settings, st->engine, st->file_config ? st->file_config[file] : -1, res);
    if (res->error) print_error(st, res->path, res->error);
    int cfg = st->file_config ? st->file_config[file] : -1;
    if (!st->opts->add_noqa) as_rewrite_fix(st->rewrite, file < st->files.n ? st->files.paths[file] : NULL, cfg, res);
    st->ctx.n_files++;
    st->ctx.n_findings += res->n_diags;
    if (res->n_diags) st->ctx.n_files_with_findings++;
    if (st->opts->add_noqa) {
        if (file < st->files.n) as_rewrite_add_noqa(st->rewrite, st->files.paths[file], cfg, res);
        return;
    }
    if (st->rewrite->mode.only) return;   /* --fix-only, --diff: what remains is not reported */
    for (size_t d = 0; d < res->n_diags; d++) {   /* grouped by root for --statistics and the summary */
        if (!as_diag_root(&res->diags[d])) continue;
        if (!st->roots) st->roots = as_root_tally_new();
        as_root_tally_add(st->roots, res, &res->diags[d]);
    }
    if (st->opts->statistics) {
        for (size_t d = 0; d < res->n_diags; d++)
            for (size_t r = 0; r < st->engine->rules.n && r < 512; r++)
                if (strcmp(st->engine->rules.rules[r]->code, res->diags[d].code) == 0) st->counts_by_rule[r]++;
    } else {
        as_file_result_to_cells(res);   /* a notebook's positions, in its cells' terms, for every format */
        st->reporter->file(&st->ctx, res);
    }
}

/* A deep copy of a finding (its strings and chain) into arena. */
static void copy_diag(struct as_arena *arena, struct as_diag *dst, const struct as_diag *src)
{
#define DUP(s) ((s) ? as_arena_strdup(arena, (s)) : NULL)
    *dst = *src;
    dst->code = DUP(src->code);
    dst->name = DUP(src->name);
    dst->message = DUP(src->message);
    dst->help = DUP(src->help);
    dst->url = DUP(src->url);
    dst->root_code = DUP(src->root_code);
    if (src->n_chain) {
        dst->chain = as_arena_alloc(arena, src->n_chain * sizeof(struct as_chain_step));
        for (size_t c = 0; c < src->n_chain; c++) {
            dst->chain[c] = src->chain[c];
            dst->chain[c].label = DUP(src->chain[c].label);
            dst->chain[c].path = DUP(src->chain[c].path);
        }
    }
#undef DUP
}

/* A copy of what a result needs after the join (path, error, findings), without the source text, in `a` (its
 * own arena stays empty until the join adds to it). */
static struct as_file_result *keep_result(const struct as_file_result *res, struct as_arena *a)
{
    struct as_file_result *k = as_xcalloc(1, sizeof(*k));
    as_file_result_init(k);
#define DUP(s) ((s) ? as_arena_strdup(a, (s)) : NULL)
    k->path = DUP(res->path);
    k->error = DUP(res->error);
    k->error_cell = res->error_cell;
    k->module = DUP(res->module);
    k->n_diags = res->n_diags;
    k->diags = as_arena_alloc(a, (res->n_diags ? res->n_diags : 1) * sizeof(struct as_diag));
    for (size_t i = 0; i < res->n_diags; i++) copy_diag(a, &k->diags[i], &res->diags[i]);
    if (res->n_cells) {   /* a notebook's cells: its findings are reported in their terms */
        struct as_cell_start *cells = as_arena_alloc(a, res->n_cells * sizeof(*cells));
        memcpy(cells, res->cells, res->n_cells * sizeof(*cells));
        k->cells = cells;
        k->n_cells = res->n_cells;
    }
#undef DUP
    return k;
}

static void emit(void *ud, size_t i)
{
    struct run_state *st = ud;
    struct as_file_result *res = &st->results[i % st->window];
    size_t file = st->base + i;
    if (st->parsed) {
        st->parsed[file] = res->parsed;
        as_project_add(st->project, i, res);
    } else if (st->project) {
        as_project_add(st->project, i, res);
        if (res->error || res->n_diags) st->kept[file] = keep_result(res, &st->kept_arena);
    } else {
        report_result(st, file, res);
    }
    as_file_result_release(res);
}

/* A module the named files' join read that cannot be analysed: a note, never an error of the run. */
static void note_unreadable(struct run_state *st, size_t file, const struct as_file_result *res)
{
    if (st->target && !st->target[file] && res->error && !st->opts->quiet)
        fprintf(st->err, "asyncscan: note: %s: %s (a module the named files use; joined as far as it reads)\n",
                res->path, res->error);
}

static void emit_wanted(void *ud, size_t j)
{
    struct run_state *st = ud;
    struct as_file_result *res = &st->results[j % st->window];
    if (st->parsed) st->parsed[st->base + st->wanted[j]] = res->parsed;
    as_project_add(st->project, st->wanted[j], res);
    as_file_result_release(res);
}

/* After the join: each file's findings plus the project-wide ones, in file order. */
/* The findings of the project's rules in res, copied into arena (what a later run may reuse). */
static void collect_join(struct run_state *st, size_t file, const struct as_file_result *res, struct as_arena *arena,
                         void *out_vec)
{
    VEC(struct as_join_findings) *out = out_vec;
    size_t n = 0;
    for (size_t d = 0; d < res->n_diags; d++) n += as_project_owns(st->project, &res->diags[d]);
    if (n) {
        struct as_join_findings j = {(uint32_t)file, as_arena_alloc(arena, n * sizeof(struct as_diag)), n};
        n = 0;
        for (size_t d = 0; d < res->n_diags; d++)
            if (as_project_owns(st->project, &res->diags[d])) copy_diag(arena, &j.diags[n++], &res->diags[d]);
        vec_push(out, j);
    }
}

/* Adds the reused findings of file `file` (items sorted by file; *next walks them) to res. */
static void add_reused(struct as_file_result *res, size_t file, const struct as_join_findings *items, size_t n,
                       size_t *next)
{
    while (*next < n && items[*next].file < file) (*next)++;
    if (*next >= n || items[*next].file != file) return;
    const struct as_join_findings *j = &items[*next];
    size_t total = res->n_diags + j->n_diags;
    struct as_diag *all = as_arena_alloc(&res->arena, total * sizeof(struct as_diag));
    if (res->n_diags) memcpy(all, res->diags, res->n_diags * sizeof(struct as_diag));
    memcpy(all + res->n_diags, j->diags, j->n_diags * sizeof(struct as_diag));
    as_diags_sort(all, total);
    res->diags = all;
    res->n_diags = total;
}

/* The kept result of file i (or, heap false, a fresh one) with its project-wide findings: reported, freed. */
static void report_joined(struct run_state *st, size_t i, struct as_file_result *res, bool heap)
{
    if (res->n_diags && (!res->error || as_notebook_path(res->path))) {
        /* reporters show the offending line: read the text again (only for files with findings); a notebook
         * also needs its cells for its positions, and its text for the fixes of its intact cells, whatever
         * its error; the buffer on stdin is the text, not the file on disk (its fixes are found in it too) */
        char *bytes = NULL;
        size_t len = 0;
        char err[256];
        if (i == st->stdin_file) {
            as_result_attach_source(res, st->stdin_bytes, st->stdin_len);
        } else if (as_source_read_file(st->files.paths[i], st->max_size, &bytes, &len, err, sizeof(err)) == 0) {
            as_result_attach_source(res, bytes, len);
            free(bytes);
        }
    }
    report_result(st, i, res);
    as_file_result_release(res);
    if (heap) free(res);
    if (st->kept) st->kept[i] = NULL;
}

/* After the join of the batch [st->base, end) (or with its findings reused from the cache: `reused`): each
 * file's findings plus the project-wide ones, in file order; without `reused` and with `collect`, the
 * project-wide ones are kept there (copied into collect_arena) for the cache. Files are numbered from the
 * batch's first in the project and in the join findings. */
static void report_kept(struct run_state *st, size_t end, const struct as_join_findings *reused, size_t n_reused,
                        bool reuse, void *collect, struct as_arena *collect_arena)
{
    size_t next = 0;
    for (size_t i = st->base; i < end; i++) {
        struct as_file_result *res = st->kept[i];
        struct as_file_result fresh;
        if (!res) {
            as_file_result_init(&fresh);
            fresh.path = display_path(st->files.paths[i], st->ctx.cwd, &fresh.arena);
            res = &fresh;
        }
        if (reuse) {
            add_reused(res, i - st->base, reused, n_reused, &next);
        } else {
            as_project_findings(st->project, i - st->base, res);
            if (collect) collect_join(st, i - st->base, res, collect_arena, collect);
        }
        report_joined(st, i, res, res != &fresh);
    }
}

/* as_project_wanted, with the files it needs analysed ahead while it searches (struct ahead). */
static size_t search_wanted(struct run_state *st, size_t **wanted)
{
    if (st->ahead) ahead_start(st->ahead);
    size_t n = as_project_wanted(st->project, wanted);
    if (st->ahead) ahead_stop(st->ahead);
    return n;
}

/* Files a batch of the project pass holds at least, where the tree splits (as_project_batches): the pass's
 * memory is that of one batch, and each batch costs a few pool runs, whose tails leave a worker idle. With
 * 2,048 the corpus (6,758 files) made 3 batches and cold -j2 was 1-9% slower than in one; with 8,192 it is one,
 * and the corpus x10 makes 8 (peak RSS ~50 MB; 146 MB in one batch). */
#define PROJECT_BATCH_FILES 8192

/* The project pass over the batch [st->base, end): analyses its files, parses the helper modules it needs,
 * joins the summaries (or reuses the last join's findings when the batch's files are as they were) and
 * reports the batch's files in order. Its counts are added to *counts and *rounds. */
static void join_batch(struct run_state *st, struct as_pool_job *job, size_t end, const char *cwd,
                       struct as_project_counts *counts, size_t *rounds)
{
    const struct as_options *o = st->opts;
    size_t n = end - st->base;
    st->project = as_project_new(st->engine, o->max_chain);
    /* without the cache nothing can be reused, so the join surely searches: its tables are built as the files
     * come in (see as_project_map_eagerly) */
    as_project_map_eagerly(st->project, !st->cache);
    job->n_items = n;
    job->work = work;
    job->emit = emit;
    as_pool_run(job);
    /* With the cache, a batch whose files are all as they were reuses the last join's findings. */
    struct as_arena join_arena;
    as_arena_init(&join_arena);
    struct as_cache_key jkey = {0, 0};
    struct as_join_findings *reused = NULL;
    size_t n_reused = 0;
    bool reuse = false;
    if (st->cache && !st->parsed) {
        char context[PATH_MAX + 32];
        snprintf(context, sizeof(context), "%s\n%u", cwd, o->max_chain);
        size_t b = st->base;
        jkey = as_cache_join_key(st->cache, context, (const char *const *)st->files.paths + b, st->keys + b,
                                 st->keyed + b, st->status + b, st->trivial + b, n);
        reuse = as_cache_load_join(st->cache, jkey, &join_arena, &reused, &n_reused);
        if (reuse && getenv("ASYNCSCAN_CACHE_STATS")) fprintf(st->err, "asyncscan: cache: project pass reused\n");
    }
    /* helper modules the skip left out, parsed when a call from async code may lead into them; with more than
     * one worker, analysed from the moment a search needs them (see struct ahead) */
    struct ahead ahead;
    const char *mode = getenv("ASYNCSCAN_AHEAD");   /* for the tests: "off", or "all" (the whole queue) */
    if (!reuse && job->jobs > 1 && !(mode && strcmp(mode, "off") == 0)) {
        /* a few modules at a time is all it gets to: a quarter of the pool's bytes */
        ahead_init(&ahead, st, n, job->max_held / 4, mode);
        st->ahead = &ahead;
    }
    size_t *wanted = NULL, n_wanted;
    while (!reuse && (n_wanted = search_wanted(st, &wanted)) > 0) {
        (*rounds)++;
        st->wanted = wanted;
        job->n_items = n_wanted;
        job->work = work_wanted;
        job->emit = emit_wanted;
        as_pool_run(job);
        free(wanted);
        st->wanted = NULL;
    }
    if (st->ahead) {
        counts->on_demand_ahead += ahead.taken;
        ahead_release(&ahead, n);
        st->ahead = NULL;
    }
    if (st->parsed) {
        for (size_t i = st->base; i < end; i++)
            if (st->parsed[i]) fprintf(st->ctx.out, "%s\n", st->files.paths[i]);
    } else if (reuse) {
        report_kept(st, end, reused, n_reused, true, NULL, NULL);
    } else {
        as_project_solve(st->project);
        VEC(struct as_join_findings) found = {0};
        bool store = st->cache != NULL;
        report_kept(st, end, NULL, 0, false, store ? &found : NULL, &join_arena);
        if (store) as_cache_store_join(st->cache, jkey, found.items, found.len);
        vec_free(&found);
    }
    as_project_count(st->project, counts);
    as_project_free(st->project);
    st->project = NULL;
    as_arena_release(&join_arena);
    /* the batch's kept results are reported: their memory goes */
    as_arena_release(&st->kept_arena);
    as_arena_init(&st->kept_arena);
}

/* ---- files named alone, joined through the project index (project/index.h) ---------------------------- */

static size_t file_of(const struct run_state *st, const char *path)
{
    return (size_t)as_strmap_get(&st->index_of, path);   /* the index's files are the run's */
}

/* The index's callback for one module (not used while analyse_round is set; kept complete). */
static void analyse_one(void *ud, const char *path, const char *module_path, struct as_file_result *res)
{
    (void)module_path;
    struct run_state *st = ud;
    size_t file = file_of(st, path);
    void *worker = worker_init(st);
    analyse_file(st, worker, file, true, res);
    worker_fini(st, worker);
    note_unreadable(st, file, res);
}

static void work_round(void *ud, void *worker, size_t j)
{
    struct run_state *st = ud;
    analyse_file(st, worker, st->round[j], true, &st->round_res[j]);
}

static void emit_round(void *ud, size_t j)
{
    struct run_state *st = ud;
    note_unreadable(st, st->round[j], &st->round_res[j]);
}

static size_t held_round(void *ud, size_t j)
{
    return ((struct run_state *)ud)->round_res[j].arena.total;
}

/* The index's callback for a round of helper modules: analysed by the pool, the skip off. */
static void analyse_round(void *ud, const char *const *paths, const char *const *module_paths, size_t n,
                          struct as_file_result *res)
{
    (void)module_paths;
    struct run_state *st = ud;
    st->round = as_xmalloc((n ? n : 1) * sizeof(size_t));
    for (size_t k = 0; k < n; k++) st->round[k] = file_of(st, paths[k]);
    st->round_res = res;
    struct as_pool_job job = *st->job;
    job.n_items = n;
    job.work = work_round;
    job.emit = emit_round;
    job.held = held_round;
    as_pool_run(&job);
    free(st->round);
    st->round = NULL;
    st->rounds++;
}

static void work_named(void *ud, void *worker, size_t k)
{
    struct run_state *st = ud;
    analyse_file(st, worker, st->named[k], false, &st->results[k % st->window]);
}

/* A named file's analysis: its summaries go into the index, what it reports is kept until the join. */
static void emit_named(void *ud, size_t k)
{
    struct run_state *st = ud;
    struct as_file_result *res = &st->results[k % st->window];
    size_t file = st->named[k];
    if (res->parsed) as_index_put(st->index, st->files.paths[file], res);
    st->kept[file] = keep_result(res, &st->kept_arena);
    as_file_result_release(res);
}

/* Files named alone: analysed by the pool, joined through the index with the rest of their project (one join
 * from all of them: the tree's batches cannot reach each other, see as_project_batches), reported in order. */
static void join_named(struct run_state *st, struct as_pool_job *job, struct as_project_counts *counts)
{
    size_t n = st->files.n;
    st->index = as_index_new(st->engine, st->opts->max_chain, analyse_one, st);
    as_index_set_analyse_many(st->index, analyse_round);
    as_index_set_files(st->index, (const char *const *)st->files.paths, st->module_paths, n);
    st->named = as_xmalloc((n + 1) * sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        as_strmap_put(&st->index_of, st->files.paths[i], (int32_t)i);
        if (st->target[i]) st->named[st->n_named++] = i;
    }
    st->job = job;
    job->n_items = st->n_named;
    job->work = work_named;
    job->emit = emit_named;
    as_pool_run(job);
    const char **paths = as_xmalloc((st->n_named + 1) * sizeof(char *));
    struct as_file_result **res = as_xmalloc((st->n_named + 1) * sizeof(*res));
    for (size_t k = 0; k < st->n_named; k++) {
        paths[k] = st->files.paths[st->named[k]];
        res[k] = st->kept[st->named[k]];
    }
    as_index_join(st->index, paths, res, st->n_named);
    for (size_t k = 0; k < st->n_named; k++) report_joined(st, st->named[k], res[k], true);
    as_index_count(st->index, counts);
    free(paths);
    free(res);
    free(st->named);
    st->named = NULL;
    as_strmap_free(&st->index_of);
    as_index_free(st->index);
    st->index = NULL;
}

static void on_discover_error(void *ud, const char *path, const char *reason)
{
    print_error(ud, path, reason);
}

/* The formats for people (colour, the summary line on stderr); the others are read by programs. */
static bool human_format(const char *format)
{
    return strcmp(format, "full") == 0 || strcmp(format, "concise") == 0 || strcmp(format, "grouped") == 0;
}

static bool want_color(const struct as_options *o, const char *format)
{
    if (!human_format(format)) return false;
    if (o->color == AS_COLOR_ALWAYS) return true;
    if (o->color == AS_COLOR_NEVER || o->output_file) return false;
    const char *force = getenv("FORCE_COLOR");
    if (force && *force) return true;
    const char *no = getenv("NO_COLOR");
    if (no && *no) return false;
    return isatty(STDOUT_FILENO) != 0;
}

static char *read_stdin(size_t max, size_t *len, char *err, size_t errlen)
{
    struct as_buf b;
    as_buf_init(&b);
    int rc = as_buf_read_stream(&b, stdin, max);
    if (rc) {
        if (rc > 0) snprintf(err, errlen, "input is larger than the size limit (%zu bytes)", max);
        else snprintf(err, errlen, "cannot read standard input: %s", strerror(errno));
        as_buf_release(&b);
        return NULL;
    }
    return as_buf_detach(&b, len);
}

/* Whether the pre-parse skip keeps this file (it reads and decodes it as the analysis would). */
static bool needs_parse(const struct as_engine *engine, const char *path, const char *cwd, size_t max_size)
{
    char *bytes = NULL;
    size_t len = 0;
    char err[256];
    if (as_source_read_file(path, max_size, &bytes, &len, err, sizeof(err)) != 0) return false;
    struct as_arena arena;
    as_arena_init(&arena);
    struct as_source src;
    bool keep = as_source_decode_lazy(&src, &arena, bytes, len, err, sizeof(err)) == 0 &&
                !as_engine_can_skip(engine, display_path(path, cwd, &arena), src.text, src.len);
    as_arena_release(&arena);
    free(bytes);
    return keep;
}

/* Each discovered file's configuration; files a configuration excludes are dropped (unless named on the
 * command line without --force-exclude). Then the engine enables every configuration's selection. */
static int bind_configurations(struct run_state *st, const struct as_options *o, struct as_engine *engine,
                               FILE *err)
{
    struct as_settings *settings = st->settings;
    st->file_config = as_xcalloc(st->files.n + 1, sizeof(int));
    as_settings_use_listing(settings, st->files.dirs, st->files.n_dirs);   /* until the files are bound */
    size_t keep = 0, i = 0;
    char *cerr = NULL;
    for (; i < st->files.n; i++) {
        int cfg = as_settings_config_for(settings, st->files.paths[i], &cerr);
        if (cerr) break;
        bool explicit_path = st->scope && as_project_scope_is_target(st->scope, st->files.paths[i]);
        for (size_t k = 0; k < o->n_paths; k++) explicit_path |= strcmp(o->paths[k], st->files.paths[i]) == 0;
        if ((!explicit_path || settings->force_exclude) && as_settings_excluded(settings, cfg, st->files.paths[i])) {
            free(st->files.paths[i]);
            continue;
        }
        st->file_config[keep] = cfg;
        st->files.paths[keep++] = st->files.paths[i];
    }
    as_settings_use_listing(settings, NULL, 0);
    /* the list holds the kept paths, then those not looked at (an error stops early): each once, so that
     * releasing it frees each once (excluded paths are freed above) */
    for (; i < st->files.n; i++) st->files.paths[keep++] = st->files.paths[i];
    st->files.n = keep;
    if (cerr) {
        print_message(err, "error", cerr);
        free(cerr);
        return -1;
    }
    char *berr = NULL;
    if (as_settings_bind(settings, engine, &berr)) {
        print_message(err, "error", berr);
        free(berr);
        return -1;
    }
    return 0;
}

/* --statistics: the number of findings per rule, most frequent first (then by code), as ruff prints them: a
 * tab-separated table, or with --output-format json an array of {code, name, count, fixable, fixable_count}. */
static void print_statistics(struct run_state *st, const char *format, FILE *out)
{
    size_t order[512], n = 0;
    for (size_t r = 0; r < st->engine->rules.n && r < 512; r++)
        if (st->counts_by_rule[r]) order[n++] = r;
    for (size_t i = 1; i < n; i++)   /* insertion sort by count, descending; rules are already in code order */
        for (size_t k = i; k > 0 && st->counts_by_rule[order[k]] > st->counts_by_rule[order[k - 1]]; k--) {
            size_t t = order[k];
            order[k] = order[k - 1];
            order[k - 1] = t;
        }
    bool json = strcmp(format, "json") == 0;
    if (json) fputs(n ? "[\n" : "[]\n", out);
    for (size_t i = 0; i < n; i++) {
        const struct as_rule *r = st->engine->rules.rules[order[i]];
        if (json)
            fprintf(out, "  {\n    \"code\": \"%s\",\n    \"name\": \"%s\",\n    \"count\": %zu,\n    \"fixable\": false,\n"
                         "    \"fixable_count\": 0\n  }%s\n", r->code, r->name, st->counts_by_rule[order[i]],
                    i + 1 < n ? "," : "");
        else
            fprintf(out, "%5zu\t%s\t%s\n", st->counts_by_rule[order[i]], r->code, r->name);
    }
    if (json && n) fputs("]\n", out);
    if (!json && st->roots) as_root_tally_print_statistics(st->roots, out);   /* JSON stays ruff's array */
}

/* -v: what the run is about to do, on stderr. */
static void verbose_start(const struct run_state *st, const struct as_settings *settings, FILE *err)
{
    size_t enabled = 0;
    for (size_t r = 0; r < st->engine->rules.n; r++) enabled += st->engine->enabled[r];
    fprintf(err, "asyncscan: verbose: configuration: %s\n",
            settings->has_root ? settings->configs[0].path : (st->opts->isolated ? "none (--isolated)" : "none found"));
    if (settings->has_overrides) fprintf(err, "asyncscan: verbose: %zu --config override(s)\n", st->opts->n_config_overrides);
    fprintf(err, "asyncscan: verbose: %zu files to analyse, %zu rules enabled, %d jobs, cache %s\n", st->files.n, enabled,
            settings->jobs ? settings->jobs : as_pool_online_cpus(),
            st->cache ? (st->opts->cache_dir ? st->opts->cache_dir : ".asyncscan_cache") : "off");
    for (size_t i = 0; i < st->files.n; i++) fprintf(err, "asyncscan: verbose: file %s\n", st->files.paths[i]);
}


/* A step of check returns RUN_ON to go on, or the exit status to stop with. */
#define RUN_ON (-1)

static const char *output_format(const struct as_settings *settings)
{
    return settings->output_format ? settings->output_format : "full";
}

/* The reporter of the configured output format, or NULL after saying which formats exist. */
static const struct as_reporter *find_reporter(const char *format, FILE *err)
{
    const struct as_reporter *reporter = as_reporter_find(format);
    if (!reporter) {
        fprintf(err, "asyncscan: error: unknown output format '%s' (expected one of:", format);
        for (size_t i = 0; as_reporters[i]; i++) fprintf(err, " %s", as_reporters[i]->name);
        fprintf(err, ")\n");
    }
    return reporter;
}

/* --show-settings: the settings that govern the first path. */
static void show_settings(const struct as_options *o, struct as_settings *settings, struct as_engine *engine,
                          FILE *out, FILE *err)
{
    char *berr = NULL;
    if (as_settings_bind(settings, engine, &berr)) {
        print_message(err, "error", berr);
        free(berr);
    }
    as_settings_show(settings, engine, o->n_paths ? o->paths[0] : (o->stdin_filename ? o->stdin_filename : "."), out);
}

/* Whether the input is a buffer on standard input (`-`, or --stdin-filename without paths). */
static bool reads_stdin(const struct as_options *o)
{
    return o->stdin_filename ? (o->n_paths == 0 || (o->n_paths == 1 && strcmp(o->paths[0], "-") == 0))
                             : (o->n_paths == 1 && strcmp(o->paths[0], "-") == 0);
}

static void discover_options(struct run_state *st, struct as_discover_opts *dopts)
{
    as_settings_discover_options(st->settings, dopts);
    dopts->on_error = on_discover_error;
    dopts->ud = st;
}

/* With --stdin-filename: the configuration that governs the buffer (-1 without the option or a configuration).
 * Stops on a configuration error (2), and when --force-exclude excludes the buffer (0, so editors and
 * pre-commit can pass anything): the report is then an empty one (`[]` in JSON: an editor's parser always gets a
 * document), with no summary line. */
static int stdin_configuration(struct run_state *st, const struct as_discover_opts *dopts, int *config)
{
    const struct as_options *o = st->opts;
    *config = -1;
    if (!o->stdin_filename) return RUN_ON;
    char *cerr = NULL;
    *config = as_settings_config_for(st->settings, o->stdin_filename, &cerr);
    if (cerr) {
        print_message(st->err, "error", cerr);
        free(cerr);
        return 2;
    }
    if (st->settings->force_exclude && (as_discover_is_excluded(dopts, o->stdin_filename) ||
                                        as_settings_excluded(st->settings, *config, o->stdin_filename))) {
        if (o->statistics) {
            print_statistics(st, output_format(st->settings), st->ctx.out);
        } else if (!o->add_noqa) {
            st->reporter->begin(&st->ctx);
            st->reporter->end(&st->ctx);
        }
        return 0;
    }
    return RUN_ON;
}

/* ---- files named alone, joined with their project (project/scope.h) ---------------------------------- */

/* Whether named files can be joined with their project: only the project pass needs it, and --isolated and
 * --show-files keep to the files named. */
static bool joinable(const struct as_options *o, const struct as_engine *engine)
{
    return as_project_enabled(engine) && !o->isolated && !o->show_files;
}

/* Whether the run names paths that exist (files or directories; a directory: *dirs set). */
static bool names_existing_paths(const struct as_options *o, bool *dirs)
{
    *dirs = false;
    for (size_t k = 0; k < o->n_paths; k++) {
        struct stat sb;
        if (stat(o->paths[k], &sb) != 0) return false;
        *dirs |= S_ISDIR(sb.st_mode) != 0;
    }
    return o->n_paths > 0;
}

/* Whether every directory named lies strictly inside the join's root: a directory that is the root or holds
 * it is its project (a run of its own gives its files their findings). */
static bool dirs_inside_root(const struct as_options *o, const struct as_project_scope *scope)
{
    for (size_t k = 0; k < o->n_paths; k++) {
        struct stat sb;
        if (stat(o->paths[k], &sb) != 0 || !S_ISDIR(sb.st_mode)) continue;
        char *real = realpath(o->paths[k], NULL);
        bool inside = real && as_path_within(real, scope->root) && strcmp(real, scope->root) != 0;
        free(real);
        if (!inside) return false;
    }
    return true;
}

/* Sets st->scope when the named files (or the buffer's path) have a project to be joined with. */
static bool plan_join(struct run_state *st, const char *const *named, size_t n)
{
    if (!joinable(st->opts, st->engine) || n == 0) return false;
    struct as_project_scope *scope = as_xmalloc(sizeof(*scope));
    if (!as_project_scope_init(scope, named, n, st->opts->project_root, st->ctx.cwd)) {
        free(scope);
        return false;
    }
    st->scope = scope;
    return true;
}

/* A problem met while listing the project beyond the named files: a note, never an error of the run. */
static void on_project_discover_error(void *ud, const char *path, const char *reason)
{
    struct run_state *st = ud;
    if (st->opts->quiet) return;   /* -q: the diagnostics and nothing else */
    while (path[0] == '.' && path[1] == '/' && path[2]) path += 2;
    fprintf(st->err, "asyncscan: note: %s: %s (in the project the named files are joined with)\n", path, reason);
}

static void open_cache_dir(struct run_state *st, const struct as_engine *engine);

/* The run's files become the project's (the buffer on stdin, if any, standing for its path): the listing the
 * cache keeps when it is still valid, else a walk of the project. */
static void join_project_files(struct run_state *st, const struct as_discover_opts *dopts)
{
    struct as_discover_opts project_opts = *dopts;
    project_opts.on_error = on_project_discover_error;
    memset(&st->files, 0, sizeof(st->files));
    open_cache_dir(st, st->engine);
    bool reused = as_project_scope_discover_cached(st->scope, &project_opts, st->cache, &st->files);
    if (reused && getenv("ASYNCSCAN_CACHE_STATS")) fprintf(st->err, "asyncscan: cache: project listing reused\n");
}

/* Per file of the project (once its configurations dropped what they exclude): whether it is named, where its
 * module name comes from, and which one the buffer on stdin stands for. */
static void bind_scope(struct run_state *st)
{
    const struct as_options *o = st->opts;
    size_t n = st->files.n;
    st->target = as_xcalloc(n + 1, sizeof(bool));
    st->module_paths = as_xcalloc(n + 1, sizeof(char *));
    const char *buffer = st->stdin_bytes ? as_project_scope_display_path(st->scope, o->stdin_filename, &st->scope_arena) : NULL;
    for (size_t i = 0; i < n; i++) {
        st->target[i] = as_project_scope_is_target(st->scope, st->files.paths[i]);
        st->module_paths[i] = as_project_scope_module_path(st->scope, st->files.paths[i], &st->scope_arena);
        if (buffer && strcmp(buffer, st->files.paths[i]) == 0) st->stdin_file = i;
    }
}

/* Frees what joining named files with their project took. */
static void release_join(struct run_state *st)
{
    free(st->stdin_bytes);
    free(st->target);
    free(st->module_paths);
    as_arena_release(&st->scope_arena);
    if (st->scope) as_project_scope_release(st->scope);
    free(st->scope);
    st->stdin_bytes = NULL;
    st->target = NULL;
    st->module_paths = NULL;
    st->scope = NULL;
}

/* Says once when a join took more than a second (a cold cache: the next runs reuse what it analysed). The
 * time counts from the start of the run's analysis: listing the project, the named files and the modules
 * their searches reached. */
static void note_slow_join(struct run_state *st, const struct as_project_counts *c)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double secs = (double)(now.tv_sec - st->started.tv_sec) + (double)(now.tv_nsec - st->started.tv_nsec) / 1e9;
    const char *threshold = getenv("ASYNCSCAN_SLOW_JOIN_MS");   /* for the tests */
    if (st->opts->quiet) return;
    if (secs * 1000 <= (threshold ? strtod(threshold, NULL) : 1000)) return;
    fprintf(st->err, "asyncscan: note: joining the named files with their project (%s: %zu files) took %.1f s: "
            "%zu modules analysed%s\n", st->scope->root, c->files, secs, c->parsed,
            st->cache ? "; the cache keeps them for the next runs" : "");
}

static int check_files(struct run_state *st, struct as_engine *engine, const struct as_discover_opts *dopts);

/* Analyses the buffer on standard input and reports it: joined with the project of its --stdin-filename when
 * there is one (then the buffer stands for that file among the project's), else on its own. */
static int check_stdin(struct run_state *st, struct as_engine *engine, int stdin_config,
                       const struct as_discover_opts *dopts)
{
    const struct as_options *o = st->opts;
    char rerr[256];
    size_t len = 0;
    const char *name = o->stdin_filename ? o->stdin_filename : "-";
    char *bytes = read_stdin(st->max_size, &len, rerr, sizeof(rerr));
    if (bytes && o->stdin_filename && plan_join(st, &o->stdin_filename, 1)) {
        st->stdin_bytes = bytes;
        st->stdin_len = len;
        return check_files(st, engine, dopts);
    }
    char *berr = NULL;
    if (as_settings_bind(st->settings, engine, &berr)) {
        print_message(st->err, "error", berr);
        free(berr);
        free(bytes);
        return 2;
    }
    int stdin_cfg[1] = {stdin_config};
    st->file_config = stdin_cfg;
    struct as_file_result res;
    as_file_result_init(&res);
    if (!bytes) {
        res.path = name;
        res.error = as_arena_strdup(&res.arena, rerr);
    } else {
        struct as_worker *w = as_worker_new();
        as_analyze_buffer(w, engine, display_path(name, st->ctx.cwd, &res.arena), bytes, len, &res);
        as_worker_free(w);
        free(bytes);
    }
    struct as_project *project = as_project_new(engine, o->max_chain);
    if (project) {
        as_project_add(project, 0, &res);
        as_project_solve(project);
        as_project_findings(project, 0, &res);
    }
    report_result(st, 0, &res);
    as_project_free(project);   /* after the report: the findings' chains and roots name its interned paths */
    as_file_result_release(&res);
    st->file_config = NULL;
    return RUN_ON;
}

/* The cache, unless --no-cache (or --show-files) says otherwise, and its per-file tables. */
/* Opens the cache (once: a join opens it before listing its project, pipeline/listing.h) and readies its
 * per-file records. */
static void open_cache_dir(struct run_state *st, const struct as_engine *engine)
{
    const struct as_options *o = st->opts;
    if (!st->cache_opened && !o->no_cache && !o->show_files) {
        char cerr[512];
        st->cache = as_cache_open(o->cache_dir ? o->cache_dir : ".asyncscan_cache", as_engine_settings_hash(engine),
                                  cerr, sizeof(cerr));
        if (!st->cache && !o->quiet) print_message(st->err, "warning: cache disabled", cerr);
    }
    st->cache_opened = true;
}

static void open_cache(struct run_state *st, const struct as_engine *engine)
{
    open_cache_dir(st, engine);
    if (st->cache) {
        st->status = as_xcalloc(st->files.n + 1, sizeof(*st->status));
        st->trivial = as_xcalloc(st->files.n + 1, sizeof(bool));
        st->keys = as_xcalloc(st->files.n + 1, sizeof(*st->keys));
        st->keyed = as_xcalloc(st->files.n + 1, sizeof(bool));
    }
}

/* Saves the cache's stat index, says what the cache has to say, and closes it. */
static void close_cache(struct run_state *st)
{
    if (st->cache) as_cache_save_index(st->cache, (const char *const *)st->files.paths, st->status, st->trivial, st->files.n);
    free(st->status);
    free(st->trivial);
    free(st->keys);
    free(st->keyed);
    as_path_list_release(&st->files);
    free(st->file_config);
    if (st->cache) {
        const char *warn = as_cache_warning(st->cache);
        if (warn && !st->opts->quiet) print_message(st->err, "warning", warn);
        if (getenv("ASYNCSCAN_CACHE_STATS")) {   /* for tests and scripts/bench */
            size_t hits, misses, writes;
            as_cache_stats(st->cache, &hits, &misses, &writes);
            fprintf(st->err, "asyncscan: cache: %zu hits, %zu misses, %zu writes, %zu unchanged\n", hits, misses,
                    writes, as_cache_unchanged(st->cache));
        }
        as_cache_close(st->cache);
    }
}

/* The worker pool's job: its callbacks, and the bounds on the results in flight. */
static void start_pool_job(struct run_state *st, struct as_pool_job *job)
{
    memset(job, 0, sizeof(*job));
    job->n_items = st->files.n;
    job->jobs = st->settings->jobs ? st->settings->jobs : as_pool_online_cpus();
#ifdef __GLIBC__
    /* One malloc arena per worker: fewer and the workers queue on a lock (-j2 was ~12% slower on the
     * corpus with one); glibc's default (8 per core) only raises the peak RSS. */
    mallopt(M_ARENA_MAX, job->jobs);
#endif
    /* Memory stays bounded whatever the number of files: at most `window` results exist at once, and those
     * waiting to be emitted hold at most ~max_held bytes (plus the files being analysed). The window is wide
     * so that one slow file does not stall the other workers: with 4 per worker, -j2 was 1.3x -j1 on the
     * corpus; with 256, 1.7x. */
    st->window = 256 * (size_t)job->jobs;
    job->max_in_flight = st->window;
    job->held = held_bytes;
    job->max_held = 16u << 20;
    st->results = as_xcalloc(st->window, sizeof(*st->results));
    job->ud = st;
    job->worker_init = worker_init;
    job->worker_fini = worker_fini;
    pthread_mutex_init(&st->idle_mu, NULL);
    st->max_idle = (size_t)job->jobs;
    job->work = work;
    job->emit = emit;
}

static void end_pool_job(struct run_state *st)
{
    for (size_t k = 0; k < st->idle.len; k++) as_worker_free(st->idle.items[k]);
    vec_free(&st->idle);
    pthread_mutex_destroy(&st->idle_mu);
    free(st->results);
}

/* With the project pass on: the tree's independent parts (as_project_batches) are analysed and joined one
 * batch at a time. */
static void run_project_batches(struct run_state *st, struct as_pool_job *job)
{
    const char *cwd = st->ctx.cwd;
    st->kept = as_xcalloc(st->files.n + 1, sizeof(*st->kept));
    struct as_project_counts counts = {0};
    size_t rounds = 0, n_batches = 1;
    if (st->scope) {   /* files named alone: one join through the index, from them (--show-files never joins) */
        join_named(st, job, &counts);
        rounds = st->rounds;
        note_slow_join(st, &counts);
    } else {
        size_t *ends = NULL;
        struct as_arena shown;
        as_arena_init(&shown);
        const char **paths = as_xmalloc((st->files.n + 1) * sizeof(*paths));
        for (size_t i = 0; i < st->files.n; i++)   /* (the names the project is declared with) */
            paths[i] = display_path(st->files.paths[i], cwd, &shown);
        const char *min = getenv("ASYNCSCAN_PROJECT_BATCH_FILES");   /* for the tests */
        n_batches = as_project_batches(paths, st->files.n, min ? strtoul(min, NULL, 10) : PROJECT_BATCH_FILES,
                                       &ends);
        free(paths);
        as_arena_release(&shown);
        for (size_t k = 0; k < n_batches; k++) {
            st->base = k ? ends[k - 1] : 0;
            join_batch(st, job, ends[k], cwd, &counts, &rounds);
        }
        free(ends);
    }
    if (getenv("ASYNCSCAN_PROJECT_STATS")) {   /* for scripts/bench and the tests */
        fprintf(st->err,
                "asyncscan: project: %zu files, %zu with summaries (%zu parsed on demand), %zu functions, "
                "%zu call sites, %zu on-demand rounds (%zu modules analysed ahead), %zu batch%s\n",
                counts.files, counts.parsed, counts.on_demand, counts.functions, counts.sites, rounds,
                counts.on_demand_ahead, n_batches,
                n_batches == 1 ? "" : "es");
    }
    free(st->kept);
}

/* Discovers the files under the paths, binds their configurations, and analyses and reports them in order
 * (or, with --show-files, lists them). */
static int check_files(struct run_state *st, struct as_engine *engine, const struct as_discover_opts *dopts)
{
    const struct as_options *o = st->opts;
    const char *dot = ".";
    const char *const *roots = o->n_paths ? o->paths : &dot;
    size_t n_roots = o->n_paths ? o->n_paths : 1;
    bool dirs = false;
    if (!st->scope) {   /* (a buffer on stdin planned its join already) */
        /* named files and directories inside a project are joined with it: the files found under them are the
         * targets (a directory that is its project's root, or holds it, is a run of its own) */
        as_discover(roots, n_roots, dopts, &st->files);
        if (names_existing_paths(o, &dirs) && plan_join(st, (const char *const *)st->files.paths, st->files.n)) {
            if (dirs && !dirs_inside_root(o, st->scope)) release_join(st);
            else as_path_list_release(&st->files);
        }
    }
    if (st->scope) join_project_files(st, dopts);
    if (st->scope && dirs && st->scope->unlisted) {
        /* the root's walk leaves out what the named directories hold (git ignores it, an exclude, a tree kept
         * inside another one's work tree): they are a project of their own, as without a root */
        release_join(st);
        as_path_list_release(&st->files);
        as_discover(roots, n_roots, dopts, &st->files);
    }
    if (bind_configurations(st, o, engine, st->err)) {
        as_path_list_release(&st->files);
        free(st->file_config);
        return 2;
    }
    if (st->scope) bind_scope(st);
    /* ruff's warning (and exit 0) when nothing is left to analyse */
    if (!st->files.n && !st->errors && !o->quiet)
        fprintf(st->err, "asyncscan: warning: No Python files found under the given path(s)\n");
    open_cache(st, engine);
    if (o->verbose) verbose_start(st, st->settings, st->err);
    /* With the project pass on, the files parsed are those the skip keeps plus the helper modules parsed on
     * demand: only running the pass tells which. */
    bool show_parsed_by_pass = o->show_parsed && as_project_enabled(engine);
    if (o->show_files && !show_parsed_by_pass) {
        for (size_t i = 0; i < st->files.n; i++)
            if (!o->show_parsed || needs_parse(engine, st->files.paths[i], st->ctx.cwd, st->max_size))
                fprintf(st->ctx.out, "%s\n", st->files.paths[i]);
        as_path_list_release(&st->files);
        free(st->file_config);
        return st->errors ? 2 : 0;
    }
    struct as_pool_job job;
    start_pool_job(st, &job);
    if (show_parsed_by_pass) st->parsed = as_xcalloc(st->files.n + 1, sizeof(bool));
    as_arena_init(&st->kept_arena);
    if (!as_project_enabled(engine)) as_pool_run(&job);   /* each file is reported as it is emitted */
    else run_project_batches(st, &job);
    as_arena_release(&st->kept_arena);
    end_pool_job(st);
    close_cache(st);
    return RUN_ON;
}

/* After the files: --add-noqa's count, --statistics or the reporter's end, the summary line; the exit status. */
static int finish_check(struct run_state *st, const char *format)
{
    const struct as_options *o = st->opts;
    FILE *out = st->ctx.out, *err = st->err;
    if (st->parsed) {
        free(st->parsed);
        return st->errors ? 2 : 0;
    }
    st->ctx.n_errors = (size_t)st->errors;
    if (o->add_noqa) {
        const struct as_rewrite *rw = st->rewrite;
        fprintf(err, "Added %zu noqa directive%s.", rw->noqa_added, rw->noqa_added == 1 ? "" : "s");
        if (rw->noqa_skipped)
            fprintf(err, " %zu line%s could not take one (see the warnings above).", rw->noqa_skipped,
                    rw->noqa_skipped == 1 ? "" : "s");
        fputc('\n', err);
        return st->errors || rw->errors ? 2 : rw->noqa_skipped ? 1 : 0;
    }
    if (o->statistics) print_statistics(st, format, out);
    else if (!st->rewrite->mode.only) st->reporter->end(&st->ctx);
    if (o->verbose) fprintf(err, "asyncscan: verbose: %zu files analysed, %zu findings, %d errors\n", st->ctx.n_files,
                            st->ctx.n_findings, st->errors);

    int status = as_rewrite_status(st->rewrite, st->errors ? 2 : (st->ctx.n_findings && !o->exit_zero ? 1 : 0));
    if (fflush(out) != 0 || ferror(out)) {
        if (errno != EPIPE) fprintf(err, "asyncscan: error: cannot write the output: %s\n", strerror(errno));
        status = 2;
    } else if (!o->quiet && !o->statistics && (st->rewrite->mode.only || human_format(format))) {
        as_rewrite_summary(st->rewrite, st->ctx.n_findings, st->ctx.n_files_with_findings, st->errors != 0);
        if (st->ctx.n_findings && st->roots && !st->rewrite->mode.only) as_root_tally_print_summary(st->roots, err, 10);
    }
    return status;
}

/* The run once the engine is set up: the input (standard input or the files under the paths), then the end. */
static int check_with_engine(const struct as_options *o, struct as_settings *settings,
                             const struct as_reporter *reporter, struct as_engine *engine, FILE *out, FILE *err)
{
    const char *format = output_format(settings);
    if (o->show_settings) {
        show_settings(o, settings, engine, out, err);
        return 0;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd))) strcpy(cwd, ".");

    struct run_state st;
    memset(&st, 0, sizeof(st));
    st.opts = o;
    st.engine = engine;
    st.settings = settings;
    st.reporter = reporter;
    st.err = err;
    st.max_size = o->max_file_size ? o->max_file_size : AS_SOURCE_DEFAULT_MAX_SIZE;
    st.ctx.out = out;
    st.ctx.cwd = cwd;
    st.ctx.color = want_color(o, format);
    st.ctx.rules = (const struct as_rule *const *)engine->rules.rules;
    st.ctx.n_rules = engine->rules.n;

    bool use_stdin = reads_stdin(o);
    struct as_discover_opts dopts;
    discover_options(&st, &dopts);
    int stdin_config = -1;
    if (use_stdin) {
        int stop = stdin_configuration(&st, &dopts, &stdin_config);
        if (stop != RUN_ON) return stop;
    }
    if (use_stdin && (o->add_noqa || o->fix > 0 || o->fix_only || o->diff)) {
        fprintf(err, "asyncscan: error: %s rewrites files; it cannot be used with standard input\n",
                o->add_noqa ? "--add-noqa" : "fixing");
        return 2;
    }
    struct as_rewrite rewrite;
    struct as_fix_mode fix_mode;
    as_rewrite_fix_mode(o, settings, format, &fix_mode);
    if (use_stdin) fix_mode.apply = false;   /* `fix = true` in a configuration: an editor's buffer is only shown */
    as_rewrite_init(&rewrite, engine, settings, o->max_chain, st.max_size, out, err);
    as_rewrite_set_mode(&rewrite, &fix_mode);
    st.rewrite = &rewrite;
    st.ctx.fix = &rewrite.fix;
    if (!o->statistics && !o->add_noqa && !fix_mode.only) reporter->begin(&st.ctx);
    clock_gettime(CLOCK_MONOTONIC, &st.started);
    st.stdin_file = SIZE_MAX;
    as_arena_init(&st.scope_arena);
    as_budget_init(&st.in_flight, st.max_size);
    int stop = use_stdin ? check_stdin(&st, engine, stdin_config, &dopts) : check_files(&st, engine, &dopts);
    int status = stop != RUN_ON ? stop : finish_check(&st, format);
    as_budget_destroy(&st.in_flight);
    release_join(&st);
    as_rewrite_release(&rewrite);
    as_root_tally_free(st.roots);
    return status;
}

static int check(const struct as_options *o, struct as_settings *settings, FILE *out, FILE *err)
{
    const char *format = output_format(settings);
    const struct as_reporter *reporter = find_reporter(format, err);
    if (!reporter) return 2;
    if (o->statistics && !human_format(format) && strcmp(format, "json") != 0) {
        fprintf(err, "asyncscan: error: --statistics prints a table or JSON (output format full, concise or json), not %s\n",
                format);
        return 2;
    }
    struct as_engine engine;
    char *eerr = NULL;
    if (as_settings_engine(settings, &engine, &eerr)) {
        print_message(err, "error", eerr);
        free(eerr);
        return 2;
    }
    engine.skip_enabled = !o->no_skip;
    engine.ignore_noqa = o->ignore_noqa;
    /* A file to parse will need the queries: without the cache, compiling them (~75 ms) overlaps discovery.
     * With it, they are compiled when a file first needs them: a run served by the cache (most runs) does not
     * compile them at all (warm -j2 on the corpus: 268 -> 219 ms of CPU). */
    if (o->no_cache && !o->show_settings && !o->show_files) as_engine_compile_in_background(&engine);
    int status = check_with_engine(o, settings, reporter, &engine, out, err);
    as_engine_release(&engine);
    return status;
}

/* Where the report goes: stdout, the --output-file, or nowhere (-s). Returns NULL with a message on error. */
static FILE *open_output(const struct as_options *o, FILE *out, FILE *err)
{
    if (o->output_file) {
        FILE *f = fopen(o->output_file, "w");
        if (!f) fprintf(err, "asyncscan: error: cannot write %s: %s\n", o->output_file, strerror(errno));
        return f;
    }
    if (o->silent) {
        FILE *f = fopen("/dev/null", "w");
        if (!f) fprintf(err, "asyncscan: error: cannot open /dev/null: %s\n", strerror(errno));
        return f;
    }
    return out;
}

int as_run_check(const struct as_options *o, FILE *out, FILE *err)
{
    struct as_settings settings;
    char *serr = NULL;
    if (as_settings_load(&settings, o, &serr)) {
        print_message(err, "error", serr);
        free(serr);
        as_settings_release(&settings);
        return 2;
    }
    FILE *dest = open_output(o, out, err);
    int rc = dest ? check(o, &settings, dest, err) : 2;
    if (dest && dest != out && fclose(dest) != 0 && o->output_file) {
        fprintf(err, "asyncscan: error: cannot write %s: %s\n", o->output_file, strerror(errno));
        rc = 2;
    }
    as_settings_release(&settings);
    return rc;
}

int as_run_rule(const struct as_options *o, FILE *out, FILE *err)
{
    struct as_ruleset rules;
    char *eerr = NULL;
    if (as_ruleset_load_embedded(&rules, as_check_rule_kind, &eerr)) {
        fprintf(err, "asyncscan: error: %s", eerr);
        free(eerr);
        return 2;
    }
    int status = 0;
    if (o->rule_markdown) {
        fprintf(out, "| code | name | default | origin | what it flags |\n| --- | --- | --- | --- | --- |\n");
        for (size_t i = 0; i < rules.n; i++) {
            const struct as_rule *r = rules.rules[i];
            fprintf(out, "| %s | %s | %s | %s | %s |\n", r->code, r->name, r->default_on ? "on" : "off", r->origin,
                    r->summary);
        }
    } else if (o->rule_all) {
        fprintf(out, "%-9s %-44s %-7s %s\n", "CODE", "NAME", "DEFAULT", "SUMMARY");
        for (size_t i = 0; i < rules.n; i++) {
            const struct as_rule *r = rules.rules[i];
            fprintf(out, "%-9s %-44s %-7s %s\n", r->code, r->name, r->default_on ? "on" : "off", r->summary);
        }
    } else {
        const struct as_rule *r = as_ruleset_find_named(&rules, o->rule_code);
        if (!r) {
            fprintf(err, "asyncscan: error: unknown rule '%s' (see 'asyncscan rule --all')\n", o->rule_code);
            status = 2;
        } else {
            fprintf(out, "# %s %s\n\n%s\n\nDefault: %s. Origin: %s.", r->code, r->name, r->summary,
                    r->default_on ? "on" : "off", r->origin);
            if (r->url) fprintf(out, " See also %s.", r->url);
            if (r->old_names) fprintf(out, " Formerly named %s.", r->old_names);
            const struct as_fix_info *fix = as_fix_info_for(r->code);
            if (fix) fprintf(out, "\n\nFix (%s): %s", as_fix_applicability_name(fix->applicability), fix->doc);
            else fprintf(out, "\n\nFix: none.");
            fprintf(out, "\n\n%s\n", r->doc);
        }
    }
    as_ruleset_release(&rules);
    return status;
}
