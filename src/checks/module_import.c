/* module_import.c — kind "module-import" (ASYNC127): an `import` or `from ... import` of one of the modules
 * the rule's `match:` lines name, or of a submodule of one (`import httpx`, `from httpx._client import
 * Client`); relative imports are local modules. Reported once per statement. */
#include <string.h>

#include "checks/check.h"

static bool names_module(const struct as_rule *rule, const char *module)
{
    for (size_t m = 0; module && m < rule->n_matches; m++) {
        size_t n = strlen(rule->matches[m].pattern);
        if (strncmp(module, rule->matches[m].pattern, n) == 0 && (module[n] == 0 || module[n] == '.')) return true;
    }
    return false;
}

static void on_file(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    const struct as_facts *f = ctx->model->facts;
    struct as_span last = {0, 0};
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        const char *module = b->kind == AS_BIND_IMPORT ? b->imported
                             : b->kind == AS_BIND_FROM_IMPORT || b->kind == AS_BIND_STAR_IMPORT ? b->module : NULL;
        if (!names_module(rule, module) || (b->stmt.start == last.start && b->stmt.end == last.end)) continue;
        last = b->stmt;
        struct as_finding fd = {rule, b->stmt, rule->message, rule->help, false};
        ctx->report(ctx, &fd);
    }
}

const struct as_check_kind as_check_module_import = {"module-import", false, NULL, on_file, false, NULL, false, true};
