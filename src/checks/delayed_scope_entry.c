/* delayed_scope_entry.c — kind "delayed-scope-entry" (ASYNC122): a relative timeout scope
 * (`trio.move_on_after(5)`, the matched call) made anywhere but as an item of a `with` (or inside one): before
 * trio 0.27 its clock started when it was made, not when it was entered. Reported on the call. */
#include "checks/check.h"

static void on_call(struct as_check_ctx *ctx, const struct as_rule *rule, const struct as_match *match,
                    size_t call_index)
{
    (void)match;
    const struct as_facts *f = ctx->model->facts;
    for (int32_t k = (int32_t)call_index, depth = 0; k >= 0 && depth < 64; k = f->calls[k].outer_call, depth++)
        if (f->calls[k].with_item >= 0) return;   /* a with item, or an argument of one */
    as_check_report_call(ctx, rule, call_index);
}

const struct as_check_kind as_check_delayed_scope_entry = {
    "delayed-scope-entry", false, on_call, NULL, false, NULL, AS_OUTLINE_NONE, false, false};
