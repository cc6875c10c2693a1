/* exception_groups.c — the `except` clauses that catch exception groups, in any code (facts.h, struct as_try):
 * - kind "bad-exception-group-flattening" (ASYNC123): in a clause that catches a group (`except*`, or one whose
 *   exception names ExceptionGroup or BaseExceptionGroup) with `as g`, a `raise` of one of the exceptions inside
 *   the group (`g.exceptions[0]`, through names bound to groups, their `.exceptions`, `subgroup()` / `split()`,
 *   an element, or a `for` over them, in order): raising it sets its `__context__` to the group and replaces its
 *   traceback. Reported on the raise, once.
 * - kind "except-star-invalid-attribute" (ASYNC400): in an `except*` clause with `as g`, `g.attr` where attr is
 *   not an attribute of exception groups (message, exceptions, subgroup, split, derive, args, with_traceback,
 *   add_note, dunders): under `except*` the name is always a group. Reported on the access, until the name is
 *   bound again; not inside nested functions. */
#include <string.h>

#include "checks/cancelled.h"

#define MAX_NAMES 64

enum { GROUP = 1, LIST = 2, CHILD = 4 };

struct names {
    const char *name[MAX_NAMES];
    unsigned kind[MAX_NAMES];
    size_t n;
};

static unsigned kind_of(const struct names *ns, const char *s, size_t n)
{
    unsigned k = 0;
    for (size_t i = 0; i < ns->n; i++)
        if (strlen(ns->name[i]) == n && memcmp(ns->name[i], s, n) == 0) k |= ns->kind[i];
    return k;
}

static void add_name(struct names *ns, const char *name, unsigned kind)
{
    if (ns->n < MAX_NAMES) {
        ns->name[ns->n] = name;
        ns->kind[ns->n++] = kind;
    }
}

static size_t blanks(const char *s, size_t i, size_t n)
{
    while (i < n && strchr(" \t\r\n\\", s[i])) i++;
    return i;
}

/* Where the bracket opened at s[i] closes (strings skipped), or n. */
static size_t closing(const char *s, size_t i, size_t n) { return as_bracket_scan(s, (uint32_t)i + 1, (uint32_t)n, false); }

/* What the expression s[0, n) is: a group (GROUP), a list of a group's exceptions (LIST), one of them (CHILD,
 * which is a group too: it may be one), or nothing known (0). Names, `.exceptions`, `[i]`, `.subgroup(...)` and
 * `.split(...)`, in outer parentheses or not. */
static unsigned classify(const struct names *ns, const char *s, size_t n)
{
    size_t i = blanks(s, 0, n);
    while (n > i && strchr(" \t\r\n", s[n - 1])) n--;
    while (i < n && s[i] == '(' && closing(s, i, n) == n - 1) {   /* (expr) */
        i = blanks(s, i + 1, n - 1);
        n--;
        while (n > i && strchr(" \t\r\n", s[n - 1])) n--;
    }
    size_t a = i;
    while (i < n && as_name_byte((unsigned char)s[i])) i++;
    if (i == a || (s[a] >= '0' && s[a] <= '9')) return 0;
    unsigned k = kind_of(ns, s + a, i - a);
    if (k & CHILD) k |= GROUP;
    while (k && (i = blanks(s, i, n)) < n) {
        if (s[i] == '.') {
            size_t b = i = blanks(s, i + 1, n);
            while (i < n && as_name_byte((unsigned char)s[i])) i++;
            size_t len = i - b;
            if (len == 10 && memcmp(s + b, "exceptions", 10) == 0 && (k & GROUP)) {
                k = LIST;
            } else if (((len == 8 && memcmp(s + b, "subgroup", 8) == 0) || (len == 5 && memcmp(s + b, "split", 5) == 0)) &&
                       (k & GROUP) && (i = blanks(s, i, n)) < n && s[i] == '(') {
                i = closing(s, i, n) + 1;
                k = GROUP;
            } else {
                k = 0;
            }
        } else if (s[i] == '[' && (k & LIST)) {
            i = closing(s, i, n) + 1;
            k = CHILD | GROUP;
        } else {
            k = 0;
        }
    }
    return i >= n ? k : 0;
}

/* Whether the clause catches a group: `except*`, or its exception names (Base)ExceptionGroup as a word. */
static bool catches_group(struct as_check_ctx *ctx, const struct as_handler *h)
{
    if (h->star) return true;
    const char *src = ctx->src;
    for (uint32_t i = h->type.start; i + 14 <= h->type.end; i++) {
        if (memcmp(src + i, "ExceptionGroup", 14) != 0) continue;
        uint32_t s = i >= 4 && memcmp(src + i - 4, "Base", 4) == 0 ? i - 4 : i;
        if ((s == h->type.start || !as_name_byte((unsigned char)src[s - 1])) &&
            (i + 14 == h->type.end || !as_name_byte((unsigned char)src[i + 14])))
            return true;
    }
    return false;
}

struct reported {
    uint32_t *at;
    size_t n, cap;
};

/* Whether the raise at pos was reported already (a nested try's clause sees it too); records it. */
static bool seen_before(struct as_check_ctx *ctx, struct reported *r, uint32_t pos)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->at[i] == pos) return true;
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        uint32_t *at = as_arena_alloc(ctx->arena, cap * sizeof(uint32_t));
        if (r->n) memcpy(at, r->at, r->n * sizeof(uint32_t));
        r->at = at;
        r->cap = cap;
    }
    r->at[r->n++] = pos;
    return false;
}

/* The bindings and raises of the clause's block, in order, tracking the names of groups, lists and children. */
static void check_flattening(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_try *t,
                             const struct as_handler *h, struct reported *done)
{
    const struct as_facts *f = ctx->model->facts;
    struct names ns = {{0}, {0}, 0};
    add_name(&ns, h->name, GROUP);
    size_t b = 0, r = 0;
    while (b < f->n_bindings || r < t->n_raises) {
        bool binding = r >= t->n_raises || (b < f->n_bindings && f->bindings[b].pos < t->raises[r].stmt.start);
        if (binding) {
            const struct as_binding *x = &f->bindings[b++];
            if (x->pos < h->body.start || x->pos >= h->body.end || !x->value.span.end) continue;
            unsigned k = classify(&ns, ctx->src + x->value.span.start, x->value.span.end - x->value.span.start);
            if (x->kind == AS_BIND_ASSIGN)
                add_name(&ns, x->name, k & CHILD ? CHILD : k & LIST ? LIST : k & GROUP ? GROUP : 0);
            else if (x->kind == AS_BIND_PLAIN && x->unpack_index >= 0 && (k & GROUP))
                add_name(&ns, x->name, GROUP);
            else if (x->kind == AS_BIND_PLAIN && x->unpack_index == AS_UNPACK_ELEMENT && (k & LIST))
                add_name(&ns, x->name, CHILD);
            continue;
        }
        const struct as_raise *x = &t->raises[r++];
        if (x->stmt.start < h->body.start || x->stmt.start >= h->body.end || !x->exc.end) continue;
        if (!(classify(&ns, ctx->src + x->exc.start, x->exc.end - x->exc.start) & CHILD)) continue;
        if (seen_before(ctx, done, x->stmt.start)) continue;
        const char *msg = as_flow_message(ctx, rule->message, as_check_text(ctx, x->exc), NULL, 0);
        struct as_finding fd = {rule, x->stmt, msg, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

static void on_file_123(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    struct reported done = {NULL, 0, 0};
    for (size_t i = 0; i < f->n_trys; i++)
        for (uint32_t k = 0; k < f->trys[i].n_clauses; k++) {
            const struct as_handler *h = &f->trys[i].clauses[k];
            if (h->name && catches_group(ctx, h)) check_flattening(ctx, rule, &f->trys[i], h, &done);
        }
}

static bool group_attribute(const char *s, size_t n)
{
    static const char *const ok[] = {"message", "exceptions", "subgroup", "split", "derive", "args", "with_traceback",
                                     "add_note", "_is_protocol", NULL};
    if (n > 4 && memcmp(s, "__", 2) == 0 && memcmp(s + n - 2, "__", 2) == 0) return true;
    for (size_t i = 0; ok[i]; i++)
        if (strlen(ok[i]) == n && memcmp(ok[i], s, n) == 0) return true;
    return false;
}

/* Whether pos is in the header of an `except` clause (its `as` name: bound for that clause's block only). */
static bool in_clause_header(const struct as_facts *f, uint32_t pos)
{
    for (size_t i = 0; i < f->n_trys; i++)
        for (uint32_t k = 0; k < f->trys[i].n_clauses; k++)
            if (pos >= f->trys[i].clauses[k].span.start && pos < f->trys[i].clauses[k].body.start) return true;
    return false;
}

static void check_star_clause(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_handler *h)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    int32_t fn = as_model_context_scope(m, as_model_scope_at(m, h->span.start));
    uint32_t until = h->body.end;   /* the name is bound again there */
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->pos >= h->body.start && b->pos < until && strcmp(b->name, h->name) == 0 &&
            b->unpack_index != AS_UNPACK_ELEMENT && as_model_context_scope(m, b->scope) == fn && !in_clause_header(f, b->pos))
            until = b->pos;
    }
    size_t len = strlen(h->name);
    for (size_t i = 0; i < f->n_refs; i++) {
        const struct as_ref *r = &f->refs[i];
        if (r->pos < h->body.start || r->pos >= until || strcmp(r->name, h->name) != 0) continue;
        if (as_model_context_scope(m, r->scope) != fn) continue;
        size_t j = blanks(ctx->src, r->pos + len, h->body.end);
        if (j >= h->body.end || ctx->src[j] != '.') continue;
        size_t a = blanks(ctx->src, j + 1, h->body.end), e = a;
        while (e < h->body.end && as_name_byte((unsigned char)ctx->src[e])) e++;
        if (e == a || group_attribute(ctx->src + a, e - a)) continue;
        const char *attr = as_arena_strndup(ctx->arena, ctx->src + a, e - a);
        const char *msg = as_flow_message(ctx, rule->message, attr, h->name, 0);
        struct as_finding fd = {rule, {r->pos, (uint32_t)e}, msg, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

static void on_file_400(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_trys; i++)
        for (uint32_t k = 0; k < f->trys[i].n_clauses; k++) {
            const struct as_handler *h = &f->trys[i].clauses[k];
            if (h->star && h->name) check_star_clause(ctx, rule, h);
        }
}

/* The pre-parse skip's words (`except*`: the keyword followed by a star, blanks between allowed): a finding of
 * ASYNC123 needs `.exceptions` and a clause naming (Base)ExceptionGroup or an `except*`; ASYNC400 an `except*`. */
const struct as_check_kind as_check_bad_exception_group_flattening = {
    "bad-exception-group-flattening", false, NULL, on_file_123, false,
    "ExceptionGroup.exceptions BaseExceptionGroup.exceptions except*.exceptions", AS_OUTLINE_NONE, false, false};
const struct as_check_kind as_check_except_star_invalid_attribute = {
    "except-star-invalid-attribute", false, NULL, on_file_400, false, "except*", AS_OUTLINE_NONE, false, false};
