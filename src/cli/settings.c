/* settings.c — command line over configuration files; see settings.h. */
#include "cli/settings.h"

#include "cli/rewrite.h"

#include <ctype.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/rules.h"
#include "util/buf.h"
#include "util/xalloc.h"

static char *join3(const char *a, const char *b, const char *c)
{
    struct as_buf buf;
    as_buf_init(&buf);
    const char *parts[3] = {a, b, c};
    for (int i = 0; i < 3; i++) {
        if (!parts[i] || !*parts[i]) continue;
        if (buf.len) as_buf_putc(&buf, ',');
        as_buf_puts(&buf, parts[i]);
    }
    return buf.len ? as_buf_detach(&buf, NULL) : (as_buf_release(&buf), NULL);
}

/* Whether ruff's selector `sel` (n bytes) names asyncscan's `code`, with ruff's per-linter prefixes: the letters
 * must be the code's whole linter prefix and the digits a prefix of its number (`ASYNC1` names ASYNC100, `A`
 * names no ASYNC code, `RUF` names RUF006); `ALL` names every code but asyncscan's own ASC ones. */
static bool ruff_selects(const char *sel, size_t n, const char *code)
{
    if (n == 3 && strncmp(sel, "ALL", 3) == 0) return strncmp(code, "ASC", 3) != 0;
    size_t sl = 0, cl = 0;
    while (sl < n && isupper((unsigned char)sel[sl])) sl++;
    while (isupper((unsigned char)code[cl])) cl++;
    return sl && sl == cl && strncmp(sel, code, n) == 0;
}

static bool ruff_listed(const char *list, const char *code)
{
    for (const char *p = list; p && *p;) {
        while (*p == ',' || *p == ' ') p++;
        size_t n = strcspn(p, ", ");
        if (n && ruff_selects(p, n, code)) return true;
        p += n;
    }
    return false;
}

/* The codes of asyncscan's rules that ruff's selectors in `list` name, comma-joined (heap), or NULL: another
 * linter's codes name none and are dropped without a word. */
static char *ruff_codes(const struct as_engine *engine, const char *list)
{
    struct as_buf b;
    as_buf_init(&b);
    for (size_t r = 0; list && r < engine->rules.n; r++)
        if (ruff_listed(list, engine->rules.rules[r]->code))
            as_buf_printf(&b, "%s%s", b.len ? "," : "", engine->rules.rules[r]->code);
    return b.len ? as_buf_detach(&b, NULL) : (as_buf_release(&b), NULL);
}

/* filesystemFirst, a configuration without `select` and settings with one: that select, with the configuration's
 * extend-select and ignore (codes asyncscan has, for ruff's configuration) and the settings' ignore. Heap. */
static void selection_under(const struct as_settings *s, const struct as_engine *engine, const struct as_config *c,
                            const char *base, const char *cli_ignore, char **select, char **extend, char **ignore)
{
    const struct as_config *ov = s->has_overrides ? &s->overrides : NULL;
    char *more = c->ruff ? ruff_codes(engine, c->extend_select) : NULL;
    char *off = c->ruff ? ruff_codes(engine, c->ignore) : NULL;
    *select = as_xstrdup(base);
    *extend = join3(c->ruff ? more : c->extend_select, ov ? ov->extend_select : NULL, s->cli->extend_select);
    *ignore = join3(c->ruff ? off : c->ignore, ov ? ov->ignore : NULL, cli_ignore);
    free(more);
    free(off);
}

/* The selection strings for configuration `c` (NULL: none), command line on top. Heap. ruff's configuration
 * keeps asyncscan's defaults: the codes its select and extend-select name are added, those its ignore names
 * removed. */
static void selection(const struct as_settings *s, const struct as_engine *engine, const struct as_config *c,
                      char **select, char **extend, char **ignore)
{
    const struct as_options *o = s->cli;
    const struct as_config *ov = s->has_overrides ? &s->overrides : NULL;
    /* a --select on the command line (or in a --config override) starts the selection afresh (the
     * configuration's select, ignore and extend-select are dropped), as in ruff; otherwise the command line
     * adds to the configuration */
    const char *cli_select = o->select ? o->select : (ov ? ov->select : NULL);
    const char *cli_ignore = o->ignore;
    if (o->options_are_defaults && c) {   /* the server's filesystemFirst: the file's keys win, key by key */
        if (c->select) cli_select = NULL;
        if (c->ignore) cli_ignore = NULL;
        if (o->select && !c->select) {   /* the settings' select fills the file's, its other keys stay */
            selection_under(s, engine, c, o->select, cli_ignore, select, extend, ignore);
            return;
        }
    }
    if (cli_select) c = NULL;
    char *cli_extend = join3(ov ? ov->extend_select : NULL, o->extend_select, o->report_unused_noqa ? "RUF100" : NULL);
    if (c && c->ruff) {
        char *named = ruff_codes(engine, c->select), *more = ruff_codes(engine, c->extend_select);
        char *off = ruff_codes(engine, c->ignore);
        *select = NULL;
        *extend = join3(named, more, cli_extend);
        *ignore = join3(off, ov ? ov->ignore : NULL, cli_ignore);
        free(named);
        free(more);
        free(off);
        free(cli_extend);
        return;
    }
    *select = cli_select ? as_xstrdup(cli_select) : (c && c->select ? as_xstrdup(c->select) : NULL);
    *extend = join3(c ? c->extend_select : NULL, cli_extend, NULL);
    free(cli_extend);
    *ignore = join3(c ? c->ignore : NULL, ov ? ov->ignore : NULL, cli_ignore);
}

/* The `--config 'KEY = VALUE'` overrides, one TOML line each, parsed as one configuration file would be: an
 * error names the override by its position ("--config:2:1: unknown key ..."). */
static int load_overrides(struct as_settings *s, const struct as_options *o, char **err)
{
    if (!o->n_config_overrides) return 0;
    struct as_buf text;
    as_buf_init(&text);
    for (size_t i = 0; i < o->n_config_overrides; i++) {
        if (strchr(o->config_overrides[i], '\n')) {
            *err = as_xstrdup("--config: an override is one line ('KEY = VALUE')");
            as_buf_release(&text);
            return -1;
        }
        as_buf_printf(&text, "%s\n", o->config_overrides[i]);
    }
    bool found = false;
    int rc = as_config_parse(&s->overrides, "--config", text.data, text.len, false, &found, err);
    as_buf_release(&text);
    s->has_overrides = true;
    return rc;
}

/* --per-file-ignores ("GLOB:CODES", split at the last colon) and the overrides' table. */
static void collect_cli_ignores(struct as_settings *s, const struct as_options *o)
{
    size_t n_ov = s->has_overrides ? s->overrides.n_per_file_ignores : 0;
    s->cli_per_file_ignores = as_xcalloc(o->n_per_file_ignores + n_ov + 1, sizeof(struct as_config_pair));
    for (size_t i = 0; i < o->n_per_file_ignores; i++) {
        const char *pair = o->per_file_ignores[i];
        const char *colon = strrchr(pair, ':');
        s->cli_per_file_ignores[i].key = as_xstrndup(pair, (size_t)(colon - pair));
        s->cli_per_file_ignores[i].value = as_xstrdup(colon + 1);
    }
    for (size_t i = 0; i < n_ov; i++) {
        s->cli_per_file_ignores[o->n_per_file_ignores + i].key = as_xstrdup(s->overrides.per_file_ignores[i].key);
        s->cli_per_file_ignores[o->n_per_file_ignores + i].value = as_xstrdup(s->overrides.per_file_ignores[i].value);
    }
    s->n_cli_per_file_ignores = o->n_per_file_ignores + n_ov;
}

/* What discovery skips: the options' patterns, then the overrides' exclude and extend-exclude. */
static void collect_excludes(struct as_settings *s, const struct as_options *o)
{
    const struct as_config *ov = s->has_overrides ? &s->overrides : NULL;
    size_t n = o->n_exclude + (ov ? ov->n_exclude + ov->n_extend_exclude : 0);
    s->exclude = as_xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < o->n_exclude; i++) s->exclude[s->n_exclude++] = o->exclude[i];
    for (size_t i = 0; ov && i < ov->n_exclude; i++) s->exclude[s->n_exclude++] = ov->exclude[i];
    for (size_t i = 0; ov && i < ov->n_extend_exclude; i++) s->exclude[s->n_exclude++] = ov->extend_exclude[i];
    s->replace_default_excludes = o->replace_default_excludes || (ov && ov->has_exclude);

}

/* "path:LINE" (or the inherited "PATH:LINE") of a configuration key. Heap. */
static char *origin_of(const struct as_config *c, const char *origin)
{
    struct as_buf b;
    as_buf_init(&b);
    if (origin && strchr(origin, ':')) as_buf_puts(&b, origin);
    else as_buf_printf(&b, "%s:%s", c->path, origin ? origin : "1");
    return as_buf_detach(&b, NULL);
}

/* An asyncscan configuration's codes must all be known: each list on its own, then each per-file-ignores entry,
 * so that the error names the line. -1 with *err "path:line: key: message". */
static int check_codes(const struct as_engine *engine, const struct as_config *c, char **err)
{
    if (c->ruff) return 0;
    const char *lists[3] = {c->select, c->ignore, c->extend_select};
    const char *names[3] = {"select", "ignore", "extend-select"};
    bool *scratch = as_xcalloc(engine->rules.n + 1, sizeof(bool));
    int rc = 0;
    for (size_t i = 0; i < 3 + c->n_per_file_ignores && rc == 0; i++) {
        const char *list = i < 3 ? lists[i] : c->per_file_ignores[i - 3].value;
        char *e = NULL;
        if (!list || as_ruleset_select(&engine->rules, NULL, NULL, list, scratch, &e) == 0) continue;
        char *where = origin_of(c, i < 3 ? c->origin[i] : c->per_file_ignores[i - 3].origin);
        size_t n = strlen(where) + strlen(e) + 64;
        *err = as_xmalloc(n);
        snprintf(*err, n, "%s: %s: %s", where, i < 3 ? names[i] : "per-file-ignores", e);
        free(where);
        free(e);
        rc = -1;
    }
    free(scratch);
    return rc;
}

static int load_config(struct as_config *c, const char *path, bool ruff, char **err)
{
    return ruff ? as_ruff_config_load(c, path, err) : as_config_load(c, path, err);
}

static void push_config(struct as_settings *s, const struct as_config *c)
{
    s->configs = as_xrealloc(s->configs, (s->n_configs + 1) * sizeof(*s->configs));
    s->configs[s->n_configs++] = *c;
}

int as_settings_load(struct as_settings *s, const struct as_options *o, char **err)
{
    memset(s, 0, sizeof(*s));
    s->cli = o;
    if (!o->isolated) {
        char *path = o->config ? as_xstrdup(o->config) : as_config_find(".");
        bool ruff = o->config ? as_config_is_ruff_name(path) : false;
        if (!path && (path = as_ruff_config_find("."))) ruff = true;
        if (path) {
            struct as_config c;
            int rc = load_config(&c, path, ruff, err);
            free(path);
            if (rc) {
                as_config_release(&c);
                return -1;
            }
            push_config(s, &c);
            s->has_root = true;
        }
    }
    if (load_overrides(s, o, err)) return -1;
    collect_cli_ignores(s, o);
    collect_excludes(s, o);
    const struct as_config *root = s->has_root ? &s->configs[0] : NULL;
    const struct as_config *ov = s->has_overrides ? &s->overrides : NULL;
    /* the options, then the overrides, then the root configuration */
    s->output_format = o->output_format ? o->output_format
                     : ov && ov->output_format ? ov->output_format : (root ? root->output_format : NULL);
    s->jobs = o->jobs ? o->jobs : ov && ov->jobs ? ov->jobs : (root ? root->jobs : 0);
    int gitignore = ov && ov->respect_gitignore >= 0 ? ov->respect_gitignore
                  : root && root->respect_gitignore >= 0 ? root->respect_gitignore : 1;
    s->respect_gitignore = o->respect_gitignore_set ? o->respect_gitignore : gitignore == 1;
    s->force_exclude = o->force_exclude || (ov && ov->force_exclude == 1) ||
                       (!(ov && ov->force_exclude == 0) && root && root->force_exclude == 1);
    return 0;
}

void as_settings_release(struct as_settings *s)
{
    for (size_t i = 0; i < s->n_configs; i++) {
        as_config_release(&s->configs[i]);
        if (s->enabled) free(s->enabled[i]);
    }
    free(s->configs);
    free(s->enabled);
    free(s->root_enabled);
    as_strmap_free(&s->dir_config);
    as_strmap_free(&s->ruff_dir_config);
    as_strmap_free(&s->path_config);
    for (size_t i = 0; i < s->n_keys; i++) free(s->keys[i]);
    free(s->keys);
    as_strmap_free(&s->dir_canon);
    for (size_t i = 0; i < s->n_canon; i++) {
        free(s->canon_keys[i]);
        free(s->canon[i]);
    }
    free(s->canon_keys);
    free(s->canon);
    as_strmap_free(&s->listed);
    as_strmap_free(&s->no_config);
    if (s->has_overrides) as_config_release(&s->overrides);
    for (size_t i = 0; i < s->n_cli_per_file_ignores; i++) {
        free(s->cli_per_file_ignores[i].key);
        free(s->cli_per_file_ignores[i].value);
    }
    free(s->cli_per_file_ignores);
    free(s->exclude);
    memset(s, 0, sizeof(*s));
}

int as_settings_engine(struct as_settings *s, struct as_engine *engine, char **err)
{
    const struct as_config *root = s->has_root ? &s->configs[0] : NULL;
    char *select, *extend, *ignore;
    /* ruff's selectors need the rules to be read: the engine starts from the command line's selection, and
     * as_settings_bind enables what ruff's configuration adds */
    selection(s, NULL, root && root->ruff ? NULL : root, &select, &extend, &ignore);
    struct as_engine_extras extras = {0};
    /* the root configuration's house rules and ASYNC200 table, then the overrides' */
    const struct as_config *from[2] = {root, s->has_overrides ? &s->overrides : NULL};
    size_t n_blocking = 0, n_dirs = 0, n_offload = 0, n_startable = 0, n_decorators = 0;
    for (int k = 0; k < 2; k++)
        if (from[k]) {
            n_blocking += from[k]->n_blocking;
            n_dirs += from[k]->n_rules_dirs;
            n_offload += from[k]->n_offload_functions;
            n_startable += from[k]->n_startable;
            n_decorators += from[k]->n_generator_decorators;
        }
    const char **startable = as_xcalloc(n_startable + 1, sizeof(char *));
    const char **decorators = as_xcalloc(n_decorators + 1, sizeof(char *));
    const char **patterns = as_xcalloc(n_blocking + 1, sizeof(char *));
    const char **notes = as_xcalloc(n_blocking + 1, sizeof(char *));
    const char **dirs = as_xcalloc(n_dirs + 1, sizeof(char *));
    const char **offload = as_xcalloc(n_offload + 1, sizeof(char *));
    for (int k = 0; k < 2; k++) {
        if (from[k] && from[k]->type_heuristics >= 0) extras.heuristics_off = ~(unsigned)from[k]->type_heuristics;
        for (size_t i = 0; from[k] && i < from[k]->n_blocking; i++) {
            patterns[extras.n_blocking] = from[k]->blocking[i].key;
            notes[extras.n_blocking++] = from[k]->blocking[i].value;
        }
        for (size_t i = 0; from[k] && i < from[k]->n_rules_dirs; i++) dirs[extras.n_rules_dirs++] = from[k]->rules_dirs[i];
        for (size_t i = 0; from[k] && i < from[k]->n_offload_functions; i++)
            offload[extras.n_offload_functions++] = from[k]->offload_functions[i];
        for (size_t i = 0; from[k] && i < from[k]->n_startable; i++) startable[extras.n_startable++] = from[k]->startable[i];
        for (size_t i = 0; from[k] && i < from[k]->n_generator_decorators; i++)
            decorators[extras.n_generator_decorators++] = from[k]->generator_decorators[i];
    }
    extras.startable = startable;
    extras.generator_decorators = decorators;
    extras.blocking_patterns = patterns;
    extras.blocking_notes = notes;
    extras.rules_dirs = dirs;
    extras.offload_functions = offload;
    /* the library: the overrides' (--config) if set there, else the root configuration's */
    for (int k = 0; k < 2; k++)
        if (from[k] && from[k]->async_library) extras.async_library = from[k]->async_library;
    /* the checkpoint rules' options: the overrides' list if set there, else the root configuration's */
    for (int k = 0; k < 2; k++) {
        if (from[k] && from[k]->n_no_checkpoint_decorators) {
            extras.no_checkpoint_decorators = (const char *const *)from[k]->no_checkpoint_decorators;
            extras.n_no_checkpoint_decorators = from[k]->n_no_checkpoint_decorators;
        }
        if (from[k] && from[k]->n_suppressing_managers) {
            extras.suppressing_managers = (const char *const *)from[k]->suppressing_managers;
            extras.n_suppressing_managers = from[k]->n_suppressing_managers;
        }
    }
    int rc = as_engine_init_ex(engine, select, extend, ignore, &extras, err);
    char *again = NULL;
    if (rc && root && !root->ruff && as_engine_init_ex(engine, NULL, NULL, NULL, &extras, &again) == 0) {
        /* an unknown code of the root configuration: name its file and line, as for the others' */
        char *where = NULL;
        if (check_codes(engine, root, &where)) {
            free(*err);
            *err = where;
        }
        as_engine_release(engine);
    }
    free(again);
    free(patterns);
    free(notes);
    free(dirs);
    free(offload);
    free(startable);
    free(decorators);
    free(select);
    free(extend);
    free(ignore);
    return rc;
}


static bool same_file(const char *a, const char *b)
{
    char ra[PATH_MAX], rb[PATH_MAX];
    if (!realpath(a, ra) || !realpath(b, rb)) return strcmp(a, b) == 0;
    return strcmp(ra, rb) == 0;
}

static void remember(struct as_settings *s, struct as_strmap *memo, const char *dir, int idx)
{
    char *key = as_xstrdup(dir);
    s->keys = as_xrealloc(s->keys, (s->n_keys + 1) * sizeof(char *));
    s->keys[s->n_keys++] = key;
    as_strmap_put(memo, key, idx + 1);
}


/* The configuration of the canonical directory `dir`: its own file, else its parent's (each directory is
 * looked at once per run, however many files it holds). */
static int config_of_dir(struct as_settings *s, const char *dir, bool ruff, char **err)
{
    struct as_strmap *memo = ruff ? &s->ruff_dir_config : &s->dir_config;
    int32_t have = as_strmap_get(memo, dir);
    if (have >= 0) return have - 1;
    int idx = -1;
    char *found = as_strmap_get(&s->no_config, dir) >= 0 ? NULL
                  : ruff                                ? as_ruff_config_in_dir(dir)
                                                        : as_config_in_dir(dir);
    if (found) {
        for (size_t i = 0; i < s->n_configs && idx < 0; i++)
            if (same_file(s->configs[i].path, found)) idx = (int)i;
        if (idx < 0) {
            struct as_config c;
            if (load_config(&c, found, ruff, err)) {
                as_config_release(&c);
                free(found);
                return -1;
            }
            push_config(s, &c);
            idx = (int)s->n_configs - 1;
        }
        free(found);
    } else if (strcmp(dir, "/") != 0) {
        char parent[PATH_MAX];
        snprintf(parent, sizeof(parent), "%s", dir);
        char *slash = strrchr(parent, '/');
        if (slash == parent) parent[1] = '\0';
        else if (slash) *slash = '\0';
        idx = config_of_dir(s, parent, ruff, err);
        if (*err) return -1;
    }
    remember(s, memo, dir, idx);
    return idx;
}

/* realpath(dir), memoised; a plain directory (not a symbolic link, a normal name) is its parent's canonical
 * form plus its name: one lstat instead of realpath's readlink of every component. NULL when it fails. */
static const char *canonical_dir(struct as_settings *s, const char *dir)
{
    int32_t k = as_strmap_get(&s->dir_canon, dir);
    if (k >= 0) return s->canon[k];
    char buf[PATH_MAX];
    const char *result = NULL;
    const char *slash = strrchr(dir, '/');
    const char *name = slash ? slash + 1 : dir;
    int32_t li = s->listing ? as_strmap_get(&s->listed, dir) : -1;
    const struct as_listed_dir *ld = li >= 0 ? &s->listing[li] : NULL;
    struct stat st;
    if (slash && slash != dir && *name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
        ((ld && ld->plain) || (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode)))) {
        char *parent = as_xstrndup(dir, (size_t)(slash - dir));
        const char *pc = canonical_dir(s, parent);
        free(parent);
        if (pc && (size_t)snprintf(buf, sizeof(buf), "%s/%s", strcmp(pc, "/") == 0 ? "" : pc, name) < sizeof(buf))
            result = buf;
    } else if (realpath(dir, buf)) {
        result = buf;
    }
    if (!result) return NULL;
    s->canon_keys = as_xrealloc(s->canon_keys, (s->n_canon + 1) * sizeof(char *));
    s->canon = as_xrealloc(s->canon, (s->n_canon + 1) * sizeof(char *));
    s->canon_keys[s->n_canon] = as_xstrdup(dir);
    s->canon[s->n_canon] = as_xstrdup(result);
    as_strmap_put(&s->dir_canon, s->canon_keys[s->n_canon], (int32_t)s->n_canon);
    if (ld && !ld->config_names) as_strmap_put(&s->no_config, s->canon[s->n_canon], 0);
    return s->canon[s->n_canon++];
}

void as_settings_use_listing(struct as_settings *s, const struct as_listed_dir *dirs, size_t n)
{
    as_strmap_clear(&s->listed);
    s->listing = n ? dirs : NULL;
    for (size_t i = 0; i < n; i++) as_strmap_put(&s->listed, dirs[i].path, (int32_t)i);
}

int as_settings_config_for(struct as_settings *s, const char *path, char **err)
{
    *err = NULL;
    if (s->cli->isolated) return -1;
    if (s->cli->config) return 0;   /* --config governs every file, as in ruff */
    char *dir = as_config_dir_of(path);
    int32_t have = as_strmap_get(&s->path_config, dir);
    if (have >= 0) {
        free(dir);
        return have - 1;
    }
    const char *canon = canonical_dir(s, dir);
    int idx = canon ? config_of_dir(s, canon, false, err) : -1;
    if (idx < 0 && canon && !*err) idx = config_of_dir(s, canon, true, err);   /* ruff's, the fallback */
    if (!*err) remember(s, &s->path_config, dir, idx);
    free(dir);
    return *err ? -1 : idx;
}

int as_settings_bind(struct as_settings *s, struct as_engine *engine, char **err)
{
    size_t n = engine->rules.n;
    bool *all = as_xcalloc(n + 1, sizeof(bool));
    s->enabled = as_xcalloc(s->n_configs + 1, sizeof(bool *));
    for (size_t i = 0; i <= s->n_configs; i++) {
        const struct as_config *c = i < s->n_configs ? &s->configs[i] : NULL;
        if (c && check_codes(engine, c, err)) {
            free(all);
            return -1;
        }
        bool *en = as_xcalloc(n + 1, sizeof(bool));
        char *select, *extend, *ignore;
        selection(s, engine, c, &select, &extend, &ignore);
        int rc = as_ruleset_select(&engine->rules, select, extend, ignore, en, err);
        free(select);
        free(extend);
        free(ignore);
        if (rc) {
            if (*err && c) {
                char *e = *err;
                size_t l = strlen(e) + strlen(c->path) + 8;
                *err = as_xmalloc(l);
                snprintf(*err, l, "%s: %s", c->path, e);
                free(e);
            }
            free(en);
            free(all);
            return -1;
        }
        for (size_t r = 0; r < n; r++) all[r] |= en[r];
        if (c) s->enabled[i] = en;
        else s->root_enabled = en;
    }
    as_engine_enable_more(engine, all);
    free(all);
    return 0;
}

bool as_settings_excluded(const struct as_settings *s, int cfg, const char *path)
{
    if (cfg < 0) return false;
    const struct as_config *c = &s->configs[cfg];
    if (c->has_exclude && as_config_glob_match((const char *const *)c->exclude, c->n_exclude, c->dir, path))
        return true;
    return as_config_glob_match((const char *const *)c->extend_exclude, c->n_extend_exclude, c->dir, path);
}

static bool code_listed(const char *list, const char *code)
{
    for (const char *p = list; *p;) {
        while (*p == ',' || *p == ' ') p++;
        size_t n = strcspn(p, ", ");
        if (n && ((n == 3 && strncmp(p, "ALL", 3) == 0) || strncmp(code, p, n) == 0)) return true;
        p += n;
    }
    return false;
}

void as_settings_discover_options(const struct as_settings *settings, struct as_discover_opts *dopts)
{
    const struct as_options *o = settings->cli;
    memset(dopts, 0, sizeof(*dopts));
    dopts->exclude = settings->exclude;
    dopts->n_exclude = settings->n_exclude;
    dopts->no_default_excludes = settings->replace_default_excludes ||
                                 (settings->has_root && settings->configs[0].has_exclude);
    dopts->extensions = o->extensions;
    dopts->n_extensions = o->n_extensions;
    dopts->force_exclude = settings->force_exclude;
    dopts->respect_gitignore = settings->respect_gitignore;
    if (settings->has_root) {
        const struct as_config *root = &settings->configs[0];
        if (root->has_include) {
            dopts->include = (const char *const *)root->include;
            dopts->n_include = root->n_include;
        }
        dopts->extend_include = (const char *const *)root->extend_include;
        dopts->n_extend_include = root->n_extend_include;
    }
}

void as_settings_filter(const struct as_settings *s, const struct as_engine *engine, int cfg,
                        struct as_file_result *res)
{
    const bool *en = cfg >= 0 ? (s->enabled ? s->enabled[cfg] : NULL) : s->root_enabled;
    const struct as_config *c = cfg >= 0 ? &s->configs[cfg] : NULL;
    size_t keep = 0;
    /* the file's path relative to the config, made once per file (two realpath calls), not per finding and glob */
    char relbuf[PATH_MAX * 2];
    const char *rel = c && c->n_per_file_ignores && res->n_diags
                          ? as_config_relative(c->dir, res->path, relbuf, sizeof(relbuf))
                          : NULL;
    for (size_t i = 0; i < res->n_diags; i++) {
        const struct as_diag *d = &res->diags[i];
        bool ok = true;
        if (en) {
            ok = false;
            for (size_t r = 0; r < engine->rules.n; r++)
                if (strcmp(engine->rules.rules[r]->code, d->code) == 0) ok = en[r];
        }
        for (size_t k = 0; ok && c && k < c->n_per_file_ignores; k++) {
            const char *glob = c->per_file_ignores[k].key;
            bool negated = glob[0] == '!';   /* `!pattern`: the files the pattern does not match, as in ruff */
            glob += negated;
            bool listed = c->ruff ? ruff_listed(c->per_file_ignores[k].value, d->code)
                                  : code_listed(c->per_file_ignores[k].value, d->code);
            if (listed && as_config_glob_match_relative(&glob, 1, rel) != negated) ok = false;
        }
        for (size_t k = 0; ok && k < s->n_cli_per_file_ignores; k++) {
            const char *glob = s->cli_per_file_ignores[k].key;
            if (code_listed(s->cli_per_file_ignores[k].value, d->code) && as_config_glob_match(&glob, 1, ".", res->path))
                ok = false;
        }
        if (ok) res->diags[keep++] = *d;
    }
    res->n_diags = keep;
}

static void show_value(FILE *out, const struct as_config *c, int key, const char *name, const char *value,
                       bool from_cli)
{
    fprintf(out, "  %-18s = %s", name, value && *value ? value : "(none)");
    if (from_cli) fprintf(out, "   # command line\n");
    else if (c && c->origin[key] && strchr(c->origin[key], ':')) fprintf(out, "   # %s\n", c->origin[key]);
    else if (c && c->origin[key]) fprintf(out, "   # %s:%s\n", c->path, c->origin[key]);
    else fprintf(out, "   # default\n");
}

void as_settings_show(struct as_settings *s, const struct as_engine *engine, const char *path, FILE *out)
{
    char *err = NULL;
    int cfg = as_settings_config_for(s, path, &err);
    if (err) {
        fprintf(out, "asyncscan: error: %s\n", err);
        free(err);
    }
    const struct as_config *c = cfg >= 0 ? &s->configs[cfg] : NULL;
    const struct as_options *o = s->cli;
    fprintf(out, "Settings for %s\n", path);
    fprintf(out, "  %-18s = %s\n", "config file", c ? c->path : (o->isolated ? "(none: --isolated)" : "(none found)"));
    char *select, *extend, *ignore;
    selection(s, engine, c, &select, &extend, &ignore);
    bool ruff = c && c->ruff && !o->select;
    if (ruff)   /* ruff's selectors as written; what they name is in "enabled rules" below */
        fprintf(out, "  %-18s = %s\n", "(ruff's)", "selectors name asyncscan's codes on top of its defaults");
    show_value(out, c, 0, "select", ruff ? c->select : select ? select : "(rules on by default)", o->select != NULL);
    show_value(out, c, 1, "ignore", ruff ? c->ignore : ignore, o->ignore != NULL && !ruff);
    show_value(out, c, 2, "extend-select", ruff ? c->extend_select : extend, o->extend_select != NULL && !ruff);
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; c && i < c->n_per_file_ignores; i++)
        as_buf_printf(&b, "%s\"%s\" = [%s]", i ? ", " : "", c->per_file_ignores[i].key, c->per_file_ignores[i].value);
    show_value(out, c, 3, "per-file-ignores", b.data, false);
    if (s->n_cli_per_file_ignores) {   /* --per-file-ignores and --config overrides: for every file */
        as_buf_reset(&b);
        for (size_t i = 0; i < s->n_cli_per_file_ignores; i++)
            as_buf_printf(&b, "%s\"%s\" = [%s]", i ? ", " : "", s->cli_per_file_ignores[i].key,
                          s->cli_per_file_ignores[i].value);
        show_value(out, NULL, 3, "per-file-ignores", b.data, true);
    }
    as_buf_reset(&b);
    for (size_t i = 0; c && i < c->n_exclude; i++) as_buf_printf(&b, "%s%s", i ? ", " : "", c->exclude[i]);
    show_value(out, c, 4, "exclude", c && c->has_exclude ? b.data : "(the default excludes)", false);
    as_buf_reset(&b);
    for (size_t i = 0; c && i < c->n_extend_exclude; i++) as_buf_printf(&b, "%s%s", i ? ", " : "", c->extend_exclude[i]);
    show_value(out, c, 5, "extend-exclude", b.data, false);
    const struct as_config *root = s->has_root ? &s->configs[0] : NULL;
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_include; i++) as_buf_printf(&b, "%s%s", i ? ", " : "", root->include[i]);
    show_value(out, root, 18, "include", root && root->has_include ? b.data : "*.py, *.pyi, *.ipynb", false);
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_extend_include; i++)
        as_buf_printf(&b, "%s%s", i ? ", " : "", root->extend_include[i]);
    show_value(out, root, 19, "extend-include", b.data, false);
    show_value(out, root, 6, "respect-gitignore", s->respect_gitignore ? "true" : "false", o->respect_gitignore_set);
    show_value(out, root, 7, "force-exclude", s->force_exclude ? "true" : "false", o->force_exclude);
    show_value(out, root, 8, "output-format", s->output_format ? s->output_format : "full", o->output_format != NULL);
    char jobs[32];
    snprintf(jobs, sizeof(jobs), "%d", s->jobs);
    show_value(out, root, 9, "jobs", s->jobs ? jobs : "(online CPUs)", o->jobs != 0);
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_blocking; i++)
        as_buf_printf(&b, "%s\"%s\" = \"%s\"", i ? ", " : "", root->blocking[i].key, root->blocking[i].value);
    show_value(out, root, 10, "blocking", b.data, false);
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_rules_dirs; i++) as_buf_printf(&b, "%s%s", i ? ", " : "", root->rules_dirs[i]);
    show_value(out, root, 11, "rules-dirs", b.data, false);
    struct as_fix_mode fm;   /* the fix keys: the command line, then its --config overrides, then the file */
    as_rewrite_fix_mode(o, s, "full", &fm);
    const struct as_config *ov = s->has_overrides ? &s->overrides : NULL;
    show_value(out, ov && ov->origin[12] ? ov : root, 12, "fix", fm.apply ? "true" : "false",
               o->fix != 0 || o->fix_only || o->diff);
    show_value(out, ov && ov->origin[13] ? ov : root, 13, "unsafe-fixes", fm.unsafe ? "true" : "false", o->unsafe_fixes != 0);
    show_value(out, ov && ov->fixable ? ov : root, 14, "fixable", fm.fixable ? fm.fixable : "(all)", false);
    show_value(out, ov && ov->unfixable ? ov : root, 15, "unfixable", fm.unfixable, false);
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_offload_functions; i++)
        as_buf_printf(&b, "%s%s", i ? ", " : "", root->offload_functions[i]);
    show_value(out, root, 16, "offload-functions", b.data, false);
    as_buf_reset(&b);
    for (size_t i = 0; as_config_type_heuristics[i]; i++)
        if (engine->type_heuristics & (1u << i))
            as_buf_printf(&b, "%s%s", b.len ? ", " : "", as_config_type_heuristics[i]);
    show_value(out, root, 17, "type-heuristics", b.len ? b.data : "(none)", false);
    show_value(out, root, 20, "async-library", root && root->async_library ? root->async_library : "(inferred from imports)",
               false);
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_startable; i++) as_buf_printf(&b, "%s%s", i ? ", " : "", root->startable[i]);
    show_value(out, root, 21, "startable-in-context-manager", b.data, false);
    as_buf_reset(&b);
    for (size_t i = 0; root && i < root->n_generator_decorators; i++)
        as_buf_printf(&b, "%s%s", i ? ", " : "", root->generator_decorators[i]);
    show_value(out, root, 22, "transform-async-generator-decorators", b.data, false);
    const struct as_checkpoint_options *co = &engine->checkpoint_options;
    as_buf_reset(&b);
    for (size_t i = 0; i < co->n_no_checkpoint_decorators; i++)
        as_buf_printf(&b, "%s%s", i ? ", " : "", co->no_checkpoint_decorators[i]);
    show_value(out, root, 23, "no-checkpoint-warning-decorators", b.len ? b.data : "(asynccontextmanager only)", false);
    as_buf_reset(&b);
    for (size_t i = 0; i < co->n_suppressing_managers; i++)
        as_buf_printf(&b, "%s%s", i ? ", " : "", co->suppressing_managers[i]);
    show_value(out, root, 24, "exception-suppress-context-managers", b.len ? b.data : "(contextlib.suppress only)", false);
    /* the rules that apply to this file */
    as_buf_reset(&b);
    bool *en = as_xcalloc(engine->rules.n + 1, sizeof(bool));
    char *serr = NULL;
    if (as_ruleset_select(&engine->rules, select, extend, ignore, en, &serr) == 0)
        for (size_t r = 0; r < engine->rules.n; r++)
            if (en[r]) as_buf_printf(&b, "%s%s", b.len ? ", " : "", engine->rules.rules[r]->code);
    free(serr);
    free(en);
    free(select);
    free(extend);
    free(ignore);
    fprintf(out, "  %-18s = %s\n", "enabled rules", b.data ? b.data : "(none)");
    as_buf_release(&b);
}
