/* fixes.c — every rule's fix: one table keyed by code (the one place to add a fix; the fixes placed by the
 * finding rather than a call, the checkpoint rules', are in placed_kinds below it), one function per fix.
 * A function gets the parsed text and the call the finding points at, and fills a plan (site.h): byte edits,
 * imports to add, its applicability at that site and a message. It returns false when it offers nothing
 * there. Applicability follows ruff where ruff has the fix (ASYNC105 unsafe, ASYNC115 safe unless the call
 * holds a comment, ASYNC116 unsafe); every fix that adds `await` or moves a call to a thread is unsafe (it
 * changes when things run). Where the rewrite cannot be written (no `await` possible there, a `with` item),
 * the fix is display-only: a message and no edits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fix.h"
#include "fix/site.h"
#include "util/xalloc.h"

typedef bool (*fix_fn)(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan);

struct fix_kind {
    struct as_fix_info info;
    fix_fn make;
};

/* A fix placed by the finding itself, not by a call it points at. */
typedef bool (*fix_at_fn)(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan);

struct placed_fix_kind {
    struct as_fix_info info;
    fix_at_fn make;
};

static void add_edit(struct as_fix_plan *plan, uint32_t start, uint32_t end, const char *content)
{
    if (plan->n_edits >= AS_FIX_MAX_EDITS) return;
    plan->edits[plan->n_edits].start = start;
    plan->edits[plan->n_edits].end = end;
    plan->edits[plan->n_edits].content = as_xstrdup(content);
    plan->n_edits++;
}

static void need_import(struct as_fix_plan *plan, const char *module, bool add)
{
    if (add && plan->n_imports < 2) plan->imports[plan->n_imports++] = module;
}

static TSNode field(TSNode n, const char *name) { return ts_node_child_by_field_name(n, name, (uint32_t)strlen(name)); }

/* Inserts `await ` before the call (or wraps it in `(await ...)` where that would bind more). `prefix` goes
 * between `await ` and the call's start, replacing text up to `replace_end` (the call's start when nothing). */
static void add_await(struct as_fix_plan *plan, TSNode call, const char *prefix, uint32_t replace_end)
{
    bool parens = as_fix_site_await_needs_parens(call);
    char head[160];
    snprintf(head, sizeof(head), "%sawait %s", parens ? "(" : "", prefix);
    add_edit(plan, ts_node_start_byte(call), replace_end, head);
    if (parens) add_edit(plan, ts_node_end_byte(call), ts_node_end_byte(call), ")");
}

/* The library a file's async code runs on: anyio when it imports it (it runs on both), else trio, else
 * asyncio. */
static const char *file_library(const struct as_fix_site *site)
{
    if (as_fix_site_imports(site, "anyio")) return "anyio";
    if (as_fix_site_imports(site, "trio")) return "trio";
    return "asyncio";
}

/* The library (trio or anyio) a call's callee comes from, through the module-level imports; NULL if unknown. */
static const char *callee_library(const struct as_fix_site *site, TSNode call)
{
    TSNode fn = field(call, "function");
    TSNode head = fn;
    while (!ts_node_is_null(head) && strcmp(ts_node_type(head), "attribute") == 0) head = field(head, "object");
    if (ts_node_is_null(head) || strcmp(ts_node_type(head), "identifier") != 0) return NULL;
    const struct as_fix_binding *b =
        as_fix_site_binding(site, site->text + ts_node_start_byte(head), ts_node_end_byte(head) - ts_node_start_byte(head));
    if (!b) return NULL;
    if (strncmp(b->target, "trio", 4) == 0 && (b->target[4] == '\0' || b->target[4] == '.')) return "trio";
    if (strncmp(b->target, "anyio", 5) == 0 && (b->target[5] == '\0' || b->target[5] == '.')) return "anyio";
    return NULL;
}

/* ASYNC105, ASC107, ASC109: the coroutine is awaited. */
static bool fix_add_await(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan)
{
    snprintf(plan->message, sizeof(plan->message), "Add `await`");
    if (!as_fix_site_can_await(site, call)) {
        plan->applicability = AS_FIX_DISPLAY_ONLY;
        return true;
    }
    plan->applicability = AS_FIX_UNSAFE;
    add_await(plan, call, "", ts_node_start_byte(call));
    return true;
}

/* ASYNC115 / ASYNC116: the whole call becomes `<lib>.<replacement>()`. */
static bool replace_call(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan, const char *what,
                         enum as_fix_applicability applicability)
{
    const char *lib = callee_library(site, call), *spelling;
    bool add;
    if (!lib || !as_fix_site_spell_module(site, lib, &spelling, &add)) return false;
    char text[160];
    snprintf(text, sizeof(text), "%s.%s()", spelling, what);
    snprintf(plan->message, sizeof(plan->message), "Replace with `%s.%s()`", lib, what);
    plan->applicability = applicability;
    add_edit(plan, ts_node_start_byte(call), ts_node_end_byte(call), text);
    need_import(plan, lib, add);
    return true;
}

static bool fix_zero_sleep(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan)
{
    return replace_call(site, call, plan, "lowlevel.checkpoint",
                        as_fix_site_has_comment(call) ? AS_FIX_UNSAFE : AS_FIX_SAFE);
}

static bool fix_sleep_forever(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan)
{
    return replace_call(site, call, plan, "sleep_forever", AS_FIX_UNSAFE);
}

/* The argument list's arguments, when it is a plain one (not a generator expression). */
static bool plain_arguments(TSNode call, TSNode *args, uint32_t *n_args, bool *keywords)
{
    *args = field(call, "arguments");
    if (ts_node_is_null(*args) || strcmp(ts_node_type(*args), "argument_list") != 0) return false;
    *n_args = 0;
    *keywords = false;
    uint32_t k = ts_node_named_child_count(*args);
    for (uint32_t i = 0; i < k; i++) {
        const char *t = ts_node_type(ts_node_named_child(*args, i));
        if (strcmp(t, "comment") == 0) continue;
        (*n_args)++;
        if (strcmp(t, "keyword_argument") == 0 || strcmp(t, "dictionary_splat") == 0) *keywords = true;
    }
    return true;
}

/* ASYNC251: `time.sleep(x)` -> `await <lib>.sleep(x)`. */
static bool fix_blocking_sleep(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan)
{
    const char *lib = file_library(site), *spelling;
    bool add, keywords;
    TSNode args;
    uint32_t n_args;
    if (!plain_arguments(call, &args, &n_args, &keywords) || n_args != 1 || keywords) return false;
    if (!as_fix_site_spell_module(site, lib, &spelling, &add)) return false;
    snprintf(plan->message, sizeof(plan->message), "Replace with `await %s.sleep(...)`", lib);
    if (!as_fix_site_can_await(site, call)) {
        plan->applicability = AS_FIX_DISPLAY_ONLY;
        return true;
    }
    plan->applicability = AS_FIX_UNSAFE;
    char callee[96];
    snprintf(callee, sizeof(callee), "%s.sleep", spelling);
    add_await(plan, call, callee, ts_node_end_byte(field(call, "function")));
    need_import(plan, lib, add);
    return true;
}

/* Blocking calls: `f(args)` -> `await asyncio.to_thread(f, args)`, `await trio.to_thread.run_sync(f, args)`
 * (with `functools.partial(f, args)` when there are keyword arguments; anyio likewise). Only a whole statement
 * or an assignment's value: elsewhere (a `with` item, an argument) the call's result is used in ways a thread
 * changes, and the fix is display-only. */
static bool fix_to_thread(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan)
{
    const char *lib = file_library(site), *spelling, *ft = NULL;
    bool add, add_ft = false, keywords;
    TSNode args;
    uint32_t n_args;
    if (!plain_arguments(call, &args, &n_args, &keywords)) return false;
    if (!as_fix_site_spell_module(site, lib, &spelling, &add)) return false;
    bool asyncio = strcmp(lib, "asyncio") == 0, partial = !asyncio && keywords;
    if (partial && !as_fix_site_spell_module(site, "functools", &ft, &add_ft)) return false;
    TSNode fn = field(call, "function");
    int fl = (int)(ts_node_end_byte(fn) - ts_node_start_byte(fn));
    const char *ftext = site->text + ts_node_start_byte(fn);
    if (asyncio)
        snprintf(plan->message, sizeof(plan->message), "Run it in a thread: `await asyncio.to_thread(%.*s, ...)`",
                 fl > 60 ? 60 : fl, ftext);
    else
        snprintf(plan->message, sizeof(plan->message), "Run it in a thread: `await %s.to_thread.run_sync(%s%.*s%s)`",
                 lib, partial ? "functools.partial(" : "", fl > 60 ? 60 : fl, ftext, partial ? ", ...)" : ", ...");
    if (!as_fix_site_is_statement_or_value(call) || !as_fix_site_can_await(site, call)) {
        plan->applicability = AS_FIX_DISPLAY_ONLY;
        return true;
    }
    plan->applicability = AS_FIX_UNSAFE;
    char head[160];
    if (asyncio) snprintf(head, sizeof(head), "await %s.to_thread(", spelling);
    else snprintf(head, sizeof(head), "await %s.to_thread.run_sync(%s%s", spelling, partial ? ft : "", partial ? ".partial(" : "");
    add_edit(plan, ts_node_start_byte(call), ts_node_start_byte(call), head);
    /* `f(` -> `f, ` (or `f()` -> `f)`): the arguments and their comments stay as they are */
    uint32_t open = ts_node_start_byte(args);
    char after = site->text[open + 1];   /* `f(\n    a,` -> `f,\n    a,`: no trailing blank */
    if (n_args) add_edit(plan, open, open + 1, after == '\n' || after == '\r' || after == ' ' || after == '\t' ? "," : ", ");
    else add_edit(plan, open, ts_node_end_byte(args), ")");
    if (partial) add_edit(plan, ts_node_end_byte(call), ts_node_end_byte(call), ")");   /* closes run_sync( */
    need_import(plan, lib, add);
    need_import(plan, "functools", add_ft);
    return true;
}

/* RUF006: a suggestion only; where the task should live is the author's call. */
static bool fix_keep_task(const struct as_fix_site *site, TSNode call, struct as_fix_plan *plan)
{
    (void)site, (void)call;
    plan->applicability = AS_FIX_DISPLAY_ONLY;
    snprintf(plan->message, sizeof(plan->message),
             "Keep the task: `tasks.add(t := ...)` with `t.add_done_callback(tasks.discard)`, or use a `TaskGroup`");
    return true;
}

#define AWAIT_DOC "Adds `await` before the call (unsafe: the coroutine now runs, and the caller waits for it). " \
                  "Display-only where `await` cannot be written (a sync function, lambda, comprehension or class body)."
#define THREAD_DOC "When the call is a whole statement or an assignment's value in an async function, runs it in a " \
                   "thread: `await asyncio.to_thread(f, *args, **kwargs)`, or with trio / anyio (whichever the file " \
                   "imports) `await trio.to_thread.run_sync(f, *args)` (`functools.partial(f, ...)` with keyword " \
                   "arguments); the import is added when missing. Unsafe: the call now runs concurrently with the " \
                   "event loop, and objects it touches must be thread-safe. Display-only elsewhere (a `with` item, " \
                   "an argument)."

#define CHECKPOINT_DOC "Inserts a line `await trio.lowlevel.checkpoint()` (`anyio.lowlevel.checkpoint()`, or " \
                       "`asyncio.sleep(0)` on asyncio), adding the import when missing, where flake8-async puts it. " \
                       "Unsafe: the function can now be cancelled there and lets other tasks run (flake8-async " \
                       "applies it only when asked to, code by code). In an `except` clause it goes to the top of " \
                       "the loop around it or of the function. Not offered in an `and`/`or`, or where the " \
                       "statement shares its line."

static const struct fix_kind fix_kinds[] = {
    {{"ASC101", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASC102", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASC103", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASC104", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASC105", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASC107", AS_FIX_UNSAFE, AWAIT_DOC}, fix_add_await},
    {{"ASC109", AS_FIX_UNSAFE, AWAIT_DOC}, fix_add_await},
    {{"ASYNC105", AS_FIX_UNSAFE, AWAIT_DOC " As ruff."}, fix_add_await},
    {{"ASYNC115", AS_FIX_SAFE,
      "Replaces the call with `trio.lowlevel.checkpoint()` / `anyio.lowlevel.checkpoint()` (as ruff; safe, unsafe "
      "when the call holds a comment, which goes)."}, fix_zero_sleep},
    {{"ASYNC116", AS_FIX_UNSAFE,
      "Replaces the call with `trio.sleep_forever()` / `anyio.sleep_forever()` (as ruff; unsafe: the sleep no "
      "longer ends)."}, fix_sleep_forever},
    {{"ASYNC210", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC212", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC220", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC221", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC222", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC230", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC240", AS_FIX_UNSAFE, THREAD_DOC}, fix_to_thread},
    {{"ASYNC251", AS_FIX_UNSAFE,
      "`time.sleep(x)` becomes `await asyncio.sleep(x)`, or `trio.sleep` / `anyio.sleep` when the file imports "
      "trio or anyio; the import is added when missing. Unsafe: other tasks now run during the sleep. "
      "Display-only where `await` cannot be written."}, fix_blocking_sleep},
    {{"RUF006", AS_FIX_DISPLAY_ONLY,
      "A suggestion, never applied: keep the task in a set and discard it in a done-callback "
      "(`tasks.add(t)`, `t.add_done_callback(tasks.discard)`), or start it in an `asyncio.TaskGroup`."},
     fix_keep_task},
};
#define N_KINDS (sizeof(fix_kinds) / sizeof(fix_kinds[0]))

static const struct placed_fix_kind placed_kinds[] = {
    {{"ASYNC100", AS_FIX_UNSAFE,
      "Removes the `with` line of a trio / anyio timeout whose body never checkpoints and moves the body one "
      "level out, keeping a comment of the `with` line on a line of its own (as flake8-async). Unsafe: the "
      "call's arguments are no longer evaluated. Offered for one item without `as`, a header on one line and a "
      "body on the lines after it with no string spanning lines; not on asyncio."}, as_fix_remove_timeout},
    {{"ASYNC910", AS_FIX_UNSAFE, CHECKPOINT_DOC " Before the `return`, or as the body's last line."},
     as_fix_insert_checkpoint},
    {{"ASYNC911", AS_FIX_UNSAFE, CHECKPOINT_DOC " Before the `yield` or `return`, or as the body's last line."},
     as_fix_insert_checkpoint},
    {{"ASYNC913", AS_FIX_UNSAFE, CHECKPOINT_DOC " As the loop body's first line."}, as_fix_insert_checkpoint},
};
#define N_PLACED (sizeof(placed_kinds) / sizeof(placed_kinds[0]))

static const struct placed_fix_kind *placed_kind_for(const char *code)
{
    for (size_t i = 0; i < N_PLACED; i++)
        if (strcmp(placed_kinds[i].info.code, code) == 0) return &placed_kinds[i];
    return NULL;
}

static const struct fix_kind *kind_for(const char *code)
{
    for (size_t i = 0; i < N_KINDS; i++)
        if (strcmp(fix_kinds[i].info.code, code) == 0) return &fix_kinds[i];
    return NULL;
}

const struct as_fix_info *as_fix_info_for(const char *code)
{
    const struct fix_kind *k = code ? kind_for(code) : NULL;
    const struct placed_fix_kind *p = code && !k ? placed_kind_for(code) : NULL;
    return k ? &k->info : p ? &p->info : NULL;
}

const char *as_fix_applicability_name(enum as_fix_applicability a)
{
    switch (a) {
    case AS_FIX_SAFE: return "safe";
    case AS_FIX_UNSAFE: return "unsafe";
    case AS_FIX_DISPLAY_ONLY: return "display-only";
    }
    return "display-only";
}

bool as_fix_make_plan(const struct as_fix_site *site, const struct as_diag *d, struct as_fix_plan *plan)
{
    memset(plan, 0, sizeof(*plan));
    const struct fix_kind *k = kind_for(d->code);
    const struct placed_fix_kind *placed = k ? NULL : placed_kind_for(d->code);
    TSNode call;
    if (placed) {
        if (placed->make(site, d, plan)) return true;
        as_fix_plan_release(plan);
        return false;
    }
    if (!k || !as_fix_site_call(site, d, &call)) return false;
    plan->span_start = ts_node_start_byte(call);
    plan->span_end = ts_node_end_byte(call);
    if (!k->make(site, call, plan)) {
        as_fix_plan_release(plan);
        return false;
    }
    if (plan->applicability > k->info.applicability) plan->applicability = k->info.applicability;
    return true;
}
