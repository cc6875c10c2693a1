/* cancelled.h — what the rules walking the statement outline (outline.h) share: which `except` clauses catch the
 * cancellation exception (ASYNC102, 103, 104, 120), whether a statement checkpoints or yields in its function,
 * the with fact of a `with` statement, messages with the walk's placeholders. */
#ifndef AS_CHECKS_CANCELLED_H
#define AS_CHECKS_CANCELLED_H
#include "checks/check.h"

enum as_catch_kind {
    AS_CATCH_NONE,        /* the clause cannot catch the cancellation exception */
    AS_CATCH_CANCELLED,   /* it names it: trio.Cancelled, asyncio.CancelledError, anyio.get_cancelled_exc_class() */
    AS_CATCH_BROAD,       /* a bare `except:` or one naming BaseException */
};

struct as_catch {
    enum as_catch_kind kind;
    unsigned library;     /* CANCELLED: the AS_LIB_* bit of the library whose exception it names */
    struct as_span at;    /* the element of the clause that catches it (the `except` keyword when bare) */
    const char *name;     /* as written ("bare except" for a bare one); arena */
};

/* What the EXCEPT node of the outline catches. */
struct as_catch as_catch_of(struct as_check_ctx *ctx, const struct as_outline_node *except);

/* Whether `except` (a clause of try_node) is where a cancellation lands: it catches it, and no earlier clause of
 * the same try caught it (a broad clause after `except trio.Cancelled:` is not); with named_always, a clause
 * naming the cancellation exception counts even after another one. *out (may be NULL) gets what it catches. */
bool as_catch_critical(struct as_check_ctx *ctx, const struct as_outline_node *try_node, const struct as_outline_node *except,
                       bool named_always, struct as_catch *out);
/* 1-based line of a byte offset. */
uint32_t as_line_of(const char *src, uint32_t pos);
/* A message template with {name} (what the handler names, the statement), {group} (nursery / task group; spelled {param} where it is a parameter's name) and
 * {cancelled} (the cancellation class of each of the libraries `libs`) filled in. Arena. */
const char *as_flow_message(struct as_check_ctx *ctx, const char *tmpl, const char *name, const char *group, unsigned libs);
/* Whether function scope fn has a decorator whose name (resolved when it can be, else as written) ends in one
 * of the NULL-terminated last_names ("contextmanager" matches contextlib.contextmanager and any alias of it). */
bool as_decorated_by_name(struct as_check_ctx *ctx, int32_t fn, const char *const *last_names);
/* Whether function scope fn has a decorator matching one of the n patterns of a configuration list (globs on its
 * qualified name or as written, or on its last name: flake8-async matches decorators by their last name). */
bool as_decorated_by_option(struct as_check_ctx *ctx, int32_t fn, char *const *patterns, size_t n);
/* Whether function scope fn is exempt from the checkpoint rules by a decorator: one whose last name is
 * asynccontextmanager, or one the configuration's `no-checkpoint-warning-decorators` globs match (as written,
 * without its arguments, or resolved). */
bool as_no_checkpoint_decorated(struct as_check_ctx *ctx, int32_t fn);
/* Calls visit for each yield of a function (of an async one with async_only) with the function's scope. */
void as_each_yield(struct as_check_ctx *ctx, const struct as_rule *rule, bool async_only,
                   void (*visit)(struct as_check_ctx *ctx, const struct as_rule *rule, size_t yield, int32_t fn));
/* Whether pos (in function scope fn) is in the body of a `with` of fn that `accept` (NULL: any) takes. */
bool as_in_with_of_function(struct as_check_ctx *ctx, uint32_t pos, int32_t fn,
                            bool (*accept)(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_with *w),
                            const struct as_rule *rule);
/* The qualified name of a dotted name `text` written at `sp` ("trio.Cancelled"), NULL when it is not one or
 * does not resolve; *unbound tells a plain name that nothing in the file binds (a builtin). */
const char *as_qualify_written(struct as_check_ctx *ctx, struct as_span sp, const char *text, bool *unbound);
/* Whether the expression written at [s, e) (blanks trimmed, a subscript dropped; a keyword `k=v` never) resolves
 * to one of the NULL-terminated qualified names (a name nothing binds matches "builtins.<name>"). */
bool as_written_one_of(struct as_check_ctx *ctx, uint32_t s, uint32_t e, const char *const *names);
/* The same for an expression or a parenthesised, comma-separated list of them (class bases, a tuple): any one. */
bool as_written_list_has(struct as_check_ctx *ctx, struct as_span list, const char *const *names);
/* Whether the outline clause `body` holds only a docstring or other string, `pass` and `...` (and, with
 * raise_ok, `raise` statements): a stub (an overload, a protocol, an abstract method). */
bool as_stub_body(struct as_check_ctx *ctx, int32_t body, bool raise_ok);
/* Scans source text from i to end, strings skipped, for the first closing bracket that no bracket after i opened
 * (or, with stop_at_comma, a comma outside brackets): its offset, or end. An item of a list ends there; the
 * bracket opened at i - 1 closes there. */
uint32_t as_bracket_scan(const char *src, uint32_t i, uint32_t end, bool stop_at_comma);
/* The with fact of the `with` statement that starts at pos, or NULL. */
const struct as_with *as_with_at(const struct as_facts *f, uint32_t pos);

/* Whether one of the sorted offsets `v` is in `span` and belongs to function scope `fn` (not to a nested def or
 * lambda): "this part of the statement checkpoints / yields in this function". */
bool as_offsets_in(const struct as_model *m, const uint32_t *v, size_t n, struct as_span span, int32_t fn);
/* The index of the call with exactly this span, or -1. */
int32_t as_call_at(const struct as_facts *f, struct as_span span);

#endif
