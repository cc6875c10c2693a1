/* facts.h — what the queries found in one file, as plain records with byte ranges (no tree-sitter nodes
 * escape facts.c): scopes, bindings, calls with their arguments, references, comments, syntax errors.
 * All memory is in the file's arena. Records are sorted by position. The semantic model (model.h) links them. */
#ifndef AS_FACTS_H
#define AS_FACTS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct as_query_set;
struct TSTree;

/* Bytes that can be part of a Python name: ASCII letters, digits and `_`, and any non-ASCII byte (a name may
 * be non-ASCII). */
extern const bool as_name_bytes[256];
static inline bool as_name_byte(unsigned char c) { return as_name_bytes[c]; }

struct as_span {
    uint32_t start, end;   /* byte offsets, end exclusive */
};

enum as_expr_kind {
    AS_EXPR_NONE = 0,   /* absent */
    AS_EXPR_NAME,       /* identifier head + optional attribute tail: `time.sleep` */
    AS_EXPR_CALL,       /* the result of a call + optional tail: `httpx.Client().get` */
    AS_EXPR_STRING,     /* a plain string literal (text holds its content) */
    AS_EXPR_NUMBER,     /* an integer/float literal (text holds it) */
    AS_EXPR_CONST,      /* True / False / None (text holds it) */
    AS_EXPR_LAMBDA,     /* a lambda (scope index in `call`) */
    AS_EXPR_DIV,        /* `left / right` (operands[0], operands[1]) + optional tail: `(root / "x").mkdir` */
    AS_EXPR_EITHER,     /* `a if c else b`, `a or b` (operands[0], operands[1]): the type both sides agree on */
    AS_EXPR_OTHER,      /* anything else; tail may still hold trailing attributes */
};

/* A compact description of an expression, enough to resolve it to a qualified name. */
/* The records below are ordered widest field first, so that no padding is wasted: a 15 MB file has ~2 million
 * of them (docs/performance.md, "Memory of one large file"). */
struct as_expr {
    const char *head;      /* NAME: the leading identifier */
    const char *tail;      /* ".a.b" attribute segments after the head/call; "" when none */
    const char *text;      /* STRING/NUMBER/CONST: literal text (string content without quotes) */
    struct as_span span;
    union {                /* by kind: */
        struct as_span base;       /* CALL: span of the base call (linked to `call` after sorting) */
        struct as_expr *operands;  /* DIV, EITHER: the two operands (arena) */
    };
    enum as_expr_kind kind;
    uint32_t head_pos;     /* NAME: its byte offset */
    int32_t call;          /* CALL: index into facts.calls of the base call; LAMBDA: scope index */
};

enum as_scope_kind { AS_SCOPE_MODULE, AS_SCOPE_FUNCTION, AS_SCOPE_LAMBDA, AS_SCOPE_CLASS, AS_SCOPE_COMPREHENSION };

struct as_scope {
    const char *name;          /* function/class name; NULL otherwise */
    struct as_expr returns;    /* function: the return annotation (unwrapped like a parameter's); NONE if none */
    struct as_span node;       /* the whole definition (without decorators) */
    struct as_span body;       /* what runs inside the scope */
    struct as_span params;     /* parameter list; {0,0} if none */
    struct as_span name_span;
    struct as_span bases;      /* class: the parenthesised base list; {0,0} if none */
    int32_t parent;            /* enclosing scope (by body nesting); -1 for the module */
    enum as_scope_kind kind;
    bool is_async;
};

enum as_binding_kind {
    AS_BIND_IMPORT,       /* import a.b [as c] */
    AS_BIND_FROM_IMPORT,  /* from m import x [as y] */
    AS_BIND_STAR_IMPORT,  /* from m import * (name is "*") */
    AS_BIND_ASSIGN,       /* x = value / x: T = value */
    AS_BIND_WITH,         /* with value as x */
    AS_BIND_WALRUS,       /* (x := value) */
    AS_BIND_PARAM,        /* parameter (type = annotation) */
    AS_BIND_FUNCTION,     /* def x */
    AS_BIND_CLASS,        /* class x */
    AS_BIND_GLOBAL,       /* global x (declaration) */
    AS_BIND_NONLOCAL,     /* nonlocal x (declaration) */
    AS_BIND_PLAIN,        /* any other binding: for targets, unpacking, except-as, del, += */
};

#define AS_UNPACK_ELEMENT (-2)

struct as_binding {
    const char *name;
    const char *module;       /* IMPORT/FROM/STAR: module text as written (".m" for relative) */
    const char *imported;     /* FROM: the imported name ("sleep"); IMPORT: the full dotted module */
    struct as_expr value;     /* ASSIGN/WITH/WALRUS; PLAIN with unpack_index >= 0: the unpacked right side */
    struct as_expr type;      /* ASSIGN/PARAM: annotation, unwrapped from Optional[...] / X | None */
    struct as_span stmt;      /* the binding statement */
    struct as_span owner;     /* PARAM: the function/lambda node whose parameter list holds it ({0,0} if none) */
    enum as_binding_kind kind;
    uint32_t pos;             /* byte offset of the bound identifier */
    int32_t scope;            /* filled by the model */
    int32_t unpack_index;     /* `a, b = value`: the position of this name in the target (PLAIN); AS_UNPACK_ELEMENT
                                 for `for x in value` (value: the iterable); else -1 */
    int32_t next;             /* next binding of the same (scope, name), by position (model) */
    bool also_reads;          /* `x += 1` reads x as well as binding it */
    bool used;                /* read at least once (model) */
};

struct as_arg {
    const char *keyword;      /* NULL for positional */
    struct as_expr value;
};

struct as_call {
    struct as_expr callee;
    struct as_arg *args;
    struct as_span span;
    uint32_t n_args;
    int32_t outer_call;       /* call this one is an argument of, or -1 */
    int32_t assigned_to;      /* binding of `name = <this call>` (single target, no attribute tail), or -1 */
    int32_t with_item;        /* with statement this call is an item of, or -1 */
    int32_t sleep_loop;       /* sleep loop whose body awaits this call, or -1 */
    int32_t scope;            /* innermost scope (model) */
    bool has_star_args;       /* *args or **kwargs present */
    bool awaited;             /* directly under await */
    bool discarded;           /* the whole expression statement */
};

/* `obj.name = value` / `obj.name: T = value` (obj a plain name). */
struct as_attr_assign {
    const char *object;
    const char *name;
    uint32_t pos;             /* byte offset of the statement */
    int32_t scope;            /* model */
    struct as_expr value;
    struct as_expr type;
};

/* A `with` / `async with` statement. */
struct as_with {
    struct as_span span, body;
    bool is_async;
    struct as_span *item_calls;  /* the call of each item whose value is a call (linked: item_call_index) */
    int32_t *item_call_index;    /* index into calls, -1 when the item is not a call */
    struct as_expr *item_values; /* each item's context manager (`with lock:`, `with X() as x`: X()) */
    uint32_t n_items;
    int32_t parent;              /* the innermost with statement whose body contains this one, or -1 */
};

/* A `while` loop whose body is exactly one `await <call>`. */
struct as_sleep_loop {
    struct as_span span;
    int32_t call;
};

/* A decorator expression and the function (node span) it decorates. */
struct as_decorator {
    struct as_expr expr;         /* the decorator without its call arguments: `@pytest.fixture(...)` -> pytest.fixture */
    struct as_span function;
};

/* An `except` clause of a try statement. */
struct as_handler {
    struct as_span span;         /* the whole clause */
    struct as_span type;         /* its exception expression as written ({0,0} when bare) */
    struct as_span body;         /* its block */
    const char *name;            /* the `as` name, or NULL */
    bool star;                   /* `except*` */
};

/* A `raise` statement in an `except` clause's block (its nested blocks too; not in nested defs or classes). */
struct as_raise {
    struct as_span stmt;         /* the statement */
    struct as_span exc;          /* what it raises ({0,0} for a bare `raise`; without a `from` cause) */
};

/* A try statement: its body and the exception names its `except` clauses name (as written); its clauses, and
 * the raise statements of their blocks by position (ASYNC123, ASYNC400: exception groups in any code). */
struct as_try {
    struct as_span body;
    const char **handlers;
    uint32_t n_handlers;
    struct as_handler *clauses;
    uint32_t n_clauses;
    struct as_raise *raises;
    uint32_t n_raises;
};

/* The consequence of an `if` or an `elif` and its condition: the body runs only when the condition is true. */
struct as_branch {
    struct as_span cond, body;
};

struct as_ref {
    const char *name;
    uint32_t pos;
    int32_t scope;            /* model */
};

struct as_facts {
    struct as_scope *scopes;     size_t n_scopes;     /* scopes[0] is the module */
    struct as_binding *bindings; size_t n_bindings;
    struct as_call *calls;       size_t n_calls;
    struct as_ref *refs;         size_t n_refs;
    struct as_attr_assign *attrs; size_t n_attrs;
    struct as_span *comments;    size_t n_comments;
    struct as_with *withs;       size_t n_withs;         /* sorted by body start */
    struct as_sleep_loop *sleep_loops; size_t n_sleep_loops;
    uint32_t *yields;            size_t n_yields;        /* start offsets */
    struct as_span *yield_spans;
    uint32_t *checkpoints;       size_t n_checkpoints;   /* start offsets of await / async for / async with */
    struct as_decorator *decorators; size_t n_decorators;
    struct as_try *trys;         size_t n_trys;
    struct as_span *typechecks;  size_t n_typechecks;   /* what runs only for some argument types (below), by start */
    struct as_branch *branches;  size_t n_branches;     /* `if`/`elif` bodies with their conditions, by body start */
    struct as_span first_error;  /* first ERROR/MISSING node; start == end == 0 and !has_error if none */
    bool has_error;
    bool match_limit_exceeded;
};

/* Per-worker scratch (growable buffers; the query cursor is made per file, in the tree-sitter arena). */
struct as_facts_scratch;
struct as_facts_scratch *as_facts_scratch_new(void);
void as_facts_scratch_free(struct as_facts_scratch *self);

/* Runs every query of `queries` over `tree` (parsed from src) and fills *out from arena. Returns 0. */
int as_facts_extract(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *scratch,
                     const struct as_query_set *queries, const struct TSTree *tree, const char *src, size_t len);
/* as_facts_extract in two steps, so that the tree can be freed between them (a large file's tree and its
 * published records then never take memory at once): as_facts_collect runs the queries into the scratch and
 * publishes only the scopes (with first_error/has_error); what needs the tree and the scopes (the outline) can
 * run then; as_facts_publish needs no tree and publishes the rest. */
void as_facts_collect(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *scratch,
                      const struct as_query_set *queries, const struct TSTree *tree, const char *src, size_t len);
void as_facts_publish(struct as_facts *out, struct as_arena *arena, struct as_facts_scratch *scratch);

/* Validates that queries use only capture names from facts.def (names starting with "_" are free); on error
 * returns -1 with *err (heap) naming the query and the capture. */
int as_facts_check_captures(const struct as_query_set *queries, char **err);
struct as_query;
int as_facts_check_query(const struct as_query *query, char **err);

#endif
