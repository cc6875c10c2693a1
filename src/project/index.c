/* index.c — the project index kept in memory between queries; see index.h. Each file's summaries are a copy
 * in an arena of their own (freed when the file changes); a query builds a project (project.h) over every
 * listed file, adds the summaries its searches reach, and drops it. */
#include "project/index.h"

#include <stdlib.h>
#include <string.h>

#include "project/project.h"
#include "util/strmap.h"
#include "util/vec.h"
#include "util/xalloc.h"

/* Files handed to analyse_many at most at once. */
#define ROUND_CHUNK 256

struct index_file {
    char *path, *module_path;
    struct as_file_result *summary;   /* NULL: to analyse when a query needs it */
};

struct file_list {
    struct index_file *items;
    size_t len, cap;
};

struct as_index {
    const struct as_engine *engine;
    unsigned max_chain;
    as_index_analyse_fn analyse;
    as_index_analyse_many_fn analyse_many;   /* NULL: one file at a time through analyse */
    void *ud;
    struct as_project_counts counts;         /* of every query so far */
    struct file_list files;
    struct as_strmap by_path;   /* keys: the files' own path strings */
};

struct as_index *as_index_new(const struct as_engine *engine, unsigned max_chain, as_index_analyse_fn analyse,
                              void *ud)
{
    if (!as_project_enabled(engine)) return NULL;
    struct as_index *x = as_xcalloc(1, sizeof(*x));
    x->engine = engine;
    x->max_chain = max_chain;
    x->analyse = analyse;
    x->ud = ud;
    return x;
}

static void drop_summary(struct index_file *f)
{
    if (!f->summary) return;
    as_file_result_release(f->summary);
    free(f->summary);
    f->summary = NULL;
}

static void release_files(struct as_index *x)
{
    for (size_t i = 0; i < x->files.len; i++) {
        drop_summary(&x->files.items[i]);
        free(x->files.items[i].path);
        free(x->files.items[i].module_path);
    }
    x->files.len = 0;
    as_strmap_free(&x->by_path);
}

void as_index_free(struct as_index *x)
{
    if (!x) return;
    release_files(x);
    vec_free(&x->files);
    free(x);
}

void as_index_set_files(struct as_index *x, const char *const *paths, const char *const *module_paths, size_t n)
{
    struct as_index previous = {.files = x->files, .by_path = x->by_path};
    struct file_list old = x->files;
    struct as_strmap old_by_path = x->by_path;
    memset(&x->files, 0, sizeof(x->files));
    memset(&x->by_path, 0, sizeof(x->by_path));
    for (size_t i = 0; i < n; i++) {
        struct index_file f = {as_xstrdup(paths[i]), as_xstrdup(module_paths[i]), NULL};
        int32_t k = as_strmap_get(&old_by_path, paths[i]);
        if (k >= 0 && strcmp(old.items[k].module_path, module_paths[i]) == 0) {
            f.summary = old.items[k].summary;   /* the same file under the same name: its summaries hold */
            old.items[k].summary = NULL;
        }
        vec_push(&x->files, f);
        as_strmap_put(&x->by_path, x->files.items[i].path, (int32_t)i);
    }
    release_files(&previous);   /* (what moved over is NULL there) */
    vec_free(&previous.files);
}

static struct index_file *file_named(struct as_index *x, const char *path)
{
    int32_t k = as_strmap_get(&x->by_path, path);
    return k >= 0 ? &x->files.items[k] : NULL;
}

void as_index_invalidate(struct as_index *x, const char *path)
{
    struct index_file *f = file_named(x, path);
    if (f) drop_summary(f);
}

static struct as_call_site *copy_sites(struct as_arena *a, const struct as_call_site *src, size_t n)
{
    struct as_call_site *out = as_arena_alloc(a, (n ? n : 1) * sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        out[i] = src[i];
        out[i].callee = as_arena_strdup(a, src[i].callee);
        out[i].code = src[i].code ? as_arena_strdup(a, src[i].code) : NULL;
        out[i].guard = src[i].guard ? as_arena_strdup(a, src[i].guard) : NULL;
        out[i].shape = src[i].shape ? as_arena_strdup(a, src[i].shape) : NULL;
        out[i].noqa = src[i].noqa ? as_arena_strdup(a, src[i].noqa) : NULL;
    }
    return out;
}

/* What the project pass reads of res (path, module, summaries), copied into a result of its own. */
static struct as_file_result *copy_summaries(const struct as_file_result *res)
{
    struct as_file_result *c = as_xmalloc(sizeof(*c));
    as_file_result_init(c);
    struct as_arena *a = &c->arena;
    c->path = res->path ? as_arena_strdup(a, res->path) : NULL;
    c->module = res->module ? as_arena_strdup(a, res->module) : NULL;
    c->parsed = res->parsed;
    c->n_functions = res->n_functions;
    c->functions = as_arena_alloc(a, (res->n_functions ? res->n_functions : 1) * sizeof(*c->functions));
    for (size_t i = 0; i < res->n_functions; i++) {
        const struct as_function_summary *s = &res->functions[i];
        struct as_function_summary *d = &c->functions[i];
        *d = *s;
        d->qname = as_arena_strdup(a, s->qname);
        d->returns = s->returns ? as_arena_strdup(a, s->returns) : NULL;
        d->calls = copy_sites(a, s->calls, s->n_calls);
        d->blocking = copy_sites(a, s->blocking, s->n_blocking);
    }
    c->n_classes = res->n_classes;
    c->classes = as_arena_alloc(a, (res->n_classes ? res->n_classes : 1) * sizeof(*c->classes));
    for (size_t i = 0; i < res->n_classes; i++) {
        const struct as_class_summary *s = &res->classes[i];
        c->classes[i].qname = as_arena_strdup(a, s->qname);
        c->classes[i].n_bases = s->n_bases;
        c->classes[i].bases = as_arena_alloc(a, (s->n_bases ? s->n_bases : 1) * sizeof(char *));
        for (size_t k = 0; k < s->n_bases; k++) c->classes[i].bases[k] = as_arena_strdup(a, s->bases[k]);
    }
    c->n_aliases = res->n_aliases;
    c->aliases = as_arena_alloc(a, (res->n_aliases ? res->n_aliases : 1) * sizeof(*c->aliases));
    for (size_t i = 0; i < res->n_aliases; i++) {
        c->aliases[i].name = as_arena_strdup(a, res->aliases[i].name);
        c->aliases[i].target = as_arena_strdup(a, res->aliases[i].target);
    }
    return c;
}

bool as_index_put(struct as_index *x, const char *path, const struct as_file_result *res)
{
    struct index_file *f = file_named(x, path);
    if (!f) return false;
    drop_summary(f);
    f->summary = copy_summaries(res);
    return true;
}

/* The summaries of a fresh analysis res of file f (its path when the analysis gave none), replacing f's. */
static void take_analysis(struct index_file *f, struct as_file_result *res)
{
    if (!res->path) res->path = f->path;
    drop_summary(f);
    f->summary = copy_summaries(res);
    as_file_result_release(res);
}

/* Gives each of the n files `wanted` that has no summaries its analysis: all at once through analyse_many
 * when set, else one at a time. */
static void analyse_missing(struct as_index *x, const size_t *wanted, size_t n)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) m += !x->files.items[wanted[k]].summary;
    if (!m) return;
    if (!x->analyse_many) {
        for (size_t k = 0; k < n; k++) {
            struct index_file *f = &x->files.items[wanted[k]];
            if (f->summary) continue;
            struct as_file_result res;
            as_file_result_init(&res);
            x->analyse(x->ud, f->path, f->module_path, &res);
            take_analysis(f, &res);
        }
        return;
    }
    const char **paths = as_xmalloc(m * sizeof(char *)), **modules = as_xmalloc(m * sizeof(char *));
    size_t *which = as_xmalloc(m * sizeof(size_t));
    struct as_file_result *res = as_xmalloc(m * sizeof(*res));
    m = 0;
    for (size_t k = 0; k < n; k++) {
        struct index_file *f = &x->files.items[wanted[k]];
        if (f->summary) continue;
        paths[m] = f->path;
        modules[m] = f->module_path;
        as_file_result_init(&res[m]);
        which[m++] = wanted[k];
    }
    for (size_t at = 0; at < m; at += ROUND_CHUNK) {   /* (the analyses in memory at once stay bounded) */
        size_t c = m - at < ROUND_CHUNK ? m - at : ROUND_CHUNK;
        x->analyse_many(x->ud, paths + at, modules + at, c, res + at);
        for (size_t k = at; k < at + c; k++) take_analysis(&x->files.items[which[k]], &res[k]);
    }
    free(paths);
    free(modules);
    free(which);
    free(res);
}

/* One join searched from the files `targets` (n of them, indices in the list): each target's findings are
 * added to res[k]. */
static void join_targets(struct as_index *x, const size_t *targets, struct as_file_result *const *res, size_t n)
{
    struct as_project *p = as_project_new(x->engine, x->max_chain);
    for (size_t i = 0; i < x->files.len; i++) as_project_declare(p, i, x->files.items[i].module_path);
    for (size_t k = 0; k < n; k++) {
        as_project_mark_root(p, targets[k]);
        const struct as_file_result *s = x->files.items[targets[k]].summary;
        if (s) as_project_add(p, targets[k], s);   /* (none: left out by the skip; analysed if a search needs it) */
    }
    size_t *wanted = NULL, m;
    while ((m = as_project_wanted(p, &wanted)) > 0) {
        analyse_missing(x, wanted, m);
        for (size_t k = 0; k < m; k++) as_project_add(p, wanted[k], x->files.items[wanted[k]].summary);
        free(wanted);
    }
    as_project_solve(p);
    for (size_t k = 0; k < n; k++) as_project_findings(p, targets[k], res[k]);
    as_project_count(p, &x->counts);
    as_project_free(p);
}

bool as_index_findings(struct as_index *x, const char *path, struct as_file_result *res)
{
    struct index_file *target = file_named(x, path);
    if (!target) return false;
    size_t t = (size_t)(target - x->files.items);
    if (res->parsed) as_index_put(x, path, res);
    else drop_summary(target);   /* left out by the skip: analysed in full if a search comes back to it */
    join_targets(x, &t, &res, 1);
    return true;
}

void as_index_set_analyse_many(struct as_index *x, as_index_analyse_many_fn fn)
{
    x->analyse_many = fn;
}

size_t as_index_join(struct as_index *x, const char *const *paths, struct as_file_result *const *res, size_t n)
{
    size_t *targets = as_xmalloc((n ? n : 1) * sizeof(size_t));
    struct as_file_result **kept = as_xmalloc((n ? n : 1) * sizeof(*kept));
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        struct index_file *f = file_named(x, paths[k]);
        if (!f) continue;
        targets[m] = (size_t)(f - x->files.items);
        kept[m++] = res[k];
    }
    if (m) join_targets(x, targets, kept, m);
    free(targets);
    free(kept);
    return m;
}

void as_index_count(const struct as_index *x, struct as_project_counts *sum)
{
    sum->files += x->counts.files;
    sum->parsed += x->counts.parsed;
    sum->on_demand += x->counts.on_demand;
    sum->functions += x->counts.functions;
    sum->sites += x->counts.sites;
}

size_t as_index_summaries(const struct as_index *x)
{
    size_t n = 0;
    for (size_t i = 0; i < x->files.len; i++) n += x->files.items[i].summary != NULL;
    return n;
}
