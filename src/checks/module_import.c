/* module_import.c — the kinds that judge import statements, once per statement:
 * - "module-import" (ASYNC127): an `import` or `from ... import` of one of the modules the rule's `match:` lines
 *   name, or of a submodule of one (`import httpx`, `from httpx._client import Client`); relative imports are
 *   local modules.
 * - "library-import-style" (ASYNC106): the async libraries the rule's `match:` lines name (trio, anyio, asyncio)
 *   imported otherwise than by `import trio`: `from trio import ...` (`*` too) or `import trio as t`. A submodule
 *   (`from trio.lowlevel import ...`) is not the library. The message names it ({name}). */
#include <string.h>

#include "checks/cancelled.h"

/* What module binding b imports that the rule is about, or NULL. */
typedef const char *(*import_filter)(const struct as_rule *rule, const struct as_binding *b);

static void report_imports(struct as_check_ctx *ctx, const struct as_rule *rule, import_filter about)
{
    const struct as_facts *f = ctx->model->facts;
    struct as_span last = {0, 0};
    for (size_t i = 0; i < f->n_bindings; i++) {
        const struct as_binding *b = &f->bindings[i];
        const char *module = about(rule, b);
        if (!module || (b->stmt.start == last.start && b->stmt.end == last.end)) continue;
        last = b->stmt;
        const char *msg = as_flow_message(ctx, rule->message, module, NULL, 0);
        const char *help = rule->help ? as_flow_message(ctx, rule->help, module, NULL, 0) : NULL;
        struct as_finding fd = {rule, b->stmt, msg, help, false};
        ctx->report(ctx, &fd);
    }
}

static const char *module_or_submodule(const struct as_rule *rule, const struct as_binding *b)
{
    const char *module = b->kind == AS_BIND_IMPORT ? b->imported
                         : b->kind == AS_BIND_FROM_IMPORT || b->kind == AS_BIND_STAR_IMPORT ? b->module : NULL;
    for (size_t m = 0; module && m < rule->n_matches; m++) {
        size_t n = strlen(rule->matches[m].pattern);
        if (strncmp(module, rule->matches[m].pattern, n) == 0 && (module[n] == 0 || module[n] == '.')) return module;
    }
    return NULL;
}

static const char *library_not_plainly_imported(const struct as_rule *rule, const struct as_binding *b)
{
    const char *module = NULL;
    if (b->kind == AS_BIND_FROM_IMPORT || b->kind == AS_BIND_STAR_IMPORT) module = b->module;
    else if (b->kind == AS_BIND_IMPORT && b->imported && strcmp(b->name, b->imported) != 0) module = b->imported;
    for (size_t m = 0; module && m < rule->n_matches; m++)
        if (strcmp(module, rule->matches[m].pattern) == 0) return module;
    return NULL;
}

static void on_file_127(struct as_check_ctx *ctx, const struct as_rule *rule) { report_imports(ctx, rule, module_or_submodule); }
static void on_file_106(struct as_check_ctx *ctx, const struct as_rule *rule)
{
    report_imports(ctx, rule, library_not_plainly_imported);
}

const struct as_check_kind as_check_module_import = {
    "module-import", false, NULL, on_file_127, false, NULL, AS_OUTLINE_NONE, true, false};
const struct as_check_kind as_check_library_import_style = {
    "library-import-style", false, NULL, on_file_106, false, NULL, AS_OUTLINE_NONE, true, false};
