/* exception_group_subclass.c — kind "exception-group-subclass" (ASYNC126): a class deriving from one of the
 * exception-group classes the rule's `match:` lines name (builtins.ExceptionGroup / BaseExceptionGroup, the
 * exceptiongroup backport's; `ExceptionGroup[Exception]` counts) that does not define `derive`: split() and
 * subgroup(), which task groups use, then build plain ExceptionGroups and the subclass is lost. A `derive` inherited
 * from another class of the same file that is one of the bases counts (trio's `NonBaseMultiError(MultiError,
 * ExceptionGroup)`, where MultiError defines it). Reported on the class. */
#include <ctype.h>
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

/* Whether class scope i defines a method named derive. */
static bool defines_derive(const struct as_facts *f, size_t i)
{
    const struct as_scope *c = &f->scopes[i];
    for (size_t k = i + 1; k < f->n_scopes && f->scopes[k].node.start < c->node.end; k++)
        if (f->scopes[k].parent == (int32_t)i && f->scopes[k].kind == AS_SCOPE_FUNCTION && f->scopes[k].name &&
            strcmp(f->scopes[k].name, "derive") == 0)
            return true;
    return false;
}

/* Whether the bases text names, as a whole word, a module-level class of the file that defines derive. */
static bool inherits_derive(struct as_check_ctx *ctx, struct as_span bases)
{
    const struct as_facts *f = ctx->model->facts;
    const char *t = as_check_text(ctx, bases);
    for (size_t j = 0; j < f->n_scopes; j++) {
        const struct as_scope *b = &f->scopes[j];
        if (b->kind != AS_SCOPE_CLASS || !b->name || !defines_derive(f, j)) continue;
        size_t len = strlen(b->name);
        for (const char *p = strstr(t, b->name); p; p = strstr(p + 1, b->name)) {
            bool start_ok = p == t || !(isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
            bool end_ok = !(isalnum((unsigned char)p[len]) || p[len] == '_' || p[len] == '.');
            if (start_ok && end_ok) return true;
        }
    }
    return false;
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    for (size_t i = 0; i < f->n_scopes; i++) {
        const struct as_scope *c = &f->scopes[i];
        if (c->kind != AS_SCOPE_CLASS || !derives_from_group(ctx, rule, c->bases)) continue;
        if (defines_derive(f, i) || inherits_derive(ctx, c->bases)) continue;
        const char *msg = as_flow_message(ctx, rule->message, c->name, NULL, 0);
        const char *help = rule->help ? as_flow_message(ctx, rule->help, c->name, NULL, 0) : NULL;
        struct as_finding fd = {rule, {c->node.start, c->name_span.end}, msg, help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_exception_group_subclass = {
    "exception-group-subclass", false, NULL, on_file, false, NULL, AS_OUTLINE_NONE, true, false};
