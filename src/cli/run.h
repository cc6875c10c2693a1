/* run.h — one invocation of `asyncscan check`: discovery, the worker pool, ordered reporting, the summary
 * and the exit status (0 clean, 1 findings, 2 errors — findings are still printed when errors occur). */
#ifndef AS_RUN_H
#define AS_RUN_H
#include <stdio.h>

#include "cli/cli.h"

/* Runs the check command; findings go to out, errors and the summary to err. Returns the exit status. */
int as_run_check(const struct as_options *opts, FILE *out, FILE *err);
/* --watch: checks, then again whenever a file under the paths changes, until SIGINT/SIGTERM (watch.c). */
int as_run_watch(const struct as_options *opts, FILE *out, FILE *err);
/* `asyncscan rule CODE` / `asyncscan rule --all`. */
int as_run_rule(const struct as_options *opts, FILE *out, FILE *err);
/* `asyncscan clean`: removes the result cache (clean.c). */
int as_run_clean(const struct as_options *opts, FILE *out, FILE *err);

#endif
