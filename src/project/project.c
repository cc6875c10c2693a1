/* project.c — the project-wide pass; see project.h. Everything it keeps is small (qualified names and call
 * sites of the functions, bases of the classes, import aliases of the modules), interned in one arena, so the
 * memory it needs grows with the project's definitions, not with its source text. */
#include "project/project.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/check.h"
#include "analysis/conditions.h"
#include "analysis/guards.h"
#include "analysis/model.h"
#include "analysis/types.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/name_match.h"
#include "util/strmap.h"
#include "util/vec.h"
#include "util/xalloc.h"

#define MAX_RESOLVE_DEPTH 12
/* Names are composed in stack buffers (no allocation per attempt): NAME_MAX_LEN bounds a qualified name. */
#define NAME_MAX_LEN 1024
/* Directory levels whose known part of a name canon_uncached works out first (deeper ones: none skipped). */
#define MAX_DIR_LEVELS 32
#define RESOLVE_BUDGET 256

struct pfile {
    const char *path;      /* kept once the file has summaries (a chain shows it); NULL before */
    const char *module;    /* dotted, from the path; NULL until the file is declared */
    const char *dir;       /* the package directory as a dotted prefix ("" at the top) */
    bool is_init;
    bool parsed;           /* summaries recorded */
    bool requested;        /* handed out by as_project_wanted */
    uint32_t first_func, n_funcs, first_class, n_classes, first_alias, n_aliases;
};

struct psite {
    const char *callee;
    const char *code;      /* blocking sites: the rule that matched (interned); NULL otherwise */
    uint32_t line, col, end_line, end_col, flags;   /* AS_SITE_* and SITE_EXEMPT */
    const char *guard;     /* the condition it runs under (analysis/guards.h), or NULL: interned */
    const char *shape;     /* calls: how the arguments are passed (as_call_shape); interned */
    const char *noqa;      /* calls of async functions: the codes a `# noqa` on its line names ("*": all), or NULL */
};

/* A blocking site whose rule or callee the helper rule exempts (see exempt): it makes no function blocking. */
#define SITE_EXEMPT (1u << 31)

struct pfunc {
    const char *qname;
    uint32_t file;
    bool is_async;
    bool coroutine_function;   /* async, not a generator, not decorated: a call makes a coroutine */
    bool offloaded;            /* runs in a worker thread (see runs_in_thread): blocks no caller */
    bool is_property;          /* `obj.name` is its result */
    const char *returns;       /* its return annotation as an instance ("pathlib.Path()"), or NULL: interned */
    uint32_t line, col;
    uint32_t first_call, n_calls, first_block, n_block;
    uint32_t dist;         /* 0: does not block; 1: blocks itself; k: through k-1 project functions */
    int32_t via_func;      /* dist > 1: the next function of the chain */
    int32_t via_site;      /* dist 1: the blocking site; dist > 1: the call of via_func */
    /* When it does not block for sure (dist 0): whether it may, under a condition (see solve_guards), with the
     * chain of that (mdist, mvia_*: as dist and via_* are). */
    uint8_t maybe;         /* MAYBE_NONE, MAYBE_SOME (its callers cannot tell), MAYBE_GUARDED (cond_guard) */
    const char *cond_guard;   /* MAYBE_GUARDED: the parameters a caller passes to make it block */
    uint32_t mdist;
    int32_t mvia_func, mvia_site;
};

enum { MAYBE_NONE, MAYBE_SOME, MAYBE_GUARDED, MAYBE_SURE };

struct pclass {
    const char *qname;
    uint32_t file;
    uint32_t first_base, n_bases;
};

struct palias {
    const char *name, *target;
};

/* A resolution worked out in the current round (see canon). */
struct pmemo {
    const char *qname;     /* NULL: not a project definition (or still in progress) */
    bool requested;        /* it met a module not parsed yet, itself or through the resolutions it used */
};

/* A call site met by the on-demand search whose answer may change once more files are parsed. */
struct pretry {
    uint32_t func, site;
};

struct as_project {
    const struct as_engine *engine;
    const struct as_rule *helper, *coroutine;
    const struct as_rule *maybe;       /* ASC110: through a helper that blocks under a condition (opt-in) */
    const struct as_rule *exemptions;  /* the helper rule (ASC108) whether enabled or not: its exemptions */
    unsigned max_chain;
    struct as_arena arena;
    struct as_strmap interned;
    VEC(struct pfile) files;
    VEC(struct psite) sites;
    VEC(struct pfunc) funcs;
    VEC(struct pclass) classes;
    VEC(const char *) bases;
    VEC(struct palias) aliases;
    struct as_strmap func_by_name, class_by_name, module_by_name, components;
    struct as_strmap last_names;   /* the last component of every definition and import alias */
    struct as_strmap prefixes;     /* every module and definition name, and each of its parts before a dot */
    struct as_strmap memo;
    struct as_arena memo_arena;    /* the memo's keys: released with the memo, so they never pile up */
    VEC(struct pmemo) memo_values;
    bool maps_built;       /* the memo answers for the tables as they are (cleared when a file was added) */
    bool eager;            /* the tables take files in as they come (as_project_map_eagerly) */
    VEC(uint32_t) unmapped_modules, unmapped_files;   /* otherwise: declared, added since the last build */
    unsigned budget;       /* resolutions left for the current top-level name (see canon) */
    /* The on-demand search (as_project_wanted), kept from round to round so that a round only looks at what
     * the files parsed since the last one can change. */
    bool searched;         /* a search ran: reached and retry describe it */
    bool searched_all;     /* the last search was a full one (search_all) */
    VEC(bool) reached;     /* per function: reached from async code */
    VEC(uint32_t) queue;   /* functions reached, whose call sites are still to be resolved */
    VEC(struct pretry) retry; /* sites to resolve again next round */
    VEC(uint32_t) unsearched; /* files parsed since the last search: their async functions are new roots */
    VEC(bool) req;         /* per file: a resolution needed it (handed out once, see pfile.requested) */
    unsigned long n_requests; /* times a resolution met a module not parsed yet: tells a site that it did */
    VEC(bool) roots;       /* per file: marked by as_project_mark_root (none marked: every file is a root) */
    void (*on_request)(void *ud, size_t file);   /* see as_project_on_request */
    void *on_request_ud;
};

static const char *intern(struct as_project *p, const char *s)
{
    if (!s) return NULL;
    const char *k = as_strmap_key(&p->interned, s);
    if (k) return k;
    k = as_arena_strdup(&p->arena, s);
    as_strmap_put(&p->interned, k, 0);
    return k;
}

bool as_project_enabled(const struct as_engine *engine)
{
    return as_engine_rule_of_kind(engine, &as_check_blocking_helper) ||
           as_engine_rule_of_kind(engine, &as_check_maybe_blocking_helper) ||
           as_engine_rule_of_kind(engine, &as_check_project_coroutine);
}

bool as_project_owns(const struct as_project *p, const struct as_diag *d)
{
    return d->joined || (p->helper && strcmp(d->code, p->helper->code) == 0) ||
           (p->maybe && strcmp(d->code, p->maybe->code) == 0) ||
           (p->coroutine && strcmp(d->code, p->coroutine->code) == 0);
}

struct as_project *as_project_new(const struct as_engine *engine, unsigned max_chain)
{
    const struct as_rule *helper = as_engine_rule_of_kind(engine, &as_check_blocking_helper);
    const struct as_rule *coroutine = as_engine_rule_of_kind(engine, &as_check_project_coroutine);
    const struct as_rule *maybe = as_engine_rule_of_kind(engine, &as_check_maybe_blocking_helper);
    if (!helper && !coroutine && !maybe) return NULL;
    struct as_project *p = as_xcalloc(1, sizeof(*p));
    p->engine = engine;
    p->helper = helper;
    p->coroutine = coroutine;
    p->maybe = maybe;
    for (size_t i = 0; i < engine->rules.n && !p->exemptions; i++)
        if (engine->rules.rules[i]->kind == &as_check_blocking_helper) p->exemptions = engine->rules.rules[i];
    p->max_chain = max_chain ? max_chain : AS_PROJECT_DEFAULT_MAX_CHAIN;
    as_arena_init(&p->arena);
    as_arena_init(&p->memo_arena);
    return p;
}

void as_project_free(struct as_project *p)
{
    if (!p) return;
    as_arena_release(&p->arena);
    as_strmap_free(&p->interned);
    as_strmap_free(&p->func_by_name);
    as_strmap_free(&p->class_by_name);
    as_strmap_free(&p->module_by_name);
    as_strmap_free(&p->components);
    as_strmap_free(&p->last_names);
    as_strmap_free(&p->prefixes);
    as_strmap_free(&p->memo);
    as_arena_release(&p->memo_arena);
    vec_free(&p->memo_values);
    vec_free(&p->unmapped_modules);
    vec_free(&p->unmapped_files);
    vec_free(&p->reached);
    vec_free(&p->queue);
    vec_free(&p->retry);
    vec_free(&p->unsearched);
    vec_free(&p->req);
    vec_free(&p->roots);
    vec_free(&p->files);
    vec_free(&p->sites);
    vec_free(&p->funcs);
    vec_free(&p->classes);
    vec_free(&p->bases);
    vec_free(&p->aliases);
    free(p);
}

/* ---- recording ------------------------------------------------------------------------------------- */

static void ensure_file(struct as_project *p, size_t file)
{
    while (p->files.len <= file) {
        struct pfile f = {0};
        vec_push(&p->files, f);
    }
}

static void map_module(struct as_project *p, uint32_t i);
static void map_file(struct as_project *p, uint32_t i);

void as_project_declare(struct as_project *p, size_t file, const char *path)
{
    ensure_file(p, file);
    struct pfile *f = &p->files.items[file];
    bool is_init = false;
    struct as_arena tmp;
    as_arena_init(&tmp);
    const char *module = as_model_module_name(&tmp, path, &is_init);
    f->module = intern(p, module);
    f->is_init = is_init;
    const char *dot = strrchr(module, '.');
    if (is_init) f->dir = f->module;
    else f->dir = dot ? intern(p, as_arena_strndup(&tmp, module, (size_t)(dot - module))) : intern(p, "");
    as_arena_release(&tmp);
    uint32_t fi = (uint32_t)file;
    if (p->eager) map_module(p, fi);
    else vec_push(&p->unmapped_modules, fi);
    p->maps_built = false;
}

/* A blocking call that does not make its function blocking: the helper rule's `match:` lines name rule codes
 * and qualified-name patterns (see rules/ASC108.rule). */
static bool exempt(const struct as_project *p, const struct as_call_site *c)
{
    if (!p->exemptions) return false;
    for (size_t i = 0; i < p->exemptions->n_matches; i++) {
        const char *pat = p->exemptions->matches[i].pattern;
        if ((c->code && strcmp(pat, c->code) == 0) || as_qname_glob(pat, c->callee)) return true;
    }
    return false;
}

static void add_site(struct as_project *p, const struct as_call_site *c, bool blocking)
{
    uint32_t flags = c->flags;
    if (blocking && exempt(p, c)) flags |= SITE_EXEMPT;
    struct psite s = {intern(p, c->callee), blocking ? intern(p, c->code) : NULL, c->line, c->col, c->end_line,
                      c->end_col, flags, intern(p, c->guard), intern(p, c->shape), intern(p, c->noqa)};
    vec_push(&p->sites, s);
}

/* ---- thread boundaries ------------------------------------------------------------------------------ */

/* A function that runs in a worker thread, not on the event loop: decorated so (`@sync_to_async`,
 * `@work(thread=True)`, a house decorator named in `offload-functions`), or named there itself. Its blocking
 * calls block no caller. */
static bool runs_in_thread(const struct as_project *p, const struct as_function_summary *fs)
{
    return fs->is_offloaded || as_engine_offload_match(p->engine, fs->qname, NULL);
}

/* A function whose blocking calls make no caller blocking: async ones (their own findings say it), and the
 * ones that run in a thread. */
static bool blocks_no_caller(const struct pfunc *fn)
{
    return fn->is_async || fn->offloaded;
}

void as_project_add(struct as_project *p, size_t file, const struct as_file_result *res)
{
    ensure_file(p, file);
    struct pfile *f = &p->files.items[file];
    if (!f->module) as_project_declare(p, file, res->path);
    f = &p->files.items[file];
    if (f->parsed || !res->parsed) return;
    f->parsed = true;
    f->path = intern(p, res->path);
    f->first_func = (uint32_t)p->funcs.len;
    for (size_t i = 0; i < res->n_functions; i++) {
        const struct as_function_summary *fs = &res->functions[i];
        struct pfunc fn = {0};
        fn.qname = intern(p, fs->qname);
        fn.file = (uint32_t)file;
        fn.is_async = fs->is_async;
        fn.coroutine_function = fs->is_async && !fs->is_generator && !fs->is_decorated;
        fn.offloaded = runs_in_thread(p, fs);
        fn.is_property = fs->is_property;
        fn.returns = intern(p, fs->returns);
        fn.line = fs->line;
        fn.col = fs->col;
        fn.first_call = (uint32_t)p->sites.len;
        for (size_t c = 0; c < fs->n_calls; c++)
            if (strncmp(fs->calls[c].callee, "builtins.", 9) != 0) add_site(p, &fs->calls[c], false);   /* never ours */
        fn.n_calls = (uint32_t)(p->sites.len - fn.first_call);
        fn.first_block = (uint32_t)p->sites.len;
        for (size_t c = 0; c < fs->n_blocking; c++) add_site(p, &fs->blocking[c], true);
        fn.n_block = (uint32_t)fs->n_blocking;
        fn.via_func = fn.via_site = fn.mvia_func = fn.mvia_site = -1;
        vec_push(&p->funcs, fn);
    }
    f->n_funcs = (uint32_t)res->n_functions;
    f->first_class = (uint32_t)p->classes.len;
    for (size_t i = 0; i < res->n_classes; i++) {
        struct pclass c = {intern(p, res->classes[i].qname), (uint32_t)file, (uint32_t)p->bases.len,
                           (uint32_t)res->classes[i].n_bases};
        for (size_t k = 0; k < res->classes[i].n_bases; k++) {
            const char *b = intern(p, res->classes[i].bases[k]);
            vec_push(&p->bases, b);
        }
        vec_push(&p->classes, c);
    }
    f->n_classes = (uint32_t)res->n_classes;
    f->first_alias = (uint32_t)p->aliases.len;
    for (size_t i = 0; i < res->n_aliases; i++) {
        struct palias a = {intern(p, res->aliases[i].name), intern(p, res->aliases[i].target)};
        vec_push(&p->aliases, a);
    }
    f->n_aliases = (uint32_t)res->n_aliases;
    uint32_t fi = (uint32_t)file;
    if (p->eager) map_file(p, fi);
    else vec_push(&p->unmapped_files, fi);
    vec_push(&p->unsearched, fi);
    p->maps_built = false;
}

/* Name tables: when two definitions share a qualified name, the one in the earlier file wins whatever order
 * the files were added in (see map_file). */
/* Every dotted component of the project's module names and definitions: a name whose first component is not
 * one of them cannot resolve to anything of the project (`os.path.join`, `logging.getLogger`). */
static void add_components(struct as_project *p, const char *q)
{
    char buf[256];
    for (const char *s = q; *s;) {
        size_t n = strcspn(s, ".");
        if (n && n < sizeof(buf)) {
            memcpy(buf, s, n);
            buf[n] = '\0';
            if (!as_strmap_key(&p->components, buf)) as_strmap_put(&p->components, intern(p, buf), 0);
        }
        s += n;
        if (*s) s++;
    }
}

/* `q` and each of its prefixes that a dot follows ("a.b.c": "a.b.c", "a.b", "a"): any name a table holds is
 * in p->prefixes, and so is any such prefix of it, which lets canon_uncached tell from one probe that no
 * longer name can be in a table (see known_len). From the longest prefix down: one already there means the
 * shorter ones are too. */
static void add_prefixes(struct as_project *p, const char *q)   /* q: interned */
{
    size_t had = p->prefixes.len;
    as_strmap_put(&p->prefixes, q, 0);
    if (p->prefixes.len == had) return;
    const char *dot = strrchr(q, '.');
    if (!dot || dot - q >= NAME_MAX_LEN) return;   /* longer: canon never composes it */
    char buf[NAME_MAX_LEN];
    size_t n = (size_t)(dot - q);
    memcpy(buf, q, n);
    buf[n] = '\0';
    for (;;) {
        if (as_strmap_key(&p->prefixes, buf)) return;
        as_strmap_put(&p->prefixes, intern(p, buf), 0);
        while (n > 0 && buf[n - 1] != '.') n--;
        if (n == 0) return;
        buf[--n] = '\0';
    }
}

static void add_last_name(struct as_project *p, const char *q)
{
    const char *dot = strrchr(q, '.');
    const char *last = dot ? dot + 1 : q;
    if (!as_strmap_key(&p->last_names, last)) as_strmap_put(&p->last_names, intern(p, last), 0);
}

/* The names a definition `q` of file `f` adds to components, prefixes and last_names. Its module's part is
 * there already (every declared module is), so only the components after it are added. */
static void add_definition_name(struct as_project *p, const struct pfile *f, const char *q)
{
    size_t ml = strlen(f->module);
    add_components(p, ml && strncmp(q, f->module, ml) == 0 && q[ml] == '.' ? q + ml + 1 : q);
    add_prefixes(p, q);
    add_last_name(p, q);
}

/* Maps the qualified name of function (or, with `is_class`, class) k of file i in its table, unless a
 * definition of an earlier file holds the name: a later file's definition gives way. */
static void map_definition(struct as_project *p, uint32_t i, bool is_class, int32_t k)
{
    struct as_strmap *by_name = is_class ? &p->class_by_name : &p->func_by_name;
    const char *q = is_class ? p->classes.items[k].qname : p->funcs.items[k].qname;
    int32_t have = as_strmap_put(by_name, q, k);
    uint32_t have_file = is_class ? p->classes.items[have].file : p->funcs.items[have].file;
    if (have != k && have_file > i) as_strmap_set(by_name, q, k);
    add_definition_name(p, &p->files.items[i], q);
}

/* Adds the definitions and import aliases of parsed file `i` to the tables. Files are taken in as they are
 * parsed, in any order, yet a qualified name must map to its definition in the earliest file (the first one in
 * that file), as when the tables are built in file order. */
static void map_file(struct as_project *p, uint32_t i)
{
    const struct pfile *f = &p->files.items[i];
    for (uint32_t k = 0; k < f->n_funcs; k++) map_definition(p, i, false, (int32_t)(f->first_func + k));
    for (uint32_t k = 0; k < f->n_aliases; k++) add_last_name(p, p->aliases.items[f->first_alias + k].name);
    for (uint32_t k = 0; k < f->n_classes; k++) map_definition(p, i, true, (int32_t)(f->first_class + k));
}

/* Adds declared file i's module name to the tables; of two files with one module name, the earlier one's. */
static void map_module(struct as_project *p, uint32_t i)
{
    const struct pfile *f = &p->files.items[i];
    int32_t have = as_strmap_put(&p->module_by_name, f->module, (int32_t)i);
    if (have > (int32_t)i) as_strmap_set(&p->module_by_name, f->module, (int32_t)i);
    add_components(p, f->module);
    add_prefixes(p, f->module);
}

/* Forgets every memoised resolution (and frees their keys). */
static void clear_memo(struct as_project *p)
{
    as_strmap_clear(&p->memo);
    as_arena_release(&p->memo_arena);
    p->memo_values.len = 0;
}

/* Readies the tables for a search: they take in the files declared and added since the last build (the
 * modules first: a definition's names build on its module's), unless they took each in as it came (eager);
 * the memo is cleared whenever anything was added, as new definitions can change any answer. */
static void build_maps(struct as_project *p)
{
    if (p->maps_built) return;   /* same tables, same answers: the memo stays */
    clear_memo(p);
    for (size_t k = 0; k < p->unmapped_modules.len; k++) map_module(p, p->unmapped_modules.items[k]);
    for (size_t k = 0; k < p->unmapped_files.len; k++) map_file(p, p->unmapped_files.items[k]);
    p->unmapped_modules.len = p->unmapped_files.len = 0;
    p->maps_built = true;
}

void as_project_map_eagerly(struct as_project *p, bool eager)
{
    p->eager = eager;
}

/* ---- resolution -------------------------------------------------------------------------------------- */

/* out = the parts joined by dots, empty parts left out; false when it does not fit. */
static bool compose(char *out, const char *a, size_t alen, const char *b, size_t blen, const char *c, size_t clen)
{
    size_t n = 0;
    const char *parts[3] = {a, b, c};
    size_t lens[3] = {alen, blen, clen};
    for (int i = 0; i < 3; i++) {
        if (!lens[i]) continue;
        if (n + lens[i] + 2 > NAME_MAX_LEN) return false;
        if (n) out[n++] = '.';
        memcpy(out + n, parts[i], lens[i]);
        n += lens[i];
    }
    out[n] = '\0';
    return true;
}

/* Length of the enclosing directory of dir[0..len) ("a.b" -> "a" -> ""). */
static size_t parent_len(const char *dir, size_t len)
{
    while (len > 0 && dir[len - 1] != '.') len--;
    return len ? len - 1 : 0;
}

static const char *canon(struct as_project *p, const char *name, const char *dir, int depth, bool *req);

/* How much of `name` may be looked up under the directory prefix dir[0..dl) (and `src` beside it when src is
 * set): 1 + the largest c, c = n or name[c] == '.', such that the composition with name[0..c) is a name of
 * p->prefixes, or 0 when none is. A composition with more of name is then in no table (every name of a
 * table is in p->prefixes with its parts before a dot, and the composition with name[0..c) is such a part of
 * the composition with more), so canon_uncached skips its lookups: most of them, as few names are ours. */
static size_t known_len(struct as_project *p, const char *dir, size_t dl, bool src, const char *name, size_t n)
{
    char buf[NAME_MAX_LEN];
    size_t known = 0;
    for (size_t c = 0; c <= n; c++) {
        if (c < n && name[c] != '.') continue;
        if (!compose(buf, dir, dl, "src", src ? 3 : 0, name, c)) break;   /* so would a longer one */
        if (!as_strmap_key(&p->prefixes, buf)) break;
        known = c + 1;
    }
    return known;
}

static const char *def_named(struct as_project *p, const char *q)
{
    int32_t i = as_strmap_get(&p->func_by_name, q);
    if (i >= 0) return p->funcs.items[i].qname;
    i = as_strmap_get(&p->class_by_name, q);
    if (i >= 0) return p->classes.items[i].qname;
    return NULL;
}

/* The method `m` of class `cls` (qualified), looked up through the project's base classes. */
static const char *method_of(struct as_project *p, const char *cls, const char *m, int depth, bool *req)
{
    if (depth > MAX_RESOLVE_DEPTH) return NULL;
    char q[NAME_MAX_LEN];
    if (!compose(q, cls, strlen(cls), m, strlen(m), "", 0)) return NULL;
    int32_t fi = as_strmap_get(&p->func_by_name, q);
    if (fi >= 0) return p->funcs.items[fi].qname;
    int32_t ci = as_strmap_get(&p->class_by_name, cls);
    if (ci < 0) return NULL;
    const struct pclass *c = &p->classes.items[ci];
    const char *dir = p->files.items[c->file].dir;
    for (uint32_t k = 0; k < c->n_bases; k++) {
        const char *b = canon(p, p->bases.items[c->first_base + k], dir, depth + 1, req);
        if (!b || b == cls || as_strmap_get(&p->class_by_name, b) < 0) continue;
        const char *r = method_of(p, b, m, depth + 1, req);
        if (r) return r;
    }
    return NULL;
}

static const char *canon_uncached(struct as_project *p, const char *name, const char *dir, int depth, bool *req)
{
    char buf[NAME_MAX_LEN];
    size_t n = strlen(name), dlen0 = strlen(dir);
    if (n + dlen0 + 8 > NAME_MAX_LEN) return NULL;
    size_t first = strcspn(name, ".(");
    if (first >= sizeof(buf)) return NULL;
    memcpy(buf, name, first);
    buf[first] = '\0';
    if (!as_strmap_key(&p->components, buf) && strcmp(buf, "src") != 0) return NULL;
    /* an instance: "<Class>().<method>" */
    const char *paren = strstr(name, "()");
    if (paren) {
        const char *rest = paren + 2;
        if (*rest != '.' || strchr(rest + 1, '.') || strchr(rest + 1, '(')) return NULL;
        char cls_name[NAME_MAX_LEN];
        memcpy(cls_name, name, (size_t)(paren - name));
        cls_name[paren - name] = '\0';
        if (strchr(cls_name, '(')) return NULL;
        const char *c = canon(p, cls_name, dir, depth + 1, req);
        return c && as_strmap_get(&p->class_by_name, c) >= 0 ? method_of(p, c, rest + 1, depth + 1, req) : NULL;
    }
    /* A name already qualified from the top of the tree (the same first component as the file's directory:
     * a relative import, a definition of this module) is taken as it is. */
    size_t dfirst = strcspn(dir, ".");
    if (dfirst == first && dfirst && strncmp(dir, name, first) == 0) {
        const char *q = def_named(p, name);
        if (q) return q;
    }
    /* the known part of name under each directory prefix (see known_len), [level][0: plain, 1: src] */
    size_t known[MAX_DIR_LEVELS][2];
    size_t levels = 0;
    for (size_t dl = dlen0; levels < MAX_DIR_LEVELS; dl = parent_len(dir, dl)) {
        known[levels][0] = known_len(p, dir, dl, false, name, n);
        known[levels][1] = known_len(p, dir, dl, true, name, n);
        levels++;
        if (dl == 0) break;
    }
    /* a definition, looked up from the nearest enclosing directory outwards (sys.path candidates; a `src/`
     * beside each is one too: the src layout) */
    size_t level = 0;
    for (size_t dl = dlen0;; dl = parent_len(dir, dl), level++) {
        const char *q = NULL;
        bool deep = level >= levels;   /* past MAX_DIR_LEVELS: looked up as it is */
        if ((deep || known[level][0] > n) && compose(buf, dir, dl, "", 0, name, n)) q = def_named(p, buf);
        if (!q && (deep || known[level][1] > n) && compose(buf, dir, dl, "src", 3, name, n)) q = def_named(p, buf);
        if (q) return q;
        if (dl == 0) break;
    }
    /* through a module's import aliases (a package re-exporting `from .db import load`) */
    bool stop = false;
    for (size_t cut = n; cut > 0 && !stop; cut--) {
        if (name[cut - 1] != '.') continue;
        size_t plen = cut - 1;
        const char *rest = name + cut;
        level = 0;
        for (size_t dl = dlen0; !stop; dl = parent_len(dir, dl), level++) {
            int32_t m = -1;
            bool deep = level >= levels;
            if ((deep || known[level][0] > plen) && compose(buf, dir, dl, "", 0, name, plen))
                m = as_strmap_get(&p->module_by_name, buf);
            if (m < 0 && (deep || known[level][1] > plen) && compose(buf, dir, dl, "src", 3, name, plen))
                m = as_strmap_get(&p->module_by_name, buf);
            if (m >= 0) {
                const struct pfile *f = &p->files.items[m];
                if (!f->parsed) {
                    if (req) {
                        if (!req[m] && !f->requested && p->on_request) p->on_request(p->on_request_ud, (size_t)m);
                        req[m] = true;
                        p->n_requests++;
                    }
                } else {
                    size_t first_len = strcspn(rest, ".");
                    for (uint32_t k = 0; k < f->n_aliases; k++) {
                        const struct palias *a = &p->aliases.items[f->first_alias + k];
                        char t[NAME_MAX_LEN];
                        bool ok;
                        if (strcmp(a->name, "*") == 0) {
                            /* `from .x import *` re-exports the names x defines or imports, not x's submodules */
                            if (a->target == f->module) continue;
                            ok = compose(t, a->target, strlen(a->target), rest, strlen(rest), "", 0);
                        } else if (strlen(a->name) == first_len && strncmp(a->name, rest, first_len) == 0) {
                            const char *more = rest[first_len] ? rest + first_len + 1 : "";
                            ok = compose(t, a->target, strlen(a->target), more, strlen(more), "", 0);
                        } else {
                            continue;
                        }
                        if (!ok || strcmp(t, name) == 0) continue;
                        const char *r = canon(p, t, f->dir, depth + 1, req);
                        if (r) return r;
                    }
                    stop = true;   /* the longest module prefix that exists decides */
                }
            }
            if (dl == 0) break;
        }
    }
    /* a class member: "<Class>.<method>" */
    const char *dot = strrchr(name, '.');
    if (dot) {
        char cls_name[NAME_MAX_LEN];
        memcpy(cls_name, name, (size_t)(dot - name));
        cls_name[dot - name] = '\0';
        const char *c = canon(p, cls_name, dir, depth + 1, req);
        if (c && as_strmap_get(&p->class_by_name, c) >= 0) return method_of(p, c, dot + 1, depth + 1, req);
    }
    return NULL;
}

/* Characters that spell a pointer, 6 bits each. */
#define MEMO_DIR_CHARS ((int)((sizeof(uintptr_t) * 8 + 5) / 6))

/* The qualified name of the project definition (function or class) `name`, written in a file of `dir` (a
 * pfile's dir: interned), or NULL. Memoised per (dir, name) until the tables change (build_maps) or a full
 * search starts (search_all), with whether working it out met a module not parsed yet (the search then resolves the site again); a name
 * met again while it is being resolved (an import cycle) resolves to NULL, so every (dir, name) is worked out
 * at most once per round. */
static const char *canon(struct as_project *p, const char *name, const char *dir, int depth, bool *req)
{
    if (depth > MAX_RESOLVE_DEPTH || !name || !*name) return NULL;
    /* the key: dir's address (dirs are interned: one address per directory) in MEMO_DIR_CHARS printable
     * characters, then the name */
    char buf[512];
    const char *key = buf;
    size_t nl = strlen(name);
    char *at = buf;
    if (MEMO_DIR_CHARS + nl + 1 > sizeof(buf)) {
        at = as_arena_alloc(&p->memo_arena, MEMO_DIR_CHARS + nl + 1);
        key = at;
    }
    uintptr_t a = (uintptr_t)dir;
    for (int i = 0; i < MEMO_DIR_CHARS; i++, a >>= 6) at[i] = (char)('0' + (a & 63));
    memcpy(at + MEMO_DIR_CHARS, name, nl + 1);
    int32_t k = as_strmap_get(&p->memo, key);
    if (k >= 0) {
        if (p->memo_values.items[k].requested) p->n_requests++;   /* the caller depends on that module too */
        return p->memo_values.items[k].qname;
    }
    if (key == buf) key = as_arena_strndup(&p->memo_arena, buf, MEMO_DIR_CHARS + nl);
    /* a budget per top-level resolution bounds the work on pathological import graphs (star-import webs) */
    if (depth == 0) p->budget = RESOLVE_BUDGET;
    else if (p->budget == 0) return NULL;
    else p->budget--;
    struct pmemo in_progress = {NULL, false};
    vec_push(&p->memo_values, in_progress);
    k = (int32_t)(p->memo_values.len - 1);
    as_strmap_put(&p->memo, key, k);
    unsigned long requests = p->n_requests;
    const char *r = canon_uncached(p, name, dir, depth, req);
    p->memo_values.items[k].qname = r;
    p->memo_values.items[k].requested = p->n_requests != requests;
    return r;
}

/* The project function a call site calls (a class call means its __init__), or -1. */
static int32_t call_target(struct as_project *p, const struct psite *s, const char *dir, bool *req)
{
    /* a callee whose last name no definition or alias of the project has cannot be ours (os.path.join) */
    const char *dot = strrchr(s->callee, '.');
    const char *last = dot ? dot + 1 : s->callee;
    if (!as_strmap_key(&p->last_names, last)) {
        /* ... unless it names a module still to be parsed: the on-demand rounds must see it */
        if (!req) return -1;
    }
    const char *q = canon(p, s->callee, dir, 0, req);
    if (!q) return -1;
    int32_t fi = as_strmap_get(&p->func_by_name, q);
    if (fi >= 0) return fi;
    if (as_strmap_get(&p->class_by_name, q) < 0) return -1;
    const char *init = method_of(p, q, "__init__", 1, req);
    return init ? as_strmap_get(&p->func_by_name, init) : -1;
}

/* ---- types through annotated returns ------------------------------------------------------------------ */
/* A call in an async function on the result of a project function annotated `-> T` in another module
 * (`data_dir().mkdir()`, `settings.cache_dir.exists()` with a `@property -> Path`) is typed as the file's own
 * annotated functions are (analysis/model.c): the function's `returns` replaces the prefix that calls it, and the
 * types' data flow the rest (types.h); a rule matching the result reports under its own code. */

struct typed_ctx {
    struct as_project *p;
    const char *dir;       /* the calling file's */
    bool *req;             /* the search's: modules still to parse that a resolution met */
    int32_t via;           /* the first project function whose annotation applied, or -1 */
    size_t via_len;        /* the length of the prefix it replaced */
};

/* as_types_flow's table after the data's: a prefix calling a project function annotated `-> T`
 * ("pkg.paths.data_dir()", "pkg.svc.Store().root()"), or reading a property of a project class so annotated
 * ("pkg.config.Settings().cache_dir"), is a T. */
static const char *project_returns(void *ud, const char *key)
{
    struct typed_ctx *t = ud;
    size_t n = strlen(key);
    bool call = n > 2 && key[n - 2] == '(' && key[n - 1] == ')';
    if ((!call && !strstr(key, "().")) || n >= NAME_MAX_LEN) return NULL;
    char name[NAME_MAX_LEN];
    size_t len = call ? n - 2 : n;
    memcpy(name, key, len);
    name[len] = '\0';
    if (!len || name[len - 1] == ')') return NULL;   /* `f()()`: what a call's result returns */
    const char *q = canon(t->p, name, t->dir, 0, t->req);
    int32_t fi = q ? as_strmap_get(&t->p->func_by_name, q) : -1;
    if (fi < 0) return NULL;
    const struct pfunc *fn = &t->p->funcs.items[fi];
    if (!fn->returns || fn->is_property == call) return NULL;
    if (t->via < 0) {
        t->via = fi;
        t->via_len = n;
    }
    return fn->returns;
}

/* Call site s of a function of a file in `dir`, typed through the project's annotated returns
 * ("pkg.paths.data_dir().mkdir" -> "pathlib.Path().mkdir"), or NULL when no project function's annotation
 * applies. An awaited call is left alone, as in a file (engine.c's flow_and_look_up). */
static const char *typed_callee(struct as_project *p, const struct psite *s, const char *dir, bool *req,
                                struct as_arena *arena, struct typed_ctx *t)
{
    *t = (struct typed_ctx){p, dir, req, -1, 0};
    if ((s->flags & AS_SITE_AWAITED) || !strstr(s->callee, "().") || strlen(s->callee) >= NAME_MAX_LEN) return NULL;
    const char *typed = as_types_flow(p->engine->types, project_returns, t, arena, s->callee);
    return t->via >= 0 && typed != s->callee && typed[0] != '<' ? typed : NULL;
}

/* ---- on-demand parsing ------------------------------------------------------------------------------- */

/* Marks function `t` reached and queues it (async functions are roots, never reached through a call). */
static void reach(struct as_project *p, uint32_t t)
{
    if (p->reached.items[t]) return;
    p->reached.items[t] = true;
    vec_push(&p->queue, t);
}

/* Resolves call site `site` of function `func` for the search: its target is reached. A site whose answer met
 * a module not parsed yet is resolved again next round (parsing that module may change it); the others keep
 * their answers until the full search that ends the rounds. */
static void search_site(struct as_project *p, uint32_t func, uint32_t site)
{
    const struct pfunc *fn = &p->funcs.items[func];
    unsigned long requests = p->n_requests;
    const struct psite *s = &p->sites.items[site];
    int32_t t = call_target(p, s, p->files.items[fn->file].dir, p->req.items);
    if (t >= 0 && !p->funcs.items[t].is_async) reach(p, (uint32_t)t);
    if (fn->is_async && t < 0 && strstr(s->callee, "().")) {
        /* typed through another module's annotation: the modules its resolution meets are parsed too */
        struct as_arena tmp;
        struct typed_ctx tc;
        as_arena_init(&tmp);
        typed_callee(p, s, p->files.items[fn->file].dir, p->req.items, &tmp, &tc);
        as_arena_release(&tmp);
    }
    if (p->n_requests != requests) {
        struct pretry r = {func, site};
        vec_push(&p->retry, r);
    }
}

/* Resolves the call sites of every queued function, breadth-first (the queue grows as functions are reached). */
static void drain_queue(struct as_project *p)
{
    for (size_t head = 0; head < p->queue.len; head++) {
        uint32_t fi = p->queue.items[head];
        const struct pfunc *fn = &p->funcs.items[fi];
        for (uint32_t c = 0; c < fn->n_calls; c++) search_site(p, fi, fn->first_call + c);
    }
    p->queue.len = 0;
}

/* Whether the async functions of file i start searches (see as_project_mark_root). */
static bool is_root_file(const struct as_project *p, size_t i)
{
    return p->roots.len == 0 || (i < p->roots.len && p->roots.items[i]);
}

/* The search from every async function, as the first round does, with a fresh memo: the rounds end on one, so
 * that as_project_solve starts from the very memo (and so gives the very answers) it always did. */
static void search_all(struct as_project *p)
{
    clear_memo(p);
    if (p->reached.len) memset(p->reached.items, 0, p->reached.len * sizeof(bool));
    p->queue.len = 0;
    p->retry.len = 0;
    for (size_t i = 0; i < p->files.len; i++) {
        const struct pfile *f = &p->files.items[i];
        if (!f->parsed || !is_root_file(p, i)) continue;
        for (uint32_t k = 0; k < f->n_funcs; k++)
            if (p->funcs.items[f->first_func + k].is_async) reach(p, f->first_func + k);
    }
    drain_queue(p);
    p->unsearched.len = 0;
    p->searched = p->searched_all = true;
}

/* A later round: only what the files parsed since can change. The sites set aside are resolved again, the
 * async functions of the new files are new roots, and the call sites of the functions this reaches are
 * resolved (the ones reached before were, and keep their answers). */
static void search_more(struct as_project *p)
{
    size_t old = p->retry.len;   /* search_site appends the sites to keep aside after them */
    for (size_t r = 0; r < old; r++) {
        struct pretry t = p->retry.items[r];
        search_site(p, t.func, t.site);
    }
    for (size_t k = 0; k < p->unsearched.len; k++) {
        if (!is_root_file(p, p->unsearched.items[k])) continue;
        const struct pfile *f = &p->files.items[p->unsearched.items[k]];
        for (uint32_t j = 0; j < f->n_funcs; j++)
            if (p->funcs.items[f->first_func + j].is_async) reach(p, f->first_func + j);
    }
    drain_queue(p);
    if (old) {
        memmove(p->retry.items, p->retry.items + old, (p->retry.len - old) * sizeof(struct pretry));
        p->retry.len -= old;
    }
    p->unsearched.len = 0;
    p->searched_all = false;
}

/* Files a resolution needed that were not handed out yet: marked requested, returned in *out. */
static size_t take_requests(struct as_project *p, size_t **out)
{
    size_t n = 0;
    for (size_t i = 0; i < p->files.len; i++)
        if (p->req.items[i] && !p->files.items[i].parsed && !p->files.items[i].requested) n++;
    if (!n) return 0;
    *out = as_xcalloc(n, sizeof(size_t));
    n = 0;
    for (size_t i = 0; i < p->files.len; i++)
        if (p->req.items[i] && !p->files.items[i].parsed && !p->files.items[i].requested) {
            p->files.items[i].requested = true;
            (*out)[n++] = i;
        }
    return n;
}

/* Grows a per-item array of flags to n items, the new ones false. */
#define GROW_FLAGS(v, n)                                                                          \
    do {                                                                                          \
        if ((v)->len < (n)) {                                                                     \
            vec_reserve((v), (n) - (v)->len);                                                     \
            memset((v)->items + (v)->len, 0, ((n) - (v)->len) * sizeof(bool));                   \
            (v)->len = (n);                                                                       \
        }                                                                                         \
    } while (0)

void as_project_mark_root(struct as_project *p, size_t file)
{
    GROW_FLAGS(&p->roots, file + 1);
    p->roots.items[file] = true;
}

void as_project_on_request(struct as_project *p, void (*fn)(void *ud, size_t file), void *ud)
{
    p->on_request = fn;
    p->on_request_ud = ud;
}

/* Rounds: the first searches from every async function through the sync functions it reaches; the next ones
 * only go on from what the files parsed since change (search_more). Once they want nothing more, a full search
 * checks that (a new definition may change any answer, a site kept its own), and the rounds go on if it does
 * want more: so they end, as they always did, on a full search of all the files parsed that wants nothing. */
size_t as_project_wanted(struct as_project *p, size_t **out)
{
    *out = NULL;
    build_maps(p);
    GROW_FLAGS(&p->reached, p->funcs.len);
    GROW_FLAGS(&p->req, p->files.len);
    if (!p->searched) search_all(p);
    else if (p->unsearched.len || !p->searched_all) search_more(p);
    size_t n = take_requests(p, out);
    if (!n && !p->searched_all) {
        search_all(p);
        n = take_requests(p, out);
    }
    return n;
}

/* ---- the join ---------------------------------------------------------------------------------------- */

struct edge {
    uint32_t callee, caller, site;   /* caller's call `site` calls `callee` */
    uint32_t callee_rank, caller_rank;
};

static int edge_cmp(const void *a, const void *b)
{
    const struct edge *x = a, *y = b;
    if (x->callee_rank != y->callee_rank) return x->callee_rank < y->callee_rank ? -1 : 1;
    if (x->caller_rank != y->caller_rank) return x->caller_rank < y->caller_rank ? -1 : 1;
    return x->site < y->site ? -1 : x->site > y->site;
}

/* ---- guards: blocking under a condition the callers set --------------------------------------------------- */
/* The sure chains are worked out first (as_project_solve: only calls and blocking calls under no guard count).
 * Then a function that does not block for sure may block under a condition (analysis/guards.h):
 *   MAYBE_GUARDED — a blocking call, or a call of a function that blocks, under a guard on its parameters: a
 *     caller that passes a truthy value for one of them (as_guard_passed) blocks for sure (unless its call is
 *     guarded in turn: then it is MAYBE_GUARDED by that guard), one that does not pass them does not block;
 *   MAYBE_SOME — the same under an attribute of self (the constructor's arguments decide), or through a function
 *     that is MAYBE_SOME: its callers cannot tell.
 * Functions only ever go up (none < some < guarded < sure), so the worklist ends. */

struct call_graph {
    const struct edge *edges;     /* by callee */
    const size_t *first_edge, *n_edge;
};

/* What a call at `s` of a function in state `st` (guard g) makes its caller, or MAYBE_NONE. A call that forwards
 * the caller's own flag to the guard (`inner(x, debug=debug)`) makes the caller guarded by that flag. */
static int state_through(struct as_project *p, int st, const char *g, const struct psite *s, const char **guard_out)
{
    *guard_out = s->guard;
    if (st == MAYBE_SOME) return MAYBE_SOME;
    if (st == MAYBE_GUARDED && !as_guard_passed(g, s->shape)) {
        *guard_out = as_guard_forwarded(g, s->shape, &p->arena);
        return *guard_out ? MAYBE_GUARDED : MAYBE_NONE;
    }
    if (!s->guard) return MAYBE_SURE;
    return strcmp(s->guard, "@") == 0 ? MAYBE_SOME : MAYBE_GUARDED;
}

static int state_of(const struct pfunc *fn)
{
    return fn->dist ? MAYBE_SURE : fn->maybe;
}

/* Raises fn to state st (reached through site `site` of function `via`, -1 for its own blocking call) when that is
 * higher than what it has; true when it changed. */
static bool raise_state(struct pfunc *fn, int st, const char *guard, uint32_t dist, int32_t via, int32_t site)
{
    if (st <= state_of(fn)) return false;
    if (st == MAYBE_SURE) {
        fn->dist = dist;
        fn->via_func = via;
        fn->via_site = site;
    } else {
        fn->maybe = (uint8_t)st;
        fn->cond_guard = st == MAYBE_GUARDED ? guard : NULL;
        fn->mdist = dist;
        fn->mvia_func = via;
        fn->mvia_site = site;
    }
    return true;
}

static void solve_guards(struct as_project *p, const struct call_graph *g, uint32_t *queue, const uint32_t *by_rank,
                         uint32_t r)
{
    size_t head = 0, tail = 0;
    bool *queued = as_xcalloc(p->funcs.len + 1, sizeof(bool));
    for (uint32_t ri = 0; ri < r; ri++) {   /* the guarded blocking calls, and every function that may block */
        uint32_t fi = by_rank[ri];
        struct pfunc *fn = &p->funcs.items[fi];
        if (blocks_no_caller(fn)) continue;
        for (uint32_t b = 0; b < fn->n_block && !fn->dist; b++) {
            const struct psite *site = &p->sites.items[fn->first_block + b];
            if (!site->guard || (site->flags & (AS_SITE_NOQA_HELPER | AS_SITE_TYPE_DEPENDENT | SITE_EXEMPT))) continue;
            const char *gd;
            int st = state_through(p, MAYBE_SURE, NULL, site, &gd);
            raise_state(fn, st, gd, 1, -1, (int32_t)(fn->first_block + b));
        }
        if (state_of(fn) != MAYBE_NONE && !queued[fi]) {
            queued[fi] = true;
            queue[tail++ % (p->funcs.len + 1)] = fi;
        }
    }
    while (head < tail) {
        uint32_t t = queue[head++ % (p->funcs.len + 1)];
        queued[t] = false;
        const struct pfunc *tf = &p->funcs.items[t];
        uint32_t d = tf->dist ? tf->dist : tf->mdist;
        if (d >= p->max_chain) continue;
        for (size_t e = g->first_edge[t]; e < g->first_edge[t] + g->n_edge[t]; e++) {
            uint32_t ci = g->edges[e].caller;
            struct pfunc *caller = &p->funcs.items[ci];
            const struct psite *s = &p->sites.items[g->edges[e].site];
            if (blocks_no_caller(caller)) continue;
            const char *gd;
            int st = state_through(p, state_of(tf), tf->cond_guard, s, &gd);
            if (!raise_state(caller, st, gd, d + 1, (int32_t)t, (int32_t)g->edges[e].site) || queued[ci]) continue;
            queued[ci] = true;
            queue[tail++ % (p->funcs.len + 1)] = ci;
        }
    }
    free(queued);
}

void as_project_solve(struct as_project *p)
{
    build_maps(p);
    /* Every name is in by now (nothing is added after the solve): the interning table is no longer needed, and
     * the solve and the findings that follow are where the memory peaks. */
    as_strmap_free(&p->interned);
    size_t nf = p->funcs.len;
    /* rank: position in file order (what makes the result independent of the order files were added in) */
    uint32_t *rank = as_xcalloc(nf + 1, sizeof(uint32_t));
    uint32_t *by_rank = as_xcalloc(nf + 1, sizeof(uint32_t));
    uint32_t r = 0;
    for (size_t i = 0; i < p->files.len; i++) {
        const struct pfile *f = &p->files.items[i];
        if (!f->parsed) continue;
        for (uint32_t k = 0; k < f->n_funcs; k++) {
            rank[f->first_func + k] = r;
            by_rank[r++] = f->first_func + k;
        }
    }
    /* reverse call edges between sync functions */
    VEC(struct edge) edges = {0};
    for (uint32_t ri = 0; ri < r; ri++) {
        uint32_t fi = by_rank[ri];
        const struct pfunc *fn = &p->funcs.items[fi];
        if (fn->is_async) continue;
        const char *dir = p->files.items[fn->file].dir;
        for (uint32_t c = 0; c < fn->n_calls; c++) {
            const struct psite *s = &p->sites.items[fn->first_call + c];
            if (s->flags & AS_SITE_NOQA_HELPER) continue;
            int32_t t = call_target(p, s, dir, NULL);
            if (t < 0 || (uint32_t)t == fi || p->funcs.items[t].is_async) continue;
            struct edge e = {(uint32_t)t, fi, fn->first_call + c, rank[t], rank[fi]};
            vec_push(&edges, e);
        }
    }
    if (edges.len) qsort(edges.items, edges.len, sizeof(struct edge), edge_cmp);
    size_t *first_edge = as_xcalloc(nf + 1, sizeof(size_t));
    size_t *n_edge = as_xcalloc(nf + 1, sizeof(size_t));
    for (size_t i = edges.len; i-- > 0;) {
        first_edge[edges.items[i].callee] = i;
        n_edge[edges.items[i].callee]++;
    }
    /* breadth-first from the functions that block themselves: shortest chains */
    uint32_t *queue = as_xcalloc(nf + 1, sizeof(uint32_t));
    size_t head = 0, tail = 0;
    for (uint32_t ri = 0; ri < r; ri++) {
        uint32_t fi = by_rank[ri];
        struct pfunc *fn = &p->funcs.items[fi];
        if (blocks_no_caller(fn)) continue;
        for (uint32_t b = 0; b < fn->n_block; b++) {
            const struct psite *site = &p->sites.items[fn->first_block + b];
            if (site->flags & (AS_SITE_NOQA_HELPER | AS_SITE_TYPE_DEPENDENT | SITE_EXEMPT) || site->guard) continue;
            fn->dist = 1;
            fn->via_site = (int32_t)(fn->first_block + b);
            queue[tail++] = fi;
            break;
        }
    }
    while (head < tail) {
        uint32_t t = queue[head++];
        uint32_t d = p->funcs.items[t].dist;
        if (d >= p->max_chain) continue;
        for (size_t e = first_edge[t]; e < first_edge[t] + n_edge[t]; e++) {
            struct pfunc *caller = &p->funcs.items[edges.items[e].caller];
            if (caller->dist || blocks_no_caller(caller) || p->sites.items[edges.items[e].site].guard) continue;
            caller->dist = d + 1;
            caller->via_func = (int32_t)t;
            caller->via_site = (int32_t)edges.items[e].site;
            queue[tail++] = edges.items[e].caller;
        }
    }
    struct call_graph g = {edges.items, first_edge, n_edge};
    solve_guards(p, &g, queue, by_rank, r);
    free(queue);
    free(first_edge);
    free(n_edge);
    vec_free(&edges);
    free(rank);
    free(by_rank);
}

/* ---- findings ---------------------------------------------------------------------------------------- */

/* How a function is shown: its qualified name without the module ("Service.load"). */
static const char *display_name(struct as_project *p, const struct pfunc *fn)
{
    const char *module = p->files.items[fn->file].module;
    size_t ml = strlen(module);
    const char *q = fn->qname;
    if (ml && strncmp(q, module, ml) == 0 && q[ml] == '.') q += ml + 1;
    /* a constructor is shown as the class it constructs */
    size_t n = strlen(q);
    if (n > 9 && strcmp(q + n - 9, ".__init__") == 0) return as_arena_strndup(&p->arena, q, n - 9);
    return q;
}

/* A blocking callee as written in messages: builtins without their module ("open"). */
static const char *blocker_name(const char *callee)
{
    return strncmp(callee, "builtins.", 9) == 0 ? callee + 9 : callee;
}

static const char *expand(struct as_arena *a, const char *tmpl, const char *callee, const char *blocker,
                          const char *function)
{
    if (!tmpl) return NULL;
    struct { const char *key; const char *value; } subs[] = {
        {"{callee}", callee}, {"{blocker}", blocker}, {"{function}", function}};
    char *out = as_arena_strdup(a, tmpl);
    for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
        char *at;
        while ((at = strstr(out, subs[i].key))) {
            out = as_arena_printf(a, "%.*s%s%s", (int)(at - out), out, subs[i].value ? subs[i].value : "",
                                  at + strlen(subs[i].key));
        }
    }
    return out;
}

static void put_diag(struct as_diag *d, const struct as_rule *rule, const struct psite *s)
{
    memset(d, 0, sizeof(*d));
    d->code = rule->code;
    d->name = rule->name;
    d->url = rule->url;
    d->line = s->line;
    d->col = s->col;
    d->end_line = s->end_line;
    d->end_col = s->end_col;
    d->noqa_line = s->line;
}

/* The rule a call at `s` of `target` from async code falls under: the helper rule (ASC108) when it blocks for sure
 * or the call passes the flag its guard needs, the may-block one (ASC110) when an attribute decides (solve_guards),
 * NULL when it does not block or a `# noqa` silences it. A guard around the call in the async function itself
 * does not count: the async function is where the finding is acted on, and a flag there (`if
 * self._trust_env:`) is often an option users turn on (aiohttp's proxy lookup, judged true on the corpus). */
static const struct as_rule *helper_rule_for(struct as_project *p, const struct pfunc *target,
                                             const struct psite *s)
{
    int st = target->is_async ? MAYBE_NONE : state_of(target);
    if (st == MAYBE_NONE || (s->flags & AS_SITE_NOQA_HELPER)) return NULL;
    if (st == MAYBE_GUARDED && !as_guard_passed(target->cond_guard, s->shape) &&
        !as_guard_forwarded(target->cond_guard, s->shape, &p->arena))   /* a flag the async function forwards counts */
        return NULL;
    if (st != MAYBE_SOME) return p->helper;
    return s->flags & AS_SITE_NOQA_MAYBE ? NULL : p->maybe;
}

/* d's chain from `target` down to its blocking call (through the sure chain, or the conditional one where a
 * function does not block for sure), its root, message and help; the call is at `s` in async function fn. */
static void helper_finding(struct as_project *p, struct as_file_result *res, const struct as_rule *rule,
                           const struct pfunc *fn, const struct pfunc *target, const struct psite *s,
                           struct as_diag *d)
{
    put_diag(d, rule, s);
    d->n_chain = (target->dist ? target->dist : target->mdist) + 1;
    d->chain = as_arena_alloc(&res->arena, d->n_chain * sizeof(struct as_chain_step));
    const struct pfunc *hop = target;
    size_t n = 0;
    const struct psite *last = NULL;
    while (hop && n < d->n_chain - 1) {
        struct as_chain_step *st = &d->chain[n++];
        st->label = as_arena_printf(&res->arena, "%s()", display_name(p, hop));
        st->path = as_arena_strdup(&res->arena, p->files.items[hop->file].path);
        st->line = hop->line;
        st->col = hop->col;
        uint32_t dist = hop->dist ? hop->dist : hop->mdist;
        int32_t via_site = hop->dist ? hop->via_site : hop->mvia_site;
        int32_t via_func = hop->dist ? hop->via_func : hop->mvia_func;
        if (dist == 1) {
            last = via_site >= 0 ? &p->sites.items[via_site] : NULL;
            break;
        }
        hop = via_func >= 0 ? &p->funcs.items[via_func] : NULL;
    }
    if (!last) {
        d->n_chain = n;
        last = s;
    } else {
        struct as_chain_step *st = &d->chain[n++];
        /* (copied: the finding outlives the project, as a query of project/index.h returns it) */
        st->label = as_arena_strdup(&res->arena, blocker_name(last->callee));
        st->path = as_arena_strdup(&res->arena, p->files.items[hop->file].path);
        st->line = last->line;
        st->col = last->col;
        d->n_chain = n;
        d->root_code = last->code ? as_arena_strdup(&res->arena, last->code) : NULL;
    }
    const char *callee = display_name(p, target);
    const char *blocker = blocker_name(last->callee);
    d->message = expand(&res->arena, rule->message, callee, blocker, display_name(p, fn));
    d->help = expand(&res->arena, rule->help, callee, blocker, display_name(p, fn));
}

/* The blocking-call rules (enabled, and with no condition but on the name: the pass cannot see the call's
 * arguments or place) a typed name matches, at most AS_TYPED_RULES. */
#define AS_TYPED_RULES 4
struct typed_hits {
    const struct as_engine *engine;
    const char *typed;
    const struct as_rule *rules[AS_TYPED_RULES];
    size_t n;
};

static void on_typed_hit(void *ud, const struct as_rule_hit *hit)
{
    struct typed_hits *h = ud;
    if (hit->rule->kind != &as_check_blocking_call || h->n == AS_TYPED_RULES) return;
    for (size_t i = 0; i < hit->match->n_conditions; i++)   /* only name conditions can be tested here */
        if (as_condition_holds_for_name(hit->match->conditions[i], h->typed) != 1) return;
    bool on = false;
    for (size_t i = 0; i < h->engine->rules.n; i++)
        if (h->engine->rules.rules[i] == hit->rule) on = h->engine->enabled[i];
    for (size_t i = 0; i < h->n && on; i++) on = h->rules[i] != hit->rule;
    if (on) h->rules[h->n++] = hit->rule;
}

/* Whether a site's `# noqa` codes (psite.noqa) cover `code`. */
static bool noqa_covers(const char *noqa, const char *code)
{
    if (!noqa) return false;
    if (strcmp(noqa, "*") == 0) return true;
    size_t n = strlen(code);
    for (const char *at = noqa; *at; at += strcspn(at, ","), at += *at == ',')
        if (strncmp(at, code, n) == 0 && (at[n] == ',' || !at[n])) return true;
    return false;
}

/* A rule template for a typed call: {callee} and {text} as written (the project function, then what follows it:
 * "data_dir().mkdir"), {module} and {root} from the typed name ("pathlib.Path", "pathlib"), as the file's own
 * typed calls say them (checks/registry.c). */
static const char *typed_message(struct as_arena *a, const char *tmpl, const char *shown, const char *typed)
{
    if (!tmpl) return NULL;
    const char *dot = strrchr(typed, '.');
    size_t mlen = dot ? (size_t)(dot - typed) : strlen(typed);
    if (mlen >= 2 && typed[mlen - 2] == '(' && typed[mlen - 1] == ')') mlen -= 2;
    const char *module = as_arena_strndup(a, typed, mlen);
    const char *root = as_arena_strndup(a, typed, strcspn(typed, ".("));
    struct { const char *key; const char *value; } subs[] = {
        {"{callee}", shown}, {"{text}", shown}, {"{module}", module}, {"{root}", root}};
    struct as_buf b;   /* one pass: a value is never scanned for keys again */
    as_buf_init(&b);
    for (const char *at = tmpl; *at;) {
        size_t i = 0, n = sizeof(subs) / sizeof(subs[0]);
        while (i < n && strncmp(at, subs[i].key, strlen(subs[i].key)) != 0) i++;
        if (i < n) {
            as_buf_puts(&b, subs[i].value);
            at += strlen(subs[i].key);
        } else {
            as_buf_putc(&b, *at++);
        }
    }
    const char *out = as_arena_strndup(a, b.data, b.len);
    as_buf_release(&b);
    return out;
}

/* Whether fn's own analysis already found call site s blocking (a rule matched its name as written). */
static bool blocking_in_file(const struct as_project *p, const struct pfunc *fn, const struct psite *s)
{
    for (uint32_t b = 0; b < fn->n_block; b++) {
        const struct psite *o = &p->sites.items[fn->first_block + b];
        if (o->line == s->line && o->col == s->col) return true;
    }
    return false;
}

/* The findings of call site s of async function fn typed through another module's annotated return (see
 * typed_callee), appended to `out` (a VEC of struct as_diag): one per rule matching the typed name, unless a
 * `# noqa` on the line names it. Each carries the annotated function as its one chain step. */
static void typed_findings(struct as_project *p, struct as_file_result *res, const struct pfunc *fn,
                           const struct psite *s, void *out_vec)
{
    VEC(struct as_diag) *out = out_vec;
    struct typed_ctx t;
    const char *typed = typed_callee(p, s, p->files.items[fn->file].dir, NULL, &res->arena, &t);
    if (!typed || blocking_in_file(p, fn, s)) return;
    struct typed_hits h = {p->engine, typed, {NULL}, 0};
    as_rule_index_lookup(p->engine->index, typed, false, on_typed_hit, &h);
    const struct pfunc *via = &p->funcs.items[t.via];
    const char *fname = display_name(p, via);
    const char *rest = strlen(s->callee) >= t.via_len ? s->callee + t.via_len : "";
    const char *shown = as_arena_printf(&res->arena, "%s%s%s", fname, via->is_property ? "" : "()", rest);
    for (size_t i = 0; i < h.n; i++) {
        const struct as_rule *rule = h.rules[i];
        if (noqa_covers(s->noqa, rule->code)) continue;
        struct as_diag d;
        put_diag(&d, rule, s);
        d.joined = true;
        d.message = typed_message(&res->arena, rule->message, shown, typed);
        d.help = typed_message(&res->arena, rule->help, shown, typed);
        d.n_chain = 1;
        d.chain = as_arena_alloc(&res->arena, sizeof(struct as_chain_step));
        size_t rl = strlen(via->returns);
        d.chain[0].label = as_arena_printf(&res->arena, "%s%s -> %.*s", fname, via->is_property ? "" : "()",
                                           (int)(rl > 2 ? rl - 2 : rl), via->returns);
        d.chain[0].path = as_arena_strdup(&res->arena, p->files.items[via->file].path);   /* (see helper_finding) */
        d.chain[0].line = via->line;
        d.chain[0].col = via->col;
        vec_push(out, d);
    }
}

void as_project_findings(const struct as_project *cp, size_t file, struct as_file_result *res)
{
    struct as_project *p = (struct as_project *)cp;   /* resolution memoises */
    if (file >= p->files.len || !p->files.items[file].parsed) return;
    const struct pfile *f = &p->files.items[file];
    VEC(struct as_diag) extra = {0};
    for (uint32_t k = 0; k < f->n_funcs; k++) {
        const struct pfunc *fn = &p->funcs.items[f->first_func + k];
        if (!fn->is_async) continue;
        for (uint32_t c = 0; c < fn->n_calls; c++) {
            const struct psite *s = &p->sites.items[fn->first_call + c];
            int32_t t = call_target(p, s, f->dir, NULL);
            if (t < 0) {
                typed_findings(p, res, fn, s, &extra);
                continue;
            }
            const struct pfunc *target = &p->funcs.items[t];
            struct as_diag d;
            const struct as_rule *rule = helper_rule_for(p, target, s);
            if (rule) {
                helper_finding(p, res, rule, fn, target, s, &d);
                vec_push(&extra, d);
            }
            if (p->coroutine && target->coroutine_function && (s->flags & AS_SITE_DROPPED) && !(s->flags & AS_SITE_AWAITED) &&
                !(s->flags & AS_SITE_NOQA_COROUTINE)) {
                put_diag(&d, p->coroutine, s);
                const char *callee = display_name(p, target);
                d.message = expand(&res->arena, p->coroutine->message, callee, NULL, display_name(p, fn));
                d.help = expand(&res->arena, p->coroutine->help, callee, NULL, display_name(p, fn));
                vec_push(&extra, d);
            }
        }
    }
    if (extra.len) {
        size_t n = res->n_diags + extra.len;
        struct as_diag *all = as_arena_alloc(&res->arena, n * sizeof(struct as_diag));
        if (res->n_diags) memcpy(all, res->diags, res->n_diags * sizeof(struct as_diag));
        memcpy(all + res->n_diags, extra.items, extra.len * sizeof(struct as_diag));
        as_diags_sort(all, n);
        res->diags = all;
        res->n_diags = n;
    }
    vec_free(&extra);
}

void as_project_count(const struct as_project *p, struct as_project_counts *sum)
{
    for (size_t i = 0; i < p->files.len; i++) {
        sum->parsed += p->files.items[i].parsed;
        sum->on_demand += p->files.items[i].requested;
    }
    sum->files += p->files.len;
    sum->functions += p->funcs.len;
    sum->sites += p->sites.len;
}

/* ---- batches: parts of the tree joined one at a time ------------------------------------------------- */
/* Every name the pass resolves is a prefix of the module name of the file that wrote it (its own module for
 * relative imports and its definitions; an enclosing directory for the sys.path candidates, maybe with `src`)
 * followed by components of Python names: identifiers, or import texts made of names and dots (facts.c drops
 * any other). So when file T's module name has, past the components it shares with file I's, a component no
 * Python name can spell (`python3-aiohttp`, `dist-packages`, `user-service`), nothing I writes resolves into T.
 * If every file of a range has such a component past the components all of the range share (d of them), the
 * groups of files that differ in component d cannot reach each other: each is joined on its own, and split
 * again the same way. A group whose files are not consecutive (a directory `a.b` beside `a/b`) stops the split
 * there. */

struct batch_split {
    const char **modules;   /* per file: its module name */
    int *last_odd;          /* per file: index of its last component no name can spell, or -1 */
    VEC(size_t) cuts;       /* files that start a part */
    struct as_strmap seen;  /* the component values met at one level (cleared per level) */
    struct as_arena keys;
};

static size_t shared_components(const char *a, const char *b)
{
    size_t comps = 0, k = 0;
    for (; a[k] == b[k]; k++) {
        if (!a[k]) return comps + 1;
        if (a[k] == '.') comps++;
    }
    if ((a[k] == '\0' || a[k] == '.') && (b[k] == '\0' || b[k] == '.')) comps++;
    return comps;
}

/* Component d of module m (*len set), or NULL when m has no such component. */
static const char *component(const char *m, size_t d, size_t *len)
{
    for (; d > 0; d--) {
        m = strchr(m, '.');
        if (!m) return NULL;
        m++;
    }
    *len = strcspn(m, ".");
    return m;
}

/* The start of the group of component d that follows file i in [i, hi), or hi. */
static size_t group_end(const struct batch_split *b, size_t i, size_t hi, size_t d)
{
    size_t len = 0, l = 0;
    const char *c = component(b->modules[i], d, &len);
    while (++i < hi) {
        const char *n = component(b->modules[i], d, &l);
        if (l != len || memcmp(n, c, len) != 0) break;
    }
    return i;
}

/* Appends to b->cuts, in increasing order, the files of [lo, hi) that start a part. */
static void split_part(struct batch_split *b, size_t lo, size_t hi)
{
    if (hi - lo < 2) return;
    size_t d = SIZE_MAX;
    for (size_t i = lo + 1; i < hi && d; i++) {
        size_t s = shared_components(b->modules[lo], b->modules[i]);
        if (s < d) d = s;
    }
    /* every file has a component no name spells past the d shared ones (so each has a component d) */
    for (size_t i = lo; i < hi; i++)
        if (b->last_odd[i] < 0 || (size_t)b->last_odd[i] < d) return;   /* file i may be reached from the others */
    /* no group of component d resumes after another one */
    as_strmap_clear(&b->seen);
    for (size_t i = lo; i < hi; i = group_end(b, i, hi, d)) {
        size_t len = 0;
        const char *c = component(b->modules[i], d, &len);
        if (as_strmap_get_n(&b->seen, c, len) >= 0) return;
        as_strmap_put(&b->seen, as_arena_strndup(&b->keys, c, len), 0);
    }
    for (size_t i = lo, next; i < hi; i = next) {
        next = group_end(b, i, hi, d);
        if (i > lo) vec_push(&b->cuts, i);
        split_part(b, i, next);
    }
}

size_t as_project_batches(const char *const *paths, size_t n, size_t min_files, size_t **ends)
{
    VEC(size_t) out = {0};
    struct batch_split b = {0};
    as_arena_init(&b.keys);
    if (min_files > 0 && n > min_files) {   /* else there is room for one batch only */
        b.modules = as_xmalloc(n * sizeof(*b.modules));
        b.last_odd = as_xmalloc(n * sizeof(*b.last_odd));
        for (size_t i = 0; i < n; i++) {
            bool is_init;
            b.modules[i] = as_model_module_name(&b.keys, paths[i], &is_init);
            int comp = 0;
            b.last_odd[i] = -1;
            for (const char *s = b.modules[i]; *s; s++) {
                if (*s == '.') comp++;
                else if (!as_name_byte((unsigned char)*s)) b.last_odd[i] = comp;
            }
        }
        split_part(&b, 0, n);
        /* the parts, in file order, taken together until a batch holds min_files files */
        size_t *cuts = b.cuts.items;
        size_t n_cuts = b.cuts.len, begin = 0;
        for (size_t k = 0; k < n_cuts; k++)
            if (cuts[k] - begin >= min_files) {
                vec_push(&out, cuts[k]);
                begin = cuts[k];
            }
        free(b.modules);
        free(b.last_odd);
    }
    if (n > 0 || !out.len) vec_push(&out, n);
    vec_free(&b.cuts);
    as_strmap_free(&b.seen);
    as_arena_release(&b.keys);
    *ends = out.items;
    return out.len;
}
