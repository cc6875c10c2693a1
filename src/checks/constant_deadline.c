/* constant_deadline.c — kind "constant-deadline" (ASYNC125): an absolute deadline given as a constant
 * expression (`trio.fail_at(5)`, `CancelScope(deadline=10**3)`): deadlines are read on the runner's clock,
 * whose zero is arbitrary, so a constant is meaningless. The matched call is the scope; its deadline is the
 * only positional argument of a `*_at` function, else the `deadline=` keyword. Reported on the value. */
#include <string.h>

#include "checks/check.h"

/* Whether text is made of number literals, operators and parentheses only. */
static bool constant_text(const char *t)
{
    bool digit_seen = false, in_number = false;
    for (const char *p = t; *p; p++) {
        char c = *p;
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        if (c >= '0' && c <= '9') {
            digit_seen = in_number = true;
        } else if (alpha || c == '.') {
            if (!in_number && c != '.') return false;   /* a name */
            if (c == '.') in_number = true;
        } else if (strchr("+-*/%() \t\r\n\\", c)) {
            in_number = false;
        } else {
            return false;
        }
    }
    return digit_seen;
}

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_call *call = &ctx->model->facts->calls[call_index];
    const char *q = ctx->callee_names[call_index];
    size_t n = q ? strlen(q) : 0;
    bool at_function = n > 3 && strcmp(q + n - 3, "_at") == 0;
    const struct as_expr *value = NULL;
    uint32_t positional = 0;
    for (uint32_t i = 0; i < call->n_args; i++) positional += call->args[i].keyword == NULL;
    for (uint32_t i = 0; i < call->n_args; i++) {
        const struct as_arg *a = &call->args[i];
        if (at_function && positional == 1 && !a->keyword) value = &a->value;
        else if (a->keyword && strcmp(a->keyword, "deadline") == 0 && !(at_function && positional == 1)) value = &a->value;
    }
    if (!value || !constant_text(as_check_text(ctx, value->span))) return;
    struct as_finding f = {rule, value->span, as_check_message(ctx, rule->message, call_index), rule->help, false};
    ctx->report(ctx, &f);
}

const struct as_check_kind as_check_constant_deadline = {
    "constant-deadline", false, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
