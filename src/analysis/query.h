/* query.h — compiles the tree-sitter query files (queries/<name>.scm, embedded at build time) and runs them.
 * Text predicates are evaluated here, because the C library does not: #eq?, #not-eq?, #match?, #not-match?,
 * #any-of?, #not-any-of? (and the #any- forms of eq/match for quantified captures); regexes are POSIX ERE
 * compiled once per pattern. #set! KEY VALUE attaches metadata to a pattern. Any other predicate, a bad node
 * name or a syntax error is a load error reported as "queries/x.scm:LINE:COL: error: ..." plus the line.
 * A compiled query set is immutable and shared by all workers; cursors are per worker. */
#ifndef AS_QUERY_H
#define AS_QUERY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <tree_sitter/api.h>

struct as_query;      /* one compiled .scm file */
struct as_query_set;  /* every query file */

/* Compiles every embedded queries/<name>.scm. On error writes the message(s) to *err (heap, caller frees) and
 * returns NULL. */
struct as_query_set *as_query_set_load(char **err);
void as_query_set_free(struct as_query_set *self);
/* The individual query files (validation, tests). */
size_t as_query_set_count(const struct as_query_set *self);
const struct as_query *as_query_set_get(const struct as_query_set *self, size_t i);
/* All files compiled as one query: what analysis runs (one tree traversal instead of one per file). */
const struct as_query *as_query_set_combined(const struct as_query_set *self);

/* Compiles one query source (exposed for tests and for user query files). `name` is used in messages. */
struct as_query *as_query_compile(const char *name, const char *src, size_t len, char **err);
void as_query_free(struct as_query *self);
const char *as_query_name(const struct as_query *self);
const TSQuery *as_query_ts(const struct as_query *self);
/* Value of `(#set! key value)` on pattern i, or NULL. */
const char *as_query_pattern_property(const struct as_query *self, uint32_t pattern, const char *key);

/* Iterates the matches of `query` over `node` whose predicates hold. `src` is the text the tree was parsed
 * from. Returns false when done. A run that exceeds the cursor's match limit, or the time limit (some
 * shapes cost the cursor O(depth) per node: a 30000-link `a.b.b...` chain took a minute), stops early; both
 * are reported through as_query_exceeded(). The run must stay at one address between start and the end. */
struct as_query_run {
    TSQueryCursor *cursor;   /* owned by the caller (one per worker) */
    const struct as_query *query;
    const char *src;
    size_t src_len;
    TSQueryCursorOptions options;   /* private: the time-limit callback */
    struct timespec deadline;
    bool timed_out;
    unsigned calls;                 /* private: progress callbacks so far (the clock is read on every 16th) */
};
/* Time limit of one query run, in seconds of the thread's CPU time (default AS_QUERY_TIME_LIMIT_S; 0 = none).
 * Process-wide: set it before any worker starts. */
#define AS_QUERY_TIME_LIMIT_S 20.0
void as_query_set_time_limit(double seconds);
/* The most matches a run keeps in progress (default 4096: enough for the combined query on any real file). */
void as_query_set_match_limit(uint32_t matches);
void as_query_run_start(struct as_query_run *self, TSQueryCursor *cursor, const struct as_query *query,
                        TSNode node, const char *src, size_t src_len);
bool as_query_run_next(struct as_query_run *self, TSQueryMatch *match);
bool as_query_exceeded(const struct as_query_run *self);

const TSLanguage *tree_sitter_python(void);

#endif
