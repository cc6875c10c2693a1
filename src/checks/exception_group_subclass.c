/* exception_group_subclass.c — kind "exception-group-subclass" (ASYNC126): a class deriving from one of the
 * exception-group classes the rule's `match:` lines name (builtins.ExceptionGroup / BaseExceptionGroup, the
 * exceptiongroup backport's; `ExceptionGroup[Exception]` counts) that does not define `derive`: split() and
 * subgroup(), which task groups use, then build plain ExceptionGroups and the subclass is lost. Reported on the
 * class. */
#include <string.h>

#include "checks/cancelled.h"

static bool derives_from_group(struct as_check_ctx *ctx, const struct as_rule *rule, struct as_span bases)
{
    const char *names[9];
    size_t n = 0;
    for (size_t m = 0; m < rule->n_matches && n < 8; m++) names[n++] = rule->matches[m].pattern;
    names[n] = NULL;
    return bases.end >= bases.start + 2 && as_written_list_has(ctx, bases, names);
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_scopes; i++) {
        const struct as_scope *c = &f->scopes[i];
        if (c->kind != AS_SCOPE_CLASS || !derives_from_group(ctx, rule, c->bases)) continue;
        bool has_derive = false;
        for (size_t k = i + 1; k < f->n_scopes && f->scopes[k].node.start < c->node.end && !has_derive; k++)
            has_derive = f->scopes[k].parent == (int32_t)i && f->scopes[k].kind == AS_SCOPE_FUNCTION &&
                         f->scopes[k].name && strcmp(f->scopes[k].name, "derive") == 0;
        if (has_derive) continue;
        const char *msg = as_flow_message(ctx, rule->message, c->name, NULL, 0);
        const char *help = rule->help ? as_flow_message(ctx, rule->help, c->name, NULL, 0) : NULL;
        struct as_finding fd = {rule, {c->node.start, c->name_span.end}, msg, help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_exception_group_subclass = {"exception-group-subclass", false, NULL, on_file, false,
                                                                NULL, false, true};
