/* guards.c — the conditions a call runs under; see guards.h. */
#include "analysis/guards.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#define MAX_TERMS 16
#define MAX_TERM_LEN 128

/* A condition read as `or` of `and` clauses of dotted names. */
struct condition {
    char terms[MAX_TERMS][MAX_TERM_LEN];
    int clause[MAX_TERMS];   /* the `or` operand (clause) of each term */
    int n_terms, n_clauses;
};

/* Reads the condition's text; false when it is anything but names, dots, `or` and `and`. */
static bool read_condition(const char *src, struct as_span sp, struct condition *c)
{
    c->n_terms = 0;
    c->n_clauses = 1;
    bool want_term = true;
    for (uint32_t i = sp.start; i < sp.end;) {
        unsigned char ch = (unsigned char)src[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\\') { i++; continue; }
        if (!as_name_byte(ch) || (ch >= '0' && ch <= '9')) return false;
        uint32_t j = i;
        while (j < sp.end && (as_name_byte((unsigned char)src[j]) || src[j] == '.')) j++;
        size_t n = j - i;
        bool is_or = n == 2 && memcmp(src + i, "or", 2) == 0, is_and = n == 3 && memcmp(src + i, "and", 3) == 0;
        if (is_or || is_and) {
            if (want_term) return false;
            if (is_or) c->n_clauses++;
            want_term = true;
        } else {
            if (!want_term || n >= MAX_TERM_LEN || c->n_terms == MAX_TERMS) return false;
            if (n == 3 && memcmp(src + i, "not", 3) == 0) return false;
            memcpy(c->terms[c->n_terms], src + i, n);
            c->terms[c->n_terms][n] = '\0';
            c->clause[c->n_terms++] = c->n_clauses - 1;
            want_term = false;
        }
        i = j;
    }
    return !want_term && c->n_terms > 0;
}

/* Whether a parameter binding has a falsy literal default (`debug=False`, `debug: bool = None`). */
static bool default_is_falsy(const struct as_model *m, const struct as_binding *b)
{
    const char *src = m->source;
    uint32_t eq = 0, depth = 0;
    for (uint32_t i = b->stmt.start; i < b->stmt.end; i++) {
        char ch = src[i];
        if (ch == '(' || ch == '[' || ch == '{') depth++;
        else if ((ch == ')' || ch == ']' || ch == '}') && depth) depth--;
        else if (ch == '=' && !depth && !eq) eq = i + 1;
    }
    if (!eq) return false;
    uint32_t a = eq, e = b->stmt.end;
    while (a < e && (src[a] == ' ' || src[a] == '\t')) a++;
    while (e > a && (src[e - 1] == ' ' || src[e - 1] == '\t' || src[e - 1] == '\n')) e--;
    static const char *const falsy[] = {"None", "False", "0", "0.0", "''", "\"\"", "()", "[]", "{}", NULL};
    for (size_t k = 0; falsy[k]; k++)
        if (strlen(falsy[k]) == e - a && memcmp(src + a, falsy[k], e - a) == 0) return true;
    return false;
}

static bool falsy_literal(const struct as_expr *e)
{
    if (e->kind == AS_EXPR_CONST) return strcmp(e->text, "False") == 0 || strcmp(e->text, "None") == 0;
    if (e->kind == AS_EXPR_NUMBER) return strcmp(e->text, "0") == 0 || strcmp(e->text, "0.0") == 0;
    return e->kind == AS_EXPR_STRING && e->text[0] == '\0';
}

static bool is_method(const struct as_model *m, int32_t fn)
{
    const struct as_facts *f = m->facts;
    if (fn <= 0 || f->scopes[fn].parent < 0 || f->scopes[f->scopes[fn].parent].kind != AS_SCOPE_CLASS) return false;
    for (size_t d = 0; d < f->n_decorators; d++) {
        const struct as_decorator *dec = &f->decorators[d];
        if (dec->function.start == f->scopes[fn].node.start && dec->expr.kind == AS_EXPR_NAME &&
            strcmp(dec->expr.head, "staticmethod") == 0)
            return false;
    }
    return true;
}

/* Parameter `name` of function fn, when it has a falsy default and nothing else in fn binds the name; its
 * positional index (-1: keyword-only) in *index. */
static const struct as_binding *falsy_param(const struct as_model *m, int32_t fn, const char *name, int *index)
{
    const struct as_facts *f = m->facts;
    const struct as_binding *found = as_model_first_binding(m, fn, name);
    if (!found || found->kind != AS_BIND_PARAM || found->next >= 0) return NULL;   /* rebound in fn: unsure */
    if (m->source[found->stmt.start] == '*' || !default_is_falsy(m, found)) return NULL;
    /* its position among the parameters (contiguous in the bindings, which are sorted by position) */
    int k = is_method(m, fn) ? -1 : 0;   /* self/cls is not passed */
    for (int32_t i = m->first_param[fn]; i >= 0 && (size_t)i < f->n_bindings && &f->bindings[i] != found; i++)
        if (f->bindings[i].scope == fn && f->bindings[i].kind == AS_BIND_PARAM &&
            m->source[f->bindings[i].stmt.start] != '*')
            k++;
    /* after `*args` or a bare `*` (which binds nothing), a parameter is keyword-only */
    bool keyword_only = false;
    for (uint32_t i = f->scopes[fn].params.start; i < found->stmt.start && !keyword_only; i++)
        if (m->source[i] == '*') keyword_only = true;
    *index = keyword_only ? -1 : k;
    return found;
}

/* Whether `self.<attr>` (fn a method of class cls) is only ever set to falsy values in the class: falsy literals,
 * or parameters with falsy defaults of the method that sets it; at least once. */
static bool falsy_attribute(const struct as_model *m, int32_t fn, const char *term)
{
    const struct as_facts *f = m->facts;
    if (!is_method(m, fn)) return false;
    int32_t fp = m->first_param[fn], cls = f->scopes[fn].parent;
    const char *dot = strchr(term, '.');
    if (fp < 0 || !dot || strchr(dot + 1, '.') || strncmp(term, f->bindings[fp].name, (size_t)(dot - term)) != 0 ||
        f->bindings[fp].name[dot - term] != '\0')
        return false;
    const char *attr = dot + 1;
    size_t sets = 0;
    for (const struct as_binding *b = as_model_first_binding(m, cls, attr); b;   /* a class-level default */
         b = b->next >= 0 ? &f->bindings[b->next] : NULL)
        if (b->kind != AS_BIND_ASSIGN || !falsy_literal(&b->value)) return false;
    for (size_t i = 0; i < f->n_attrs; i++) {
        const struct as_attr_assign *a = &f->attrs[i];
        if (strcmp(a->name, attr) != 0) continue;
        int32_t in = a->scope;
        if (in <= 0 || f->scopes[in].kind != AS_SCOPE_FUNCTION || f->scopes[in].parent != cls) continue;
        if (m->first_param[in] < 0 || strcmp(f->bindings[m->first_param[in]].name, a->object) != 0) continue;
        int index;
        bool ok = falsy_literal(&a->value) ||
                  (a->value.kind == AS_EXPR_NAME && !*a->value.tail && falsy_param(m, in, a->value.head, &index));
        if (!ok) return false;
        sets++;
    }
    return sets > 0;
}

/* The guard a condition gives a call of function fn (see as_guard_of_call), or NULL. */
static const char *guard_of_condition(const struct as_model *m, int32_t fn, struct as_span cond)
{
    struct condition c;
    if (!read_condition(m->source, cond, &c)) return NULL;
    struct as_buf out;
    as_buf_init(&out);
    bool attribute = false;
    for (int clause = 0; clause < c.n_clauses; clause++) {
        bool found = false, found_attr = false;
        for (int t = 0; t < c.n_terms && !found; t++) {
            if (c.clause[t] != clause) continue;
            int index;
            const struct as_binding *p = strchr(c.terms[t], '.') ? NULL : falsy_param(m, fn, c.terms[t], &index);
            if (p) {
                as_buf_printf(&out, "%s%d:%s", out.len ? "," : "", index, p->name);
                found = true;
            } else if (falsy_attribute(m, fn, c.terms[t])) {
                found_attr = true;
            }
        }
        if (!found && !found_attr) {   /* this `or` operand may be true whatever the parameters: unguarded */
            as_buf_release(&out);
            return NULL;
        }
        attribute = attribute || !found;
    }
    const char *g = attribute ? "@" : as_arena_strdup(m->arena, out.data);
    as_buf_release(&out);
    return g;
}

/* The first call (calls are sorted by position) starting at or after pos. */
static size_t first_call_at(const struct as_facts *f, uint32_t pos)
{
    size_t lo = 0, hi = f->n_calls;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->calls[mid].span.start < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

const char **as_guards_of_calls(const struct as_model *m)
{
    const struct as_facts *f = m->facts;
    const char **out = as_arena_alloc(m->arena, (f->n_calls ? f->n_calls : 1) * sizeof(char *));
    /* each condition is read once; the branches come outer first (sorted by body start), so a call keeps the
     * outermost parameter guard, else an attribute's */
    for (size_t i = 0; i < f->n_branches; i++) {
        const struct as_branch *br = &f->branches[i];
        int32_t fn = as_model_context_scope(m, as_model_scope_at(m, br->body.start));
        if (fn <= 0 || f->scopes[fn].kind != AS_SCOPE_FUNCTION) continue;
        const char *g = guard_of_condition(m, fn, br->cond);
        if (!g) continue;
        bool attribute = strcmp(g, "@") == 0;
        size_t k = first_call_at(f, br->body.start);
        for (; k < f->n_calls && f->calls[k].span.start < br->body.end; k++) {
            if (f->calls[k].span.end > br->body.end || as_model_context_scope(m, f->calls[k].scope) != fn) continue;
            if (!out[k] || (!attribute && strcmp(out[k], "@") == 0)) out[k] = g;
        }
    }
    return out;
}

const char *as_guard_of_call(const struct as_model *m, size_t call_index)
{
    return as_guards_of_calls(m)[call_index];
}

/* The caller's flag parameter an argument forwards (`debug=debug`), as "i:name", or NULL. */
static const char *forwarded_param(const struct as_model *m, int32_t fn, const struct as_expr *v)
{
    if (fn <= 0 || v->kind != AS_EXPR_NAME || *v->tail) return NULL;
    int index;
    const struct as_binding *p = falsy_param(m, fn, v->head, &index);
    return p ? as_arena_printf(m->arena, "%d:%s", index, p->name) : NULL;
}

const char *as_call_shape(const struct as_model *m, size_t call_index)
{
    const struct as_call *call = &m->facts->calls[call_index];
    if (call->has_star_args) return "*";
    int32_t fn = as_model_context_scope(m, call->scope);
    struct as_buf b, fwd;
    as_buf_init(&b);
    as_buf_init(&fwd);
    uint32_t pos = 0;
    for (uint32_t i = 0; i < call->n_args; i++) {
        if (call->args[i].keyword) continue;
        const char *from = forwarded_param(m, fn, &call->args[i].value);
        as_buf_putc(&b, falsy_literal(&call->args[i].value) ? 'F' : from ? 'P' : 'T');
        if (from) as_buf_printf(&fwd, "%u=%s,", pos, from);
        pos++;
    }
    as_buf_putc(&b, '|');
    for (uint32_t i = 0; i < call->n_args; i++) {
        const struct as_arg *a = &call->args[i];
        if (!a->keyword || falsy_literal(&a->value)) continue;
        const char *from = forwarded_param(m, fn, &a->value);
        as_buf_printf(&b, from ? "%s=%s," : "%s,", a->keyword, from);
    }
    as_buf_printf(&b, "|%s", fwd.data ? fwd.data : "");
    const char *s = as_arena_strdup(m->arena, b.data);
    as_buf_release(&b);
    as_buf_release(&fwd);
    return s;
}

/* The keyword entry `name[=from]` of the shape's keyword section for `name` (n bytes), or NULL; *from_out gets
 * what follows '=' (up to the comma) or NULL. */
static const char *keyword_entry(const char *kws, const char *name, size_t n, const char **from_out)
{
    for (const char *k = kws; *k && *k != '|';) {
        size_t kn = strcspn(k, ",|");
        size_t nl = strcspn(k, "=,|");
        if (nl == n && strncmp(k, name, n) == 0) {
            *from_out = k[nl] == '=' ? k + nl + 1 : NULL;
            return k;
        }
        k += kn + (k[kn] == ',');
    }
    return NULL;
}

/* Walks the guard's entries ("i:name,..."): how the call passes each. Returns true as soon as one may be truthy
 * (not forwarded); appends the forwarded ones' caller parameters to fwd when it is not NULL. */
static bool guard_walk(const char *guard, const char *shape, struct as_buf *fwd)
{
    if (!shape || strcmp(shape, "*") == 0) return true;   /* unknown: it may pass anything */
    const char *bar = strchr(shape, '|');
    size_t npos = bar ? (size_t)(bar - shape) : 0;
    const char *kws = bar ? bar + 1 : "";
    const char *bar2 = strchr(kws, '|');
    const char *fwd_pos = bar2 ? bar2 + 1 : "";
    for (const char *g = guard; g && *g;) {
        const char *colon = strchr(g, ':');
        if (!colon) return true;
        int index = (int)strtol(g, NULL, 10);
        const char *name = colon + 1;
        size_t n = strcspn(name, ",");
        char c = index >= 0 && (size_t)index < npos ? shape[index] : 0;
        if (c == 'T') return true;
        if (c == 'P' && fwd) {
            char key[16];
            int kl = snprintf(key, sizeof(key), "%d=", index);
            for (const char *f = fwd_pos; *f; f += strcspn(f, ",") + (f[strcspn(f, ",")] == ',')) {
                if (strncmp(f, key, (size_t)kl) == 0)
                    as_buf_printf(fwd, "%s%.*s", fwd->len ? "," : "", (int)strcspn(f + kl, ","), f + kl);
            }
        }
        const char *from = NULL;
        if (keyword_entry(kws, name, n, &from)) {
            if (!from) return true;
            if (fwd) as_buf_printf(fwd, "%s%.*s", fwd->len ? "," : "", (int)strcspn(from, ",|"), from);
        }
        g = name[n] ? name + n + 1 : name + n;
    }
    return false;
}

bool as_guard_passed(const char *guard, const char *shape)
{
    return guard_walk(guard, shape, NULL);
}

const char *as_guard_forwarded(const char *guard, const char *shape, struct as_arena *arena)
{
    struct as_buf fwd;
    as_buf_init(&fwd);
    const char *out = NULL;
    if (!guard_walk(guard, shape, &fwd) && fwd.len) out = as_arena_strdup(arena, fwd.data);
    as_buf_release(&fwd);
    return out;
}
