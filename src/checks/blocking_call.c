/* blocking_call.c — kind "blocking-call": a call to a blocking API made while an event loop runs, i.e. in
 * async context (model.h decides: innermost function scope; lambdas and nested sync defs are boundaries).
 * Reported on the called expression, like ruff. */
#include "checks/check.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    const struct as_call *call = &ctx->model->facts->calls[call_index];
    if (!as_model_in_async_at(ctx->model, call->scope, call->span.start)) return;
    if (match && match->note) {
        /* a configured blocking function (ASYNC200): the table says what to use instead */
        struct as_finding f = {rule, rule->span == AS_SPAN_CALL ? call->span : call->callee.span,
                               as_check_message(ctx, rule->message, call_index), match->note, false};
        ctx->report(ctx, &f);
        return;
    }
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_blocking_call = {
    "blocking-call", true, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
