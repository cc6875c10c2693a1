/* check.h — the C side of rules: a check kind decides, for a call whose qualified name matched one of a
 * rule's `match:` lines, whether it is a finding (blocking-call: in async context; orphan-task: its value is
 * dropped). Kinds are registered in checks.def; each lives in src/checks/<kind>.c. Rules of a kind are data. */
#ifndef AS_CHECKS_CHECK_H
#define AS_CHECKS_CHECK_H
#include <stdbool.h>
#include <stddef.h>

#include "analysis/checkpoints.h"
#include "analysis/facts.h"
#include "analysis/outline.h"
#include "analysis/model.h"
#include "analysis/rules.h"

struct as_finding {
    const struct as_rule *rule;
    struct as_span span;       /* bytes */
    const char *message;       /* arena */
    const char *help;          /* arena or NULL */
    bool suppressed;           /* set by the engine: a `# noqa` covers it */
};

/* The async libraries a file is written for (bits): set by `async-library` in the configuration, else
 * inferred from its imports (as_check_libraries). */
enum { AS_LIB_TRIO = 1, AS_LIB_ANYIO = 2, AS_LIB_ASYNCIO = 4 };

/* Options of flake8-async's that change rules, from the configuration (run-wide). */
struct as_check_options {
    /* startable-in-context-manager: names of functions to be started with `.start()` (ASYNC113), which ASYNC114
     * accepts; trio's own startable functions are known without it */
    char **startable; size_t n_startable;
    /* transform-async-generator-decorators: decorators (dotted names, `*` globs) that make an async generator
     * safe (ASYNC900) */
    char **generator_decorators; size_t n_generator_decorators;
};

struct as_check_ctx {
    const struct as_model *model;
    struct as_arena *arena;
    const char *src;
    const char *const *callee_names;   /* qualified name of every call (facts order), NULL when unknown */
    void (*report)(struct as_check_ctx *self, const struct as_finding *f);
    void *report_ud;
    const struct as_outline *outline;        /* statement outline of the async functions (outline.h); NULL unless an
                                        * enabled rule's kind sets needs_outline */
    unsigned library;                  /* AS_LIB_* bits set by configuration (`async-library`), 0 = infer */
    const struct as_check_options *options;
    const struct as_checkpoints *checkpoints;   /* the checkpoint model, built by the first kind that asks
                                                 * (as_check_checkpoints); NULL until then */
    const struct as_checkpoint_options *checkpoint_options;   /* the configuration's; NULL: none */
};

struct as_check_kind {
    const char *name;    /* the `kind:` value in rule files */
    /* Findings only exist inside `async def` (so a file without the word "async" has none): the pre-parse
     * skip relies on this being true. */
    bool async_only;
    /* A call matched one of the rule's patterns (NULL for kinds that look at the file as a whole). */
    void (*on_call)(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index);
    /* Once per file for every enabled rule of this kind (NULL for call-driven kinds). Such kinds may have no
     * `match:` lines; when they have some, they interpret them (e.g. exempting decorators). */
    void (*on_file)(struct as_check_ctx *ctx, const struct as_rule *rule);
    /* Rules of this kind are decided by the project-wide pass (project.c) from the function summaries of all
     * files, not per file; they need no `match:` lines. */
    bool project_wide;
    /* For the pre-parse skip, a kind that looks at the file as a whole: a word its findings cannot do without
     * (the parameter name `timeout`, the keyword `yield`), or several separated by spaces of which they need one
     * (`finally except __aexit__`); an entry `a.b` needs both words, and a word ending in `*` is the word
     * followed by a star across blanks (`except*`). NULL when any (async) code may have one: an async-only kind
     * then keeps every file with async code, another every file. Call-driven kinds need none: their findings
     * need a call matching one of the rule's patterns. */
    const char *needs_word;
    /* The kind reads ctx->outline (of the async functions, or of all code): the engine builds the statement
     * outline, as far as the enabled kinds need, while the tree is alive. */
    enum as_outline_reach needs_outline;
    /* A kind that looks at the whole file, whose findings each need a call matching one of the rule's `match:`
     * lines (a context manager it looks for): for the pre-parse skip, its patterns are needles like those of
     * the call-driven kinds, in sync code too. */
    bool needs_match;
    /* Findings exist anywhere in a file that is async code (an `async def`, an import of trio, anyio or asyncio,
     * or `async-library` configured; as_check_is_async_file), sync code included: for the pre-parse skip, a
     * word of needs_word counts in a file that has `async` or one of those library names (any file when the
     * library is configured). */
    bool in_async_files;
};

/* The blocking-call kind: its matches also feed function summaries (a sync helper that blocks). */
extern const struct as_check_kind as_check_blocking_call;

/* The project-wide kinds (see project.c). */
extern const struct as_check_kind as_check_blocking_helper;
extern const struct as_check_kind as_check_maybe_blocking_helper;
extern const struct as_check_kind as_check_project_coroutine;
/* RUF100: the engine reports `# noqa` codes that suppressed nothing. */
extern const struct as_check_kind as_check_unused_noqa;

/* The kind registered under `name`, or NULL. */
const struct as_check_kind *as_check_kind_find(const char *name);
/* The rule loaders' kind lookup (analysis/rules.h): what a rule file's `kind:` line binds to. */
bool as_check_rule_kind(const char *name, struct as_rule_kind_info *info);
extern const struct as_check_kind *const as_check_kinds[];

/* Expands a rule's message template for a call: {callee} -> its qualified name (the source text when the
 * name involves an instance or an unknown receiver), {text} -> the called expression as written, {root} ->
 * the first segment of the qualified name (trio, anyio, asyncio), {module} -> the qualified name without its
 * last segment and without "()" (os.path, pathlib.Path). Arena. */
const char *as_check_message(struct as_check_ctx *ctx, const char *tmpl, size_t call_index);
/* Reports a finding for a call, underlining the callee or the whole call as the rule says. */
void as_check_report_call(struct as_check_ctx *ctx, const struct as_rule *rule, size_t call_index);
/* True when `pos` is in a function whose decorator resolves to one of the rule's match patterns. */
bool as_check_in_scope_decorated(struct as_check_ctx *ctx, int32_t function_scope, const struct as_rule *rule);
/* The file's libraries: ctx->library when configured, else the AS_LIB_* bits of the modules among trio, anyio
 * and asyncio it imports in any spelling, else trio (flake8-async's default). */
unsigned as_check_libraries(const struct as_check_ctx *ctx);
/* The AS_LIB_* bits of the modules among trio, anyio and asyncio the file imports; 0 when it imports none. */
unsigned as_check_imported_libraries(const struct as_check_ctx *ctx);
/* Whether the file is async code: it has an `async def`, imports trio, anyio or asyncio, or the configuration
 * names its library (see in_async_files). */
bool as_check_is_async_file(const struct as_check_ctx *ctx);
/* Parses "trio" / "anyio" / "asyncio" into its AS_LIB_* bit; 0 for anything else. */
unsigned as_check_library_named(const char *name);
/* The file's checkpoint model (checkpoints.h), built on the first call (needs ctx->outline). */
const struct as_checkpoints *as_check_checkpoints(struct as_check_ctx *ctx);
/* Source text of an expression span. Arena. */
const char *as_check_text(struct as_check_ctx *ctx, struct as_span span);

#endif
