/* cancelled_class_saved.c — kind "cancelled-class-saved" (ASYNC118): the function the rule's `match:` line
 * names (anyio.get_cancelled_exc_class), or its result, stored in a variable (`x = get_cancelled_exc_class()`,
 * with or without an annotation), or imported under another name. Linters and readers recognise the call
 * itself in `except` clauses, not a variable holding it. Reported on the value (the import statement). */
#include <string.h>

#include "checks/check.h"

static bool is_match(const struct as_rule *rule, const char *q)
{
    for (size_t m = 0; q && m < rule->n_matches; m++)
        if (strcmp(rule->matches[m].pattern, q) == 0) return true;
    return false;
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_model *m = ctx->model;
    const struct as_facts *f = m->facts;
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        struct as_span at = b->value.span;
        if (b->kind == AS_BIND_ASSIGN && b->value.kind == AS_EXPR_CALL && b->value.call >= 0 && !*b->value.tail) {
            if (!is_match(rule, ctx->callee_names[b->value.call])) continue;
        } else if (b->kind == AS_BIND_ASSIGN && b->value.kind == AS_EXPR_NAME) {
            if (!is_match(rule, as_model_qualify(m, &b->value, b->scope, b->pos))) continue;
        } else if (b->kind == AS_BIND_FROM_IMPORT && b->imported && strcmp(b->name, b->imported) != 0) {
            if (!is_match(rule, as_model_binding_target(m, b))) continue;
            at = b->stmt;
        } else {
            continue;
        }
        struct as_finding fd = {rule, at, rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_cancelled_class_saved = {
    "cancelled-class-saved", false, NULL, on_file, false, NULL, AS_OUTLINE_NONE, true, false};
