/* engine.h — everything shared, read-only, by all workers during a run (compiled queries, loaded rules, the
 * selection and its name index), and the per-file analysis: bytes -> decoded source -> tree -> facts ->
 * model -> findings -> noqa -> sorted diagnostics in a struct as_file_result. */
#ifndef AS_ENGINE_H
#define AS_ENGINE_H
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "rules.h"

struct as_query_set;
struct as_rule_index;

struct as_engine {
    struct as_query_set *queries;
    struct as_ruleset rules;
    bool *enabled;                 /* parallel to rules.rules */
    struct as_rule_index *index;
    double parse_timeout_s;        /* a parse running longer is cancelled and reported; 0 = no limit */
};

/* Loads queries and rules and applies the selection. Returns 0, or -1 with *err (heap) set. */
int as_engine_init(struct as_engine *self, const char *select, const char *extend_select, const char *ignore,
                   char **err);
void as_engine_release(struct as_engine *self);

/* Per-thread state: a parser and scratch buffers. */
struct as_worker;
struct as_worker *as_worker_new(void);
void as_worker_free(struct as_worker *self);

/* Analyses `len` bytes as the file `path` (the display path; also used for the module name). Fills *out
 * (initialised by the caller with as_file_result_init). Per-file problems go to out->error. */
void as_analyze_buffer(struct as_worker *w, const struct as_engine *engine, const char *path, const char *bytes,
                       size_t len, struct as_file_result *out);
/* Reads `path` (regular files only, at most max_size bytes) and analyses it. */
void as_analyze_file(struct as_worker *w, const struct as_engine *engine, const char *path, size_t max_size,
                     struct as_file_result *out);

#endif
