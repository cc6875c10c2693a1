/* actions.c — code actions (each finding's quick fix from the fix engine, "Disable CODE for this line" through
 * pipeline/noqa_edit.h, source.fixAll.asyncscan), their lazy resolution (codeAction/resolve: the edit is made
 * then, against the document's current text), and hover on a `# noqa: CODE`. Fixes are found only when code
 * actions are asked for (as_server_fixed), not on every edit. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/noqa_edit.h"
#include "server/state.h"
#include "util/xalloc.h"

/* Whether doc's fix may be offered: a safe one always, an unsafe one as unsafeFixes and the file's configuration
 * say (s->ws is there: the analysis that found the fix made it). */
static bool fix_allowed(const struct server *s, const struct as_document *doc, const json_t *fix)
{
    const char *applicability = as_json_get_string(fix, "applicability");
    if (!applicability || !json_array_size(json_object_get(fix, "edits"))) return false;
    if (strcmp(applicability, "safe") == 0) return true;
    return strcmp(applicability, "unsafe") == 0 && s->ws && as_workspace_unsafe_fixes(s->ws, doc->path);
}

/* A WorkspaceEdit for uri with the fix's edits (asyncscan's rows and columns). */
static json_t *fix_edit(const struct server *s, const struct as_document *doc, const json_t *fix)
{
    json_t *edits = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(fix, "edits"), i, e) {
        const char *content = as_json_get_string(e, "content");
        json_array_append_new(edits, json_pack("{s:o, s:s}", "range",
                                               as_doc_range_rowcol(doc, s->enc, json_object_get(e, "location"),
                                                                   json_object_get(e, "end_location")),
                                               "newText", content ? content : ""));
    }
    return json_pack("{s:{s:o}}", "changes", doc->uri, edits);
}

static json_t *action(const char *title, const char *kind, const json_t *diagnostic, json_t *edit)
{
    json_t *a = json_pack("{s:s, s:s, s:o}", "title", title, "kind", kind, "edit", edit);
    if (diagnostic) json_object_set_new(a, "diagnostics", json_pack("[O]", diagnostic));
    return a;
}

/* The finding (with its fix) a diagnostic stands for: same code, same range. */
static const json_t *finding_for(const struct server *s, const struct as_document *doc, const json_t *findings,
                                 const json_t *diagnostic)
{
    const char *code = as_json_get_string(diagnostic, "code");
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f) {
        const char *fcode = as_json_get_string(f, "code");
        if (!code || !fcode || strcmp(code, fcode) != 0) continue;
        json_t *range = as_doc_range_rowcol(doc, s->enc, json_object_get(f, "location"),
                                            json_object_get(f, "end_location"));
        bool same = json_equal(range, json_object_get(diagnostic, "range"));
        json_decref(range);
        if (same) return f;
    }
    return NULL;
}

static json_t *noqa_action(const struct server *s, const struct as_document *doc, const json_t *diagnostic,
                           const json_t *finding)
{
    const char *code = as_json_get_string(diagnostic, "code");
    json_int_t row = json_integer_value(as_json_get(diagnostic, "data.noqa_row"));
    if (row <= 0 && finding) row = json_integer_value(json_object_get(finding, "noqa_row"));
    const json_t *line = as_json_get(diagnostic, "range.start.line");
    if (row <= 0 && json_is_integer(line)) row = json_integer_value(line) + 1;
    if (!code || row <= 0 || row > UINT32_MAX) return NULL;
    struct as_noqa_want want = {(uint32_t)row, code};
    char *after = NULL;
    size_t after_len = 0;
    if (as_noqa_add(doc->text, doc->len, &want, 1, &after, &after_len) <= 0) return NULL;
    json_t *edit = as_doc_edit_to(doc, s->enc, after, after_len);
    free(after);
    if (!edit) return NULL;
    char title[96];
    snprintf(title, sizeof(title), "Disable %.32s for this line", code);
    return action(title, "quickfix", diagnostic, json_pack("{s:{s:[o]}}", "changes", doc->uri, edit));
}

static size_t offset_of(const struct as_document *doc, const json_t *edit, const char *key)
{
    const json_t *at = json_object_get(edit, key);
    return as_doc_offset_rowcol(doc, json_integer_value(json_object_get(at, "row")),
                                json_integer_value(json_object_get(at, "column")));
}

/* source.fixAll.asyncscan: every allowed fix of the document, applied from the end (overlapping ones skipped). */
static json_t *fix_all_action(const struct server *s, const struct as_document *doc, const json_t *findings)
{
    struct as_document copy = {.text = as_xmalloc(doc->len + 1), .len = doc->len};
    memcpy(copy.text, doc->text, doc->len + 1);
    size_t limit = SIZE_MAX, applied = 0;
    for (size_t i = json_array_size(findings); i-- > 0;) {
        const json_t *fix = json_object_get(json_array_get(findings, i), "fix");
        if (!fix_allowed(s, doc, fix)) continue;
        const json_t *edits = json_object_get(fix, "edits");
        size_t k = json_array_size(edits);
        size_t first = offset_of(doc, json_array_get(edits, 0), "location");
        if (offset_of(doc, json_array_get(edits, k - 1), "end_location") > limit) continue;   /* overlaps */
        for (size_t j = k; j-- > 0;) {
            const json_t *e = json_array_get(edits, j);
            const char *content = as_json_get_string(e, "content") ? as_json_get_string(e, "content") : "";
            as_doc_splice(&copy, offset_of(doc, e, "location"), offset_of(doc, e, "end_location"), content,
                          strlen(content));
        }
        limit = first;
        applied++;
    }
    json_t *edit = applied ? as_doc_edit_to(doc, s->enc, copy.text, copy.len) : NULL;
    free(copy.text);
    if (!edit) return NULL;
    return action("asyncscan: fix all", "source.fixAll.asyncscan", NULL,
                  json_pack("{s:{s:[o]}}", "changes", doc->uri, edit));
}

static bool kind_wanted(const json_t *only, const char *kind)
{
    if (!json_array_size(only)) return true;
    size_t i;
    json_t *k;
    json_array_foreach(only, i, k) {
        const char *want = json_string_value(k);
        size_t n = want ? strlen(want) : 0;
        if (want && strncmp(kind, want, n) == 0 && (kind[n] == '\0' || kind[n] == '.')) return true;
    }
    return false;
}

/* For a client that resolves edits: the action without its edit, and what resolving it needs in `data`. */
static void defer_edit(const struct as_document *doc, json_t *a)
{
    json_object_del(a, "edit");
    json_object_set_new(a, "data", json_pack("{s:s, s:I}", "uri", doc->uri, "version", (json_int_t)doc->version));
}

static json_t *actions_of(struct server *s, struct as_document *doc, const json_t *params)
{
    json_t *actions = json_array();
    const json_t *only = as_json_get(params, "context.only");
    const json_t *findings = as_server_fixed(s, doc);
    size_t i;
    json_t *d;
    json_array_foreach(as_json_get(params, "context.diagnostics"), i, d) {
        const char *source = as_json_get_string(d, "source");
        if (!source || strcmp(source, "asyncscan") != 0 || !kind_wanted(only, "quickfix")) continue;
        const json_t *finding = finding_for(s, doc, findings, d);
        const json_t *fix = json_object_get(finding, "fix");
        if (fix_allowed(s, doc, fix)) {
            const char *title = as_json_get_string(fix, "message");
            json_array_append_new(actions, action(title ? title : "Fix", "quickfix", d, fix_edit(s, doc, fix)));
        }
        json_t *noqa = noqa_action(s, doc, d, finding);
        if (noqa) json_array_append_new(actions, noqa);
    }
    if (kind_wanted(only, "source.fixAll.asyncscan") && json_array_size(only)) {
        json_t *all = fix_all_action(s, doc, findings);
        if (all) json_array_append_new(actions, all);
    }
    return actions;
}

json_t *as_server_code_actions(struct server *s, const json_t *params)
{
    struct as_document *doc = as_server_find_doc(s, as_json_get_string(params, "textDocument.uri"));
    if (!doc) return json_array();
    json_t *actions = actions_of(s, doc, params);
    size_t i;
    json_t *a;
    if (s->resolve_edits) json_array_foreach(actions, i, a) defer_edit(doc, a);
    return actions;
}

/* codeAction/resolve: the action's edit, made now from the same diagnostic (its title tells which one). An
 * action of an older version of the document comes back as it was (its diagnostic no longer stands). */
json_t *as_server_resolve_action(struct server *s, const json_t *unresolved)
{
    json_t *out = json_deep_copy(unresolved);
    struct as_document *doc = as_server_find_doc(s, as_json_get_string(unresolved, "data.uri"));
    const char *title = as_json_get_string(unresolved, "title");
    const char *kind = as_json_get_string(unresolved, "kind");
    if (!doc || !title || !kind || json_integer_value(as_json_get(unresolved, "data.version")) != doc->version)
        return out;
    json_t *diagnostics = json_object_get(unresolved, "diagnostics");
    json_t *params = json_pack("{s:{s:o, s:[s]}}", "context", "diagnostics",
                               diagnostics ? json_incref(diagnostics) : json_array(), "only", kind);
    json_t *actions = actions_of(s, doc, params);
    size_t i;
    json_t *a;
    json_array_foreach(actions, i, a) {
        const char *t = as_json_get_string(a, "title");
        if (t && strcmp(t, title) == 0 && json_object_get(a, "edit")) {
            json_object_set(out, "edit", json_object_get(a, "edit"));
            break;
        }
    }
    json_decref(actions);
    json_decref(params);
    return out;
}

/* ---- hover: a rule code inside a `# noqa: ...` comment ---- */

static bool is_code_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

json_t *as_server_hover(struct server *s, const json_t *params)
{
    struct as_document *doc = as_server_find_doc(s, as_json_get_string(params, "textDocument.uri"));
    if (!doc) return json_null();
    size_t at = as_doc_offset(doc, s->enc, json_integer_value(as_json_get(params, "position.line")),
                              json_integer_value(as_json_get(params, "position.character")));
    size_t start = at, end = at;
    while (start > 0 && doc->text[start - 1] != '\n') start--;
    while (end < doc->len && doc->text[end] != '\n') end++;
    char *line = strndup(doc->text + start, end - start);
    const char *noqa = strcasestr(line, "# noqa:");
    size_t col = at - start;
    json_t *result = json_null();
    if (noqa && col > (size_t)(noqa - line) + 6) {
        size_t a = col, b = col;
        while (a > 0 && is_code_char(line[a - 1])) a--;
        while (is_code_char(line[b])) b++;
        if (b > a && b - a < 16) {
            char code[16];
            memcpy(code, line + a, b - a);
            code[b - a] = '\0';
            char *text = as_workspace_rule_text(code);
            if (text && text[0]) result = json_pack("{s:{s:s, s:s}}", "contents", "kind", "markdown", "value", text);
            free(text);
        }
    }
    free(line);
    return result;
}
