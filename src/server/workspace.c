/* workspace.c — the server's in-process analysis: settings and engine as `check` makes them, projects and
 * their indexes, a buffer's own analysis and its findings as JSON; see workspace.h. */
#include "server/workspace.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/rewrite.h"
#include "cli/run.h"
#include "cli/settings.h"
#include "fix/fix.h"
#include "input/discover.h"
#include "input/notebook.h"
#include "input/source.h"
#include "pipeline/engine.h"
#include "project/index.h"
#include "project/project.h"
#include "project/root.h"
#include "project/scope.h"
#include "report/json_object.h"
#include "report/report.h"
#include "util/buf.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#define MAX_PROJECTS 64

/* One project root: its files (display paths, and the paths their module names come from) and its index. */
struct ws_project {
    struct as_project_scope scope;
    struct as_path_list files;
    const char **module_paths;
    struct as_arena arena;      /* module paths */
    struct as_index *index;     /* NULL when no project-wide rule is enabled */
    struct as_strmap listed;    /* the files' display paths (keys: files.paths) */
};

struct as_workspace {
    struct as_server_settings s;
    struct as_options opts;
    struct as_settings settings;
    struct as_engine engine;
    bool has_engine;
    bool bound;                 /* as_settings_bind ran (after the projects of the paths given were listed) */
    size_t bound_configs;       /* configurations as_settings_bind saw */
    bool stale;
    struct as_worker *worker;
    char cwd[PATH_MAX];
    as_workspace_buffer_fn buffer;
    void *ud;
    struct ws_project *projects[MAX_PROJECTS];
    size_t n_projects;
};

/* ---- projects ---- */

/* The index's analysis of a file it has no summaries for: the open buffer standing for it, else the file. */
static void analyse_for_index(void *ud, const char *path, const char *module_path, struct as_file_result *res)
{
    struct as_workspace *ws = ud;
    char abs[PATH_MAX * 2];
    if (path[0] == '/') snprintf(abs, sizeof(abs), "%s", path);
    else snprintf(abs, sizeof(abs), "%s/%s", ws->cwd, path);
    size_t len = 0;
    const char *text = ws->buffer ? ws->buffer(ws->ud, abs, &len) : NULL;
    char *bytes = NULL, err[256];
    if (text) {
        as_analyze_buffer_ex(ws->worker, &ws->engine, module_path, text, len, true, res);
    } else if (as_source_read_file(path, AS_SOURCE_DEFAULT_MAX_SIZE, &bytes, &len, err, sizeof(err)) != 0) {
        res->error = as_arena_strdup(&res->arena, err);
    } else {
        as_analyze_buffer_ex(ws->worker, &ws->engine, module_path, bytes, len, true, res);
        free(bytes);
    }
    res->path = as_arena_strdup(&res->arena, path);   /* named by its module path; shown (chains) by its own */
}

static void quiet_discover_error(void *ud, const char *path, const char *reason)
{
    (void)ud, (void)path, (void)reason;   /* a file of the project that cannot be listed is left out */
}

/* Lists project p's files (as `check` joins a named file with them: excluded ones dropped, `named` kept) and
 * hands them to its index (summaries of files still listed are kept). */
static void list_project(struct as_workspace *ws, struct ws_project *p)
{
    as_strmap_clear(&p->listed);   /* (its keys are the paths released here) */
    as_path_list_release(&p->files);
    free(p->module_paths);
    as_arena_release(&p->arena);
    as_arena_init(&p->arena);
    struct as_discover_opts dopts;
    as_settings_discover_options(&ws->settings, &dopts);
    dopts.on_error = quiet_discover_error;
    memset(&p->files, 0, sizeof(p->files));
    as_project_scope_discover(&p->scope, &dopts, &p->files);
    size_t keep = 0;
    for (size_t i = 0; i < p->files.n; i++) {
        char *cerr = NULL;
        int cfg = as_settings_config_for(&ws->settings, p->files.paths[i], &cerr);
        free(cerr);
        bool named = as_project_scope_is_target(&p->scope, p->files.paths[i]);
        if ((!named || ws->settings.force_exclude) && as_settings_excluded(&ws->settings, cfg, p->files.paths[i])) {
            free(p->files.paths[i]);
            continue;
        }
        p->files.paths[keep++] = p->files.paths[i];
    }
    p->files.n = keep;
    as_strmap_clear(&p->listed);
    for (size_t i = 0; i < keep; i++) as_strmap_put(&p->listed, p->files.paths[i], (int32_t)i);
    if (ws->bound && ws->settings.n_configs > ws->bound_configs) ws->stale = true;
    p->module_paths = as_xcalloc(keep + 1, sizeof(char *));
    for (size_t i = 0; i < keep; i++)
        p->module_paths[i] = as_project_scope_module_path(&p->scope, p->files.paths[i], &p->arena);
    if (p->index) as_index_set_files(p->index, (const char *const *)p->files.paths, p->module_paths, keep);
}

static void free_project(struct ws_project *p)
{
    as_index_free(p->index);
    as_strmap_free(&p->listed);
    as_path_list_release(&p->files);
    free(p->module_paths);
    as_arena_release(&p->arena);
    as_project_scope_release(&p->scope);
    free(p);
}

/* p's index, once the engine's rules are bound (NULL when no project-wide rule is enabled). */
static void attach_index(struct as_workspace *ws, struct ws_project *p)
{
    p->index = as_index_new(&ws->engine, ws->opts.max_chain, analyse_for_index, ws);
    if (p->index) as_index_set_files(p->index, (const char *const *)p->files.paths, p->module_paths, p->files.n);
}

/* Makes `path` (absolute) one of p's named files and lists the project again (a buffer of a file discovery
 * does not list: new, or ignored by git). */
static void name_file(struct as_workspace *ws, struct ws_project *p, const char *path)
{
    struct as_project_scope grown;
    const char *named[1] = {path};
    if (!as_project_scope_init(&grown, named, 1, p->scope.root, ws->cwd)) return;
    for (size_t k = 0; k < p->scope.targets.cap; k++) {   /* the files named so far stay named */
        if (!p->scope.targets.hashes[k]) continue;
        const char *key = as_arena_strdup(&grown.arena, p->scope.targets.keys[k]);
        size_t had = grown.targets.len;
        as_strmap_put(&grown.targets, key, 0);
        grown.n_targets += grown.targets.len != had;
    }
    as_project_scope_release(&p->scope);
    p->scope = grown;
    list_project(ws, p);
}

/* The project `path` (absolute) belongs to (its root: project/root.h), made and listed on first use, with
 * path among its files; NULL when it has no root (it is analysed alone). */
static struct ws_project *project_of(struct as_workspace *ws, const char *path)
{
    if (path[0] != '/') return NULL;   /* not a file (an untitled buffer's URI): analysed alone */
    char *root = as_project_root_of(path);
    if (!root) return NULL;
    struct ws_project *p = NULL;
    for (size_t i = 0; i < ws->n_projects && !p; i++)
        if (strcmp(ws->projects[i]->scope.root, root) == 0) p = ws->projects[i];
    free(root);
    if (!p) {
        if (ws->n_projects >= MAX_PROJECTS) return NULL;
        p = as_xcalloc(1, sizeof(*p));
        const char *named[1] = {path};
        if (!as_project_scope_init(&p->scope, named, 1, NULL, ws->cwd)) {
            free(p);
            return NULL;
        }
        as_arena_init(&p->arena);
        list_project(ws, p);
        ws->projects[ws->n_projects++] = p;
        if (ws->bound) attach_index(ws, p);
        return p;
    }
    struct as_arena names;
    as_arena_init(&names);
    const char *shown = as_project_scope_display_path(&p->scope, path, &names);
    if (as_strmap_get(&p->listed, shown) < 0) name_file(ws, p, path);
    as_arena_release(&names);
    return p;
}

/* ---- the workspace ---- */

static char *dup_or_null(const char *s)
{
    return s ? as_xstrdup(s) : NULL;
}

static bool load(struct as_workspace *ws, char *err, size_t errlen)
{
    ws->opts.command = AS_CMD_CHECK;
    ws->opts.select = ws->s.select;
    ws->opts.ignore = ws->s.ignore;
    ws->opts.config = ws->s.config;
    ws->opts.respect_gitignore = true;
    ws->opts.no_cache = true;
    ws->opts.unsafe_fixes = ws->s.unsafe_fixes;
    /* editorOnly: no configuration file is read, unless the settings name one (it governs every file then) */
    ws->opts.isolated = ws->s.preference == AS_EDITOR_ONLY && !ws->s.config;
    ws->opts.options_are_defaults = ws->s.preference == AS_PREFER_FILESYSTEM;
    char *e = NULL;
    if (as_settings_load(&ws->settings, &ws->opts, &e) != 0 || as_settings_engine(&ws->settings, &ws->engine, &e) != 0) {
        snprintf(err, errlen, "%s", e ? e : "cannot load the configuration");
        free(e);
        return false;
    }
    ws->has_engine = true;
    return true;
}

struct as_workspace *as_workspace_new(const struct as_server_settings *s, const char *cwd, as_workspace_buffer_fn buffer,
                                      void *ud, const char *const *paths, size_t n_paths, char *err, size_t errlen)
{
    struct as_workspace *ws = as_xcalloc(1, sizeof(*ws));
    ws->s = (struct as_server_settings){dup_or_null(s->select), dup_or_null(s->ignore), dup_or_null(s->config),
                                        s->unsafe_fixes, s->preference};
    snprintf(ws->cwd, sizeof(ws->cwd), "%s", cwd);
    ws->buffer = buffer;
    ws->ud = ud;
    err[0] = '\0';
    if (!load(ws, err, errlen)) {
        as_workspace_free(ws);
        return NULL;
    }
    ws->worker = as_worker_new();
    /* the configurations of the files to analyse and of their projects' files, before the selection is bound
     * (as check binds them after discovery) */
    for (size_t i = 0; i < n_paths; i++) {
        project_of(ws, paths[i]);
        char *cerr = NULL;
        as_settings_config_for(&ws->settings, paths[i], &cerr);
        free(cerr);
    }
    char *e = NULL;
    if (as_settings_bind(&ws->settings, &ws->engine, &e) != 0) {
        snprintf(err, errlen, "%s", e ? e : "cannot apply the configuration");
        free(e);
        as_workspace_free(ws);
        return NULL;
    }
    ws->bound = true;
    ws->bound_configs = ws->settings.n_configs;
    for (size_t i = 0; i < ws->n_projects; i++) attach_index(ws, ws->projects[i]);
    return ws;
}

void as_workspace_free(struct as_workspace *ws)
{
    if (!ws) return;
    for (size_t i = 0; i < ws->n_projects; i++) free_project(ws->projects[i]);
    as_worker_free(ws->worker);
    if (ws->has_engine) as_engine_release(&ws->engine);
    as_settings_release(&ws->settings);
    free(ws->s.select);
    free(ws->s.ignore);
    free(ws->s.config);
    free(ws);
}

bool as_workspace_stale(const struct as_workspace *ws)
{
    return ws->stale;
}

const char *as_workspace_root_of(struct as_workspace *ws, const char *path)
{
    struct ws_project *p = project_of(ws, path);
    return p ? p->scope.root : NULL;
}

/* The configuration governing path (-1: none, or one met after binding: the workspace is then stale). */
static int config_of(struct as_workspace *ws, const char *path)
{
    char *cerr = NULL;
    int cfg = as_settings_config_for(&ws->settings, path, &cerr);
    free(cerr);
    if (cfg >= (int)ws->bound_configs || ws->settings.n_configs > ws->bound_configs) {
        ws->stale = true;
        return -1;
    }
    return cfg;
}

bool as_workspace_unsafe_fixes(struct as_workspace *ws, const char *path)
{
    int cfg = path[0] == '/' ? config_of(ws, path) : -1;
    /* the settings are ws->opts (unsafe_fixes, options_are_defaults for filesystemFirst), ranked as check ranks them */
    return as_rewrite_unsafe_fixes(&ws->opts, cfg >= 0 ? ws->settings.configs[cfg].unsafe_fixes : -1);
}

void as_workspace_analyse(struct as_workspace *ws, const char *path, const char *text, size_t len,
                          struct TSTree **tree, struct as_file_result *own)
{
    as_file_result_init(own);
    struct ws_project *p = project_of(ws, path);
    struct as_arena names;
    as_arena_init(&names);
    const char *shown = p ? as_project_scope_display_path(&p->scope, path, &names) : path;
    const char *module = p ? as_project_scope_module_path(&p->scope, shown, &names) : shown;
    if (len > AS_SOURCE_DEFAULT_MAX_SIZE) {
        own->error = as_arena_printf(&own->arena, "the buffer is larger than the size limit (%zu bytes)",
                                     (size_t)AS_SOURCE_DEFAULT_MAX_SIZE);
    } else {
        as_analyze_buffer_incremental(ws->worker, &ws->engine, module, text, len, tree, own);
    }
    own->path = as_arena_strdup(&own->arena, shown);
    if (p && p->index && own->parsed) as_index_put(p->index, shown, own);
    as_arena_release(&names);
}

/* A result sharing own's findings and text, with an arena of its own (own is not changed). */
static void borrow(struct as_file_result *q, const struct as_file_result *own)
{
    as_file_result_init(q);
    struct as_arena arena = q->arena;
    *q = *own;
    q->arena = arena;
    q->diags = as_arena_alloc(&q->arena, (own->n_diags ? own->n_diags : 1) * sizeof(struct as_diag));
    if (own->n_diags) memcpy(q->diags, own->diags, own->n_diags * sizeof(struct as_diag));
}

static json_t *to_json(struct as_workspace *ws, const struct as_file_result *res)
{
    struct as_report_ctx ctx = {.cwd = ws->cwd};
    struct as_buf b;
    as_buf_init(&b);
    as_buf_putc(&b, '[');
    for (size_t i = 0; i < res->n_diags; i++) {
        if (i) as_buf_putc(&b, ',');
        as_report_json_object(&b, &ctx, res, &res->diags[i], "");
    }
    as_buf_putc(&b, ']');
    json_error_t jerr;
    json_t *out = json_loadb(b.data, b.len, 0, &jerr);
    as_buf_release(&b);
    return out ? out : json_array();
}

/* A notebook's findings offer no fix: their edits would be in the cells' rows, not the JSON document's lines. */
json_t *as_workspace_findings(struct as_workspace *ws, const char *path, const struct as_file_result *own, bool fixes,
                              char **error)
{
    struct as_file_result q;
    borrow(&q, own);
    struct ws_project *p = project_of(ws, path);
    if (!p || !p->index || !as_index_findings(p->index, q.path, &q)) {
        /* alone, as check analyses a buffer with no project: the project pass over this file only */
        struct as_project *single = as_project_new(&ws->engine, ws->opts.max_chain);
        if (single && q.parsed) {
            as_project_add(single, 0, &q);
            as_project_solve(single);
            as_project_findings(single, 0, &q);
        }
        json_t *out = NULL;
        as_settings_filter(&ws->settings, &ws->engine, config_of(ws, path), &q);
        if (fixes && q.text && !q.n_cells && !as_notebook_path(path)) as_fix_describe(&q);   /* (see below) */
        out = to_json(ws, &q);
        as_project_free(single);   /* after the JSON: the chains name its interned paths */
        *error = q.error ? as_xstrdup(q.error) : NULL;
        as_arena_release(&q.arena);
        return out;
    }
    as_settings_filter(&ws->settings, &ws->engine, config_of(ws, path), &q);
    if (fixes && q.text && !q.n_cells && !as_notebook_path(path)) as_fix_describe(&q);   /* (see below) */
    json_t *out = to_json(ws, &q);
    *error = q.error ? as_xstrdup(q.error) : NULL;
    as_arena_release(&q.arena);
    return out;
}

void as_workspace_file_changed(struct as_workspace *ws, const char *path, bool listing)
{
    for (size_t i = 0; i < ws->n_projects; i++) {
        struct ws_project *p = ws->projects[i];
        if (!as_path_within(path, p->scope.root)) continue;
        if (listing) list_project(ws, p);
        struct as_arena names;
        as_arena_init(&names);
        if (p->index) as_index_invalidate(p->index, as_project_scope_display_path(&p->scope, path, &names));
        as_arena_release(&names);
    }
}

/* ---- digests ---- */

static uint64_t mix(uint64_t h, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;   /* FNV-1a */
    return h;
}

static uint64_t mix_string(uint64_t h, const char *s)
{
    return s ? mix(h, s, strlen(s) + 1) : mix(h, "", 1);
}

static uint64_t mix_sites(uint64_t h, const struct as_call_site *sites, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct as_call_site *c = &sites[i];
        h = mix_string(mix_string(mix_string(mix_string(h, c->callee), c->code), c->guard), c->shape);
        uint32_t nums[6] = {c->line, c->col, c->end_line, c->end_col, c->flags, 0};
        h = mix(h, nums, sizeof(nums));
    }
    return h;
}

uint64_t as_workspace_digest(const struct as_file_result *res)
{
    uint64_t h = mix_string(14695981039346656037ULL, res->module);
    for (size_t i = 0; i < res->n_functions; i++) {
        const struct as_function_summary *f = &res->functions[i];
        uint32_t nums[8] = {f->is_async, f->is_decorated, f->is_generator, f->is_offloaded, f->line, f->col,
                            (uint32_t)f->n_calls, (uint32_t)f->n_blocking};
        h = mix(mix_string(h, f->qname), nums, sizeof(nums));
        h = mix_sites(mix_sites(h, f->calls, f->n_calls), f->blocking, f->n_blocking);
    }
    for (size_t i = 0; i < res->n_classes; i++) {
        h = mix_string(h, res->classes[i].qname);
        for (size_t k = 0; k < res->classes[i].n_bases; k++) h = mix_string(h, res->classes[i].bases[k]);
    }
    for (size_t i = 0; i < res->n_aliases; i++) h = mix_string(mix_string(h, res->aliases[i].name), res->aliases[i].target);
    return h;
}

/* ---- rule text ---- */

char *as_workspace_rule_text(const char *code)
{
    struct as_options o = {.command = AS_CMD_RULE, .rule_code = code};
    char *text = NULL, *errtext = NULL;
    size_t len = 0, errlen = 0;
    FILE *out = open_memstream(&text, &len), *err = open_memstream(&errtext, &errlen);
    int status = out && err ? as_run_rule(&o, out, err) : 2;
    if (out) fclose(out);
    if (err) fclose(err);
    free(errtext);
    if (status != 0) {
        free(text);
        return NULL;
    }
    return text;
}
