/* project_kinds.c — the kinds decided outside the per-call checks. First, the two kinds decided by the
 * project-wide pass (src/project/project.c) rather than per file:
 * "blocking-helper" (an async function calls a project function that blocks, transitively) and
 * "project-coroutine" (a project `async def` is called and its coroutine thrown away). Per file they only
 * mark call sites in the function summaries; they fire inside `async def` only, so the pre-parse skip holds. */
#include "checks/check.h"

const struct as_check_kind as_check_blocking_helper = {
    "blocking-helper", true, NULL, NULL, true, NULL, AS_OUTLINE_NONE, false, false};
/* "maybe-blocking-helper" (ASC110, opt-in): the same, through a helper that blocks only under a condition the
 * callers decide (an `if` on a flag whose default is falsy; see analysis/guards.h). */
const struct as_check_kind as_check_maybe_blocking_helper = {
    "maybe-blocking-helper", true, NULL, NULL, true, NULL, AS_OUTLINE_NONE, false, false};
const struct as_check_kind as_check_project_coroutine = {
    "project-coroutine", true, NULL, NULL, true, NULL, AS_OUTLINE_NONE, false, false};

/* "unused-noqa" (RUF100): decided by the engine from the suppressions it applied (engine.c); no callbacks. */
const struct as_check_kind as_check_unused_noqa = {
    "unused-noqa", false, NULL, NULL, true, NULL, AS_OUTLINE_NONE, false, false};
