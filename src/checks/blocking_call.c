/* blocking_call.c — kind "blocking-call": a call to a blocking API made while an event loop runs, i.e. in
 * async context (model.h decides: innermost function scope; lambdas and nested sync defs are boundaries).
 * Reported on the called expression, like ruff. */
#include "checks/check.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_call *call = &ctx->model->facts->calls[call_index];
    if (!as_model_in_async(ctx->model, call->scope)) return;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_blocking_call = {"blocking-call", true, on_call, NULL, false};
