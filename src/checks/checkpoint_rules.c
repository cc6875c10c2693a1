/* checkpoint_rules.c — the kinds reading the checkpoint model (analysis/checkpoints.h), flake8-async's optional
 * ASYNC91x rules: "async-function-no-checkpoint" (ASYNC910) and "async-generator-no-checkpoint" (ASYNC911), a
 * return, yield or function end reached with no checkpoint since the start or the previous yield (911 once the
 * function has yielded); "cancel-scope-no-guaranteed-checkpoint" (ASYNC912), a cancel scope that checkpoints on
 * some paths only; "indefinite-loop-no-guaranteed-checkpoint" (ASYNC913), a `while True:` whose body may run
 * without one. Functions not checked, as flake8-async: stubs (docstring, `pass`, `...`), `@overload` and
 * fixtures; not reported for 910/911/913: `@asynccontextmanager` functions and those the configuration's
 * `no-checkpoint-warning-decorators` name, nor for 910/911 an `__aenter__`/`__aexit__` whose
 * partner method checkpoints (or is inherited). The help names the library's checkpoint, which the fix
 * (fix/fixes.c) inserts. */
#include <stdio.h>
#include <string.h>

#include "checks/cancelled.h"
#include "util/buf.h"

static bool decorated(struct as_check_ctx *ctx, int32_t fn, const char *name)
{
    const char *const names[] = {name, NULL};
    return as_decorated_by_name(ctx, fn, names);
}

/* Functions flake8-async does not walk: stubs, overloads, fixtures. */
static bool skipped(struct as_check_ctx *ctx, int32_t fn)
{
    int32_t body = ctx->outline->body_of_scope[fn];
    return body < 0 || as_stub_body(ctx, body, false) || decorated(ctx, fn, "overload") || decorated(ctx, fn, "fixture");
}

/* The async method `name` of class scope cls, or -1. */
static int32_t method_of(const struct as_facts *f, int32_t cls, const char *name)
{
    for (size_t i = 0; i < f->n_scopes; i++)
        if (f->scopes[i].parent == cls && f->scopes[i].kind == AS_SCOPE_FUNCTION && f->scopes[i].is_async &&
            f->scopes[i].name && strcmp(f->scopes[i].name, name) == 0)
            return (int32_t)i;
    return -1;
}

static bool has_checkpoint(const struct as_facts *f, int32_t fn)
{
    for (size_t i = 0; i < f->n_checkpoints; i++)
        if (f->checkpoints[i] >= f->scopes[fn].body.start && f->checkpoints[i] < f->scopes[fn].body.end) return true;
    return false;
}

/* Whether a class's parenthesised base list names a base (`metaclass=M` alone is none). */
static bool has_positional_base(struct as_check_ctx *ctx, struct as_span bases)
{
    if (bases.end < bases.start + 2) return false;
    int depth = 0;
    bool content = false, keyword = false;
    for (uint32_t i = bases.start + 1; i < bases.end; i++) {
        char c = ctx->src[i];
        bool last = i + 1 == bases.end;
        if (c == '(' || c == '[' || c == '{') depth++;
        else if ((c == ')' || c == ']' || c == '}') && !last) depth--;
        if (depth == 0 && (c == ',' || last)) {
            if (content && !keyword) return true;
            content = keyword = false;
        } else if (depth == 0 && c == '=' && ctx->src[i + 1] != '=' && ctx->src[i - 1] != '=' && ctx->src[i - 1] != '!' &&
                   ctx->src[i - 1] != '<' && ctx->src[i - 1] != '>') {
            keyword = true;
        } else if (depth == 0 && c == '*' && !content) {
            keyword = ctx->src[i + 1] == '*';   /* **kwargs: keywords; *bases: bases */
            content = true;
        } else if (!strchr(" \t\r\n\\", c)) {
            content = true;
        }
    }
    return false;
}

/* An `__aenter__` / `__aexit__` that need not checkpoint: its partner does (or, absent, is inherited from a base);
 * when neither does, only `__aenter__` is reported. */
static bool exempt_context_method(struct as_check_ctx *ctx, int32_t fn)
{
    const struct as_facts *f = ctx->model->facts;
    const struct as_scope *s = &f->scopes[fn];
    if (!s->name || s->parent < 0 || f->scopes[s->parent].kind != AS_SCOPE_CLASS) return false;
    bool enter = strcmp(s->name, "__aenter__") == 0;
    if (!enter && strcmp(s->name, "__aexit__") != 0) return false;
    if (has_checkpoint(f, fn)) return false;
    int32_t partner = method_of(f, s->parent, enter ? "__aexit__" : "__aenter__");
    if (partner >= 0) return has_checkpoint(f, partner) || !enter;
    return has_positional_base(ctx, f->scopes[s->parent].bases);
}

/* "trio.lowlevel.checkpoint()", "anyio.lowlevel.checkpoint()" or "asyncio.sleep(0)": the file's library. */
static const char *checkpoint_call(struct as_check_ctx *ctx)
{
    unsigned libs = as_check_libraries(ctx);
    if (libs & AS_LIB_ANYIO) return "anyio.lowlevel.checkpoint()";
    if (libs & AS_LIB_TRIO) return "trio.lowlevel.checkpoint()";
    return "asyncio.sleep(0)";
}

/* Line numbers of increasing positions, counted on from the last one (a fresh count from the start for each
 * finding would be quadratic in a long function). */
struct line_cursor {
    uint32_t pos, line;
};

static uint32_t line_at(struct as_check_ctx *ctx, struct line_cursor *c, uint32_t pos)
{
    if (pos < c->pos) *c = (struct line_cursor){0, 1};
    for (; c->pos < pos && ctx->src[c->pos]; c->pos++) c->line += ctx->src[c->pos] == '\n';
    return c->line;
}

/* The template with {what} (Return / Yield / Exit), {since} and {checkpoint} filled in. Arena. */
static const char *fill(struct as_check_ctx *ctx, const char *tmpl, const struct as_cp_exit *x, struct line_cursor *lc)
{
    if (!tmpl) return NULL;
    struct as_buf b;
    as_buf_init(&b);
    for (const char *p = tmpl; *p;) {
        if (x && strncmp(p, "{what}", 6) == 0) {
            as_buf_puts(&b, x->kind == AS_CP_RETURN ? "Return" : x->kind == AS_CP_YIELD ? "Yield" : "Exit");
            p += 6;
        } else if (x && strncmp(p, "{since}", 7) == 0) {
            char since[64];
            snprintf(since, sizeof(since), "%s on line %u", x->since_yield ? "the yield" : "the function's start",
                     line_at(ctx, lc, x->since_pos));
            as_buf_puts(&b, since);
            p += 7;
        } else if (strncmp(p, "{checkpoint}", 12) == 0) {
            as_buf_puts(&b, checkpoint_call(ctx));
            p += 12;
        } else {
            as_buf_add(&b, p++, 1);
        }
    }
    const char *out = as_arena_strndup(ctx->arena, b.data ? b.data : "", b.len);
    as_buf_release(&b);
    return out;
}

static void report_exits(struct as_check_ctx *ctx, const struct as_rule *rule, bool generator)
{
    const struct as_checkpoints *cp = as_check_checkpoints(ctx);
    struct line_cursor lc = {0, 1};
    for (size_t i = 0; cp && i < cp->n_exits; i++) {
        const struct as_cp_exit *x = &cp->exits[i];
        if (x->generator != generator || skipped(ctx, x->fn) || as_no_checkpoint_decorated(ctx, x->fn) ||
            exempt_context_method(ctx, x->fn))
            continue;
        struct as_finding fd = {rule, x->at, fill(ctx, rule->message, x, &lc), fill(ctx, rule->help, x, &lc), false};
        ctx->report(ctx, &fd);
    }
}

static void on_file_910(struct as_check_ctx *ctx, const struct as_rule *rule) { report_exits(ctx, rule, false); }
static void on_file_911(struct as_check_ctx *ctx, const struct as_rule *rule) { report_exits(ctx, rule, true); }

static void on_file_912(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_checkpoints *cp = as_check_checkpoints(ctx);
    for (size_t i = 0; cp && i < cp->n_scopes; i++) {
        if (skipped(ctx, cp->scopes[i].fn)) continue;
        struct as_finding fd = {rule, cp->scopes[i].item, rule->message, fill(ctx, rule->help, NULL, NULL), false};
        ctx->report(ctx, &fd);
    }
}

static void on_file_913(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_checkpoints *cp = as_check_checkpoints(ctx);
    for (size_t i = 0; cp && i < cp->n_loops; i++) {
        int32_t fn = cp->loops[i].fn;
        if (skipped(ctx, fn) || as_no_checkpoint_decorated(ctx, fn)) continue;
        struct as_finding fd = {rule, cp->loops[i].at, rule->message, fill(ctx, rule->help, NULL, NULL), false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_async_function_no_checkpoint = {
    "async-function-no-checkpoint", true, NULL, on_file_910, false, NULL, AS_OUTLINE_ASYNC_FUNCTIONS, false, false};
const struct as_check_kind as_check_async_generator_no_checkpoint = {
    "async-generator-no-checkpoint", true, NULL, on_file_911, false, "yield", AS_OUTLINE_ASYNC_FUNCTIONS, false,
    false};
const struct as_check_kind as_check_cancel_scope_no_guaranteed_checkpoint = {
    "cancel-scope-no-guaranteed-checkpoint", true, NULL, on_file_912, false,
    "fail_after fail_at move_on_after move_on_at CancelScope timeout timeout_at", AS_OUTLINE_ASYNC_FUNCTIONS, false,
    false};
const struct as_check_kind as_check_indefinite_loop_no_guaranteed_checkpoint = {
    "indefinite-loop-no-guaranteed-checkpoint", true, NULL, on_file_913, false, "while", AS_OUTLINE_ASYNC_FUNCTIONS,
    false, false};
