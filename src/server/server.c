/* server.c — `asyncscan server`: the LSP lifecycle, the open documents, diagnostics (pushed on every change,
 * and pulled), code actions (each finding's fix, a `# noqa` for the line, fix all) and hover on `# noqa`. */
#define _GNU_SOURCE
#include "server/server.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipeline/noqa_edit.h"
#include "server/analyse.h"
#include "server/document.h"
#include "server/rpc.h"
#include "util/xalloc.h"

#define MAX_DOCUMENTS 4096

struct server {
    struct as_rpc rpc;
    char exe[PATH_MAX];
    struct as_server_settings settings;
    enum as_pos_encoding enc;
    bool initialized, shutdown;
    struct as_document **docs;
    size_t n_docs;
};

static json_t *get(const json_t *o, const char *path)   /* "a.b.c" */
{
    char key[64];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof(key)) return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        path += n + (dot ? 1 : 0);
    }
    return (json_t *)o;
}

static const char *get_string(const json_t *o, const char *path)
{
    return json_string_value(get(o, path));
}

static struct as_document *find_doc(struct server *s, const char *uri)
{
    for (size_t i = 0; uri && i < s->n_docs; i++)
        if (strcmp(s->docs[i]->uri, uri) == 0) return s->docs[i];
    return NULL;
}

/* ---- diagnostics ---- */

static json_t *related_chain(const json_t *finding)
{
    json_t *related = json_array();
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(finding, "chain"), i, step) {
        const char *file = get_string(step, "filename");
        if (!file) continue;
        char *uri = as_path_to_uri(file);
        json_int_t row = json_integer_value(json_object_get(step, "row"));
        json_int_t col = json_integer_value(json_object_get(step, "column"));
        json_t *pos = json_pack("{s:I, s:I}", "line", row > 0 ? row - 1 : 0, "character", col > 0 ? col - 1 : 0);
        json_array_append_new(related, json_pack("{s:{s:s, s:{s:O, s:O}}, s:s}", "location", "uri", uri, "range",
                                                 "start", pos, "end", pos, "message",
                                                 get_string(step, "label") ? get_string(step, "label") : ""));
        json_decref(pos);
        free(uri);
    }
    return related;
}

static json_t *to_diagnostic(const struct as_document *doc, enum as_pos_encoding enc, const json_t *f)
{
    const char *code = get_string(f, "code");
    json_t *d = json_pack("{s:o, s:i, s:s, s:s}", "range",
                          as_doc_range_rowcol(doc, enc, json_object_get(f, "location"),
                                              json_object_get(f, "end_location")),
                          "severity", code ? 2 : 1, "source", "asyncscan", "message",
                          get_string(f, "message") ? get_string(f, "message") : "");
    if (code) json_object_set_new(d, "code", json_string(code));
    if (get_string(f, "url")) json_object_set_new(d, "codeDescription", json_pack("{s:s}", "href", get_string(f, "url")));
    json_t *related = related_chain(f);
    if (json_array_size(related)) json_object_set_new(d, "relatedInformation", related);
    else json_decref(related);
    json_t *data = json_object();
    if (json_object_get(f, "fix")) json_object_set(data, "fix", json_object_get(f, "fix"));
    if (json_object_get(f, "noqa_row")) json_object_set(data, "noqa_row", json_object_get(f, "noqa_row"));
    json_object_set_new(d, "data", data);
    return d;
}

static json_t *diagnostics_of(const struct server *s, const struct as_document *doc)
{
    json_t *items = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(doc->findings, i, f) json_array_append_new(items, to_diagnostic(doc, s->enc, f));
    return items;
}

static void log_message(struct server *s, int type, const char *text)
{
    as_rpc_notify(&s->rpc, "window/logMessage", json_pack("{s:i, s:s}", "type", type, "message", text));
}

static void analyse(struct server *s, struct as_document *doc)
{
    char err[256];
    json_t *findings = as_server_analyse(s->exe, &s->settings, doc->path, doc->text, doc->len, err, sizeof(err));
    if (!findings) {
        char msg[512];
        snprintf(msg, sizeof(msg), "asyncscan: %s: %s", doc->path, err);
        log_message(s, 1, msg);
        findings = json_array();
    }
    json_decref(doc->findings);
    doc->findings = findings;
}

static void publish(struct server *s, struct as_document *doc)
{
    as_rpc_notify(&s->rpc, "textDocument/publishDiagnostics",
                  json_pack("{s:s, s:I, s:o}", "uri", doc->uri, "version", (json_int_t)doc->version,
                            "diagnostics", diagnostics_of(s, doc)));
}

/* Re-analyses every open document (after a save or a settings change: the project on disk may have changed
 * what their cross-module findings are). */
static void refresh_all(struct server *s)
{
    for (size_t i = 0; i < s->n_docs; i++) {
        analyse(s, s->docs[i]);
        publish(s, s->docs[i]);
    }
}

/* ---- settings ---- */

static void set_string(char **dst, const json_t *v)
{
    if (!v) return;
    free(*dst);
    *dst = NULL;
    if (json_is_string(v) && json_string_length(v)) *dst = as_xstrdup(json_string_value(v));
    else if (json_is_array(v)) {   /* ["ASYNC", "RUF006"] -> "ASYNC,RUF006" */
        size_t i, total = 1;
        json_t *e;
        json_array_foreach(v, i, e) total += json_string_length(e) + 1;
        char *out = as_xmalloc(total);
        out[0] = '\0';
        json_array_foreach(v, i, e) {
            if (!json_is_string(e)) continue;
            if (out[0]) strcat(out, ",");
            strcat(out, json_string_value(e));
        }
        *dst = out[0] ? out : (free(out), NULL);
    }
}

/* initializationOptions or didChangeConfiguration's settings: the keys at the top, or under "asyncscan". */
static void apply_settings(struct server *s, const json_t *o)
{
    if (!json_is_object(o)) return;
    if (json_is_object(json_object_get(o, "asyncscan"))) o = json_object_get(o, "asyncscan");
    set_string(&s->settings.select, json_object_get(o, "select"));
    set_string(&s->settings.ignore, json_object_get(o, "ignore"));
    set_string(&s->settings.config, json_object_get(o, "configuration") ? json_object_get(o, "configuration")
                                                                        : json_object_get(o, "config"));
    const json_t *unsafe = json_object_get(o, "unsafeFixes") ? json_object_get(o, "unsafeFixes")
                                                              : json_object_get(o, "unsafe-fixes");
    if (json_is_boolean(unsafe)) s->settings.unsafe_fixes = json_is_true(unsafe);
}

/* ---- lifecycle ---- */

static void choose_encoding(struct server *s, const json_t *params)
{
    size_t i;
    json_t *e;
    s->enc = AS_POS_UTF16;
    json_array_foreach(get(params, "capabilities.general.positionEncodings"), i, e) {
        const char *name = json_string_value(e);
        if (name && strcmp(name, "utf-8") == 0) { s->enc = AS_POS_UTF8; return; }
        if (name && strcmp(name, "utf-32") == 0) s->enc = AS_POS_UTF32;
    }
}

static json_t *initialize(struct server *s, const json_t *params)
{
    choose_encoding(s, params);
    apply_settings(s, json_object_get(params, "initializationOptions"));
    s->initialized = true;
    static const char *const names[] = {"utf-16", "utf-8", "utf-32"};
    return json_pack("{s:{s:s, s:{s:b, s:i, s:b, s:{s:b}}, s:{s:[s, s, s], s:b}, s:b, s:{s:s, s:b, s:b},"
                     " s:{s:{s:b, s:b}}}, s:{s:s, s:s}}",
                     "capabilities", "positionEncoding", names[s->enc], "textDocumentSync", "openClose", 1,
                     "change", 2, "willSave", 0, "save", "includeText", 0, "codeActionProvider", "codeActionKinds",
                     "quickfix", "source.fixAll", "source.fixAll.asyncscan", "resolveProvider", 0, "hoverProvider",
                     1, "diagnosticProvider", "identifier", "asyncscan", "interFileDependencies", 1,
                     "workspaceDiagnostics", 0, "workspace", "workspaceFolders", "supported", 1,
                     "changeNotifications", 1, "serverInfo", "name", "asyncscan", "version", ASYNCSCAN_VERSION);
}

/* ---- documents ---- */

static void did_open(struct server *s, const json_t *params)
{
    const char *uri = get_string(params, "textDocument.uri");
    const json_t *text = get(params, "textDocument.text");
    if (!uri || !json_is_string(text)) return;
    struct as_document *doc = find_doc(s, uri);
    if (!doc) {
        if (s->n_docs >= MAX_DOCUMENTS) { log_message(s, 1, "asyncscan: too many open documents"); return; }
        doc = as_xcalloc(1, sizeof(*doc));
        doc->uri = as_xstrdup(uri);
        doc->path = as_uri_to_path(uri);
        if (!doc->path) doc->path = as_xstrdup(uri);
        doc->text = as_xstrdup("");
        s->docs = as_xrealloc(s->docs, (s->n_docs + 1) * sizeof(*s->docs));
        s->docs[s->n_docs++] = doc;
    }
    as_doc_splice(doc, 0, doc->len, json_string_value(text), json_string_length(text));
    doc->version = json_integer_value(get(params, "textDocument.version"));
    analyse(s, doc);
    publish(s, doc);
}

static void did_change(struct server *s, const json_t *params)
{
    struct as_document *doc = find_doc(s, get_string(params, "textDocument.uri"));
    if (!doc) return;
    size_t i;
    json_t *change;
    json_array_foreach(json_object_get(params, "contentChanges"), i, change) {
        if (!as_doc_apply_change(doc, s->enc, change)) log_message(s, 2, "asyncscan: a malformed change was ignored");
    }
    doc->version = json_integer_value(get(params, "textDocument.version"));
    analyse(s, doc);
    publish(s, doc);
}

static void did_close(struct server *s, const json_t *params)
{
    const char *uri = get_string(params, "textDocument.uri");
    for (size_t i = 0; uri && i < s->n_docs; i++) {
        if (strcmp(s->docs[i]->uri, uri) != 0) continue;
        as_rpc_notify(&s->rpc, "textDocument/publishDiagnostics", json_pack("{s:s, s:[]}", "uri", uri, "diagnostics"));
        as_doc_free(s->docs[i]);
        s->docs[i] = s->docs[--s->n_docs];
        return;
    }
}

/* ---- code actions ---- */

static bool fix_allowed(const struct server *s, const json_t *fix)
{
    const char *applicability = get_string(fix, "applicability");
    if (!applicability || !json_array_size(json_object_get(fix, "edits"))) return false;
    return strcmp(applicability, "safe") == 0 || (s->settings.unsafe_fixes && strcmp(applicability, "unsafe") == 0);
}

/* A WorkspaceEdit for uri with the fix's edits (asyncscan's rows and columns). */
static json_t *fix_edit(const struct server *s, const struct as_document *doc, const json_t *fix)
{
    json_t *edits = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(fix, "edits"), i, e) {
        json_array_append_new(edits, json_pack("{s:o, s:s}", "range",
                                               as_doc_range_rowcol(doc, s->enc, json_object_get(e, "location"),
                                                                   json_object_get(e, "end_location")),
                                               "newText", get_string(e, "content") ? get_string(e, "content") : ""));
    }
    return json_pack("{s:{s:o}}", "changes", doc->uri, edits);
}

static json_t *action(const char *title, const char *kind, json_t *diagnostic, json_t *edit)
{
    json_t *a = json_pack("{s:s, s:s, s:o}", "title", title, "kind", kind, "edit", edit);
    if (diagnostic) json_object_set_new(a, "diagnostics", json_pack("[O]", diagnostic));
    return a;
}

/* The finding a diagnostic came from (same code, same range), for clients that do not send `data` back. */
static const json_t *finding_for(const struct server *s, const struct as_document *doc, const json_t *diagnostic)
{
    const char *code = get_string(diagnostic, "code");
    size_t i;
    json_t *f;
    json_array_foreach(doc->findings, i, f) {
        const char *fcode = get_string(f, "code");
        if (!code || !fcode || strcmp(code, fcode) != 0) continue;
        json_t *range = as_doc_range_rowcol(doc, s->enc, json_object_get(f, "location"),
                                            json_object_get(f, "end_location"));
        bool same = json_equal(range, json_object_get(diagnostic, "range"));
        json_decref(range);
        if (same) return f;
    }
    return NULL;
}

static json_t *noqa_action(const struct server *s, const struct as_document *doc, json_t *diagnostic,
                           const json_t *finding)
{
    const char *code = get_string(diagnostic, "code");
    json_int_t row = json_integer_value(get(diagnostic, "data.noqa_row"));
    if (row <= 0 && finding) row = json_integer_value(json_object_get(finding, "noqa_row"));
    const json_t *line = get(diagnostic, "range.start.line");
    if (row <= 0 && json_is_integer(line)) row = json_integer_value(line) + 1;
    if (!code || row <= 0) return NULL;
    struct as_noqa_want want = {(uint32_t)row, code};
    char *after = NULL;
    size_t after_len = 0;
    if (as_noqa_add(doc->text, doc->len, &want, 1, &after, &after_len) <= 0) return NULL;
    json_t *edit = as_doc_edit_to(doc, s->enc, after, after_len);
    free(after);
    if (!edit) return NULL;
    char title[96];
    snprintf(title, sizeof(title), "Disable %s for this line", code);
    return action(title, "quickfix", diagnostic, json_pack("{s:{s:[o]}}", "changes", doc->uri, edit));
}

/* source.fixAll.asyncscan: every allowed fix of the document, applied from the end (overlapping ones skipped). */
static json_t *fix_all_action(const struct server *s, struct as_document *doc)
{
    struct as_document copy = {.text = as_xmalloc(doc->len + 1), .len = doc->len};
    memcpy(copy.text, doc->text, doc->len + 1);
    size_t limit = SIZE_MAX, applied = 0;
    for (size_t i = json_array_size(doc->findings); i-- > 0;) {
        const json_t *fix = json_object_get(json_array_get(doc->findings, i), "fix");
        if (!fix_allowed(s, fix)) continue;
        const json_t *edits = json_object_get(fix, "edits");
        size_t first = as_doc_offset_rowcol(doc, json_integer_value(get(json_array_get(edits, 0), "location.row")),
                                            json_integer_value(get(json_array_get(edits, 0), "location.column")));
        size_t k = json_array_size(edits);
        const json_t *last = json_array_get(edits, k - 1);
        size_t end = as_doc_offset_rowcol(doc, json_integer_value(get(last, "end_location.row")),
                                          json_integer_value(get(last, "end_location.column")));
        if (end > limit) continue;   /* overlaps a fix already applied */
        for (size_t j = k; j-- > 0;) {
            const json_t *e = json_array_get(edits, j);
            size_t a = as_doc_offset_rowcol(doc, json_integer_value(get(e, "location.row")),
                                            json_integer_value(get(e, "location.column")));
            size_t b = as_doc_offset_rowcol(doc, json_integer_value(get(e, "end_location.row")),
                                            json_integer_value(get(e, "end_location.column")));
            const char *content = get_string(e, "content") ? get_string(e, "content") : "";
            as_doc_splice(&copy, a, b, content, strlen(content));
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

static json_t *code_actions(struct server *s, const json_t *params)
{
    struct as_document *doc = find_doc(s, get_string(params, "textDocument.uri"));
    json_t *actions = json_array();
    if (!doc) return actions;
    const json_t *only = get(params, "context.only");
    size_t i;
    json_t *d;
    json_array_foreach(get(params, "context.diagnostics"), i, d) {
        const char *source = get_string(d, "source");
        if (!source || strcmp(source, "asyncscan") != 0 || !kind_wanted(only, "quickfix")) continue;
        const json_t *finding = get(d, "data") ? NULL : finding_for(s, doc, d);
        const json_t *fix = finding ? json_object_get(finding, "fix") : get(d, "data.fix");
        if (fix_allowed(s, fix)) {
            json_array_append_new(actions, action(get_string(fix, "message") ? get_string(fix, "message") : "Fix",
                                                  "quickfix", d, fix_edit(s, doc, fix)));
        }
        json_t *noqa = noqa_action(s, doc, d, finding);
        if (noqa) json_array_append_new(actions, noqa);
    }
    if (kind_wanted(only, "source.fixAll.asyncscan") && json_array_size(only)) {
        json_t *all = fix_all_action(s, doc);
        if (all) json_array_append_new(actions, all);
    }
    return actions;
}

/* ---- hover: a rule code inside a `# noqa: ...` comment ---- */

static bool is_code_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static json_t *hover(struct server *s, const json_t *params)
{
    struct as_document *doc = find_doc(s, get_string(params, "textDocument.uri"));
    if (!doc) return json_null();
    size_t at = as_doc_offset(doc, s->enc, json_integer_value(get(params, "position.line")),
                              json_integer_value(get(params, "position.character")));
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
            char *text = as_server_rule_text(s->exe, code);
            if (text && text[0]) result = json_pack("{s:{s:s, s:s}}", "contents", "kind", "markdown", "value", text);
            free(text);
        }
    }
    free(line);
    return result;
}

/* ---- dispatch ---- */

static json_t *pull_diagnostics(struct server *s, const json_t *params)
{
    struct as_document *doc = find_doc(s, get_string(params, "textDocument.uri"));
    if (!doc) return NULL;
    return json_pack("{s:s, s:o}", "kind", "full", "items", diagnostics_of(s, doc));
}

/* A request: answers it. */
static void request(struct server *s, const json_t *id, const char *method, const json_t *params)
{
    if (strcmp(method, "initialize") == 0) {
        if (s->initialized) as_rpc_error(&s->rpc, id, AS_RPC_INVALID_REQUEST, "already initialized");
        else as_rpc_result(&s->rpc, id, initialize(s, params));
        return;
    }
    if (!s->initialized) { as_rpc_error(&s->rpc, id, AS_RPC_SERVER_NOT_INITIALIZED, "not initialized"); return; }
    if (s->shutdown) { as_rpc_error(&s->rpc, id, AS_RPC_INVALID_REQUEST, "shut down"); return; }
    if (strcmp(method, "shutdown") == 0) {
        s->shutdown = true;
        as_rpc_result(&s->rpc, id, json_null());
    } else if (strcmp(method, "textDocument/codeAction") == 0) {
        as_rpc_result(&s->rpc, id, code_actions(s, params));
    } else if (strcmp(method, "textDocument/hover") == 0) {
        as_rpc_result(&s->rpc, id, hover(s, params));
    } else if (strcmp(method, "textDocument/diagnostic") == 0) {
        json_t *report = pull_diagnostics(s, params);
        if (report) as_rpc_result(&s->rpc, id, report);
        else as_rpc_error(&s->rpc, id, AS_RPC_INVALID_PARAMS, "unknown document");
    } else {
        as_rpc_error(&s->rpc, id, AS_RPC_METHOD_NOT_FOUND, "method not found");
    }
}

/* A notification: nothing is answered. */
static void notification(struct server *s, const char *method, const json_t *params)
{
    if (!s->initialized || s->shutdown) return;
    if (strcmp(method, "textDocument/didOpen") == 0) did_open(s, params);
    else if (strcmp(method, "textDocument/didChange") == 0) did_change(s, params);
    else if (strcmp(method, "textDocument/didClose") == 0) did_close(s, params);
    else if (strcmp(method, "textDocument/didSave") == 0) refresh_all(s);
    else if (strcmp(method, "workspace/didChangeConfiguration") == 0) {
        apply_settings(s, json_object_get(params, "settings"));
        refresh_all(s);
    }
    /* initialized, $/cancelRequest (requests are answered in order, before the next is read), $/setTrace,
     * workspace/didChangeWorkspaceFolders (each file finds its own project root) and the rest: nothing to do */
}

/* One message; returns -1 to go on, or the exit status after `exit`. */
static int handle(struct server *s, const json_t *msg)
{
    const char *method = get_string(msg, "method");
    const json_t *id = json_object_get(msg, "id");
    if (!json_is_object(msg) || (!method && !id)) {
        as_rpc_error(&s->rpc, NULL, AS_RPC_INVALID_REQUEST, "not a JSON-RPC message");
        return -1;
    }
    if (!method) return -1;   /* a response to a request of ours: none are sent that wait for one */
    if (strcmp(method, "exit") == 0) return s->shutdown ? 0 : 1;
    if (id && !json_is_string(id) && !json_is_integer(id)) {
        as_rpc_error(&s->rpc, NULL, AS_RPC_INVALID_REQUEST, "invalid id");
        return -1;
    }
    const json_t *params = json_object_get(msg, "params");
    if (id) request(s, id, method, params);
    else notification(s, method, params);
    return -1;
}

void as_server_usage(FILE *out)
{
    fputs("usage: asyncscan server [--help]\n"
          "\n"
          "A language server (LSP 3.17) on standard input and output: diagnostics as you type (each open buffer\n"
          "is analysed with its project, as `asyncscan check --stdin-filename FILE -` would), quick fixes,\n"
          "\"Disable CODE for this line\" (# noqa), source.fixAll.asyncscan, and hover on `# noqa: CODE`.\n"
          "Logs go to standard error and window/logMessage. Editor setup: docs/editors.md.\n"
          "\n"
          "Settings (initializationOptions, or workspace/didChangeConfiguration's settings; the keys at the top\n"
          "level or under \"asyncscan\"); they override the configuration files, as the same flags of check do:\n"
          "  select         codes or prefixes to enable (string \"ASYNC,RUF006\" or a list), like --select\n"
          "  ignore         codes or prefixes to disable, like --ignore\n"
          "  unsafeFixes    true: quick fixes and fix all include unsafe fixes (like --unsafe-fixes)\n"
          "  configuration  path of a configuration file to use instead of the nearest one (like --config)\n",
          out);
}

int as_server_main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) { as_server_usage(stdout); return 0; }
        if (strcmp(argv[i], "--stdio") == 0) continue;   /* what several clients pass */
        fprintf(stderr, "asyncscan: error: unknown option '%.64s' for server\nTry 'asyncscan server --help'.\n",
                argv[i]);
        return 2;
    }
    struct server s = {.rpc = {.in = stdin, .out = stdout, .log = stderr}};
    ssize_t n = readlink("/proc/self/exe", s.exe, sizeof(s.exe) - 1);
    if (n <= 0) { fprintf(stderr, "asyncscan server: cannot find its own binary\n"); return 2; }
    s.exe[n] = '\0';
    int status = 1;
    for (;;) {
        json_t *msg;
        enum as_rpc_status r = as_rpc_read(&s.rpc, &msg);
        if (r == AS_RPC_EOF) break;
        if (r == AS_RPC_BAD_JSON) as_rpc_error(&s.rpc, NULL, AS_RPC_PARSE_ERROR, "parse error");
        if (r != AS_RPC_MESSAGE) continue;
        int done = handle(&s, msg);
        json_decref(msg);
        if (done >= 0) { status = done; break; }
        if (s.rpc.broken) break;
    }
    for (size_t i = 0; i < s.n_docs; i++) as_doc_free(s.docs[i]);
    free(s.docs);
    free(s.settings.select);
    free(s.settings.ignore);
    free(s.settings.config);
    return status;
}
