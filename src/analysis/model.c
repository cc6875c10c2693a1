/* model.c — scopes, binding lookup and qualified-name resolution for one file; see model.h. */
#include "analysis/model.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/stdlib_exports.h"
#include "analysis/types.h"

#define MAX_RESOLVE_DEPTH 12
#define MAX_EITHER_DEPTH 6     /* resolution depth beyond which `a if c else b` / `a or b` is not followed */
#define MAX_FLOW_NAME 1024     /* longer qualified names are not rewritten through the types (none is that long) */

static uint32_t hash_key(int32_t scope, const char *name)
{
    uint32_t h = 2166136261u ^ (uint32_t)scope * 16777619u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 16777619u;
    return h;
}

static bool span_contains(struct as_span s, uint32_t pos) { return pos >= s.start && pos < s.end; }

int32_t as_model_scope_at(const struct as_model *self, uint32_t pos)
{
    const struct as_facts *f = self->facts;
    /* Scopes 1..n-1 are sorted by body start; find the last one starting at or before pos, then walk up
     * through parents until one contains pos. */
    size_t lo = 1, hi = f->n_scopes;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->scopes[mid].body.start <= pos) lo = mid + 1;
        else hi = mid;
    }
    int32_t s = (int32_t)lo - 1;
    while (s > 0 && !span_contains(f->scopes[s].body, pos)) s = f->scopes[s].parent;
    return s < 0 ? 0 : s;
}

/* The function/lambda scope whose node is exactly `owner` (the owner of a parameter), or -1. Scopes are sorted
 * by body start; a def's body starts after its node start, so search the node start among nearby scopes. */
static int32_t scope_with_node(const struct as_model *self, struct as_span owner)
{
    const struct as_facts *f = self->facts;
    if (owner.end == 0) return -1;
    int32_t s = as_model_scope_at(self, owner.end > 0 ? owner.end - 1 : 0);
    for (; s > 0; s = f->scopes[s].parent)
        if (f->scopes[s].node.start == owner.start && f->scopes[s].node.end == owner.end) return s;
    return -1;
}

int32_t as_model_context_scope(const struct as_model *self, int32_t scope)
{
    const struct as_facts *f = self->facts;
    while (scope > 0) {
        enum as_scope_kind k = f->scopes[scope].kind;
        if (k == AS_SCOPE_FUNCTION || k == AS_SCOPE_LAMBDA) return scope;
        scope = f->scopes[scope].parent;
    }
    return -1;
}

bool as_model_in_async(const struct as_model *self, int32_t scope)
{
    int32_t s = as_model_context_scope(self, scope);
    return s > 0 && self->facts->scopes[s].is_async;
}

bool as_model_in_async_at(const struct as_model *self, int32_t scope, uint32_t pos)
{
    int32_t s = as_model_context_scope(self, scope);
    if (s > 0) return self->facts->scopes[s].is_async;
    for (size_t i = 0; i < self->n_async_top_level; i++)
        if (pos >= self->async_top_level[i].start && pos < self->async_top_level[i].end) return true;
    return false;
}

/* The enclosing non-comprehension scope: where a walrus inside a comprehension binds (PEP 572), and where a
 * star import's names are looked for. */
static int32_t binding_scope(const struct as_model *self, int32_t scope)
{
    while (scope > 0 && self->facts->scopes[scope].kind == AS_SCOPE_COMPREHENSION)
        scope = self->facts->scopes[scope].parent;
    return scope;
}

/* All bindings of one name in one scope, in source order, with what lookups ask of them precomputed, so a
 * lookup is one hash probe and a binary search however often the name is rebound. */
struct as_binding_slot {
    int32_t head;          /* first binding (chains through as_binding.next), -1 for an empty slot */
    int32_t count;
    int32_t *chain;        /* the binding indices in source order */
    int32_t first_real;    /* first binding that is not a global/nonlocal declaration, or -1 */
    int32_t last_real;     /* last such binding, or -1 */
    bool has_global, has_nonlocal;
};

static const struct as_binding_slot *slot_find(const struct as_model *self, int32_t scope, const char *name)
{
    uint32_t i = hash_key(scope, name) & self->table_mask;
    for (;;) {
        const struct as_binding_slot *sl = &self->table[i];
        if (sl->head < 0) return NULL;
        const struct as_binding *bd = &self->facts->bindings[sl->head];
        if (bd->scope == scope && strcmp(bd->name, name) == 0) return sl;
        i = (i + 1) & self->table_mask;
    }
}

static int32_t table_first(const struct as_model *self, int32_t scope, const char *name)
{
    const struct as_binding_slot *sl = slot_find(self, scope, name);
    return sl ? sl->head : -1;
}

const struct as_binding *as_model_first_binding(const struct as_model *self, int32_t scope, const char *name)
{
    int32_t k = table_first(self, scope, name);
    return k >= 0 ? &self->facts->bindings[k] : NULL;
}

static bool is_declaration(const struct as_binding *b)
{
    return b->kind == AS_BIND_GLOBAL || b->kind == AS_BIND_NONLOCAL;
}

/* Binding of name in exactly `scope` visible at pos: the last one at or before pos; with `any_pos`, the last
 * one in the scope (a function body sees the final state of enclosing scopes). Declarations are skipped. */
static const struct as_binding *binding_in(const struct as_model *self, int32_t scope, const char *name,
                                           uint32_t pos, bool any_pos, bool *declared_global, bool *declared_nonlocal)
{
    const struct as_binding_slot *sl = slot_find(self, scope, name);
    if (!sl) return NULL;
    if (sl->has_global && declared_global) *declared_global = true;
    if (sl->has_nonlocal && declared_nonlocal) *declared_nonlocal = true;
    const struct as_binding *all = self->facts->bindings;
    const struct as_binding *best = NULL;
    if (any_pos) {
        best = sl->last_real >= 0 ? &all[sl->last_real] : NULL;
    } else {
        /* the last binding at or before pos */
        int32_t lo = 0, hi = sl->count;
        while (lo < hi) {
            int32_t mid = (lo + hi) / 2;
            if (all[sl->chain[mid]].pos <= pos) lo = mid + 1;
            else hi = mid;
        }
        for (int32_t k = lo - 1; k >= 0 && !best; k--)
            if (!is_declaration(&all[sl->chain[k]])) best = &all[sl->chain[k]];
    }
    /* In a function, a name bound anywhere in it is local everywhere in it (used before assignment: take the
     * first binding, which is what the code most plausibly means). */
    if (!best && sl->first_real >= 0 && scope > 0 && self->facts->scopes[scope].kind != AS_SCOPE_CLASS)
        best = &all[sl->first_real];
    return best;
}

const struct as_binding *as_model_lookup(const struct as_model *self, int32_t scope, const char *name, uint32_t pos)
{
    const struct as_facts *f = self->facts;
    bool first_scope = true;
    while (scope >= 0) {
        const struct as_scope *s = &f->scopes[scope];
        /* Class scopes are visible only to code directly in the class body. */
        if (s->kind != AS_SCOPE_CLASS || first_scope) {
            bool is_global = false, is_nonlocal = false;
            /* Flow-sensitive only where the code runs top to bottom: the scope of the read itself, unless that is
             * a comprehension (its `for` targets stand after the expression that reads them). Enclosing scopes
             * are seen in their final state (function bodies run later; ruff defers them the same way). */
            bool flow = first_scope && s->kind != AS_SCOPE_COMPREHENSION;
            const struct as_binding *b = binding_in(self, scope, name, pos, !flow, &is_global, &is_nonlocal);
            if (is_global) return binding_in(self, 0, name, pos, true, NULL, NULL);
            if (b && !is_nonlocal) return b;
            if (scope == 0) return b;
        }
        first_scope = false;
        scope = s->parent;
    }
    return NULL;
}

/* Builtin names whose qualified name is "builtins.<name>". Only those rules may care about. */
static bool is_builtin(const char *name)
{
    static const char *const names[] = {"open", "input", "print", "breakpoint", "exec", "eval", "compile",
                                        "__import__", "help", "float", NULL};
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0) return true;
    return false;
}

/* Absolute module for a relative import `from ..x import y` in this file ("." + module text). */
static const char *absolute_module(const struct as_model *self, const char *mod)
{
    if (mod[0] != '.') return mod;
    size_t dots = 0;
    while (mod[dots] == '.') dots++;
    const char *rest = mod + dots;
    /* The package of this module: itself for __init__.py, else its parent. */
    size_t plen = strlen(self->module);
    size_t up = dots - (self->is_package_init ? 1 : 0);
    for (size_t i = 0; i < up; i++) {
        while (plen > 0 && self->module[plen - 1] != '.') plen--;
        if (plen > 0) plen--;  /* drop the dot */
        else break;
    }
    if (plen == 0) return *rest ? as_arena_strdup(self->arena, rest) : "";
    if (!*rest) return as_arena_strndup(self->arena, self->module, plen);
    return as_arena_printf(self->arena, "%.*s.%s", (int)plen, self->module, rest);
}

static const char *qualify(const struct as_model *self, const struct as_expr *e, int32_t scope, uint32_t pos,
                           int depth);
static bool qualifiable(enum as_expr_kind k);

/* A test module: "test_x", "x_test", "conftest" as the last segment of the module name. */
static bool is_test_module(const char *module)
{
    const char *last = strrchr(module, '.');
    last = last ? last + 1 : module;
    size_t n = strlen(last);
    return strncmp(last, "test", 4) == 0 || strcmp(last, "conftest") == 0 || (n >= 5 && strcmp(last + n - 5, "_test") == 0);
}

/* The tmp-path heuristic: an unannotated parameter named `tmp_path` (`tmp_path_factory`) of a test function, or of
 * any function in a test module or conftest.py, is pytest's fixture of that name. */
static const char *pytest_fixture_type(const struct as_model *self, const struct as_binding *b)
{
    if (!(self->heuristics & AS_HEURISTIC_TMP_PATH) || b->scope <= 0) return NULL;
    const char *type = strcmp(b->name, "tmp_path") == 0           ? "pathlib.Path()"
                       : strcmp(b->name, "tmp_path_factory") == 0 ? "_pytest.tmpdir.TempPathFactory()"
                                                                  : NULL;
    if (!type) return NULL;
    const char *fn = self->facts->scopes[b->scope].name;
    return (fn && strncmp(fn, "test", 4) == 0) || is_test_module(self->module) ? type : NULL;
}

/* A name bound by unpacking: item i of the tuple the types give the value (`a, b = socket.socketpair()`), or an
 * element of an iterable (`for p in root.iterdir()`: the type of `<value>.__next__()`, when the types give one). */
static const char *unpacked_value(const struct as_model *self, const struct as_binding *b, int depth)
{
    if (b->unpack_index == -1 || !qualifiable(b->value.kind) || !self->types) return NULL;
    const char *q = as_model_flow(self, qualify(self, &b->value, b->scope, b->stmt.start, depth + 1));
    if (!q) return NULL;
    if (b->unpack_index >= 0) return as_types_item(self->types, q, (uint32_t)b->unpack_index);
    const char *next = as_arena_cat(self->arena, q, ".__next__()", (char *)NULL);
    const char *element = as_model_flow(self, next);
    return element != next ? element : NULL;
}

/* What a binding stands for (without any tail). */
static const char *binding_value(const struct as_model *self, const struct as_binding *b, int depth)
{
    switch (b->kind) {
    case AS_BIND_IMPORT:
        return b->imported;
    case AS_BIND_FROM_IMPORT: {
        const char *mod = absolute_module(self, b->module);
        return *mod ? as_arena_cat(self->arena, mod, ".", b->imported, (char *)NULL) : b->imported;
    }
    case AS_BIND_FUNCTION:
    case AS_BIND_CLASS: {
        /* A definition at module level is "<module>.<name>"; nested ones get the enclosing names. */
        const char *prefix = *self->module ? self->module : "__main__";
        const char *chain = b->name;
        int32_t s = b->scope;
        while (s > 0) {
            const struct as_scope *sc = &self->facts->scopes[s];
            if (sc->name) chain = as_arena_cat(self->arena, sc->name, ".", chain, (char *)NULL);
            s = sc->parent;
        }
        return as_arena_cat(self->arena, prefix, ".", chain, (char *)NULL);
    }
    case AS_BIND_ASSIGN:
    case AS_BIND_WITH:
    case AS_BIND_WALRUS: {
        const char *q = NULL;
        if (qualifiable(b->value.kind)) q = qualify(self, &b->value, b->scope, b->stmt.start, depth + 1);
        if (!q && b->type.kind == AS_EXPR_NAME) {
            const char *t = qualify(self, &b->type, b->scope, b->stmt.start, depth + 1);
            if (t) q = as_arena_cat(self->arena, t, "()", (char *)NULL);
        }
        /* `with X() as x` binds what X().__enter__() returns; for the clients and files rules care about, that
         * is the object itself, so keep "X()". */
        return q;
    }
    case AS_BIND_PARAM:
        if (b->type.kind == AS_EXPR_NAME) {
            const char *t = qualify(self, &b->type, binding_scope(self, self->facts->scopes[b->scope].parent),
                                    b->stmt.start, depth + 1);
            if (t) return as_arena_cat(self->arena, t, "()", (char *)NULL);
        }
        return b->type.kind == AS_EXPR_NONE ? pytest_fixture_type(self, b) : NULL;
    case AS_BIND_PLAIN:
        return unpacked_value(self, b, depth);
    default:
        return NULL;
    }
}

/* The class whose method has `b` as its first parameter (self/cls), or -1. */
static int32_t self_class(const struct as_model *self, const struct as_binding *b)
{
    if (b->kind != AS_BIND_PARAM || b->scope <= 0) return -1;
    const struct as_scope *fn = &self->facts->scopes[b->scope];
    if (fn->kind != AS_SCOPE_FUNCTION || fn->parent <= 0) return -1;
    if (self->facts->scopes[fn->parent].kind != AS_SCOPE_CLASS) return -1;
    int32_t fp = self->first_param[b->scope];
    if (fp < 0 || &self->facts->bindings[fp] != b) return -1;
    return fn->parent;
}

/* What `self.<attr>` is in class `cls`: a class-body binding, or an assignment `self.<attr> = value` in one of
 * its methods (the first one that resolves). NULL when unknown. */
static const char *class_attribute(const struct as_model *self, int32_t cls, const char *attr, size_t attr_len,
                                   int depth)
{
    char name[128];
    if (attr_len >= sizeof(name)) return NULL;
    memcpy(name, attr, attr_len);
    name[attr_len] = '\0';
    const struct as_binding *b = binding_in(self, cls, name, 0, true, NULL, NULL);
    if (b) {
        const char *v = binding_value(self, b, depth + 1);
        if (v) return v;
    }
    const struct as_facts *f = self->facts;
    for (size_t i = 0; i < f->n_attrs; i++) {
        const struct as_attr_assign *a = &f->attrs[i];
        if (strcmp(a->name, name) != 0) continue;
        int32_t fn = a->scope;
        if (fn <= 0 || f->scopes[fn].kind != AS_SCOPE_FUNCTION || f->scopes[fn].parent != cls) continue;
        int32_t fp = self->first_param[fn];
        if (fp < 0 || strcmp(f->bindings[fp].name, a->object) != 0) continue;
        const char *q = NULL;
        if (qualifiable(a->value.kind)) q = qualify(self, &a->value, fn, a->pos, depth + 1);
        if (!q && a->type.kind == AS_EXPR_NAME) {
            const char *t = qualify(self, &a->type, fn, a->pos, depth + 1);
            if (t) q = as_arena_cat(self->arena, t, "()", (char *)NULL);
        }
        if (q) return q;
    }
    return NULL;
}

static const char *star_import_lookup(const struct as_model *self, int32_t scope, const char *name, uint32_t pos)
{
    /* `from M import *` in this scope chain (function or module) where M is a known stdlib module that
     * exports `name`. */
    for (int32_t s = binding_scope(self, scope); s >= 0; s = s > 0 ? binding_scope(self, self->facts->scopes[s].parent) : -1) {
        for (int32_t b = table_first(self, s, "*"); b >= 0; b = self->facts->bindings[b].next) {
            const struct as_binding *bd = &self->facts->bindings[b];
            if (s == scope && bd->pos > pos) continue;
            if (as_stdlib_exports(bd->module, name)) return as_arena_cat(self->arena, bd->module, ".", name, (char *)NULL);
        }
        if (s == 0) break;
    }
    return NULL;
}

/* Whether qualify can say something of an expression of this kind. */
static bool qualifiable(enum as_expr_kind k)
{
    return k == AS_EXPR_NAME || k == AS_EXPR_CALL || k == AS_EXPR_DIV || k == AS_EXPR_EITHER;
}

static bool is_none_literal(const struct as_expr *e)
{
    return e->kind == AS_EXPR_CONST && e->text && strcmp(e->text, "None") == 0 && !*e->tail;
}

/* `left / right`: what `left` divides into ("<left>.__truediv__()", which the types rewrite), or, with the
 * path-division heuristic, "<div>()" for an unknown left side and a string on the right. `a if c else b`,
 * `a or b`: the type both sides flow to (None on one side is no objection: a method called on it would fail). */
static const char *operands_value(const struct as_model *self, const struct as_expr *e, int32_t scope, uint32_t pos,
                                  int depth)
{
    const struct as_expr *a = &e->operands[0], *b = &e->operands[1];
    /* both sides of a conditional are resolved: bounded, so conditionals of conditionals through bindings
     * (`x2 = x1 if c else x1`, ...) cannot multiply the work */
    if (e->kind == AS_EXPR_EITHER && depth > MAX_EITHER_DEPTH) return NULL;
    if (e->kind == AS_EXPR_DIV) {
        const char *l = qualifiable(a->kind) ? qualify(self, a, scope, pos, depth + 1) : NULL;
        if (l) return as_arena_cat(self->arena, l, ".__truediv__()", (char *)NULL);
        if ((self->heuristics & AS_HEURISTIC_PATH_DIVISION) && b->kind == AS_EXPR_STRING) return "<div>()";
        return NULL;
    }
    const char *qa = qualifiable(a->kind) ? as_model_flow(self, qualify(self, a, scope, pos, depth + 1)) : NULL;
    const char *qb = qualifiable(b->kind) ? as_model_flow(self, qualify(self, b, scope, pos, depth + 1)) : NULL;
    if (is_none_literal(a)) return qb;
    if (is_none_literal(b)) return qa;
    return qa && qb && strcmp(qa, qb) == 0 ? qa : NULL;
}

static const char *qualify(const struct as_model *self, const struct as_expr *e, int32_t scope, uint32_t pos,
                           int depth)
{
    if (depth > MAX_RESOLVE_DEPTH) return NULL;
    const char *base = NULL;
    if (e->kind == AS_EXPR_NAME) {
        const struct as_binding *b = as_model_lookup(self, scope, e->head, pos);
        int32_t cls = b && b->type.kind == AS_EXPR_NONE ? self_class(self, b) : -1;
        if (cls > 0) {
            /* self.<attr>...: resolve the attribute through the class; otherwise "<Class>()<tail>". */
            const char *tail = e->tail;
            if (*tail) {
                const char *end = strchr(tail + 1, '.');
                size_t alen = end ? (size_t)(end - tail - 1) : strlen(tail + 1);
                const char *v = class_attribute(self, cls, tail + 1, alen, depth);
                if (v) return *(tail + 1 + alen) ? as_arena_cat(self->arena, v, tail + 1 + alen, (char *)NULL) : v;
            }
            const struct as_binding *cb = NULL;
            const struct as_scope *cs = &self->facts->scopes[cls];
            for (int32_t k = table_first(self, binding_scope(self, cs->parent), cs->name); k >= 0;
                 k = self->facts->bindings[k].next)
                if (self->facts->bindings[k].kind == AS_BIND_CLASS) cb = &self->facts->bindings[k];
            const char *cq = cb ? binding_value(self, cb, depth + 1) : NULL;
            if (!cq) return NULL;
            return as_arena_cat(self->arena, cq, "()", tail, (char *)NULL);
        }
        if (b) {
            if (b->pos == e->head_pos) return NULL;   /* the binding site itself */
            base = binding_value(self, b, depth);
        } else {
            base = star_import_lookup(self, scope, e->head, pos);
            if (!base && is_builtin(e->head)) base = as_arena_cat(self->arena, "builtins.", e->head, (char *)NULL);
        }
    } else if (e->kind == AS_EXPR_CALL && e->call >= 0) {
        const struct as_call *c = &self->facts->calls[e->call];
        const char *q = qualify(self, &c->callee, scope, pos, depth + 1);
        if (q) base = as_arena_cat(self->arena, q, "()", (char *)NULL);
    } else if (e->kind == AS_EXPR_DIV || e->kind == AS_EXPR_EITHER) {
        base = operands_value(self, e, scope, pos, depth);
    }
    if (!base) return NULL;
    if (!*e->tail) return base;
    return as_arena_cat(self->arena, base, e->tail, (char *)NULL);
}

const char *as_model_qualify(const struct as_model *self, const struct as_expr *e, int32_t scope, uint32_t pos)
{
    return qualify(self, e, scope, pos, 0);
}

bool as_model_declared_outside(const struct as_model *self, const struct as_binding *b)
{
    const struct as_binding_slot *sl = slot_find(self, b->scope, b->name);
    return sl && (sl->has_global || sl->has_nonlocal);
}

const char *as_model_scope_qualname(const struct as_model *self, int32_t scope)
{
    const char *chain = NULL;
    for (int32_t s = scope; s > 0; s = self->facts->scopes[s].parent) {
        const struct as_scope *sc = &self->facts->scopes[s];
        if (!sc->name) continue;
        chain = chain ? as_arena_cat(self->arena, sc->name, ".", chain, (char *)NULL) : sc->name;
    }
    const char *prefix = *self->module ? self->module : "__main__";
    return chain ? as_arena_cat(self->arena, prefix, ".", chain, (char *)NULL) : prefix;
}

const char *as_model_binding_target(const struct as_model *self, const struct as_binding *b)
{
    return binding_value(self, b, 0);
}

const char *as_model_callee(const struct as_model *self, const struct as_call *call)
{
    return qualify(self, &call->callee, call->scope, call->span.start, 0);
}

/* The path as the module name reads it: without leading "./" and "/"; *n bytes, without the .py/.pyi suffix. */
static const char *module_text(const char *path, size_t *n)
{
    while (path[0] == '.' && path[1] == '/') path += 2;
    while (path[0] == '/') path++;
    *n = strlen(path);
    if (*n >= 4 && strcmp(path + *n - 4, ".pyi") == 0) *n -= 4;
    else if (*n >= 3 && strcmp(path + *n - 3, ".py") == 0) *n -= 3;
    return path;
}

const char *as_model_module_root(const char *path, size_t *len)
{
    size_t n;
    path = module_text(path, &n);
    size_t first = strcspn(path, "/.");   /* the name's first segment ends at a directory or a dot */
    *len = first < n ? first : n;
    return path;
}

const char *as_model_module_name(struct as_arena *arena, const char *path, bool *is_package_init)
{
    size_t n;
    path = module_text(path, &n);
    char *m = as_arena_strndup(arena, path, n);
    for (char *p = m; *p; p++)
        if (*p == '/') *p = '.';
    *is_package_init = false;
    size_t ml = strlen(m);
    if (ml >= 9 && strcmp(m + ml - 9, ".__init__") == 0) {
        m[ml - 9] = '\0';
        *is_package_init = true;
    } else if (strcmp(m, "__init__") == 0) {
        m[0] = '\0';
        *is_package_init = true;
    }
    return m;
}

void as_model_build(struct as_model *self, struct as_facts *f, struct as_arena *arena, const char *module,
                    bool is_package_init)
{
    self->facts = f;
    self->arena = arena;
    self->module = module ? module : "";
    self->is_package_init = is_package_init;
    self->types = NULL;            /* no types flow until as_model_use_types */
    self->heuristics = 0;
    self->local_types = NULL;
    self->n_local_types = 0;
    self->async_top_level = NULL;
    self->n_async_top_level = 0;

    /* Scope nesting by body ranges (scopes 1.. are sorted by start, outer first on ties). */
    int32_t *stack = as_arena_alloc(arena, (f->n_scopes + 1) * sizeof(int32_t));
    size_t sp = 0;
    stack[sp++] = 0;
    for (size_t i = 1; i < f->n_scopes; i++) {
        struct as_scope *s = &f->scopes[i];
        while (sp > 1 && !(s->body.start >= f->scopes[stack[sp - 1]].body.start &&
                           s->body.end <= f->scopes[stack[sp - 1]].body.end))
            sp--;
        s->parent = stack[sp - 1];
        stack[sp++] = (int32_t)i;
    }

    /* Scope of each binding: parameters belong to the function whose parameter list holds them; the def/class
     * name binds where the definition stands; everything else in the innermost scope. */
    uint32_t cap = 16;
    while (cap < f->n_bindings * 2 + 16) cap *= 2;
    self->table_mask = cap - 1;
    self->table = as_arena_alloc(arena, cap * sizeof(struct as_binding_slot));
    for (uint32_t i = 0; i < cap; i++) self->table[i].head = -1;
    int32_t *tails = as_arena_alloc(arena, cap * sizeof(int32_t));
    for (size_t i = 0; i < f->n_bindings; i++) {
        struct as_binding *b = &f->bindings[i];
        int32_t s = -1;
        if (b->kind == AS_BIND_PARAM) s = scope_with_node(self, b->owner);
        if (s < 0) {
            s = as_model_scope_at(self, b->pos);
            if (b->kind == AS_BIND_WALRUS) s = binding_scope(self, s);
            if (b->kind == AS_BIND_PARAM) b->kind = AS_BIND_PLAIN;   /* a splat pattern outside parameters */
        }
        b->scope = s;
        b->next = -1;
        uint32_t h = hash_key(s, b->name) & self->table_mask;
        for (;;) {
            struct as_binding_slot *sl = &self->table[h];
            if (sl->head < 0) {
                sl->head = tails[h] = (int32_t)i;
                sl->count = 1;
                break;
            }
            if (f->bindings[sl->head].scope == s && strcmp(f->bindings[sl->head].name, b->name) == 0) {
                f->bindings[tails[h]].next = (int32_t)i;
                tails[h] = (int32_t)i;
                sl->count++;
                break;
            }
            h = (h + 1) & self->table_mask;
        }
    }
    /* Bindings were visited in source order, so each chain is sorted by position. */
    for (uint32_t h = 0; h < cap; h++) {
        struct as_binding_slot *sl = &self->table[h];
        if (sl->head < 0) continue;
        sl->chain = as_arena_alloc(arena, (size_t)sl->count * sizeof(int32_t));
        sl->first_real = sl->last_real = -1;
        int32_t k = 0;
        for (int32_t b = sl->head; b >= 0; b = f->bindings[b].next) {
            sl->chain[k++] = b;
            if (f->bindings[b].kind == AS_BIND_GLOBAL) sl->has_global = true;
            else if (f->bindings[b].kind == AS_BIND_NONLOCAL) sl->has_nonlocal = true;
            else {
                if (sl->first_real < 0) sl->first_real = b;
                sl->last_real = b;
            }
        }
    }

    self->first_param = as_arena_alloc(arena, f->n_scopes * sizeof(int32_t));
    for (size_t i = 0; i < f->n_scopes; i++) self->first_param[i] = -1;
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_PARAM || b->scope <= 0) continue;
        int32_t *fp = &self->first_param[b->scope];
        if (*fp < 0 || f->bindings[*fp].pos > b->pos) *fp = (int32_t)i;
    }
    for (size_t i = 0; i < f->n_attrs; i++) f->attrs[i].scope = as_model_scope_at(self, f->attrs[i].pos);
    for (size_t i = 0; i < f->n_calls; i++) f->calls[i].scope = as_model_scope_at(self, f->calls[i].span.start);
    for (size_t i = 0; i < f->n_refs; i++) {
        struct as_ref *r = &f->refs[i];
        r->scope = as_model_scope_at(self, r->pos);
        const struct as_binding *b = as_model_lookup(self, r->scope, r->name, r->pos);
        if (b) ((struct as_binding *)b)->used = true;
    }
}

/* ---- types ------------------------------------------------------------------------------------------------- */

struct as_local_type {
    const char *key;     /* "pkg.mod.data_dir()", "pkg.mod.C().cache_dir" */
    const char *value;   /* "pathlib.Path()" */
};

static int cmp_local_type(const void *a, const void *b)
{
    return strcmp(((const struct as_local_type *)a)->key, ((const struct as_local_type *)b)->key);
}

static const char *local_type(void *ud, const char *key)
{
    const struct as_model *self = ud;
    if (!self->n_local_types) return NULL;
    struct as_local_type k = {key, NULL};
    const struct as_local_type *hit =
        bsearch(&k, self->local_types, self->n_local_types, sizeof(k), cmp_local_type);
    return hit ? hit->value : NULL;
}

bool as_model_is_property(const struct as_model *self, int32_t s)
{
    const struct as_facts *f = self->facts;
    for (size_t i = 0; i < f->n_decorators; i++) {
        const struct as_decorator *d = &f->decorators[i];
        if (d->function.start != f->scopes[s].node.start || d->expr.kind != AS_EXPR_NAME) continue;
        const char *last = *d->expr.tail ? strrchr(d->expr.tail, '.') + 1 : d->expr.head;
        if (strcmp(last, "property") == 0 || strcmp(last, "cached_property") == 0) return true;
    }
    return false;
}

const char *as_model_returns(const struct as_model *self, int32_t s)
{
    if (s <= 0 || (size_t)s >= self->facts->n_scopes) return NULL;
    const struct as_scope *sc = &self->facts->scopes[s];
    if (sc->kind != AS_SCOPE_FUNCTION || sc->returns.kind != AS_EXPR_NAME) return NULL;
    const char *t = qualify(self, &sc->returns, binding_scope(self, sc->parent), sc->node.start, 0);
    return t ? as_arena_cat(self->arena, t, "()", (char *)NULL) : NULL;
}

/* The keys a function's result is known by: "<qualname>()" for a call (a method's also through an instance,
 * "<module>.C().m()"); a property's without the call. */
static void add_local_returns(struct as_model *self, int32_t s, const char *value, size_t *n)
{
    const struct as_facts *f = self->facts;
    const char *qual = as_model_scope_qualname(self, s);
    bool prop = as_model_is_property(self, s);
    const char *call = prop ? "" : "()";
    self->local_types[(*n)++] = (struct as_local_type){as_arena_cat(self->arena, qual, call, (char *)NULL), value};
    int32_t cls = f->scopes[s].parent;
    if (cls > 0 && f->scopes[cls].kind == AS_SCOPE_CLASS) {
        const char *owner = as_model_scope_qualname(self, cls);
        self->local_types[(*n)++] = (struct as_local_type){
            as_arena_cat(self->arena, owner, "().", f->scopes[s].name, call, (char *)NULL), value};
    }
}

void as_model_use_types(struct as_model *self, const struct as_types *types, unsigned heuristics)
{
    self->types = types;
    self->heuristics = heuristics;
    self->local_types = NULL;
    self->n_local_types = 0;
    const struct as_facts *f = self->facts;
    size_t annotated = 0;
    for (size_t s = 1; s < f->n_scopes; s++)
        if (f->scopes[s].kind == AS_SCOPE_FUNCTION && f->scopes[s].returns.kind == AS_EXPR_NAME) annotated++;
    if (!annotated) return;
    self->local_types = as_arena_alloc(self->arena, 2 * annotated * sizeof(struct as_local_type));
    size_t n = 0;
    for (size_t s = 1; s < f->n_scopes; s++) {
        const char *t = as_model_returns(self, (int32_t)s);
        if (t) add_local_returns(self, (int32_t)s, t, &n);
    }
    qsort(self->local_types, n, sizeof(struct as_local_type), cmp_local_type);
    self->n_local_types = n;
}

const char *as_model_flow(const struct as_model *self, const char *qname)
{
    if (!qname || (!self->types && !self->n_local_types)) return qname;
    /* every typed expression is or follows a call, but for this file's properties (`self.cache_dir`) */
    if (!self->n_local_types && !strchr(qname, '(')) return qname;
    if (strlen(qname) > MAX_FLOW_NAME) return qname;
    return as_types_flow(self->types, local_type, (void *)self, self->arena, qname);
}
