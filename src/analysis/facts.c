/* facts.c — runs the compiled queries over one parse tree and turns each match into a fact record
 * (facts.h). The outer capture of a match names the fact (facts.def); its dotted captures are the fields.
 * Expressions are summarised (as_expr) while the tree is alive; afterwards nothing refers to tree nodes.
 * as_facts_extract runs in steps: collect_matches records each match's fact in scratch vectors (on_match, one
 * on_*_fact per kind of fact), then the publish_* steps sort them, copy them into the file's arena and link
 * what refers to calls by span. */
#include "analysis/facts.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "analysis/query.h"
#include "util/buf.h"
#include "util/vec.h"
#include "util/xalloc.h"

enum capture_kind {
    CAP_UNKNOWN = 0,
#define CAPTURE(tok, name) CAP_##tok,
#include "analysis/facts.def"
#undef CAPTURE
    CAP_COUNT
};

static const char *const capture_names[] = {
    NULL,
#define CAPTURE(tok, name) name,
#include "analysis/facts.def"
#undef CAPTURE
};

/* ---- fields of the Python grammar ------------------------------------------------------------------------ */

/* The fields facts.c reads, by id: ts_node_child_by_field_name compares the name with the grammar's field
 * names one by one on every call (on the corpus 160,000 calls and 2.5 million comparisons, ~0.9% of the
 * instructions). */
enum py_field {
    F_ALIAS, F_ARGUMENT, F_ATTRIBUTE, F_BODY, F_CONDITION, F_CONSEQUENCE, F_FUNCTION, F_LEFT, F_NAME, F_OBJECT,
    F_OPERATOR, F_RETURN_TYPE, F_RIGHT, F_SUBSCRIPT, F_VALUE, N_FIELDS
};
static const char *const field_names[N_FIELDS] = {
    "alias", "argument", "attribute", "body", "condition", "consequence", "function", "left", "name", "object",
    "operator", "return_type", "right", "subscript", "value"};
static TSFieldId field_ids[N_FIELDS];
static pthread_once_t fields_once = PTHREAD_ONCE_INIT;

static void look_up_fields(void)
{
    for (int f = 0; f < N_FIELDS; f++) {
        const char *name = field_names[f];
        field_ids[f] = ts_language_field_id_for_name(tree_sitter_python(), name, (uint32_t)strlen(name));
        if (!field_ids[f]) abort();   /* a name the grammar does not have: a bug here, caught by any test */
    }
}

/* n's child in field f (a null node when it has none) */
static TSNode child_in(TSNode n, enum py_field f) { return ts_node_child_by_field_id(n, field_ids[f]); }

static enum capture_kind capture_kind_of(const char *name, uint32_t len)
{
    for (int k = 1; k < CAP_COUNT; k++)
        if (strlen(capture_names[k]) == len && memcmp(capture_names[k], name, len) == 0) return (enum capture_kind)k;
    return CAP_UNKNOWN;
}

static void check_query_captures(const struct as_query *q, struct as_buf *eb)
{
    const TSQuery *ts = as_query_ts(q);
    for (uint32_t c = 0; c < ts_query_capture_count(ts); c++) {
        uint32_t len;
        const char *name = ts_query_capture_name_for_id(ts, c, &len);
        if (len > 0 && name[0] == '_') continue;
        if (capture_kind_of(name, len) == CAP_UNKNOWN)
            as_buf_printf(eb, "%s: error: unknown capture '@%.*s' (not declared in src/analysis/facts.def)\n",
                          as_query_name(q), (int)len, name);
    }
}

int as_facts_check_query(const struct as_query *query, char **err)
{
    struct as_buf eb;
    as_buf_init(&eb);
    check_query_captures(query, &eb);
    if (eb.len) {
        *err = as_buf_detach(&eb, NULL);
        return -1;
    }
    as_buf_release(&eb);
    return 0;
}

int as_facts_check_captures(const struct as_query_set *queries, char **err)
{
    struct as_buf eb;
    as_buf_init(&eb);
    for (size_t qi = 0; qi < as_query_set_count(queries); qi++) check_query_captures(as_query_set_get(queries, qi), &eb);
    if (as_query_set_count(queries) == 0) check_query_captures(as_query_set_combined(queries), &eb);
    if (ts_query_capture_count(as_query_ts(as_query_set_combined(queries))) > 512)
        as_buf_puts(&eb, "queries: error: more than 512 distinct capture names\n");
    if (eb.len) {
        *err = as_buf_detach(&eb, NULL);
        return -1;
    }
    as_buf_release(&eb);
    return 0;
}

struct as_facts_scratch {
    VEC(struct as_scope) scopes;
    VEC(struct as_binding) bindings;
    VEC(struct as_call) calls;
    VEC(struct as_ref) refs;
    VEC(struct as_attr_assign) attrs;
    VEC(struct as_with) withs;
    VEC(struct as_sleep_loop) sleep_loops;
    VEC(struct as_span) sleep_loop_calls;
    VEC(struct as_span) yields;
    VEC(uint32_t) checkpoints;
    VEC(struct as_decorator) decorators;
    VEC(struct as_try) trys;
    VEC(struct as_span) typechecks;
    VEC(struct as_branch) branches;
    VEC(uint32_t) nonrefs;
    VEC(struct as_span) comments;
    VEC(struct as_span) discarded, awaited;
    VEC(struct as_span) arg_inner, arg_outer;
    struct as_buf tmp;
};

struct as_facts_scratch *as_facts_scratch_new(void)
{
    struct as_facts_scratch *s = as_xcalloc(1, sizeof(*s));
    as_buf_init(&s->tmp);
    return s;
}

void as_facts_scratch_free(struct as_facts_scratch *self)
{
    if (!self) return;
    vec_free(&self->scopes);
    vec_free(&self->bindings);
    vec_free(&self->calls);
    vec_free(&self->refs);
    vec_free(&self->attrs);
    vec_free(&self->withs);
    vec_free(&self->sleep_loops);
    vec_free(&self->sleep_loop_calls);
    vec_free(&self->yields);
    vec_free(&self->checkpoints);
    vec_free(&self->decorators);
    vec_free(&self->trys);
    vec_free(&self->typechecks);
    vec_free(&self->branches);
    vec_free(&self->nonrefs);
    vec_free(&self->comments);
    vec_free(&self->discarded);
    vec_free(&self->awaited);
    vec_free(&self->arg_inner);
    vec_free(&self->arg_outer);
    as_buf_release(&self->tmp);
    free(self);
}

struct ctx {
    struct as_arena *arena;
    struct as_facts_scratch *s;
    const char *src;
    size_t len;
};

static struct as_span span_of(TSNode n)
{
    struct as_span sp = {ts_node_start_byte(n), ts_node_end_byte(n)};
    return sp;
}

static const char *text_of(struct ctx *c, TSNode n)
{
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > c->len) b = (uint32_t)c->len;
    if (a > b) a = b;
    return as_arena_strndup(c->arena, c->src + a, b - a);
}

static bool type_is(TSNode n, const char *t) { return !ts_node_is_null(n) && strcmp(ts_node_type(n), t) == 0; }

/* Content of a plain (non-f, non-bytes) string literal without its quotes, or NULL. */
static const char *string_content(struct ctx *c, TSNode n)
{
    struct as_buf *b = &c->s->tmp;
    as_buf_reset(b);
    uint32_t count = ts_node_child_count(n);
    for (uint32_t i = 0; i < count; i++) {
        TSNode ch = ts_node_child(n, i);
        const char *t = ts_node_type(ch);
        if (strcmp(t, "string_start") == 0) {
            uint32_t a = ts_node_start_byte(ch), e = ts_node_end_byte(ch);
            for (uint32_t k = a; k < e && k < c->len; k++) {
                char ch2 = c->src[k];
                if (ch2 == 'f' || ch2 == 'F' || ch2 == 'b' || ch2 == 'B' || ch2 == 't' || ch2 == 'T') return NULL;
            }
        } else if (strcmp(t, "string_content") == 0) {
            if (ts_node_named_child_count(ch) > 0) return NULL; /* escapes: keep it simple and exact */
            uint32_t a = ts_node_start_byte(ch), e = ts_node_end_byte(ch);
            as_buf_add(b, c->src + a, e - a);
        } else if (strcmp(t, "interpolation") == 0) {
            return NULL;
        }
    }
    return as_arena_strndup(c->arena, b->data, b->len);
}

/* How deep operands of `/`, `if`/`else` and `or` are described (`a / "b" / "c"` nests to the left). */
#define MAX_OPERAND_DEPTH 8

static void describe(struct ctx *c, TSNode n, struct as_expr *e, int depth);
static void expr_from_node(struct ctx *c, TSNode n, struct as_expr *e) { describe(c, n, e, 0); }

/* Whether the operator child of binary_operator/boolean_operator n is the text op. */
static bool operator_is(struct ctx *c, TSNode n, const char *op)
{
    TSNode o = child_in(n, F_OPERATOR);
    if (ts_node_is_null(o)) return false;
    uint32_t a = ts_node_start_byte(o), b = ts_node_end_byte(o);
    return b - a == strlen(op) && memcmp(c->src + a, op, b - a) == 0;
}

/* The two operands the types flow through (see AS_EXPR_DIV, AS_EXPR_EITHER): e->kind is set when n is one. */
static void describe_operands(struct ctx *c, TSNode n, struct as_expr *e, int depth)
{
    const char *t = ts_node_type(n);
    TSNode a, b;
    enum as_expr_kind kind;
    if (strcmp(t, "binary_operator") == 0 && operator_is(c, n, "/")) {
        kind = AS_EXPR_DIV;
        a = child_in(n, F_LEFT);
        b = child_in(n, F_RIGHT);
    } else if (strcmp(t, "boolean_operator") == 0 && operator_is(c, n, "or")) {
        kind = AS_EXPR_EITHER;
        a = child_in(n, F_LEFT);
        b = child_in(n, F_RIGHT);
    } else if (strcmp(t, "conditional_expression") == 0 && ts_node_named_child_count(n) == 3) {
        kind = AS_EXPR_EITHER;
        a = ts_node_named_child(n, 0);
        b = ts_node_named_child(n, 2);
    } else {
        return;
    }
    if (depth >= MAX_OPERAND_DEPTH || ts_node_is_null(a) || ts_node_is_null(b)) return;
    e->kind = kind;
    e->operands = as_arena_alloc(c->arena, 2 * sizeof(struct as_expr));
    describe(c, a, &e->operands[0], depth + 1);
    describe(c, b, &e->operands[1], depth + 1);
}

static void describe(struct ctx *c, TSNode n, struct as_expr *e, int operand_depth)
{
    memset(e, 0, sizeof(*e));
    e->tail = "";
    e->call = -1;
    if (ts_node_is_null(n)) return;
    e->span = span_of(n);
    /* Collect attribute segments from the outside in, then describe the base. */
    TSNode base = n;
    struct as_buf segs;
    as_buf_init(&segs);
    int depth = 0;
    for (;;) {
        const char *t = ts_node_type(base);
        if (strcmp(t, "parenthesized_expression") == 0 && ts_node_named_child_count(base) == 1) {
            base = ts_node_named_child(base, 0);
            continue;
        }
        if (strcmp(t, "named_expression") == 0 && !ts_node_is_null(child_in(base, F_VALUE))) {
            base = child_in(base, F_VALUE);   /* `(p := Path(x)).exists()`: the value */
            continue;
        }
        if (strcmp(t, "attribute") == 0 && depth < 64) {
            TSNode attr = child_in(base, F_ATTRIBUTE);
            TSNode obj = child_in(base, F_OBJECT);
            if (ts_node_is_null(attr) || ts_node_is_null(obj)) break;
            uint32_t a = ts_node_start_byte(attr), b = ts_node_end_byte(attr);
            /* prepend ".attr" */
            struct as_buf nb;
            as_buf_init(&nb);
            as_buf_putc(&nb, '.');
            as_buf_add(&nb, c->src + a, b - a);
            as_buf_add(&nb, segs.data, segs.len);
            as_buf_release(&segs);
            segs = nb;
            base = obj;
            depth++;
            continue;
        }
        break;
    }
    e->tail = segs.len ? as_arena_strndup(c->arena, segs.data, segs.len) : "";
    as_buf_release(&segs);
    const char *t = ts_node_type(base);
    if (strcmp(t, "identifier") == 0) {
        e->kind = AS_EXPR_NAME;
        e->head = text_of(c, base);
        e->head_pos = ts_node_start_byte(base);
    } else if (strcmp(t, "call") == 0) {
        e->kind = AS_EXPR_CALL;
        e->base = span_of(base);
    } else if (strcmp(t, "string") == 0 && !*e->tail) {
        const char *s = string_content(c, base);
        e->kind = s ? AS_EXPR_STRING : AS_EXPR_OTHER;
        e->text = s;
    } else if ((strcmp(t, "integer") == 0 || strcmp(t, "float") == 0) && !*e->tail) {
        e->kind = AS_EXPR_NUMBER;
        e->text = text_of(c, base);
    } else if ((strcmp(t, "true") == 0 || strcmp(t, "false") == 0 || strcmp(t, "none") == 0) && !*e->tail) {
        e->kind = AS_EXPR_CONST;
        e->text = text_of(c, base);
    } else if (strcmp(t, "lambda") == 0 && !*e->tail) {
        e->kind = AS_EXPR_LAMBDA;
        e->call = -1;
        e->span = span_of(base);
    } else if (strcmp(t, "unary_operator") == 0 && !*e->tail && ts_node_named_child_count(base) == 1 &&
               (type_is(ts_node_named_child(base, 0), "integer") || type_is(ts_node_named_child(base, 0), "float"))) {
        e->kind = AS_EXPR_NUMBER;
        e->text = text_of(c, base);
    } else {
        e->kind = AS_EXPR_OTHER;
        describe_operands(c, base, e, operand_depth);
    }
}

static bool is_none(TSNode n) { return type_is(n, "none"); }

/* Annotation -> the class it names: unwraps `type`, `X | None`, `Optional[X]`, `Union[X, None]`. */
static void type_from_node(struct ctx *c, TSNode n, struct as_expr *e, int depth)
{
    memset(e, 0, sizeof(*e));
    e->tail = "";
    e->call = -1;
    if (ts_node_is_null(n) || depth > 8) return;
    const char *t = ts_node_type(n);
    if (strcmp(t, "type") == 0 && ts_node_named_child_count(n) == 1) {
        type_from_node(c, ts_node_named_child(n, 0), e, depth + 1);
        return;
    }
    if (strcmp(t, "binary_operator") == 0) {
        TSNode l = child_in(n, F_LEFT), r = child_in(n, F_RIGHT);
        if (is_none(l)) type_from_node(c, r, e, depth + 1);
        else if (is_none(r)) type_from_node(c, l, e, depth + 1);
        return;
    }
    if (strcmp(t, "generic_type") == 0 || strcmp(t, "subscript") == 0) {
        TSNode head = strcmp(t, "subscript") == 0 ? child_in(n, F_VALUE)
                                                  : ts_node_named_child(n, 0);
        uint32_t a = ts_node_start_byte(head), b = ts_node_end_byte(head);
        const char *h = c->src + a;
        size_t hl = b - a;
        bool optional = (hl >= 8 && memcmp(h + hl - 8, "Optional", 8) == 0) ||
                        (hl >= 5 && memcmp(h + hl - 5, "Union", 5) == 0);
        if (!optional) return;
        TSNode inner = strcmp(t, "subscript") == 0 ? child_in(n, F_SUBSCRIPT)
                                                   : ts_node_named_child(n, 1);
        if (type_is(inner, "type_parameter")) {
            uint32_t k = ts_node_named_child_count(inner);
            for (uint32_t i = 0; i < k; i++) {
                TSNode p = ts_node_named_child(inner, i);
                if (type_is(p, "type") && ts_node_named_child_count(p) == 1 && is_none(ts_node_named_child(p, 0)))
                    continue;
                type_from_node(c, p, e, depth + 1);
                return;
            }
            return;
        }
        if (!ts_node_is_null(inner)) type_from_node(c, inner, e, depth + 1);
        return;
    }
    if (strcmp(t, "identifier") == 0 || strcmp(t, "attribute") == 0) expr_from_node(c, n, e);
}

/* The parameter list (parameters, lambda_parameters) that holds the name a "param" pattern of bindings.scm binds:
 * its @bind node or one of the first ancestors of it (up to 6 levels above the name). {0,0} when none does (a
 * starred pattern in an assignment target). owners_by_params turns it into the function or lambda it belongs to;
 * climbing to that with ts_node_parent (which walks down from the root each time) cost ~1.4% of a cold run. */
static struct as_span param_list_of(TSNode bind)
{
    TSNode n = bind;
    for (int depth = 1; depth <= 6 && !ts_node_is_null(n); depth++) {
        if (type_is(n, "parameters") || type_is(n, "lambda_parameters")) return span_of(n);
        if (depth < 6) n = ts_node_parent(n);
    }
    struct as_span none = {0, 0};
    return none;
}

static void add_binding(struct ctx *c, enum as_binding_kind kind, TSNode name_node, TSNode stmt)
{
    struct as_binding b;
    memset(&b, 0, sizeof(b));
    b.kind = kind;
    b.name = text_of(c, name_node);
    b.pos = ts_node_start_byte(name_node);
    b.stmt = span_of(ts_node_is_null(stmt) ? name_node : stmt);
    b.scope = -1;
    b.next = -1;
    b.value.tail = b.type.tail = "";
    b.value.call = b.type.call = -1;
    b.unpack_index = -1;
    vec_push(&c->s->bindings, b);
}

/* as_name_bytes (facts.h): import texts here, the pre-parse skip's word scan, the project pass's batches */
#define W16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
const bool as_name_bytes[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
    ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
    ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
    [0x80] = W16, [0x90] = W16, [0xA0] = W16, [0xB0] = W16, [0xC0] = W16, [0xD0] = W16, [0xE0] = W16, [0xF0] = W16,
};
#undef W16

static struct as_binding *last_binding(struct ctx *c) { return &c->s->bindings.items[c->s->bindings.len - 1]; }

/* Binds each plain name directly in `node` (plain bindings of statement stmt). */
static void bind_plain_names_in(struct ctx *c, TSNode node, TSNode stmt)
{
    uint32_t n = ts_node_named_child_count(node);
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_named_child(node, i);
        if (type_is(k, "identifier")) add_binding(c, AS_BIND_PLAIN, k, stmt);
    }
}

/* The names an unpacking target binds (bindings.scm, @bind.unpack): each plain name in it, and each plain name
 * directly in a tuple, list or starred pattern in it; deeper ones are not followed. */
static bool is_sequence(TSNode n)
{
    return type_is(n, "expression_list") || type_is(n, "tuple") || type_is(n, "list") || type_is(n, "pattern_list") ||
           type_is(n, "tuple_pattern") || type_is(n, "list_pattern");
}

/* `a, (b, c) = X(), (Y(), Z())`: when the value spells a sequence of the target's shape, each name is bound to
 * its own element (so `a` gets X()'s type). False, binding nothing, when the shapes differ or a name is starred. */
static bool bind_unpacked_values(struct ctx *c, TSNode target, TSNode value, TSNode stmt, int depth)
{
    uint32_t n = ts_node_named_child_count(target);
    if (depth > 4 || !is_sequence(value) || ts_node_named_child_count(value) != n) return false;
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_named_child(target, i), v = ts_node_named_child(value, i);
        if (type_is(k, "comment") || type_is(v, "comment") || type_is(v, "list_splat")) return false;
        if (!type_is(k, "identifier") && !(is_sequence(k) && is_sequence(v))) return false;
    }
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_named_child(target, i), v = ts_node_named_child(value, i);
        if (!type_is(k, "identifier")) {
            if (!bind_unpacked_values(c, k, v, stmt, depth + 1)) bind_plain_names_in(c, k, stmt);
            continue;
        }
        add_binding(c, AS_BIND_ASSIGN, k, stmt);
        expr_from_node(c, v, &last_binding(c)->value);
    }
    return true;
}

static void bind_unpacked(struct ctx *c, TSNode target, TSNode stmt)
{
    if (type_is(stmt, "assignment") && bind_unpacked_values(c, target, child_in(stmt, F_RIGHT), stmt, 0)) return;
    uint32_t n = ts_node_named_child_count(target);
    /* `a, b = value`: each plain name before any starred one knows its position and the value (types.h's tuples) */
    TSNode value = type_is(stmt, "assignment") ? child_in(stmt, F_RIGHT) : stmt;
    bool positional = type_is(stmt, "assignment") && !ts_node_is_null(value) && !type_is(value, "assignment");
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_named_child(target, i);
        if (type_is(k, "list_splat_pattern")) positional = false;
        if (type_is(k, "identifier")) {
            add_binding(c, AS_BIND_PLAIN, k, stmt);
            if (positional) {
                last_binding(c)->unpack_index = (int32_t)i;
                expr_from_node(c, value, &last_binding(c)->value);
            }
        } else if (type_is(k, "tuple_pattern") || type_is(k, "list_pattern") || type_is(k, "list_splat_pattern"))
            bind_plain_names_in(c, k, stmt);
    }
}

/* The names `with X() as ...` (with_item: `with`) or `except E as name` binds (bindings.scm, @bind.as): a plain
 * name in the as_pattern's target, bound to X() for `with`; for `with`, also the plain names directly in a
 * tuple there (`as (a, b)`, bound plain). */
static void bind_as(struct ctx *c, TSNode as, TSNode stmt, bool with)
{
    TSNode target = child_in(as, F_ALIAS);
    if (!type_is(target, "as_pattern_target")) return;
    if (!with) {
        bind_plain_names_in(c, target, stmt);
        return;
    }
    TSNode value = ts_node_named_child(as, 0);   /* what comes before `as` */
    bool has_value = !ts_node_is_null(value) && !ts_node_eq(value, target);
    uint32_t n = ts_node_named_child_count(target);
    for (uint32_t i = 0; i < n; i++) {
        TSNode k = ts_node_named_child(target, i);
        if (type_is(k, "identifier") && has_value) {
            add_binding(c, AS_BIND_WITH, k, stmt);
            expr_from_node(c, value, &last_binding(c)->value);
        } else if (type_is(k, "tuple")) {
            bind_plain_names_in(c, k, stmt);
        }
    }
}

/* What runs only for some types of an argument (structure.scm, @typecheck): in an `if`/`elif` chain, the body of
 * the first arm whose condition is `isinstance(...)` or `not isinstance(...)` and of every arm after it (an arm
 * after it runs when that test failed); and after `if [not] isinstance(...): ... return` with no other arm, the
 * rest of the enclosing block. Every `if`/`elif` body is also kept with its condition (as_branch: guards). */
static void add_typecheck_span(struct ctx *c, uint32_t start, uint32_t end)
{
    struct as_span sp = {start, end};
    vec_push(&c->s->typechecks, sp);
}

static void add_typecheck_block(struct ctx *c, TSNode block)
{
    if (!type_is(block, "block")) return;
    add_typecheck_span(c, ts_node_start_byte(block), ts_node_end_byte(block));
}

static bool is_isinstance_test(struct ctx *c, TSNode cond)
{
    if (type_is(cond, "not_operator")) cond = child_in(cond, F_ARGUMENT);
    if (!type_is(cond, "call")) return false;
    TSNode f = child_in(cond, F_FUNCTION);
    if (!type_is(f, "identifier")) return false;
    uint32_t a = ts_node_start_byte(f), b = ts_node_end_byte(f);
    return b <= c->len && b - a == 10 && memcmp(c->src + a, "isinstance", 10) == 0;
}

static void add_branch(struct ctx *c, TSNode cond, TSNode body)
{
    if (ts_node_is_null(cond) || !type_is(body, "block")) return;
    struct as_branch br = {span_of(cond), span_of(body)};
    vec_push(&c->s->branches, br);
}

/* Whether the block's last statement is a `return`: what follows the `if` runs only when its test failed. */
static bool ends_in_return(TSNode block)
{
    uint32_t n = type_is(block, "block") ? ts_node_named_child_count(block) : 0;
    return n && type_is(ts_node_named_child(block, n - 1), "return_statement");
}

static void on_typecheck(struct ctx *c, TSNode ifs, TSNode cond)
{
    TSNode body = child_in(ifs, F_CONSEQUENCE);
    add_branch(c, cond, body);
    bool typed = is_isinstance_test(c, cond), other_arms = false;
    if (typed) add_typecheck_block(c, body);
    uint32_t n = ts_node_named_child_count(ifs);
    for (uint32_t i = 0; i < n; i++) {
        TSNode e = ts_node_named_child(ifs, i);
        if (type_is(e, "elif_clause")) {
            TSNode ec = child_in(e, F_CONDITION), eb = child_in(e, F_CONSEQUENCE);
            add_branch(c, ec, eb);
            typed = typed || is_isinstance_test(c, ec);
            if (typed) add_typecheck_block(c, eb);
            other_arms = true;
        } else if (type_is(e, "else_clause")) {
            if (typed) add_typecheck_block(c, child_in(e, F_BODY));
            other_arms = true;
        }
    }
    TSNode parent = ts_node_parent(ifs);
    if (typed && !other_arms && ends_in_return(body) && !ts_node_is_null(parent) && type_is(parent, "block"))
        add_typecheck_span(c, ts_node_end_byte(ifs), ts_node_end_byte(parent));
}

/* A `while` loop whose body is one statement awaiting a call (`while x: await sleep(1)`; structure.scm,
 * @sleeploop): one entry per call awaited there, as the query's anchors had it — the block's only named node
 * (a comment after the statement counts) is an expression statement with `await <call>` among its parts. */
static void on_sleeploop(struct ctx *c, TSNode loop, TSNode body)
{
    if (ts_node_named_child_count(body) != 1) return;
    TSNode st = ts_node_named_child(body, 0);
    if (!type_is(st, "expression_statement")) return;
    uint32_t n = ts_node_named_child_count(st);
    for (uint32_t i = 0; i < n; i++) {
        TSNode a = ts_node_named_child(st, i);
        if (!type_is(a, "await")) continue;
        uint32_t an = ts_node_named_child_count(a);
        for (uint32_t j = 0; j < an; j++) {
            TSNode k = ts_node_named_child(a, j);
            if (!type_is(k, "call")) continue;
            struct as_sleep_loop l = {span_of(loop), -1};
            struct as_span cs = span_of(k);
            vec_push(&c->s->sleep_loops, l);
            vec_push(&c->s->sleep_loop_calls, cs);
        }
    }
}

/* The dotted name an import statement spells (`a.b`, `..pkg`), with the blanks and line continuations Python
 * allows between its tokens taken out; NULL when it holds anything else (only a syntax error does: `a.-b`).
 * So a module name in a binding is made of Python names and dots only, which the project pass relies on to
 * join the parts of a tree that cannot import each other one at a time (as_project_batches). */
static const char *dotted_text(struct ctx *c, TSNode n)
{
    uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
    if (b > c->len) b = (uint32_t)c->len;
    if (a > b) a = b;
    char *out = as_arena_alloc(c->arena, b - a + 1);
    size_t k = 0;
    for (uint32_t i = a; i < b; i++) {
        unsigned char ch = (unsigned char)c->src[i];
        if (ch == ' ' || ch == '\t' || ch == '\f' || ch == '\r' || ch == '\n' || ch == '\\') continue;
        if (!as_name_byte(ch) && ch != '.') return NULL;
        out[k++] = (char)ch;
    }
    out[k] = '\0';
    return out;
}

/* `import a.b.c` binds `a` (the top package); `import a.b as c` binds `c` to `a.b`. */
static void on_import(struct ctx *c, TSNode stmt, TSNode module, TSNode alias)
{
    const char *mod = dotted_text(c, module);
    if (!mod) return;
    if (!ts_node_is_null(alias)) {
        add_binding(c, AS_BIND_IMPORT, alias, stmt);
        last_binding(c)->module = mod;
        last_binding(c)->imported = mod;
        return;
    }
    TSNode first = ts_node_named_child(module, 0);
    if (ts_node_is_null(first)) return;
    const char *top = dotted_text(c, first);   /* `import os.path` binds os -> "os" */
    if (!top) return;
    add_binding(c, AS_BIND_IMPORT, first, stmt);
    struct as_binding *b = last_binding(c);
    b->module = mod;
    b->imported = top;
}

static void on_from(struct ctx *c, TSNode stmt, TSNode module)
{
    bool future = type_is(stmt, "future_import_statement");
    const char *mod = future ? "__future__" : dotted_text(c, module);
    if (!mod) return;
    uint32_t n = ts_node_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
        TSNode ch = ts_node_child(stmt, i);
        const char *field = ts_node_field_name_for_child(stmt, i);
        if (type_is(ch, "wildcard_import")) {
            struct as_binding b;
            memset(&b, 0, sizeof(b));
            b.kind = AS_BIND_STAR_IMPORT;
            b.name = "*";
            b.pos = ts_node_start_byte(ch);
            b.stmt = span_of(stmt);
            b.module = mod;
            b.scope = -1;
            b.next = -1;
            b.value.tail = b.type.tail = "";
            b.value.call = b.type.call = -1;
            vec_push(&c->s->bindings, b);
            continue;
        }
        if (!field || strcmp(field, "name") != 0) continue;
        TSNode name = ch, alias = {0};
        if (type_is(ch, "aliased_import")) {
            name = child_in(ch, F_NAME);
            alias = child_in(ch, F_ALIAS);
        }
        if (ts_node_is_null(name)) continue;
        TSNode bound = ts_node_is_null(alias) ? ts_node_named_child(name, 0) : alias;
        const char *imported = dotted_text(c, name);
        if (ts_node_is_null(bound) || !imported) continue;
        add_binding(c, AS_BIND_FROM_IMPORT, bound, stmt);
        struct as_binding *b = last_binding(c);
        b->module = mod;
        b->imported = imported;
    }
}

/* Records, for each item of a with statement, the call it evaluates (`with X(...) as y`, `with X(...)`). */
/* The expression inside parentheses holding only it (and comments), repeatedly; n itself otherwise. */
static TSNode unparenthesized(TSNode n)
{
    for (int depth = 0; depth < 32 && type_is(n, "parenthesized_expression"); depth++) {
        TSNode inner = {0};
        uint32_t count = ts_node_named_child_count(n), seen = 0;
        for (uint32_t i = 0; i < count; i++) {
            TSNode k = ts_node_named_child(n, i);
            if (type_is(k, "comment")) continue;
            inner = k;
            seen++;
        }
        if (seen != 1) break;
        n = inner;
    }
    return n;
}

static void on_with_items(struct ctx *c, TSNode with, struct as_with *w)
{
    TSNode clause = {0};
    uint32_t n = ts_node_named_child_count(with);
    for (uint32_t i = 0; i < n; i++)
        if (type_is(ts_node_named_child(with, i), "with_clause")) clause = ts_node_named_child(with, i);
    if (ts_node_is_null(clause)) return;
    uint32_t k = ts_node_named_child_count(clause);
    w->item_calls = as_arena_alloc(c->arena, (k ? k : 1) * sizeof(struct as_span));
    w->item_call_index = as_arena_alloc(c->arena, (k ? k : 1) * sizeof(int32_t));
    w->item_values = as_arena_alloc(c->arena, (k ? k : 1) * sizeof(struct as_expr));
    for (uint32_t i = 0; i < k; i++) {
        TSNode item = ts_node_named_child(clause, i);
        if (!type_is(item, "with_item")) continue;
        TSNode v = child_in(item, F_VALUE);
        if (type_is(v, "as_pattern")) v = ts_node_named_child(v, 0);
        v = unparenthesized(v);   /* `with (\n    trio.move_on_after(1)  # why\n):` */
        w->item_calls[w->n_items] = type_is(v, "call") ? span_of(v) : (struct as_span){0, 0};
        w->item_call_index[w->n_items] = -1;
        expr_from_node(c, v, &w->item_values[w->n_items]);
        w->n_items++;
    }
}

/* Whether a node is a statement or clause that can hold blocks (a compound statement, its clauses, a block). */
static bool holds_blocks(TSNode n)
{
    const char *t = ts_node_type(n);
    size_t l = strlen(t);
    if (strcmp(t, "block") == 0) return true;
    if (l > 7 && strcmp(t + l - 7, "_clause") == 0) return true;
    return l > 10 && strcmp(t + l - 10, "_statement") == 0 && strcmp(t, "expression_statement") != 0;
}

typedef VEC(struct as_raise) raise_vec;

/* The raise statements of a block and of the blocks nested in its statements (not in defs and classes). */
static void collect_raises(TSNode block, raise_vec *out, int depth)
{
    uint32_t k = ts_node_named_child_count(block);
    for (uint32_t i = 0; i < k; i++) {
        TSNode st = ts_node_named_child(block, i);
        if (type_is(st, "raise_statement")) {
            struct as_raise r = {span_of(st), {0, 0}};
            TSNode e = ts_node_named_child(st, 0);   /* the exception; a `from` cause comes after it */
            if (!ts_node_is_null(e) && !type_is(e, "comment")) r.exc = span_of(e);
            vec_push(out, r);
        } else if (depth < 200 && holds_blocks(st)) {
            collect_raises(st, out, depth + 1);
        }
    }
}

/* The clauses of a try statement (struct as_handler) and the raise statements in their blocks. */
static void on_try_clauses(struct ctx *c, TSNode try_node, struct as_try *t)
{
    uint32_t n = ts_node_named_child_count(try_node), k = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode h = ts_node_named_child(try_node, i);
        k += type_is(h, "except_clause") || type_is(h, "except_group_clause");
    }
    if (!k) return;
    t->clauses = as_arena_alloc(c->arena, k * sizeof(struct as_handler));
    raise_vec raises = {0};
    for (uint32_t i = 0; i < n; i++) {
        TSNode h = ts_node_named_child(try_node, i);
        if (!type_is(h, "except_clause") && !type_is(h, "except_group_clause")) continue;
        struct as_handler x;
        memset(&x, 0, sizeof(x));
        x.span = span_of(h);
        x.star = type_is(h, "except_group_clause");
        TSNode value, alias, block;
        memset(&value, 0, sizeof(value));
        alias = block = value;
        uint32_t m = ts_node_child_count(h);
        for (uint32_t j = 0; j < m; j++) {
            TSNode ch = ts_node_child(h, j);
            const char *fname = ts_node_field_name_for_child(h, j);
            if (type_is(ch, "block")) block = ch;
            else if (!ts_node_is_named(ch) && strcmp(ts_node_type(ch), "*") == 0) x.star = true;
            else if (fname && strcmp(fname, "alias") == 0) alias = ch;
            else if (ts_node_is_named(ch) && !type_is(ch, "comment") && ts_node_is_null(value)) value = ch;
        }
        if (type_is(value, "as_pattern")) {   /* `except E as x` in older spellings */
            if (ts_node_is_null(alias)) alias = ts_node_named_child(value, 1);
            value = ts_node_named_child(value, 0);
        }
        if (type_is(alias, "as_pattern_target")) alias = ts_node_named_child(alias, 0);
        if (type_is(alias, "identifier")) x.name = text_of(c, alias);
        if (!ts_node_is_null(value)) x.type = span_of(value);
        if (!ts_node_is_null(block)) {
            x.body = span_of(block);
            collect_raises(block, &raises, 0);
        }
        t->clauses[t->n_clauses++] = x;
    }
    if (raises.len) {
        t->raises = as_arena_alloc(c->arena, raises.len * sizeof(struct as_raise));
        memcpy(t->raises, raises.items, raises.len * sizeof(struct as_raise));
        t->n_raises = (uint32_t)raises.len;
    }
    vec_free(&raises);
}

/* The exception names of a try statement's handlers: `except E`, `except (E1, m.E2)`, `except E as e`. */
static void on_try_handlers(struct ctx *c, TSNode try_node, struct as_try *t)
{
    on_try_clauses(c, try_node, t);
    uint32_t n = ts_node_named_child_count(try_node);
    const char *names[32];
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        TSNode h = ts_node_named_child(try_node, i);
        if (!type_is(h, "except_clause") && !type_is(h, "except_group_clause")) continue;
        TSNode v = ts_node_named_child(h, 0);
        if (type_is(v, "as_pattern")) v = ts_node_named_child(v, 0);
        if (type_is(v, "tuple") || type_is(v, "parenthesized_expression")) {
            uint32_t m = ts_node_named_child_count(v);
            for (uint32_t j = 0; j < m && k < 32; j++) {
                TSNode e = ts_node_named_child(v, j);
                if (type_is(e, "identifier") || type_is(e, "attribute")) names[k++] = text_of(c, e);
            }
        } else if ((type_is(v, "identifier") || type_is(v, "attribute")) && k < 32) {
            names[k++] = text_of(c, v);
        }
    }
    t->handlers = as_arena_alloc(c->arena, (k ? k : 1) * sizeof(char *));
    memcpy(t->handlers, names, k * sizeof(char *));
    t->n_handlers = k;
}

static void on_call(struct ctx *c, TSNode call, TSNode callee, TSNode args)
{
    struct as_call k;
    memset(&k, 0, sizeof(k));
    k.span = span_of(call);
    k.outer_call = -1;
    k.assigned_to = k.with_item = k.sleep_loop = -1;
    k.scope = -1;
    vec_push(&c->s->calls, k);
    size_t idx = c->s->calls.len - 1;
    /* Arguments go to the arena; CALL-kind argument values are linked to their call after sorting. */
    uint32_t n = ts_node_named_child_count(args);
    struct as_arg *av = n ? as_arena_alloc(c->arena, n * sizeof(*av)) : NULL;
    uint32_t na = 0;
    bool star = false;
    if (type_is(args, "argument_list")) {
        for (uint32_t i = 0; i < n; i++) {
            TSNode a = ts_node_named_child(args, i);
            const char *t = ts_node_type(a);
            if (strcmp(t, "comment") == 0) continue;
            /* a call passed as an argument (positional or keyword) is linked to this call (outer_call) */
            TSNode inner = strcmp(t, "keyword_argument") == 0 ? child_in(a, F_VALUE) : a;
            if (type_is(inner, "call")) {
                struct as_span in = span_of(inner), o = k.span;
                vec_push(&c->s->arg_inner, in);
                vec_push(&c->s->arg_outer, o);
            }
            if (strcmp(t, "list_splat") == 0 || strcmp(t, "dictionary_splat") == 0) { star = true; continue; }
            if (strcmp(t, "keyword_argument") == 0) {
                TSNode kn = child_in(a, F_NAME);
                TSNode kv = child_in(a, F_VALUE);
                av[na].keyword = ts_node_is_null(kn) ? "" : text_of(c, kn);
                expr_from_node(c, kv, &av[na].value);
            } else {
                av[na].keyword = NULL;
                expr_from_node(c, a, &av[na].value);
            }
            na++;
        }
    } else if (n) { /* generator_expression as the only argument */
        av[0].keyword = NULL;
        expr_from_node(c, args, &av[0].value);
        na = 1;
    }
    struct as_call *kp = &c->s->calls.items[idx];
    kp->args = av;
    kp->n_args = na;
    kp->has_star_args = star;
    expr_from_node(c, callee, &kp->callee);
}

static int cmp_span_start(uint32_t as, uint32_t ae, uint32_t bs, uint32_t be)
{
    if (as != bs) return as < bs ? -1 : 1;
    if (ae != be) return ae > be ? -1 : 1;   /* outer (longer) first */
    return 0;
}

static int cmp_scope(const void *a, const void *b)
{
    const struct as_scope *x = a, *y = b;
    return cmp_span_start(x->body.start, x->body.end, y->body.start, y->body.end);
}
static int cmp_call(const void *a, const void *b)
{
    const struct as_call *x = a, *y = b;
    return cmp_span_start(x->span.start, x->span.end, y->span.start, y->span.end);
}
static int cmp_binding(const void *a, const void *b)
{
    const struct as_binding *x = a, *y = b;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    return (int)x->kind - (int)y->kind;
}
static int cmp_ref(const void *a, const void *b)
{
    const struct as_ref *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}
static int cmp_attr(const void *a, const void *b)
{
    const struct as_attr_assign *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}
static int cmp_with(const void *a, const void *b)
{
    const struct as_with *x = a, *y = b;
    return cmp_span_start(x->body.start, x->body.end, y->body.start, y->body.end);
}
static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}
static int cmp_span(const void *a, const void *b)
{
    const struct as_span *x = a, *y = b;
    return cmp_span_start(x->start, x->end, y->start, y->end);
}

static int cmp_branch(const void *a, const void *b)
{
    const struct as_branch *x = a, *y = b;
    return cmp_span_start(x->body.start, x->body.end, y->body.start, y->body.end);
}

static int32_t find_call(const struct as_call *calls, size_t n, struct as_span sp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = cmp_span_start(calls[mid].span.start, calls[mid].span.end, sp.start, sp.end);
        if (c == 0) return (int32_t)mid;
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

static void link_call(struct as_facts *f, struct as_expr *e)
{
    if (e->kind == AS_EXPR_CALL) e->call = find_call(f->calls, f->n_calls, e->base);
    if (e->kind == AS_EXPR_CALL && e->call < 0) e->kind = AS_EXPR_OTHER;
    if ((e->kind == AS_EXPR_DIV || e->kind == AS_EXPR_EITHER) && e->operands) {   /* at most MAX_OPERAND_DEPTH deep */
        link_call(f, &e->operands[0]);
        link_call(f, &e->operands[1]);
    }
}

static bool span_in(const struct as_span *sorted, size_t n, struct as_span sp)
{
    return n && bsearch(&sp, sorted, n, sizeof(*sorted), cmp_span) != NULL;
}

/* qsort that accepts an empty (possibly NULL) array, and leaves one already in order as it is (the query
 * cursor delivers most facts in document order; glibc's qsort, a merge sort, would leave it so too). */
static void sort(void *items, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n < 2) return;
    const char *p = items;
    size_t i = 1;
    while (i < n && cmp(p + (i - 1) * size, p + i * size) <= 0) i++;
    if (i < n) qsort(items, n, size, cmp);
}

/* A parameter's owner, from its parameter list's span (param_list_of) to the span of the function or lambda
 * whose parameter list that is, as facts.h has it; {0,0} when no scope has it (a def the query did not match,
 * around a syntax error). */
struct params_owner {
    struct as_span params, node;
};
static int cmp_params_owner(const void *a, const void *b)
{
    const struct params_owner *x = a, *y = b;
    return x->params.start < y->params.start ? -1 : x->params.start > y->params.start;
}
static void owners_by_params(struct as_facts_scratch *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->bindings.len; i++) n += s->bindings.items[i].owner.end != 0;
    if (!n) return;
    struct params_owner *by = as_xmalloc((s->scopes.len ? s->scopes.len : 1) * sizeof(*by));
    size_t nb = 0;
    for (size_t i = 0; i < s->scopes.len; i++) {
        const struct as_scope *sc = &s->scopes.items[i];
        if ((sc->kind == AS_SCOPE_FUNCTION || sc->kind == AS_SCOPE_LAMBDA) && sc->params.end != 0)
            by[nb++] = (struct params_owner){sc->params, sc->node};
    }
    sort(by, nb, sizeof(*by), cmp_params_owner);
    for (size_t i = 0; i < s->bindings.len; i++) {
        struct as_binding *b = &s->bindings.items[i];
        if (b->owner.end == 0) continue;
        struct params_owner key = {b->owner, {0, 0}};
        const struct params_owner *o = nb ? bsearch(&key, by, nb, sizeof(*by), cmp_params_owner) : NULL;
        struct as_span none = {0, 0};
        b->owner = o && o->params.end == b->owner.end ? o->node : none;
    }
    free(by);
}

/* Capture ids of the combined query index this table; as_facts_check_captures rejects more. */
#define MAX_CAPTURES 512

static enum capture_kind kind_at(const enum capture_kind *map, uint32_t index)
{
    return index < MAX_CAPTURES ? map[index] : CAP_UNKNOWN;
}

static TSNode capture(const TSQueryMatch *m, const enum capture_kind *map, enum capture_kind want)
{
    for (uint16_t i = 0; i < m->capture_count; i++)
        if (kind_at(map, m->captures[i].index) == want) return m->captures[i].node;
    TSNode none;
    memset(&none, 0, sizeof(none));
    return none;
}

static void first_error(TSNode root, struct as_facts *out)
{
    if (!ts_node_has_error(root)) return;
    out->has_error = true;
    TSTreeCursor cur = ts_tree_cursor_new(root);
    for (;;) {
        TSNode n = ts_tree_cursor_current_node(&cur);
        if (ts_node_is_error(n) || ts_node_is_missing(n)) {
            out->first_error = span_of(n);
            break;
        }
        bool moved = false;
        if (ts_node_has_error(n) && ts_tree_cursor_goto_first_child(&cur)) moved = true;
        while (!moved) {
            if (ts_tree_cursor_goto_next_sibling(&cur)) {
                TSNode s = ts_tree_cursor_current_node(&cur);
                if (ts_node_has_error(s) || ts_node_is_missing(s)) moved = true;
            } else if (!ts_tree_cursor_goto_parent(&cur)) {
                ts_tree_cursor_delete(&cur);
                return;
            }
        }
    }
    ts_tree_cursor_delete(&cur);
}

/* ---- one query match -> one fact ----------------------------------------------------------------------- */

/* A query match being turned into a fact: its captures, the node of its outer capture, and the table from the
 * combined query's capture ids to capture kinds. */
struct match {
    struct ctx *c;
    const struct as_query *q;
    const TSQueryMatch *m;
    const enum capture_kind *map;
    TSNode node;
};

/* The match's capture of kind `want` (a null node when it has none). */
static TSNode cap(const struct match *mt, enum capture_kind want) { return capture(mt->m, mt->map, want); }

static void on_scope_fact(const struct match *mt, enum capture_kind outer)
{
    struct ctx *c = mt->c;
    TSNode node = mt->node;
    struct as_scope sc;
    memset(&sc, 0, sizeof(sc));
    sc.returns.tail = "";
    sc.returns.call = -1;
    sc.node = span_of(node);
    sc.parent = -1;
    if (outer == CAP_FUNCTION) {
        sc.kind = AS_SCOPE_FUNCTION;
        sc.is_async = !ts_node_is_null(cap(mt, CAP_FUNCTION_ASYNC));
        TSNode nm = cap(mt, CAP_FUNCTION_NAME);
        sc.name = text_of(c, nm);
        sc.name_span = span_of(nm);
        sc.params = span_of(cap(mt, CAP_FUNCTION_PARAMS));
        sc.body = span_of(cap(mt, CAP_FUNCTION_BODY));
        type_from_node(c, child_in(node, F_RETURN_TYPE), &sc.returns, 0);
        /* The def binds its name in the enclosing scope. */
        add_binding(c, AS_BIND_FUNCTION, nm, node);
    } else if (outer == CAP_LAMBDA) {
        sc.kind = AS_SCOPE_LAMBDA;
        TSNode p = cap(mt, CAP_LAMBDA_PARAMS);
        if (!ts_node_is_null(p)) sc.params = span_of(p);
        sc.body = span_of(cap(mt, CAP_LAMBDA_BODY));
    } else if (outer == CAP_CLASS) {
        sc.kind = AS_SCOPE_CLASS;
        TSNode nm = cap(mt, CAP_CLASS_NAME);
        sc.name = text_of(c, nm);
        sc.name_span = span_of(nm);
        sc.body = span_of(cap(mt, CAP_CLASS_BODY));
        TSNode bases = cap(mt, CAP_CLASS_BASES);
        if (!ts_node_is_null(bases)) sc.bases = span_of(bases);
        add_binding(c, AS_BIND_CLASS, nm, node);
    } else {
        sc.kind = AS_SCOPE_COMPREHENSION;
        sc.body = sc.node;
    }
    vec_push(&c->s->scopes, sc);
}

static void on_assign_fact(const struct match *mt)
{
    struct ctx *c = mt->c;
    TSNode target = cap(mt, CAP_ASSIGN_TARGET);
    TSNode v = cap(mt, CAP_ASSIGN_VALUE), t = cap(mt, CAP_ASSIGN_TYPE);
    /* `x: T = value` matches the pattern's two optional fields once each (one match with the type, one with the
     * value): the second completes the binding the first made. */
    struct as_binding *b = c->s->bindings.len ? last_binding(c) : NULL;
    struct as_span stmt = span_of(mt->node);
    if (!b || b->kind != AS_BIND_ASSIGN || b->pos != ts_node_start_byte(target) || b->stmt.start != stmt.start ||
        b->stmt.end != stmt.end) {
        add_binding(c, AS_BIND_ASSIGN, target, mt->node);
        b = last_binding(c);
    }
    /* Chained `a = b = value`: the value is the innermost right side. */
    while (type_is(v, "assignment")) v = child_in(v, F_RIGHT);
    if (!ts_node_is_null(v)) expr_from_node(c, v, &b->value);
    if (!ts_node_is_null(t)) type_from_node(c, t, &b->type, 0);
}

static void on_bind_fact(const struct match *mt)
{
    struct ctx *c = mt->c;
    TSNode node = mt->node;
    TSNode nm = cap(mt, CAP_BIND_NAME);
    if (ts_node_is_null(nm)) {
        TSNode as = cap(mt, CAP_BIND_AS);
        if (!ts_node_is_null(as)) bind_as(c, as, node, type_is(node, "with_item"));
        else bind_unpacked(c, cap(mt, CAP_BIND_UNPACK), node);
        return;
    }
    const char *kind = as_query_pattern_property(mt->q, mt->m->pattern_index, "kind");
    enum as_binding_kind bk = AS_BIND_PLAIN;
    if (kind && strcmp(kind, "param") == 0) bk = AS_BIND_PARAM;
    else if (kind && strcmp(kind, "with") == 0) bk = AS_BIND_WITH;
    else if (kind && strcmp(kind, "walrus") == 0) bk = AS_BIND_WALRUS;
    add_binding(c, bk, nm, node);
    struct as_binding *b = last_binding(c);
    if (bk == AS_BIND_PARAM) b->owner = param_list_of(node);   /* see owners_by_params */
    b->also_reads = kind && strcmp(kind, "augmented") == 0;
    if (bk == AS_BIND_PLAIN && (type_is(node, "for_statement") || type_is(node, "for_in_clause"))) {
        /* `for x in value`: x is an element of value (types.h: `value.__next__()`) */
        b->unpack_index = AS_UNPACK_ELEMENT;
        expr_from_node(c, child_in(node, F_RIGHT), &b->value);
        return;
    }
    expr_from_node(c, cap(mt, CAP_BIND_VALUE), &b->value);
    type_from_node(c, cap(mt, CAP_BIND_TYPE), &b->type, 0);
}

static void on_attr_fact(const struct match *mt)
{
    struct ctx *c = mt->c;
    struct as_attr_assign a;
    memset(&a, 0, sizeof(a));
    a.object = text_of(c, cap(mt, CAP_ATTR_OBJECT));
    a.name = text_of(c, cap(mt, CAP_ATTR_NAME));
    a.pos = ts_node_start_byte(mt->node);
    a.scope = -1;
    TSNode v = cap(mt, CAP_ATTR_VALUE);
    while (type_is(v, "assignment")) v = child_in(v, F_RIGHT);
    expr_from_node(c, v, &a.value);
    type_from_node(c, cap(mt, CAP_ATTR_TYPE), &a.type, 0);
    vec_push(&c->s->attrs, a);
}

static void on_with_fact(const struct match *mt)
{
    struct as_with w;
    memset(&w, 0, sizeof(w));
    w.span = span_of(mt->node);
    w.body = span_of(cap(mt, CAP_WITH_BODY));
    w.is_async = !ts_node_is_null(cap(mt, CAP_WITH_ASYNC));
    on_with_items(mt->c, mt->node, &w);
    vec_push(&mt->c->s->withs, w);
}

static void on_checkpoint_fact(const struct match *mt)
{
    struct as_facts_scratch *s = mt->c->s;
    TSNode node = mt->node;
    uint32_t p = ts_node_start_byte(node);
    vec_push(&s->checkpoints, p);
    if (type_is(node, "await")) {   /* the calls awaited directly */
        uint32_t n = ts_node_named_child_count(node);
        for (uint32_t i = 0; i < n; i++) {
            TSNode k = ts_node_named_child(node, i);
            if (!type_is(k, "call")) continue;
            struct as_span sp = span_of(k);
            vec_push(&s->awaited, sp);
        }
    }
}

static void on_decorator_fact(const struct match *mt)
{
    struct as_decorator d;
    memset(&d, 0, sizeof(d));
    TSNode e = cap(mt, CAP_DECORATOR_EXPR);
    if (type_is(e, "call")) e = child_in(e, F_FUNCTION);
    expr_from_node(mt->c, e, &d.expr);
    d.function = span_of(cap(mt, CAP_DECORATOR_FUNCTION));
    vec_push(&mt->c->s->decorators, d);
}

static void on_try_fact(const struct match *mt)
{
    struct as_try t;
    memset(&t, 0, sizeof(t));
    t.body = span_of(cap(mt, CAP_TRY_BODY));
    on_try_handlers(mt->c, mt->node, &t);
    vec_push(&mt->c->s->trys, t);
}

/* Facts whose whole record is the outer node's position or span. */
static void on_position_fact(const struct match *mt, enum capture_kind outer)
{
    struct ctx *c = mt->c;
    struct as_facts_scratch *s = c->s;
    TSNode node = mt->node;
    if (outer == CAP_YIELD) {
        struct as_span sp = span_of(node);
        vec_push(&s->yields, sp);
    } else if (outer == CAP_REF) {
        struct as_ref r = {NULL, ts_node_start_byte(node), -1};
        r.name = text_of(c, node);
        vec_push(&s->refs, r);
    } else if (outer == CAP_NONREF) {
        uint32_t p = ts_node_start_byte(node);
        vec_push(&s->nonrefs, p);
    } else if (outer == CAP_COMMENT) {
        struct as_span sp = span_of(node);
        vec_push(&s->comments, sp);
    } else if (outer == CAP_DISCARDED) {
        struct as_span sp = span_of(cap(mt, CAP_DISCARDED_CALL));
        vec_push(&s->discarded, sp);
    }
}

/* Records the fact named by the match's outer capture. */
static void on_match(struct match *mt)
{
    struct ctx *c = mt->c;
    const TSQueryMatch *m = mt->m;
    /* The outer capture decides the fact. */
    enum capture_kind outer = CAP_UNKNOWN;
    memset(&mt->node, 0, sizeof(mt->node));
    for (uint16_t i = 0; i < m->capture_count; i++) {
        enum capture_kind k = kind_at(mt->map, m->captures[i].index);
        const char *nm = capture_names[k];
        if (k != CAP_UNKNOWN && !strchr(nm, '.')) { outer = k; mt->node = m->captures[i].node; break; }
    }
    TSNode node = mt->node;
    switch (outer) {
    case CAP_FUNCTION: case CAP_LAMBDA: case CAP_CLASS: case CAP_COMPREHENSION:
        on_scope_fact(mt, outer);
        break;
    case CAP_IMPORT:
        on_import(c, node, cap(mt, CAP_IMPORT_MODULE), cap(mt, CAP_IMPORT_ALIAS));
        break;
    case CAP_FROM:
        on_from(c, node, cap(mt, CAP_FROM_MODULE));
        break;
    case CAP_CALL:
        on_call(c, node, cap(mt, CAP_CALL_CALLEE), cap(mt, CAP_CALL_ARGS));
        break;
    case CAP_ASSIGN: on_assign_fact(mt); break;
    case CAP_BIND: on_bind_fact(mt); break;
    case CAP_ATTR: on_attr_fact(mt); break;
    case CAP_WITH: on_with_fact(mt); break;
    case CAP_SLEEPLOOP:
        on_sleeploop(c, node, cap(mt, CAP_SLEEPLOOP_BODY));
        break;
    case CAP_CHECKPOINT: on_checkpoint_fact(mt); break;
    case CAP_DECORATOR: on_decorator_fact(mt); break;
    case CAP_TRY: on_try_fact(mt); break;
    case CAP_TYPECHECK:
        on_typecheck(c, node, cap(mt, CAP_TYPECHECK_COND));
        break;
    case CAP_GLOBAL: case CAP_NONLOCAL: {
        TSNode nm = cap(mt, outer == CAP_GLOBAL ? CAP_GLOBAL_NAME : CAP_NONLOCAL_NAME);
        if (!ts_node_is_null(nm))
            add_binding(c, outer == CAP_GLOBAL ? AS_BIND_GLOBAL : AS_BIND_NONLOCAL, nm, node);
        break;
    }
    case CAP_YIELD: case CAP_REF: case CAP_NONREF: case CAP_COMMENT: case CAP_DISCARDED:
        on_position_fact(mt, outer);
        break;
    default:
        break;
    }
}

/* ---- the extraction's steps ------------------------------------------------------------------------------ */

/* Empties the scratch vectors (keeping their memory) and pushes the module scope, scope 0. */
/* A scratch vector larger than this is freed as soon as its records are published, instead of being kept for
 * the worker's next file: a large file's records then never exist twice (scratch and arena) beside its tree,
 * and a worker does not hold the largest file's scratch for the rest of the run. An ordinary file's vectors
 * stay far below it (docs/performance.md, "Memory of one large file"). */
#define SCRATCH_KEEP_BYTES ((size_t)1 << 20)
#define drop_if_large(v)                                                                 \
    do {                                                                                 \
        if ((v)->cap * sizeof(*(v)->items) > SCRATCH_KEEP_BYTES) vec_free(v);           \
    } while (0)

static void start_scratch(struct as_facts_scratch *s, size_t len)
{
    s->scopes.len = s->bindings.len = s->calls.len = s->refs.len = s->nonrefs.len = s->attrs.len = 0;
    s->withs.len = s->sleep_loops.len = s->sleep_loop_calls.len = s->yields.len = s->checkpoints.len = 0;
    s->decorators.len = s->trys.len = s->typechecks.len = s->branches.len = 0;
    s->comments.len = s->discarded.len = s->awaited.len = s->arg_inner.len = s->arg_outer.len = 0;
    struct as_scope module;
    memset(&module, 0, sizeof(module));
    module.kind = AS_SCOPE_MODULE;
    module.node = module.body = (struct as_span){0, (uint32_t)len};
    module.parent = -1;
    vec_push(&s->scopes, module);
}

/* Runs the combined query over the tree and records every match's fact in the scratch vectors. */
static void collect_matches(struct ctx *c, const struct as_query *q, TSNode root, struct as_facts *out)
{
    enum capture_kind map[MAX_CAPTURES];
    const TSQuery *ts = as_query_ts(q);
    uint32_t ncap = ts_query_capture_count(ts);
    for (uint32_t i = 0; i < MAX_CAPTURES; i++) map[i] = CAP_UNKNOWN;
    for (uint32_t i = 0; i < ncap && i < MAX_CAPTURES; i++) {
        uint32_t l;
        const char *nm = ts_query_capture_name_for_id(ts, i, &l);
        map[i] = capture_kind_of(nm, l);
    }
    struct as_query_run run;
    /* a cursor per file: it lives in the file's tree-sitter arena (tsalloc.h) */
    TSQueryCursor *cursor = ts_query_cursor_new();
    as_query_run_start(&run, cursor, q, root, c->src, c->len);
    TSQueryMatch m;
    struct match mt = {c, q, &m, map, {{0}, NULL, NULL}};
    while (as_query_run_next(&run, &m)) on_match(&mt);
    if (as_query_exceeded(&run)) out->match_limit_exceeded = true;
    ts_query_cursor_delete(cursor);
}

/* Copies `n` items of `size` bytes into the arena (one item's room when there are none). */
static void *publish(struct as_arena *arena, const void *items, size_t n, size_t size)
{
    void *to = as_arena_alloc(arena, (n ? n : 1) * size);
    if (n) memcpy(to, items, n * size);
    return to;
}

/* Calls in span order, with whether each is awaited or discarded and the call each is an argument of. */
static void publish_calls(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    out->n_calls = s->calls.len;
    out->calls = publish(arena, s->calls.items, s->calls.len, sizeof(struct as_call));
    for (size_t i = 0; i < out->n_calls; i++) {
        struct as_call *k = &out->calls[i];
        k->awaited = span_in(s->awaited.items, s->awaited.len, k->span);
        k->discarded = span_in(s->discarded.items, s->discarded.len, k->span);
    }
    for (size_t i = 0; i < s->arg_inner.len; i++) {
        int32_t in = find_call(out->calls, out->n_calls, s->arg_inner.items[i]);
        int32_t ou = find_call(out->calls, out->n_calls, s->arg_outer.items[i]);
        if (in >= 0 && ou >= 0) out->calls[in].outer_call = ou;
    }
}

/* Bindings; CALL-kind expressions of calls and bindings linked to the call they are built on. */
static void publish_bindings(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    sort(s->bindings.items, s->bindings.len, sizeof(struct as_binding), cmp_binding);
    out->n_bindings = s->bindings.len;
    out->bindings = publish(arena, s->bindings.items, s->bindings.len, sizeof(struct as_binding));

    for (size_t i = 0; i < out->n_calls; i++) {
        struct as_call *k = &out->calls[i];
        link_call(out, &k->callee);
        for (uint32_t a = 0; a < k->n_args; a++) link_call(out, &k->args[a].value);
    }
    for (size_t i = 0; i < out->n_bindings; i++) {
        link_call(out, &out->bindings[i].value);
        link_call(out, &out->bindings[i].type);
    }
}

static void publish_attrs(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    out->n_attrs = s->attrs.len;
    out->attrs = publish(arena, s->attrs.items, s->attrs.len, sizeof(struct as_attr_assign));
    sort(out->attrs, out->n_attrs, sizeof(struct as_attr_assign), cmp_attr);
    for (size_t i = 0; i < out->n_attrs; i++) {
        link_call(out, &out->attrs[i].value);
        link_call(out, &out->attrs[i].type);
    }
}

/* With statements in span order, nested by body ranges like scopes, and the calls of their items. */
static void publish_withs(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    out->n_withs = s->withs.len;
    out->withs = publish(arena, s->withs.items, s->withs.len, sizeof(struct as_with));
    sort(out->withs, out->n_withs, sizeof(struct as_with), cmp_with);
    int32_t *stack = as_arena_alloc(arena, (out->n_withs + 1) * sizeof(int32_t));
    size_t sp = 0;
    for (size_t i = 0; i < out->n_withs; i++) {
        struct as_with *w = &out->withs[i];
        while (sp && !(w->body.start >= out->withs[stack[sp - 1]].body.start &&
                       w->body.end <= out->withs[stack[sp - 1]].body.end))
            sp--;
        w->parent = sp ? stack[sp - 1] : -1;
        stack[sp++] = (int32_t)i;
    }
    for (size_t i = 0; i < out->n_withs; i++)
        for (uint32_t k = 0; k < out->withs[i].n_items; k++) {
            if (out->withs[i].item_calls[k].end)
                out->withs[i].item_call_index[k] = find_call(out->calls, out->n_calls, out->withs[i].item_calls[k]);
            link_call(out, &out->withs[i].item_values[k]);
        }
}

/* Sleep loops, and on each call the sleep loop, with statement or assignment it belongs to. */
static void link_calls_to_owners(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    out->n_sleep_loops = s->sleep_loops.len;
    out->sleep_loops = as_arena_alloc(arena, (s->sleep_loops.len ? s->sleep_loops.len : 1) * sizeof(struct as_sleep_loop));
    for (size_t i = 0; i < out->n_sleep_loops; i++) {
        out->sleep_loops[i] = s->sleep_loops.items[i];
        out->sleep_loops[i].call = find_call(out->calls, out->n_calls, s->sleep_loop_calls.items[i]);
        if (out->sleep_loops[i].call >= 0) out->calls[out->sleep_loops[i].call].sleep_loop = (int32_t)i;
    }
    for (size_t i = 0; i < out->n_withs; i++)
        for (uint32_t k = 0; k < out->withs[i].n_items; k++)
            if (out->withs[i].item_call_index[k] >= 0) out->calls[out->withs[i].item_call_index[k]].with_item = (int32_t)i;
    for (size_t i = 0; i < out->n_bindings; i++) {
        const struct as_binding *b = &out->bindings[i];
        if (b->kind == AS_BIND_ASSIGN && b->value.kind == AS_EXPR_CALL && b->value.call >= 0 && !*b->value.tail)
            out->calls[b->value.call].assigned_to = (int32_t)i;
    }
}

/* Yields, checkpoints, decorators, try statements and type-checking blocks. */
static void publish_markers(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    sort(s->yields.items, s->yields.len, sizeof(struct as_span), cmp_span);
    out->n_yields = s->yields.len;
    out->yields = as_arena_alloc(arena, (s->yields.len ? s->yields.len : 1) * sizeof(uint32_t));
    out->yield_spans = as_arena_alloc(arena, (s->yields.len ? s->yields.len : 1) * sizeof(struct as_span));
    for (size_t i = 0; i < s->yields.len; i++) {
        out->yields[i] = s->yields.items[i].start;
        out->yield_spans[i] = s->yields.items[i];
    }
    sort(s->checkpoints.items, s->checkpoints.len, sizeof(uint32_t), cmp_u32);
    out->n_checkpoints = s->checkpoints.len;
    out->checkpoints = publish(arena, s->checkpoints.items, s->checkpoints.len, sizeof(uint32_t));
    out->n_decorators = s->decorators.len;
    out->decorators = publish(arena, s->decorators.items, s->decorators.len, sizeof(struct as_decorator));
    for (size_t i = 0; i < out->n_decorators; i++) link_call(out, &out->decorators[i].expr);
    out->n_trys = s->trys.len;
    out->trys = publish(arena, s->trys.items, s->trys.len, sizeof(struct as_try));
    sort(s->typechecks.items, s->typechecks.len, sizeof(struct as_span), cmp_span);   /* by start, as facts.h says */
    out->n_typechecks = s->typechecks.len;
    out->typechecks = publish(arena, s->typechecks.items, s->typechecks.len, sizeof(struct as_span));
    sort(s->branches.items, s->branches.len, sizeof(struct as_branch), cmp_branch);   /* by body start */
    out->n_branches = s->branches.len;
    out->branches = publish(arena, s->branches.items, s->branches.len, sizeof(struct as_branch));
}

/* References: identifiers that are neither nonrefs nor binding sites (a site that also reads, `x += 1`,
 * stays); then the comments. */
static void publish_refs_and_comments(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    size_t nr = 0;
    out->refs = as_arena_alloc(arena, (s->refs.len ? s->refs.len : 1) * sizeof(struct as_ref));
    sort(s->refs.items, s->refs.len, sizeof(struct as_ref), cmp_ref);
    size_t bi = 0;
    for (size_t i = 0; i < s->refs.len; i++) {
        uint32_t p = s->refs.items[i].pos;
        if (s->nonrefs.len && bsearch(&p, s->nonrefs.items, s->nonrefs.len, sizeof(uint32_t), cmp_u32)) continue;
        while (bi < out->n_bindings && out->bindings[bi].pos < p) bi++;
        bool is_site = false;
        for (size_t k = bi; k < out->n_bindings && out->bindings[k].pos == p; k++)
            if (out->bindings[k].kind != AS_BIND_GLOBAL && out->bindings[k].kind != AS_BIND_NONLOCAL) is_site = true;
        if (is_site) {
            bool reads = false;
            for (size_t k = bi; k < out->n_bindings && out->bindings[k].pos == p; k++)
                reads |= out->bindings[k].also_reads;
            if (!reads) continue;
        }
        out->refs[nr++] = s->refs.items[i];
    }
    out->n_refs = nr;

    out->n_comments = s->comments.len;
    sort(s->comments.items, s->comments.len, sizeof(struct as_span), cmp_span);
    out->comments = publish(arena, s->comments.items, s->comments.len, sizeof(struct as_span));
}

void as_facts_collect(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s,
                      const struct as_query_set *queries, const struct TSTree *tree, const char *src, size_t len)
{
    pthread_once(&fields_once, look_up_fields);
    memset(out, 0, sizeof(*out));
    start_scratch(s, len);
    struct ctx c = {arena, s, src, len};
    TSNode root = ts_tree_root_node(tree);
    collect_matches(&c, as_query_set_combined(queries), root, out);
    first_error(root, out);

    owners_by_params(s);
    sort(s->scopes.items + 1, s->scopes.len - 1, sizeof(struct as_scope), cmp_scope);
    out->n_scopes = s->scopes.len;
    out->scopes = publish(arena, s->scopes.items, s->scopes.len, sizeof(struct as_scope));
    drop_if_large(&s->scopes);
}

void as_facts_publish(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s)
{
    /* Sort, then link what refers to calls and scopes by span. */
    sort(s->calls.items, s->calls.len, sizeof(struct as_call), cmp_call);
    sort(s->discarded.items, s->discarded.len, sizeof(struct as_span), cmp_span);
    sort(s->awaited.items, s->awaited.len, sizeof(struct as_span), cmp_span);
    sort(s->nonrefs.items, s->nonrefs.len, sizeof(uint32_t), cmp_u32);
    publish_calls(out, arena, s);
    drop_if_large(&s->calls);
    publish_bindings(out, arena, s);
    drop_if_large(&s->bindings);
    publish_attrs(out, arena, s);
    publish_withs(out, arena, s);
    link_calls_to_owners(out, arena, s);
    publish_markers(out, arena, s);
    publish_refs_and_comments(out, arena, s);
    drop_if_large(&s->refs);
    drop_if_large(&s->nonrefs);
    drop_if_large(&s->arg_inner);
    drop_if_large(&s->arg_outer);
    drop_if_large(&s->discarded);
    drop_if_large(&s->awaited);
}

int as_facts_extract(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *s,
                     const struct as_query_set *queries, const struct TSTree *tree, const char *src, size_t len)
{
    as_facts_collect(out, arena, s, queries, tree, src, len);
    as_facts_publish(out, arena, s);
    return 0;
}
