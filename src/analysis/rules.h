/* rules.h — rules are data: one file per rule in rules/ (embedded at build time), a header of `key: value`
 * lines, then `---` and the Markdown documentation. The format is described in rules/README.md. This module
 * parses and validates rule files, selects rules (--select/--ignore, codes or prefixes), and indexes the
 * qualified names rules match so the engine finds the candidate rules of a call with one hash lookup. */
#ifndef AS_RULES_H
#define AS_RULES_H
#include <stdbool.h>
#include <stddef.h>

struct as_check_kind;
struct as_condition;

/* One `match:` line: a qualified name (or fnmatch pattern) plus optional conditions on the call
 * (conditions.h: `if:0/mode!=os.P_WAIT`, `unless:blocking=False`, `unless-inside:trio.wrap_file`, ...).
 * A pattern starting with `*.` also matches calls whose receiver cannot be resolved (`x.request`). */
struct as_match {
    char *pattern;          /* "time.sleep", "os.spawn*", "httpx.Client().get", "*.request" */
    bool is_glob;
    char *note;             /* a per-pattern help text (the ASYNC200 table's suggested replacement), or NULL */
    char **condition_words; /* as written, for documentation */
    struct as_condition **conditions;
    size_t n_conditions;
};

enum as_rule_span { AS_SPAN_CALLEE, AS_SPAN_CALL };

struct as_rule {
    char *code;             /* ASYNC251 */
    char *name;             /* blocking-sleep */
    char *kind_name;        /* blocking-call */
    const struct as_check_kind *kind;
    bool call_driven;       /* the kind looks at matching calls: the rule's patterns go into the index */
    bool default_on;
    char *origin;           /* ruff | flake8-async | asyncscan */
    char *summary;          /* one line */
    char *message;          /* template; see as_check_message */
    enum as_rule_span span; /* `span: callee` (default) or `span: call`: what a call finding underlines */
    bool async_only;        /* `context: async`, or the kind is async-only: findings only in async code */
    char *help;             /* may be NULL */
    char *url;              /* may be NULL */
    char *aliases;          /* other codes whose `# noqa` also suppresses this rule ("ASYNC300"), or NULL */
    char *old_names;        /* names the rule had before (space-separated; `asyncscan rule NAME`), or NULL */
    char *doc;              /* Markdown after the header */
    char *source;           /* "rules/ASYNC251.rule" */
    struct as_match *matches;
    size_t n_matches;
};

/* Check kinds live in checks/, a stage above this one, so the loaders ask a lookup (checks' as_check_rule_kind)
 * what they must know of the kind a rule's `kind:` line names. */
struct as_rule_kind_info {
    const struct as_check_kind *kind;
    bool async_only;      /* the kind's findings exist only in async code */
    bool call_driven;     /* the kind looks at calls matching the rule's patterns (the index holds them) */
    bool needs_matches;   /* call-driven: a rule of this kind needs at least one `match:` line */
};
/* Fills *info and returns true when `name` is a registered kind. */
typedef bool (*as_rule_kind_lookup)(const char *name, struct as_rule_kind_info *info);

struct as_ruleset {
    struct as_rule **rules;  /* sorted by code */
    size_t n;
};

/* Parses one rule file; on error returns NULL and sets *err ("rules/x.rule:LINE: error: ..."; heap). */
struct as_rule *as_rule_parse(const char *source, const char *text, size_t len, as_rule_kind_lookup kinds,
                              char **err);
void as_rule_free(struct as_rule *self);

/* Loads and validates every embedded rules/<CODE>.rule. Returns 0 or -1 with *err set (heap). */
int as_ruleset_load_embedded(struct as_ruleset *self, as_rule_kind_lookup kinds, char **err);
void as_ruleset_release(struct as_ruleset *self);
/* Adds a parsed rule (taking ownership); -1 with *err when its code is already taken. Keeps the set sorted. */
int as_ruleset_add(struct as_ruleset *self, struct as_rule *rule, char **err);
/* Loads every *.rule file of `dir` (sorted by name) with the same validation as the built-in ones. */
int as_ruleset_load_dir(struct as_ruleset *self, const char *dir, as_rule_kind_lookup kinds, char **err);
/* ASYNC200 from a configured table: `patterns[i]` (a qualified name or glob) is blocking; `notes[i]` says what
 * to use instead. Returns the rule (heap) or NULL with *err. */
struct as_rule *as_rule_blocking_table(const char *const *patterns, const char *const *notes, size_t n,
                                       as_rule_kind_lookup kinds, char **err);
const struct as_rule *as_ruleset_find(const struct as_ruleset *self, const char *code);
/* The rule a user names: by its code, its name or one of its old names (`asyncscan rule blocking-sleep`). */
const struct as_rule *as_ruleset_find_named(const struct as_ruleset *self, const char *code_or_name);

/* Rule selection: `select`/`ignore` are comma-separated lists of codes or prefixes ("ASYNC", "ASYNC2", "ALL").
 * NULL select means the rules that are on by default. `extend_select` adds. Fills enabled[i] for rules[i].
 * Returns 0, or -1 with *err naming the unknown code and the closest valid one. */
int as_ruleset_select(const struct as_ruleset *self, const char *select, const char *extend_select,
                      const char *ignore, bool *enabled, char **err);

/* Index of match patterns of the enabled rules. */
struct as_rule_hit {
    const struct as_rule *rule;
    const struct as_match *match;
};
struct as_rule_index;
struct as_rule_index *as_rule_index_new(const struct as_ruleset *set, const bool *enabled);
void as_rule_index_free(struct as_rule_index *self);
/* Calls fn for every (rule, match) whose pattern matches qname. With globs_only, exact names are not looked
 * up (used for the "?.attr" names of calls whose receiver is unknown). */
void as_rule_index_lookup(const struct as_rule_index *self, const char *qname, bool globs_only,
                          void (*fn)(void *ud, const struct as_rule_hit *hit), void *ud);
/* Every distinct last segment of the exact patterns ("sleep", "get", ...), for the pre-parse skip. */
bool as_rule_index_has_name_segment(const struct as_rule_index *self, const char *seg, size_t len);

#endif
