/* rules.c — parsing, validating, selecting and indexing rule files; see rules.h and rules/README.md. */
#include "analysis/rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/conditions.h"
#include "util/embedded.h"
#include "util/buf.h"
#include "util/name_match.h"
#include "util/readfile.h"
#include "util/vec.h"
#include "util/visible.h"
#include "util/xalloc.h"

static const char *const doc_sections[] = {"## What it does", "## Why is this bad?", "## Example",
                                           "## Use instead", NULL};

static char *trimmed(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return as_xstrndup(s, n);
}

static bool valid_code(const char *c)
{
    size_t i = 0;
    while (c[i] >= 'A' && c[i] <= 'Z') i++;
    if (i == 0) return false;
    size_t d = i;
    while (c[i] >= '0' && c[i] <= '9') i++;
    return i > d && c[i] == '\0' && i < 16;
}

static bool valid_name(const char *n)
{
    if (!*n) return false;
    for (const char *p = n; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) return false;
    return true;
}

/* `old-names:` — kebab-case names separated by spaces. */
static bool valid_old_names(const char *s)
{
    bool any = false;
    for (const char *p = s; *p; p++) {
        if (*p == ' ') continue;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) return false;
        any = true;
    }
    return any;
}

/* Whether the space-separated list holds `word`. */
static bool list_has(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        while (*p == ' ') p++;
        const char *e = p;
        while (*e && *e != ' ') e++;
        if ((size_t)(e - p) == n && n && strncmp(p, word, n) == 0) return true;
        p = e;
    }
    return false;
}

void as_rule_free(struct as_rule *r)
{
    if (!r) return;
    free(r->code); free(r->name); free(r->kind_name); free(r->origin); free(r->summary);
    free(r->message); free(r->help); free(r->url); free(r->doc); free(r->source); free(r->aliases);
    free(r->old_names);
    for (size_t i = 0; i < r->n_matches; i++) {
        free(r->matches[i].pattern);
        free(r->matches[i].note);
        for (size_t k = 0; k < r->matches[i].n_conditions; k++) {
            free(r->matches[i].condition_words[k]);
            as_condition_free(r->matches[i].conditions[k]);
        }
        free(r->matches[i].condition_words);
        free(r->matches[i].conditions);
    }
    free(r->matches);
    free(r);
}

__attribute__((format(printf, 4, 5)))
static int fail(char **err, const char *source, size_t line, const char *fmt, ...)
{
    va_list ap;
    struct as_buf b;
    as_buf_init(&b);
    if (line) as_buf_printf(&b, "%s:%zu: error: ", source, line);
    else as_buf_printf(&b, "%s: error: ", source);
    va_start(ap, fmt);
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    as_buf_add_visible(&b, msg, strlen(msg));   /* quoted values come from a file: no terminal control */
    as_buf_putc(&b, '\n');
    *err = as_buf_detach(&b, NULL);
    return -1;
}

static int parse_match(struct as_rule *r, const char *value, const char *source, size_t line, char **err)
{
    r->matches = as_xrealloc(r->matches, (r->n_matches + 1) * sizeof(*r->matches));
    struct as_match *m = &r->matches[r->n_matches++];
    memset(m, 0, sizeof(*m));
    const char *p = value;
    while (*p && !isspace((unsigned char)*p)) p++;
    m->pattern = as_xstrndup(value, (size_t)(p - value));
    m->is_glob = strpbrk(m->pattern, "*?[") != NULL;
    for (const char *q = m->pattern; *q; q++)
        if (!(isalnum((unsigned char)*q) || strchr("._*?[]()", *q)))
            return fail(err, source, line, "bad character in match pattern '%s'", m->pattern);
    while (*p) {
        while (isspace((unsigned char)*p)) p++;
        if (!*p) break;
        const char *s = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        char *word = as_xstrndup(s, (size_t)(p - s));
        const char *why = NULL;
        struct as_condition *c = as_condition_parse(word, &why);
        if (!c) {
            fail(err, source, line, "condition '%s': %s", word, why);
            free(word);
            return -1;
        }
        m->condition_words = as_xrealloc(m->condition_words, (m->n_conditions + 1) * sizeof(char *));
        m->conditions = as_xrealloc(m->conditions, (m->n_conditions + 1) * sizeof(*m->conditions));
        m->condition_words[m->n_conditions] = word;
        m->conditions[m->n_conditions++] = c;
    }
    return 0;
}

struct as_rule *as_rule_parse(const char *source, const char *text, size_t len, as_rule_kind_lookup kinds,
                              char **err)
{
    const char *nul = memchr(text, '\0', len);
    if (nul) {   /* not a rule file (say, /proc/self/environ): nothing of it is quoted */
        size_t line = 1;
        for (const char *q = text; q < nul; q++) line += *q == '\n';
        fail(err, source, line, "not a text file (a NUL byte)");
        return NULL;
    }
    struct as_rule *r = as_xcalloc(1, sizeof(*r));
    r->source = as_xstrdup(source);
    size_t line = 0;
    const char *p = text, *end = text + len;
    bool saw_sep = false;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        line++;
        size_t n = (size_t)(eol - p);
        if (n == 3 && memcmp(p, "---", 3) == 0) {
            saw_sep = true;
            p = eol < end ? eol + 1 : end;
            break;
        }
        if (n == 0 || p[0] == '#') { p = eol + 1; continue; }
        const char *colon = memchr(p, ':', n);
        if (!colon) {
            fail(err, source, line, "expected 'key: value'");
            goto bad;
        }
        char *key = trimmed(p, (size_t)(colon - p));
        char *value = trimmed(colon + 1, (size_t)(eol - colon - 1));
        char **slot = NULL;
        if (strcmp(key, "code") == 0) slot = &r->code;
        else if (strcmp(key, "name") == 0) slot = &r->name;
        else if (strcmp(key, "kind") == 0) slot = &r->kind_name;
        else if (strcmp(key, "origin") == 0) slot = &r->origin;
        else if (strcmp(key, "summary") == 0) slot = &r->summary;
        else if (strcmp(key, "message") == 0) slot = &r->message;
        else if (strcmp(key, "help") == 0) slot = &r->help;
        else if (strcmp(key, "url") == 0) slot = &r->url;
        else if (strcmp(key, "aliases") == 0) slot = &r->aliases;
        else if (strcmp(key, "old-names") == 0) slot = &r->old_names;
        if (slot) {
            if (*slot) {
                fail(err, source, line, "duplicate key '%s'", key);
                free(key); free(value);
                goto bad;
            }
            *slot = value;
        } else if (strcmp(key, "default") == 0) {
            if (strcmp(value, "on") == 0) r->default_on = true;
            else if (strcmp(value, "off") != 0) {
                fail(err, source, line, "default must be 'on' or 'off', not '%s'", value);
                free(key); free(value);
                goto bad;
            }
            free(value);
        } else if (strcmp(key, "span") == 0) {
            if (strcmp(value, "call") == 0) r->span = AS_SPAN_CALL;
            else if (strcmp(value, "callee") == 0) r->span = AS_SPAN_CALLEE;
            else {
                fail(err, source, line, "span must be 'callee' or 'call', not '%s'", value);
                free(key); free(value);
                goto bad;
            }
            free(value);
        } else if (strcmp(key, "context") == 0) {
            if (strcmp(value, "async") == 0) r->async_only = true;
            else if (strcmp(value, "any") != 0) {
                fail(err, source, line, "context must be 'async' or 'any', not '%s'", value);
                free(key); free(value);
                goto bad;
            }
            free(value);
        } else if (strcmp(key, "match") == 0) {
            int rc = parse_match(r, value, source, line, err);
            free(value);
            if (rc) { free(key); goto bad; }
        } else {
            fail(err, source, line, "unknown key '%s' (expected code, name, kind, default, origin, summary, "
                                    "message, help, url, span, context, aliases, old-names, match)", key);
            free(key); free(value);
            goto bad;
        }
        free(key);
        p = eol + 1;
    }
    if (!saw_sep) { fail(err, source, 0, "missing '---' line before the documentation"); goto bad; }
    r->doc = trimmed(p, p < end ? (size_t)(end - p) : 0);
    static const char *const required[] = {"code", "name", "kind", "summary", "message", "origin", NULL};
    char **slots[] = {&r->code, &r->name, &r->kind_name, &r->summary, &r->message, &r->origin};
    for (size_t i = 0; required[i]; i++)
        if (!*slots[i] || !**slots[i]) { fail(err, source, 0, "missing required key '%s'", required[i]); goto bad; }
    if (!valid_code(r->code)) { fail(err, source, 0, "invalid code '%s' (letters then digits)", r->code); goto bad; }
    if (!valid_name(r->name)) { fail(err, source, 0, "invalid name '%s' (kebab-case)", r->name); goto bad; }
    if (r->old_names && !valid_old_names(r->old_names)) {
        fail(err, source, 0, "invalid old-names '%s' (kebab-case names, space-separated)", r->old_names);
        goto bad;
    }
    struct as_rule_kind_info kind;
    if (!kinds(r->kind_name, &kind)) { fail(err, source, 0, "unknown kind '%s'", r->kind_name); goto bad; }
    r->kind = kind.kind;
    r->call_driven = kind.call_driven;
    if (kind.async_only) r->async_only = true;
    if (r->n_matches == 0 && kind.needs_matches) { fail(err, source, 0, "no 'match:' line"); goto bad; }
    for (size_t i = 0; doc_sections[i]; i++)
        if (!strstr(r->doc, doc_sections[i])) {
            fail(err, source, 0, "documentation lacks the section '%s'", doc_sections[i]);
            goto bad;
        }
    return r;
bad:
    as_rule_free(r);
    return NULL;
}

static int cmp_rule(const void *a, const void *b)
{
    const struct as_rule *x = *(const struct as_rule *const *)a, *y = *(const struct as_rule *const *)b;
    return strcmp(x->code, y->code);
}

int as_ruleset_load_embedded(struct as_ruleset *self, as_rule_kind_lookup kinds, char **err)
{
    memset(self, 0, sizeof(*self));
    struct as_buf eb;
    as_buf_init(&eb);
    for (size_t i = 0; i < as_embedded_count; i++) {
        const struct as_embedded *e = &as_embedded_files[i];
        size_t nl = strlen(e->name);
        if (strncmp(e->name, "rules/", 6) != 0 || nl < 5 || strcmp(e->name + nl - 5, ".rule") != 0) continue;
        char *rerr = NULL;
        struct as_rule *r = as_rule_parse(e->name, e->data, e->len, kinds, &rerr);
        if (!r) {
            as_buf_puts(&eb, rerr);
            free(rerr);
            continue;
        }
        self->rules = as_xrealloc(self->rules, (self->n + 1) * sizeof(*self->rules));
        self->rules[self->n++] = r;
    }
    if (self->n) qsort(self->rules, self->n, sizeof(*self->rules), cmp_rule);
    for (size_t i = 1; i < self->n; i++) {
        if (strcmp(self->rules[i - 1]->code, self->rules[i]->code) == 0)
            as_buf_printf(&eb, "%s: error: duplicate code %s (also in %s)\n", self->rules[i]->source,
                          self->rules[i]->code, self->rules[i - 1]->source);
    }
    if (eb.len) {
        *err = as_buf_detach(&eb, NULL);
        as_ruleset_release(self);
        return -1;
    }
    as_buf_release(&eb);
    return 0;
}

int as_ruleset_add(struct as_ruleset *self, struct as_rule *rule, char **err)
{
    const struct as_rule *have = as_ruleset_find(self, rule->code);
    if (have) {
        struct as_buf b;
        as_buf_init(&b);
        as_buf_printf(&b, "%s: error: duplicate code %s (also in %s)", rule->source, rule->code, have->source);
        *err = as_buf_detach(&b, NULL);
        as_rule_free(rule);
        return -1;
    }
    self->rules = as_xrealloc(self->rules, (self->n + 1) * sizeof(*self->rules));
    self->rules[self->n++] = rule;
    qsort(self->rules, self->n, sizeof(*self->rules), cmp_rule);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The text of rule file `path` in rules directory `real_dir` (canonical) into *text, or -1 and *err: a file
 * that resolves outside the directory (a symbolic link to /proc/self/environ, say), is not a regular file, or
 * is larger than 1 MiB is refused without reading. */
static int read_rule_file(const char *real_dir, const char *path, char **text, size_t *len, char **err)
{
    char why[128];
    char *real = realpath(path, NULL);
    size_t dl = strlen(real_dir);
    int rc = 0;
    if (!real) {
        snprintf(why, sizeof(why), "%s", strerror(errno));
        rc = -1;
    } else if (strncmp(real, real_dir, dl) != 0 || real[dl] != '/') {
        snprintf(why, sizeof(why), "a symbolic link to outside the rules directory (not followed)");
        rc = -1;
    } else if (as_read_file(real, 1u << 20, text, len, why, sizeof(why)) != AS_READ_OK) {
        rc = -1;
    }
    free(real);
    if (rc) {
        struct as_buf b;
        as_buf_init(&b);
        as_buf_printf(&b, "%s: cannot read: %s", path, why);
        *err = as_buf_detach(&b, NULL);
    }
    return rc;
}

int as_ruleset_load_dir(struct as_ruleset *self, const char *dir, as_rule_kind_lookup kinds, char **err)
{
    DIR *d = opendir(dir);
    char *real_dir = d ? realpath(dir, NULL) : NULL;
    if (!real_dir) {
        struct as_buf b;
        as_buf_init(&b);
        as_buf_printf(&b, "%s: cannot read the rules directory: %s", dir, strerror(errno));
        *err = as_buf_detach(&b, NULL);
        if (d) closedir(d);
        return -1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 5 && strcmp(e->d_name + l - 5, ".rule") == 0) {
            names = as_xrealloc(names, (n + 1) * sizeof(char *));
            names[n++] = as_xstrdup(e->d_name);
        }
    }
    closedir(d);
    if (n) qsort(names, n, sizeof(char *), cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct as_buf path;
        as_buf_init(&path);
        as_buf_printf(&path, "%s/%s", dir, names[i]);
        char *text = NULL;
        size_t len = 0;
        if (!rc && read_rule_file(real_dir, path.data, &text, &len, err) != 0) rc = -1;
        if (text) {
            struct as_rule *r = as_rule_parse(path.data, text, len, kinds, err);
            free(text);
            if (!r || as_ruleset_add(self, r, err)) rc = -1;
        }
        as_buf_release(&path);
        free(names[i]);
    }
    free(names);
    free(real_dir);
    return rc;
}

struct as_rule *as_rule_blocking_table(const char *const *patterns, const char *const *notes, size_t n,
                                       as_rule_kind_lookup kinds, char **err)
{
    struct as_buf b;
    as_buf_init(&b);
    as_buf_puts(&b, "code: ASYNC200\nname: blocking-configured-call\nkind: blocking-call\ndefault: on\n"
                    "origin: flake8-async\n"
                    "summary: A function the configuration names as blocking is called in an async function\n"
                    "message: Async functions should not call `{callee}`\n"
                    "url: https://flake8-async.readthedocs.io/en/latest/rules.html#async200\n");
    for (size_t i = 0; i < n; i++) {
        if (strpbrk(patterns[i], " \t\n")) {
            as_buf_release(&b);
            struct as_buf e;
            as_buf_init(&e);
            as_buf_printf(&e, "blocking: '%s' is not a qualified name or pattern", patterns[i]);
            *err = as_buf_detach(&e, NULL);
            return NULL;
        }
        as_buf_printf(&b, "match: %s\n", patterns[i]);
    }
    as_buf_puts(&b, "---\n## What it does\nChecks, in async functions, for calls to the functions listed in the "
                    "configuration's `blocking` table (flake8-async's ASYNC200 idea), resolved through imports and "
                    "aliases like the built-in rules.\n\n## Why is this bad?\nThe project says they block.\n\n"
                    "## Example\n```python\nasync def f():\n    mycompany.db.query()\n```\n\n## Use instead\n"
                    "What the table suggests.\n");
    struct as_rule *r = as_rule_parse("[tool.asyncscan.blocking]", b.data, b.len, kinds, err);
    as_buf_release(&b);
    if (!r) return NULL;
    for (size_t i = 0; i < r->n_matches && i < n; i++) r->matches[i].note = notes[i] && *notes[i] ? as_xstrdup(notes[i]) : NULL;
    return r;
}

void as_ruleset_release(struct as_ruleset *self)
{
    for (size_t i = 0; i < self->n; i++) as_rule_free(self->rules[i]);
    free(self->rules);
    memset(self, 0, sizeof(*self));
}

const struct as_rule *as_ruleset_find(const struct as_ruleset *self, const char *code)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp(self->rules[i]->code, code) == 0) return self->rules[i];
    return NULL;
}

const struct as_rule *as_ruleset_find_named(const struct as_ruleset *self, const char *code_or_name)
{
    const struct as_rule *r = as_ruleset_find(self, code_or_name);
    for (size_t i = 0; !r && i < self->n; i++)
        if (strcmp(self->rules[i]->name, code_or_name) == 0 ||
            (self->rules[i]->old_names && list_has(self->rules[i]->old_names, code_or_name)))
            r = self->rules[i];
    return r;
}

static bool selector_matches(const char *sel, const struct as_rule *r)
{
    if (strcmp(sel, "ALL") == 0) return true;
    return strncmp(r->code, sel, strlen(sel)) == 0;
}

/* Applies one comma-separated list: value true/false into enabled[]. */
static int apply_list(const struct as_ruleset *self, const char *list, bool value, bool *enabled, char **err)
{
    if (!list) return 0;
    const char *p = list;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p)) p++;
        if (!*p) break;
        const char *s = p;
        while (*p && *p != ',' && !isspace((unsigned char)*p)) p++;
        char sel[64];
        size_t n = (size_t)(p - s) < sizeof(sel) - 1 ? (size_t)(p - s) : sizeof(sel) - 1;
        memcpy(sel, s, n);
        sel[n] = '\0';
        bool any = false;
        for (size_t i = 0; i < self->n; i++)
            if (selector_matches(sel, self->rules[i])) { enabled[i] = value; any = true; }
        if (!any) {
            const char *best = NULL;
            size_t bd = 99;
            for (size_t i = 0; i < self->n; i++) {
                size_t d = as_edit_distance(sel, self->rules[i]->code);
                if (d < bd) { bd = d; best = self->rules[i]->code; }
            }
            struct as_buf b;
            as_buf_init(&b);
            as_buf_printf(&b, "unknown rule selector '%s'", sel);
            if (best && bd <= 3) as_buf_printf(&b, " (did you mean '%s'?)", best);
            *err = as_buf_detach(&b, NULL);
            return -1;
        }
    }
    return 0;
}

int as_ruleset_select(const struct as_ruleset *self, const char *select, const char *extend_select,
                      const char *ignore, bool *enabled, char **err)
{
    for (size_t i = 0; i < self->n; i++) enabled[i] = select ? false : self->rules[i]->default_on;
    if (apply_list(self, select, true, enabled, err)) return -1;
    if (apply_list(self, extend_select, true, enabled, err)) return -1;
    if (apply_list(self, ignore, false, enabled, err)) return -1;
    return 0;
}

/* ---- index ---------------------------------------------------------------------------------------------- */

struct index_entry {
    const char *key;
    VEC(struct as_rule_hit) hits;
};

struct as_rule_index {
    struct index_entry *slots;
    size_t mask;
    VEC(struct as_rule_hit) globs;
    char **segments;
    size_t n_segments;
};

static size_t hash_str(const char *s, size_t n)
{
    size_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static struct index_entry *slot_for(const struct as_rule_index *self, const char *key, bool create)
{
    size_t i = hash_str(key, strlen(key)) & self->mask;
    for (;;) {
        struct index_entry *e = &self->slots[i];
        if (!e->key) {
            if (!create) return NULL;
            e->key = key;
            return e;
        }
        if (strcmp(e->key, key) == 0) return e;
        i = (i + 1) & self->mask;
    }
}

static void add_segment(struct as_rule_index *self, const char *pattern)
{
    const char *dot = strrchr(pattern, '.');
    const char *seg = dot ? dot + 1 : pattern;
    for (size_t i = 0; i < self->n_segments; i++)
        if (strcmp(self->segments[i], seg) == 0) return;
    self->segments = as_xrealloc(self->segments, (self->n_segments + 1) * sizeof(char *));
    self->segments[self->n_segments++] = as_xstrdup(seg);
}

struct as_rule_index *as_rule_index_new(const struct as_ruleset *set, const bool *enabled)
{
    struct as_rule_index *self = as_xcalloc(1, sizeof(*self));
    size_t total = 0;
    for (size_t i = 0; i < set->n; i++) total += set->rules[i]->n_matches;
    size_t cap = 16;
    while (cap < total * 2 + 16) cap *= 2;
    self->mask = cap - 1;
    self->slots = as_xcalloc(cap, sizeof(*self->slots));
    for (size_t i = 0; i < set->n; i++) {
        if (!enabled[i] || !set->rules[i]->call_driven) continue;
        const struct as_rule *r = set->rules[i];
        for (size_t k = 0; k < r->n_matches; k++) {
            struct as_rule_hit hit = {r, &r->matches[k]};
            add_segment(self, r->matches[k].pattern);
            if (r->matches[k].is_glob) {
                vec_push(&self->globs, hit);
            } else {
                struct index_entry *e = slot_for(self, r->matches[k].pattern, true);
                vec_push(&e->hits, hit);
            }
        }
    }
    return self;
}

void as_rule_index_free(struct as_rule_index *self)
{
    if (!self) return;
    for (size_t i = 0; i <= self->mask; i++) vec_free(&self->slots[i].hits);
    free(self->slots);
    vec_free(&self->globs);
    for (size_t i = 0; i < self->n_segments; i++) free(self->segments[i]);
    free(self->segments);
    free(self);
}

void as_rule_index_lookup(const struct as_rule_index *self, const char *qname, bool globs_only,
                          void (*fn)(void *ud, const struct as_rule_hit *hit), void *ud)
{
    const struct index_entry *e = globs_only ? NULL : slot_for(self, qname, false);
    if (e)
        for (size_t i = 0; i < e->hits.len; i++) fn(ud, &e->hits.items[i]);
    for (size_t i = 0; i < self->globs.len; i++)
        if (as_qname_glob(self->globs.items[i].match->pattern, qname)) fn(ud, &self->globs.items[i]);
}

bool as_rule_index_has_name_segment(const struct as_rule_index *self, const char *seg, size_t len)
{
    for (size_t i = 0; i < self->n_segments; i++)
        if (strlen(self->segments[i]) == len && memcmp(self->segments[i], seg, len) == 0) return true;
    return false;
}
