/* engine.h — everything shared, read-only, by all workers during a run (compiled queries, loaded rules, the
 * selection and its name index), and the per-file analysis: bytes -> decoded source -> tree -> facts ->
 * model -> findings -> noqa -> sorted diagnostics in a struct as_file_result. */
#ifndef AS_ENGINE_H
#define AS_ENGINE_H
#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"
#include "analysis/checkpoints.h"
#include "analysis/rules.h"
#include "checks/check.h"
#include "util/strmap.h"

struct as_query_set;
struct as_rule_index;

struct as_engine {
    /* The compiled queries, made on first use (see as_engine_queries): a run whose files all come from the
     * cache or the skip never pays for compiling them. */
    struct as_lazy_queries *queries;
    struct as_ruleset rules;
    bool *enabled;                 /* parallel to rules.rules: the rules that report */
    bool *tracked;                 /* enabled, plus the blocking-call rules ASC108 follows (see as_engine_init) */
    struct as_rule_index *index;
    double parse_timeout_s;        /* a parse using more CPU time is cancelled and reported; 0 = no limit */
    bool skip_enabled;             /* the pre-parse skip (see as_engine_can_skip); on by default */
    /* For the skip: the (root, name) pairs of the enabled rules' patterns (a name alone for a builtin, and the
     * word an async-only kind that looks at the whole file needs, such as `timeout`; with an `if-imported:`
     * condition, the imported module's root and the pattern's plain name); a file needs parsing only
     * if it contains both words of some pair, and for a pair of an async-only rule (in_async) only if it also
     * opens async code. The distinct words are numbered (skip_words maps a word to its number; root_id is -1
     * for a builtin); skip_shape (per first byte, a bit per length, lengths of 63 and more sharing bit 63) and
     * skip_last (the last bytes) let the scan look up only the words that can be one of them. */
    struct as_needle { char *root; char *name; int32_t root_id, name_id; bool in_async; } *needles;
    size_t n_needles;
    struct as_strmap skip_words;
    size_t n_skip_words;
    uint64_t skip_shape[256];
    bool skip_last[256];
    bool always_parse;             /* a rule whose pattern cannot be reduced to a pair is enabled */
    /* Any file that opens async code needs parsing: an enabled async-only rule has no pair to look for (the
     * project pass's ASC108/ASC109, whose roots are all async functions; a pattern that is not a plain name). */
    bool async_always;
    /* A cheaper first test: substrings one of which every file the skip keeps contains ("async", and the root
     * of each needle not in_async, or its name for a builtin; none containing another). A text with none of them is
     * skipped without the word scan. Not used (n_prefilter 0) when there would be more than AS_PREFILTER_MAX. */
#define AS_PREFILTER_MAX 12
    char *prefilter[AS_PREFILTER_MAX];
    size_t prefilter_len[AS_PREFILTER_MAX];
    size_t n_prefilter;
    char *extend_select, *ignore;  /* as given (for the tracked rules) */
    bool ignore_noqa;              /* --ignore-noqa: `# noqa` directives (line and file level) suppress nothing */
    /* Thread boundaries: qualified names (globs) of decorators that make a function run in a worker thread,
     * and of functions that run there, built in (as_engine_builtin_offload) and from `offload-functions`. A
     * function they cover blocks no caller (ASC108). "name(kw=True)" needs that keyword argument. */
    char **offload;
    size_t n_offload;
    struct as_types *types;        /* the .types files in rules/types/ (analysis/types.h) */
    unsigned type_heuristics;      /* the AS_HEURISTIC_* bits on (analysis/model.h); all by default */
    enum as_outline_reach needs_outline;   /* how much of the statement outline (outline.h) enabled kinds read */
    unsigned library;              /* `async-library` of the configuration (AS_LIB_* bit), 0 = infer per file */
    struct as_check_options check_options;   /* flake8-async's options that change rules (owned copies) */
    struct as_checkpoint_options checkpoint_options;   /* the checkpoint rules' options (copies) */
};

/* The built-in thread boundaries (NULL-terminated): asgiref's sync_to_async, channels' database_sync_to_async,
 * asyncer's asyncify, textual's @work(thread=True), the to_thread runners. */
extern const char *const as_engine_builtin_offload[];
/* Whether the qualified name q, or a dotted suffix of it (`mod.helper` of `pkg.mod.helper`: project modules are
 * named from their paths), matches one of the offload patterns (their keyword part left out). */
bool as_engine_offload_match(const struct as_engine *self, const char *q, const char **kw);

/* Loads queries and rules and applies the selection. Returns 0, or -1 with *err (heap) set. */
int as_engine_init(struct as_engine *self, const char *select, const char *extend_select, const char *ignore,
                   char **err);
/* What a configuration adds: house rules (rules-dirs) and the ASYNC200 blocking table. */
struct as_engine_extras {
    const char *const *rules_dirs; size_t n_rules_dirs;
    const char *const *blocking_patterns; const char *const *blocking_notes; size_t n_blocking;
    const char *const *offload_functions; size_t n_offload_functions;
    unsigned heuristics_off;       /* AS_HEURISTIC_* bits switched off (`type-heuristics` in the configuration) */
    const char *async_library;     /* "trio" | "anyio" | "asyncio", or NULL to infer it from each file's imports */
    const char *const *startable; size_t n_startable;                       /* startable-in-context-manager */
    const char *const *generator_decorators; size_t n_generator_decorators; /* transform-async-generator-decorators */
    const char *const *no_checkpoint_decorators; size_t n_no_checkpoint_decorators;
    const char *const *suppressing_managers; size_t n_suppressing_managers;
};
int as_engine_init_ex(struct as_engine *self, const char *select, const char *extend_select, const char *ignore,
                      const struct as_engine_extras *extras, char **err);
/* Enables the rules more[i] (another configuration's selection, for files under it) on top of the current
 * ones, and rebuilds the index. */
void as_engine_enable_more(struct as_engine *self, const bool *more);
void as_engine_release(struct as_engine *self);

/* True when the decoded text cannot produce any finding for the enabled rules, so parsing can be skipped.
 * Exact: a rule's findings need a call of one of its qualified names, whose last name and module root appear as
 * whole words in any file that calls them (imports, aliases and attribute chains all spell them out; builtins
 * have no root to look for), or, for a kind that looks at the whole file, the words it names (needs_word; `except*`
 * is `except` followed by a star across blanks, in the word scan and the substring prefilter alike); and
 * the findings of an async-only rule also need the word `async` followed, across blanks and line
 * continuations, by `def`, `with` or `for` (the only ways to open async code), or followed by one of them later
 * on its logical line outside a comment (what tree-sitter's error recovery makes an async function of). A word
 * is a run of ASCII letters, digits, `_` and non-ASCII bytes, as Python identifiers are. One pass over the text.
 * The first component of `path` (the display path the module name comes from; may be NULL) counts as written:
 * a module's own definitions, and the names it imports relatively, are qualified with it. */
bool as_engine_can_skip(const struct as_engine *self, const char *path, const char *text, size_t len);
/* The prefilter's test: whether text contains one of the n needles (n at most AS_PREFILTER_MAX). */
bool as_contains_any(const char *text, size_t len, char *const *needles, const size_t *lens, size_t n);

/* The compiled queries, compiled by the first caller (thread-safe); NULL with *err (owned by the engine) when
 * they do not compile (only a broken build can do that: the queries are embedded). */
const struct as_query_set *as_engine_queries(const struct as_engine *self, const char **err);
/* Starts compiling them on a thread of their own, so that the compilation overlaps file discovery; the first
 * as_engine_queries waits for it, as_engine_release joins it. */
void as_engine_compile_in_background(const struct as_engine *self);

/* Per-thread state: a parser and scratch buffers. */
struct as_worker;
struct as_worker *as_worker_new(void);
void as_worker_free(struct as_worker *self);

/* Analyses `len` bytes as the file `path` (the display path; also used for the module name). Fills *out
 * (initialised by the caller with as_file_result_init). Per-file problems go to out->error. */
void as_analyze_buffer(struct as_worker *w, const struct as_engine *engine, const char *path, const char *bytes,
                       size_t len, struct as_file_result *out);
/* The same; with `force_parse` the pre-parse skip is bypassed (the project-wide pass needs the summaries of a
 * helper module that cannot produce findings of its own). */
void as_analyze_buffer_ex(struct as_worker *w, const struct as_engine *engine, const char *path, const char *bytes,
                          size_t len, bool force_parse, struct as_file_result *out);
/* The same with the skip off, for a long-lived buffer (an editor's, in the language server) parsed
 * incrementally: *tree is the tree of the buffer's previous text with every edit since applied to it
 * (ts_tree_edit, in byte offsets of the buffer), or NULL; tree-sitter reparses only what the edits touched. On
 * return *tree is the tree of `bytes` (the caller's: ts_tree_delete), or NULL when it cannot stand for them (a
 * notebook, a byte order mark, a coding declaration that changed the text, a parse that failed). Its memory
 * is malloc's, not the worker's arena. */
struct TSTree;
void as_analyze_buffer_incremental(struct as_worker *w, const struct as_engine *engine, const char *path,
                                   const char *bytes, size_t len, struct TSTree **tree, struct as_file_result *out);
/* Decodes bytes into res->text and its line table only (for a result that came from the cache: reporters
 * still show the source line). A decoding failure leaves them NULL. */
void as_result_attach_source(struct as_file_result *res, const char *bytes, size_t len);
/* The enabled rule of a check kind (the first one), or NULL: how the project-wide and noqa kinds are found. */
struct as_check_kind;
const struct as_rule *as_engine_rule_of_kind(const struct as_engine *self, const struct as_check_kind *kind);
/* Hash of the settings that decide results, for the cache key: version, embedded rules and queries, the
 * enabled rules, the skip switch. */
uint64_t as_engine_settings_hash(const struct as_engine *self);


#endif
