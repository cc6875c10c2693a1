/* conditions.c — parsing and evaluating the conditions of `match:` lines; see conditions.h. */
#define _GNU_SOURCE 1 /* memmem */
#include "analysis/conditions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/name_match.h"
#include "util/xalloc.h"

enum cond_type {
    C_IF, C_UNLESS, C_IF_MISSING, C_IF_NARGS, C_IF_IMPORTED, C_UNLESS_INSIDE, C_UNLESS_CALLEE, C_UNLESS_HANDLED,
    C_UNLESS_TEXT, C_UNLESS_NONBLOCKING, C_UNLESS_POLLED
};
enum cond_op { OP_EQ, OP_NE, OP_GT, OP_CI };

struct as_condition {
    enum cond_type type;
    int pos;              /* positional index, -1 when none */
    char *keyword;        /* keyword name, NULL when none */
    enum cond_op op;
    char **values;
    size_t n_values;
};

void as_condition_free(struct as_condition *c)
{
    if (!c) return;
    free(c->keyword);
    for (size_t i = 0; i < c->n_values; i++) free(c->values[i]);
    free(c->values);
    free(c);
}

static void split_values(struct as_condition *c, const char *s)
{
    while (*s) {
        const char *e = strchr(s, '|');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        c->values = as_xrealloc(c->values, (c->n_values + 1) * sizeof(char *));
        c->values[c->n_values++] = as_xstrndup(s, n);
        if (!e) break;
        s = e + 1;
    }
}

/* "0/mode" -> pos 0, keyword mode. */
static bool parse_selector(struct as_condition *c, const char *s, size_t n)
{
    c->pos = -1;
    if (n == 0) return false;
    const char *slash = memchr(s, '/', n);
    size_t first = slash ? (size_t)(slash - s) : n;
    const char *parts[2] = {s, slash ? slash + 1 : NULL};
    size_t lens[2] = {first, slash ? n - first - 1 : 0};
    for (int i = 0; i < 2 && parts[i]; i++) {
        if (lens[i] == 0) return false;
        if (parts[i][0] >= '0' && parts[i][0] <= '9') {
            if (lens[i] > 1) return false;
            c->pos = parts[i][0] - '0';
        } else {
            free(c->keyword);
            c->keyword = as_xstrndup(parts[i], lens[i]);
        }
    }
    return true;
}

struct as_condition *as_condition_parse(const char *word, const char **why)
{
    struct as_condition *c = as_xcalloc(1, sizeof(*c));
    c->pos = -1;
    const char *rest;
    if (strncmp(word, "if:", 3) == 0) { c->type = C_IF; rest = word + 3; }
    else if (strncmp(word, "unless:", 7) == 0) { c->type = C_UNLESS; rest = word + 7; }
    else if (strncmp(word, "if-missing:", 11) == 0) {
        c->type = C_IF_MISSING;
        rest = word + 11;
        if (!parse_selector(c, rest, strlen(rest))) { *why = "bad argument selector"; goto bad; }
        return c;
    } else if (strncmp(word, "if-nargs:", 9) == 0) {
        c->type = C_IF_NARGS;
        rest = word + 9;
        if (rest[0] < '0' || rest[0] > '9' || rest[1]) { *why = "if-nargs needs one digit"; goto bad; }
        c->pos = rest[0] - '0';
        return c;
    } else if (strncmp(word, "if-imported:", 12) == 0) {
        c->type = C_IF_IMPORTED;
        split_values(c, word + 12);
        if (!c->n_values || !*c->values[0]) { *why = "if-imported needs a module"; goto bad; }
        return c;
    } else if (strncmp(word, "unless-inside:", 14) == 0) {
        c->type = C_UNLESS_INSIDE;
        split_values(c, word + 14);
        if (!c->n_values || !*c->values[0]) { *why = "unless-inside needs a qualified name"; goto bad; }
        return c;
    } else if (strncmp(word, "unless-handled:", 15) == 0) {
        c->type = C_UNLESS_HANDLED;
        split_values(c, word + 15);
        if (!c->n_values || !*c->values[0]) { *why = "unless-handled needs an exception name"; goto bad; }
        return c;
    } else if (strncmp(word, "unless-polled:", 14) == 0) {
        c->type = C_UNLESS_POLLED;
        split_values(c, word + 14);
        if (!c->n_values || !*c->values[0]) { *why = "unless-polled needs a method name"; goto bad; }
        return c;
    } else if (strcmp(word, "unless-nonblocking") == 0) {
        c->type = C_UNLESS_NONBLOCKING;
        return c;
    } else if (strncmp(word, "unless-text:", 12) == 0) {
        c->type = C_UNLESS_TEXT;
        split_values(c, word + 12);
        if (!c->n_values || !*c->values[0]) { *why = "unless-text needs a word"; goto bad; }
        return c;
    } else if (strncmp(word, "unless-callee:", 14) == 0) {
        c->type = C_UNLESS_CALLEE;
        split_values(c, word + 14);
        if (!c->n_values || !*c->values[0]) { *why = "unless-callee needs a qualified name"; goto bad; }
        return c;
    } else {
        *why = "unknown condition (expected if:, unless:, if-missing:, if-nargs:, if-imported:, unless-inside:, "
               "unless-callee:, unless-handled:, unless-text:, unless-nonblocking, unless-polled:)";
        goto bad;
    }
    const char *op = strpbrk(rest, "=!>~");
    if (!op) { *why = "expected an operator (=, !=, >, ~)"; goto bad; }
    if (!parse_selector(c, rest, (size_t)(op - rest))) { *why = "bad argument selector"; goto bad; }
    const char *val;
    if (op[0] == '!' && op[1] == '=') { c->op = OP_NE; val = op + 2; }
    else if (op[0] == '=') { c->op = OP_EQ; val = op + 1; }
    else if (op[0] == '>') { c->op = OP_GT; val = op + 1; }
    else if (op[0] == '~') { c->op = OP_CI; val = op + 1; }
    else { *why = "expected an operator (=, !=, >, ~)"; goto bad; }
    split_values(c, val);
    if (!c->n_values || !*c->values[0]) { *why = "missing value"; goto bad; }
    return c;
bad:
    as_condition_free(c);
    return NULL;
}

static const struct as_arg *find_arg(const struct as_call *call, const struct as_condition *c)
{
    if (c->keyword)
        for (uint32_t i = 0; i < call->n_args; i++)
            if (call->args[i].keyword && strcmp(call->args[i].keyword, c->keyword) == 0) return &call->args[i];
    if (c->pos >= 0) {
        int k = 0;
        for (uint32_t i = 0; i < call->n_args; i++) {
            if (call->args[i].keyword) continue;
            if (k++ == c->pos) return &call->args[i];
        }
    }
    return NULL;
}

/* A numeric IPv4 ("1.2.3.4") or IPv6 ("::1", "fe80::1") address: resolving it never asks DNS. */
static bool is_ip_literal(const char *t)
{
    size_t n = strlen(t), dots = 0, colons = 0;
    if (!n || n > 45) return false;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (c == '.') dots++;
        else if (c == ':') colons++;
        else if (!((c >= '0' && c <= '9') || (colons && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))))
            return false;
    }
    return colons >= 2 || (dots == 3 && !colons);
}

/* `math.inf`, `float("inf")` (any case, "infinity", a leading "+"): an endless interval. */
static bool is_infinity(const struct as_model *m, const struct as_call *call, const struct as_expr *e)
{
    if (e->kind == AS_EXPR_NAME) {
        const char *q = as_model_qualify(m, e, call->scope, call->span.start);
        return q && (strcmp(q, "math.inf") == 0 || strcmp(q, "numpy.inf") == 0);
    }
    if (e->kind != AS_EXPR_CALL || e->call < 0 || (e->tail && *e->tail)) return false;
    const struct as_call *inner = &m->facts->calls[e->call];
    const char *q = as_model_callee(m, inner);
    if (!q || strcmp(q, "builtins.float") != 0 || inner->n_args != 1 || inner->args[0].keyword) return false;
    const struct as_expr *a = &inner->args[0].value;
    if (a->kind != AS_EXPR_STRING) return false;
    const char *t = a->text + (a->text[0] == '+');
    return strcasecmp(t, "inf") == 0 || strcasecmp(t, "infinity") == 0;
}

static bool value_equals(const struct as_model *m, const struct as_call *call, const struct as_expr *e,
                         const char *v, bool ci)
{
    if (strcmp(v, "*") == 0) return true;
    if (strcmp(v, "<ip>") == 0) return e->kind == AS_EXPR_STRING && is_ip_literal(e->text);
    if (strcmp(v, "<inf>") == 0) return is_infinity(m, call, e);
    size_t vl = strlen(v);
    if (v[0] == '\'' && vl >= 2 && v[vl - 1] == '\'') {
        if (e->kind != AS_EXPR_STRING) return false;
        return strlen(e->text) == vl - 2 && (ci ? strncasecmp(e->text, v + 1, vl - 2) : strncmp(e->text, v + 1, vl - 2)) == 0;
    }
    if ((v[0] >= '0' && v[0] <= '9') || v[0] == '-') {
        if (e->kind != AS_EXPR_NUMBER) return false;
        return strtod(e->text, NULL) == strtod(v, NULL);
    }
    if (strcmp(v, "True") == 0 || strcmp(v, "False") == 0 || strcmp(v, "None") == 0)
        return e->kind == AS_EXPR_CONST && strcmp(e->text, v) == 0;
    if (ci && e->kind == AS_EXPR_STRING) return strcasecmp(e->text, v) == 0;
    const char *q = as_model_qualify(m, e, call->scope, call->span.start);
    return q && strcmp(q, v) == 0;
}

/* Whether the argument satisfies op/values; -1 when it cannot be known. */
static int compare(const struct as_condition *c, const struct as_model *m, const struct as_call *call,
                   const struct as_arg *a)
{
    const struct as_expr *e = &a->value;
    if (c->op == OP_GT) {
        if (e->kind != AS_EXPR_NUMBER) return -1;
        return strtod(e->text, NULL) > strtod(c->values[0], NULL);
    }
    bool any = false;
    for (size_t i = 0; i < c->n_values && !any; i++) any = value_equals(m, call, e, c->values[i], c->op == OP_CI);
    if (c->op == OP_NE) return !any;
    return any;
}

static bool imports_module(const struct as_facts *f, const char *mod)
{
    size_t ml = strlen(mod);
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_IMPORT && b->kind != AS_BIND_FROM_IMPORT && b->kind != AS_BIND_STAR_IMPORT) continue;
        if (strncmp(b->module, mod, ml) == 0 && (b->module[ml] == '\0' || b->module[ml] == '.')) return true;
    }
    return false;
}

/* The socket a method call is made on, as written: `s` in `s.recv(n)`, `self.sock` in `self.sock.recv(n)`. */
struct receiver {
    const char *head;
    const char *tail;      /* ".sock" or "" */
    size_t tail_len;
};

static bool receiver_of(const struct as_call *call, struct receiver *r)
{
    const struct as_expr *e = &call->callee;
    if (e->kind != AS_EXPR_NAME || !e->tail || !*e->tail) return false;
    const char *dot = strrchr(e->tail, '.');
    r->head = e->head;
    r->tail = e->tail;
    r->tail_len = (size_t)(dot - e->tail);
    return true;
}

static bool is_receiver(const struct receiver *r, const struct as_expr *e, const char *method)
{
    if (e->kind != AS_EXPR_NAME || strcmp(e->head, r->head) != 0 || !e->tail) return false;
    if (strncmp(e->tail, r->tail, r->tail_len) != 0) return false;
    return method ? strcmp(e->tail + r->tail_len, method) == 0 : e->tail[r->tail_len] == '\0';
}

/* `x.setblocking(False)` / `x.settimeout(0)`: the socket never waits from then on. */
static bool makes_nonblocking(const struct receiver *r, const struct as_call *k)
{
    if (k->n_args != 1 || k->args[0].keyword) return false;
    const struct as_expr *a = &k->args[0].value;
    if (is_receiver(r, &k->callee, ".setblocking"))
        return (a->kind == AS_EXPR_CONST && strcmp(a->text, "False") == 0) ||
               (a->kind == AS_EXPR_NUMBER && strtod(a->text, NULL) == 0);
    return is_receiver(r, &k->callee, ".settimeout") && a->kind == AS_EXPR_NUMBER && strtod(a->text, NULL) == 0;
}

/* `await loop.sock_recv(x, n)`, `await trio.lowlevel.wait_readable(x)`: only a non-blocking socket is driven so. */
static bool waits_on_loop(const struct receiver *r, const struct as_call *k)
{
    if (!k->awaited || k->n_args == 0 || k->args[0].keyword || !is_receiver(r, &k->args[0].value, NULL)) return false;
    const struct as_expr *e = &k->callee;
    if (e->kind != AS_EXPR_NAME) return false;
    const char *name = e->tail && *e->tail ? strrchr(e->tail, '.') + 1 : e->head;
    return strncmp(name, "sock_", 5) == 0 || strcmp(name, "wait_readable") == 0 ||
           strcmp(name, "wait_writable") == 0 || strcmp(name, "wait_socket_readable") == 0 ||
           strcmp(name, "wait_socket_writable") == 0;
}

/* `trio.socket.from_stdlib_socket(x)`: trio wraps x and makes it non-blocking (the sockets of a socketpair() one
 * side of which a test hands to trio). */
static bool wrapped_for_loop(const struct receiver *r, const struct as_call *k)
{
    if (k->n_args == 0 || k->args[0].keyword || !is_receiver(r, &k->args[0].value, NULL)) return false;
    const struct as_expr *e = &k->callee;
    if (e->kind != AS_EXPR_NAME) return false;
    const char *name = e->tail && *e->tail ? strrchr(e->tail, '.') + 1 : e->head;
    return strcmp(name, "from_stdlib_socket") == 0;
}

/* Whether the socket the call is made on was made non-blocking, or handed to the event loop, before it in the same
 * function; for an attribute of `self`/`cls` (set up in another method), anywhere in the file. */
static bool on_nonblocking_socket(const struct as_model *m, const struct as_call *call)
{
    struct receiver r;
    if (!receiver_of(call, &r)) return false;
    bool attribute = r.tail_len > 0 && (strcmp(r.head, "self") == 0 || strcmp(r.head, "cls") == 0);
    int32_t fn = as_model_context_scope(m, call->scope);
    const struct as_facts *f = m->facts;
    for (size_t i = 0; i < f->n_calls; i++) {
        const struct as_call *k = &f->calls[i];
        if (k == call) continue;
        if (!attribute && (k->span.start >= call->span.start || as_model_context_scope(m, k->scope) != fn)) continue;
        if (makes_nonblocking(&r, k) || waits_on_loop(&r, k) || wrapped_for_loop(&r, k)) return true;
    }
    return false;
}

/* Whether, before the call in its function, a `while` loop that only awaits (`while q.empty(): await sleep(0)`)
 * polls the call's receiver with one of the methods: the wait that follows returns at once. */
static bool polled_before(const struct as_model *m, const struct as_call *call, char *const *methods, size_t n)
{
    struct receiver r;
    if (!receiver_of(call, &r)) return false;
    char want[256];
    int wl = snprintf(want, sizeof(want), "%s%.*s.", r.head, (int)r.tail_len, r.tail);
    if (wl <= 0 || (size_t)wl >= sizeof(want)) return false;
    const struct as_facts *f = m->facts;
    int32_t fn = as_model_context_scope(m, call->scope);
    for (size_t i = 0; i < f->n_sleep_loops; i++) {
        const struct as_sleep_loop *l = &f->sleep_loops[i];
        if (l->span.end > call->span.start || as_model_context_scope(m, as_model_scope_at(m, l->span.start)) != fn)
            continue;
        const char *text = m->source + l->span.start;
        const char *eol = memchr(text, '\n', l->span.end - l->span.start);
        size_t len = eol ? (size_t)(eol - text) : l->span.end - l->span.start;
        for (const char *at = text; (at = memmem(at, len - (size_t)(at - text), want, (size_t)wl));) {
            bool starts = at == text || !as_name_byte((unsigned char)at[-1]);
            at += wl;
            for (size_t k = 0; starts && k < n; k++) {
                size_t ml = strlen(methods[k]);
                if ((size_t)(at - text) + ml < len && strncmp(at, methods[k], ml) == 0 && at[ml] == '(') return true;
            }
        }
    }
    return false;
}

int as_condition_holds_for_name(const struct as_condition *c, const char *qname)
{
    if (c->type != C_UNLESS_CALLEE) return -1;
    for (size_t i = 0; i < c->n_values; i++)
        if (as_qname_glob(c->values[i], qname)) return 0;
    return 1;
}

bool as_condition_holds(const struct as_condition *c, const struct as_model *m, size_t call_index)
{
    const struct as_facts *f = m->facts;
    const struct as_call *call = &f->calls[call_index];
    switch (c->type) {
    case C_IF_IMPORTED:
        for (size_t i = 0; i < c->n_values; i++)
            if (imports_module(f, c->values[i])) return true;
        return false;
    case C_UNLESS_INSIDE: {
        if (call->outer_call < 0) return true;
        const struct as_call *outer = &f->calls[call->outer_call];
        const char *q = as_model_callee(m, outer);
        if (!q) return true;
        for (size_t i = 0; i < c->n_values; i++)
            if (strcmp(q, c->values[i]) == 0) return false;
        return true;
    }
    case C_UNLESS_HANDLED:
        for (size_t i = 0; i < f->n_trys; i++) {
            const struct as_try *t = &f->trys[i];
            if (call->span.start < t->body.start || call->span.start >= t->body.end) continue;
            for (uint32_t k = 0; k < t->n_handlers; k++)
                for (size_t v = 0; v < c->n_values; v++)
                    if (strcmp(t->handlers[k], c->values[v]) == 0) return false;
        }
        return true;
    case C_UNLESS_POLLED:
        return !polled_before(m, call, c->values, c->n_values);
    case C_UNLESS_NONBLOCKING:
        return !on_nonblocking_socket(m, call);
    case C_UNLESS_TEXT:
        for (size_t i = 0; i < c->n_values; i++)
            if (memmem(m->source + call->span.start, call->span.end - call->span.start, c->values[i],
                       strlen(c->values[i])))
                return false;
        return true;
    case C_UNLESS_CALLEE: {
        /* the name as resolved, and as the types rewrite it (the name the rule may have matched) */
        const char *q = as_model_callee(m, call);
        if (!q) return true;
        const char *typed = as_model_flow(m, q);
        for (size_t i = 0; i < c->n_values; i++)
            if (as_qname_glob(c->values[i], q) || (typed != q && as_qname_glob(c->values[i], typed))) return false;
        return true;
    }
    case C_IF_NARGS:
        return !call->has_star_args && call->n_args == (uint32_t)c->pos;
    case C_IF_MISSING: {
        if (find_arg(call, c)) return false;
        return !call->has_star_args;
    }
    case C_IF: {
        const struct as_arg *a = find_arg(call, c);
        if (!a) return false;
        return compare(c, m, call, a) == 1;
    }
    case C_UNLESS: {
        const struct as_arg *a = find_arg(call, c);
        if (!a) return true;
        return compare(c, m, call, a) != 1;
    }
    }
    return true;
}
