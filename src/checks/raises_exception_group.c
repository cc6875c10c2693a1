/* raises_exception_group.c — kind "raises-exception-group" (ASYNC401): `pytest.raises(...)` (the matched call)
 * expecting an exception group (its first positional argument or `expected_exception=`, alone or in a tuple;
 * built in or from the exceptiongroup backport, however imported): the test then cannot say what the group must
 * contain, which pytest.RaisesGroup checks. Reported on the call. */
#include <string.h>

#include "checks/cancelled.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    static const char *const groups[] = {"builtins.ExceptionGroup", "builtins.BaseExceptionGroup",
                                         "exceptiongroup.ExceptionGroup", "exceptiongroup.BaseExceptionGroup", NULL};
    (void)match;
    const struct as_call *call = &ctx->model->facts->calls[call_index];
    const struct as_expr *expected = NULL;
    for (uint32_t i = 0; i < call->n_args && !expected; i++)
        if (!call->args[i].keyword || strcmp(call->args[i].keyword, "expected_exception") == 0) expected = &call->args[i].value;
    if (!expected || !as_written_list_has(ctx, expected->span, groups)) return;
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_raises_exception_group = {
    "raises-exception-group", false, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
