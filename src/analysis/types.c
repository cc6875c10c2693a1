/* types.c — loading and validating the .types files in rules/types/ and rewriting qualified names through them; see types.h
 * and rules/types/README.md. */
#include "analysis/types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/embedded.h"
#include "util/strmap.h"
#include "util/xalloc.h"

#define MAX_TUPLE_ITEMS 8
#define MAX_LINE 512

struct type_entry {
    char *lhs;            /* "pathlib.Path().parent" */
    char *value;          /* "pathlib.Path()", or NULL for a tuple */
    char **items;         /* tuple: "socket.socket()" or NULL for `_` */
    uint32_t n_items;
    char *lhs_root;       /* "pathlib" */
    char *rhs_roots;      /* "pathlib\0" / "socket\0socket\0" then "\0" */
    char *source;         /* "rules/types/pathlib.types:12" (for duplicate errors) */
};

struct distinct_name {
    char *name;           /* "mkdir" */
    char *type;           /* "pathlib.Path()" */
    char *root;           /* "pathlib" */
};

struct as_types {
    struct type_entry *entries;
    size_t n, cap;
    struct as_strmap by_lhs;         /* lhs -> entry index */
    struct distinct_name *distinct;
    size_t n_distinct, cap_distinct;
    struct as_strmap by_distinct;    /* name -> distinct index */
};

struct as_types *as_types_new(void) { return as_xcalloc(1, sizeof(struct as_types)); }

static void entry_release(struct type_entry *e)
{
    free(e->lhs);
    free(e->value);
    for (uint32_t i = 0; i < e->n_items; i++) free(e->items[i]);
    free(e->items);
    free(e->lhs_root);
    free(e->rhs_roots);
    free(e->source);
}

void as_types_free(struct as_types *self)
{
    if (!self) return;
    for (size_t i = 0; i < self->n; i++) entry_release(&self->entries[i]);
    free(self->entries);
    for (size_t i = 0; i < self->n_distinct; i++) {
        free(self->distinct[i].name);
        free(self->distinct[i].type);
        free(self->distinct[i].root);
    }
    free(self->distinct);
    as_strmap_free(&self->by_lhs);
    as_strmap_free(&self->by_distinct);
    free(self);
}

/* ---- parsing ------------------------------------------------------------------------------------------------ */

static bool ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/* Length of the identifier at s (0 when none). */
static size_t ident_len(const char *s)
{
    if (!ident_start(*s)) return 0;
    size_t n = 1;
    while (ident_char(s[n])) n++;
    return n;
}

/* A dotted class name ("pathlib.Path"): identifiers joined by single dots. */
static bool valid_dotted(const char *s)
{
    for (;;) {
        size_t n = ident_len(s);
        if (!n) return false;
        s += n;
        if (!*s) return true;
        if (*s != '.') return false;
        s++;
    }
}

/* A left side: identifiers joined by dots, each optionally followed by "()"; at least two segments or a call. */
static bool valid_lhs(const char *s)
{
    size_t segments = 0;
    bool call = false;
    for (;;) {
        size_t n = ident_len(s);
        if (!n) return false;
        s += n;
        segments++;
        if (s[0] == '(' && s[1] == ')') {
            s += 2;
            call = true;
        }
        if (!*s) return segments > 1 || call;
        if (*s != '.') return false;
        s++;
    }
}

static char *root_of(const char *dotted)
{
    size_t n = 0;
    while (dotted[n] && dotted[n] != '.' && dotted[n] != '(') n++;
    return as_xstrndup(dotted, n);
}

/* "pathlib.Path" -> "pathlib.Path()" (heap): an instance of the class. */
static char *instance_of(const char *cls)
{
    size_t n = strlen(cls);
    char *s = as_xmalloc(n + 3);
    memcpy(s, cls, n);
    memcpy(s + n, "()", 3);
    return s;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) s[--n] = '\0';
    return s;
}

/* Parses the right side into e (a class, or a tuple of classes and `_`). Returns an error text or NULL. */
static const char *parse_rhs(char *rhs, struct type_entry *e)
{
    struct as_buf roots;
    as_buf_init(&roots);
    if (*rhs != '(') {
        if (!valid_dotted(rhs)) return "the right side must be a dotted class name or a tuple `(A, B)`";
        e->value = instance_of(rhs);
        char *r = root_of(rhs);
        as_buf_add(&roots, r, strlen(r) + 1);
        free(r);
    } else {
        size_t n = strlen(rhs);
        if (rhs[n - 1] != ')') return "a tuple must end with `)`";
        rhs[n - 1] = '\0';
        e->items = as_xcalloc(MAX_TUPLE_ITEMS, sizeof(char *));
        for (char *item = rhs + 1, *next; item; item = next) {
            next = strchr(item, ',');
            if (next) *next++ = '\0';
            item = trim(item);
            if (e->n_items == MAX_TUPLE_ITEMS) {
                as_buf_release(&roots);
                return "a tuple has at most 8 items";
            }
            if (strcmp(item, "_") == 0) {
                e->items[e->n_items++] = NULL;
                continue;
            }
            if (!valid_dotted(item)) {
                as_buf_release(&roots);
                return "a tuple item must be a dotted class name or `_`";
            }
            e->items[e->n_items++] = instance_of(item);
            char *r = root_of(item);
            as_buf_add(&roots, r, strlen(r) + 1);
            free(r);
        }
        if (e->n_items < 2) {
            as_buf_release(&roots);
            return "a tuple needs at least two items";
        }
    }
    as_buf_putc(&roots, '\0');
    e->rhs_roots = as_buf_detach(&roots, NULL);
    return NULL;
}

/* `distinct pathlib.Path: mkdir exists ...` */
static const char *parse_distinct(struct as_types *self, char *rest, struct as_buf *eb, const char *where)
{
    char *colon = strchr(rest, ':');
    if (!colon) return "expected `distinct CLASS: name name ...`";
    *colon = '\0';
    char *type = trim(rest);
    if (!valid_dotted(type)) return "`distinct` needs a dotted class name before `:`";
    char *names = colon + 1;
    size_t added = 0;
    char *save = NULL;
    for (char *tok = strtok_r(names, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
        if (ident_len(tok) != strlen(tok)) return "a distinct name must be an identifier";
        if (as_strmap_get(&self->by_distinct, tok) >= 0) {
            as_buf_printf(eb, "%s: error: distinct name `%s` is already given to another class\n", where, tok);
            continue;
        }
        if (self->n_distinct == self->cap_distinct) {
            self->cap_distinct = self->cap_distinct ? self->cap_distinct * 2 : 16;
            self->distinct = as_xrealloc(self->distinct, self->cap_distinct * sizeof(*self->distinct));
        }
        struct distinct_name *d = &self->distinct[self->n_distinct];
        d->name = as_xstrdup(tok);
        d->type = instance_of(type);
        d->root = root_of(type);
        as_strmap_put(&self->by_distinct, d->name, (int32_t)self->n_distinct);
        self->n_distinct++;
        added++;
    }
    return added ? NULL : "`distinct` lists no names";
}

/* One non-comment line. Errors go to eb. */
static void parse_line(struct as_types *self, char *line, const char *where, struct as_buf *eb)
{
    if (strncmp(line, "distinct ", 9) == 0) {
        const char *msg = parse_distinct(self, line + 9, eb, where);
        if (msg) as_buf_printf(eb, "%s: error: %s\n", where, msg);
        return;
    }
    char *arrow = strstr(line, "->");
    if (!arrow) {
        as_buf_printf(eb, "%s: error: expected `EXPRESSION -> TYPE` or `distinct CLASS: names`\n", where);
        return;
    }
    *arrow = '\0';
    char *lhs = trim(line), *rhs = trim(arrow + 2);
    if (!valid_lhs(lhs)) {
        as_buf_printf(eb, "%s: error: `%s` is not an expression like `pathlib.Path().parent` or `m.f()`\n", where,
                      lhs);
        return;
    }
    int32_t dup = as_strmap_get(&self->by_lhs, lhs);
    if (dup >= 0) {
        as_buf_printf(eb, "%s: error: `%s` is already typed at %s\n", where, lhs, self->entries[dup].source);
        return;
    }
    struct type_entry e;
    memset(&e, 0, sizeof(e));
    const char *msg = parse_rhs(rhs, &e);
    if (msg) {
        as_buf_printf(eb, "%s: error: %s\n", where, msg);
        entry_release(&e);
        return;
    }
    e.lhs = as_xstrdup(lhs);
    e.lhs_root = root_of(lhs);
    e.source = as_xstrdup(where);
    if (self->n == self->cap) {
        self->cap = self->cap ? self->cap * 2 : 64;
        self->entries = as_xrealloc(self->entries, self->cap * sizeof(*self->entries));
    }
    self->entries[self->n] = e;
    as_strmap_put(&self->by_lhs, self->entries[self->n].lhs, (int32_t)self->n);
    self->n++;
}

/* Drops what was added after the first `n` entries and `nd` distinct names (a file with an error adds nothing). */
static void truncate_to(struct as_types *self, size_t n, size_t nd)
{
    for (size_t i = n; i < self->n; i++) entry_release(&self->entries[i]);
    for (size_t i = nd; i < self->n_distinct; i++) {
        free(self->distinct[i].name);
        free(self->distinct[i].type);
        free(self->distinct[i].root);
    }
    self->n = n;
    self->n_distinct = nd;
    as_strmap_clear(&self->by_lhs);
    as_strmap_clear(&self->by_distinct);
    for (size_t i = 0; i < self->n; i++) as_strmap_put(&self->by_lhs, self->entries[i].lhs, (int32_t)i);
    for (size_t i = 0; i < self->n_distinct; i++)
        as_strmap_put(&self->by_distinct, self->distinct[i].name, (int32_t)i);
}

int as_types_add_file(struct as_types *self, const char *source, const char *text, size_t len, char **err)
{
    struct as_buf eb;
    as_buf_init(&eb);
    size_t n0 = self->n, nd0 = self->n_distinct;
    size_t lineno = 0;
    for (size_t pos = 0; pos < len;) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        lineno++;
        char where[256];
        snprintf(where, sizeof(where), "%s:%zu", source, lineno);
        if (end - pos > MAX_LINE) {
            as_buf_printf(&eb, "%s: error: line longer than %d bytes\n", where, MAX_LINE);
        } else if (memchr(text + pos, '\0', end - pos)) {
            as_buf_printf(&eb, "%s: error: NUL byte\n", where);
        } else {
            char line[MAX_LINE + 1];
            memcpy(line, text + pos, end - pos);
            line[end - pos] = '\0';
            char *hash = strstr(line, " #");
            if (hash) *hash = '\0';
            char *t = trim(line);
            if (*t && *t != '#') parse_line(self, t, where, &eb);
        }
        pos = end + 1;
    }
    if (eb.len) {
        truncate_to(self, n0, nd0);
        *err = as_buf_detach(&eb, NULL);
        return -1;
    }
    as_buf_release(&eb);
    return 0;
}

struct as_types *as_types_load_embedded(char **err)
{
    struct as_types *self = as_types_new();
    struct as_buf eb;
    as_buf_init(&eb);
    for (size_t i = 0; i < as_embedded_count; i++) {
        const struct as_embedded *e = &as_embedded_files[i];
        size_t nl = strlen(e->name);
        if (strncmp(e->name, "rules/types/", 12) != 0 || nl < 6 || strcmp(e->name + nl - 6, ".types") != 0) continue;
        char *ferr = NULL;
        if (as_types_add_file(self, e->name, e->data, e->len, &ferr) != 0) {
            as_buf_puts(&eb, ferr);
            free(ferr);
        }
    }
    if (eb.len) {
        *err = as_buf_detach(&eb, NULL);
        as_types_free(self);
        return NULL;
    }
    as_buf_release(&eb);
    return self;
}

/* ---- flowing names through the table ------------------------------------------------------------------------ */

static const char *lookup(const struct as_types *self, as_types_extra_fn extra, void *ud, const char *key)
{
    int32_t i = self ? as_strmap_get(&self->by_lhs, key) : -1;
    if (i >= 0) return self->entries[i].value;   /* NULL for a tuple: not substituted inline */
    return extra ? extra(ud, key) : NULL;
}

/* Length of the token at q: "()", ".name", or the leading name. */
static size_t token_len(const char *q)
{
    if (q[0] == '(' && q[1] == ')') return 2;
    size_t n = q[0] == '.' ? 1 : 0;
    while (q[n] && q[n] != '.' && q[n] != '(') n++;
    return n ? n : 1;
}

const char *as_types_flow(const struct as_types *self, as_types_extra_fn extra, void *ud, struct as_arena *arena,
                          const char *qname)
{
    if (!qname) return qname;
    struct as_buf cur;
    as_buf_init(&cur);
    bool changed = false;
    for (const char *q = qname; *q;) {
        size_t n = token_len(q);
        bool divided = self && cur.len == 7 && memcmp(cur.data, "<div>()", 7) == 0;
        as_buf_add(&cur, q, n);
        q += n;
        if (divided && n > 1 && cur.data[7] == '.') {
            int32_t d = as_strmap_get_n(&self->by_distinct, cur.data + 8, n - 1);
            if (d >= 0) {
                as_buf_reset(&cur);
                as_buf_puts(&cur, self->distinct[d].type);
                as_buf_add(&cur, q - n, n);
                changed = true;
            }
            continue;
        }
        as_buf_putc(&cur, '\0');
        cur.len--;
        const char *v = lookup(self, extra, ud, cur.data);
        if (v && strcmp(v, cur.data) != 0) {
            as_buf_reset(&cur);
            as_buf_puts(&cur, v);
            changed = true;
        }
    }
    const char *out = changed ? as_arena_strndup(arena, cur.data, cur.len) : qname;
    as_buf_release(&cur);
    return out;
}

const char *as_types_item(const struct as_types *self, const char *qname, uint32_t index)
{
    if (!self || !qname) return NULL;
    int32_t i = as_strmap_get(&self->by_lhs, qname);
    if (i < 0) return NULL;
    const struct type_entry *e = &self->entries[i];
    return index < e->n_items ? e->items[index] : NULL;
}

bool as_types_roots(const struct as_types *self, size_t i, const char **lhs_root, const char **rhs_roots)
{
    if (!self || i >= self->n) return false;
    *lhs_root = self->entries[i].lhs_root;
    *rhs_roots = self->entries[i].rhs_roots;
    return true;
}

bool as_types_distinct(const struct as_types *self, size_t i, const char **name, const char **type_root)
{
    if (!self || i >= self->n_distinct) return false;
    *name = self->distinct[i].name;
    *type_root = self->distinct[i].root;
    return true;
}
