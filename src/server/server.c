/* server.c — `asyncscan server`: the main loop (every message that has arrived is read before any analysis),
 * the LSP lifecycle, the document and workspace notifications, settings, and the dispatch of requests to
 * diagnostics.c (analysis, push and pull diagnostics) and actions.c (code actions, hover). */
#define _GNU_SOURCE
#include "server/server.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/state.h"
#include "util/visible.h"
#include "util/xalloc.h"

#define MAX_DOCUMENTS 4096
#define MAX_FOLDERS 256

json_t *as_json_get(const json_t *o, const char *path)
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

const char *as_json_get_string(const json_t *o, const char *path)
{
    return json_string_value(as_json_get(o, path));
}

struct as_document *as_server_find_doc(struct server *s, const char *uri)
{
    for (size_t i = 0; uri && i < s->n_docs; i++)
        if (strcmp(s->docs[i]->uri, uri) == 0) return s->docs[i];
    return NULL;
}

void as_server_log(struct server *s, int type, const char *text)
{
    as_fputs_visible(text, s->rpc.log);   /* (paths come from the client: no terminal control on stderr) */
    fputc('\n', s->rpc.log);
    as_rpc_notify(&s->rpc, "window/logMessage", json_pack("{s:i, s:s}", "type", type, "message", text));
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
    if (json_is_boolean(unsafe)) s->settings.unsafe_fixes = json_is_true(unsafe) ? 1 : -1;
    const char *pref = as_json_get_string(o, "configurationPreference");
    if (pref && strcmp(pref, "editorFirst") == 0) s->settings.preference = AS_PREFER_EDITOR;
    else if (pref && strcmp(pref, "filesystemFirst") == 0) s->settings.preference = AS_PREFER_FILESYSTEM;
    else if (pref && strcmp(pref, "editorOnly") == 0) s->settings.preference = AS_EDITOR_ONLY;
    else if (pref) as_server_log(s, 2, "asyncscan: configurationPreference: expected editorFirst, filesystemFirst or editorOnly");
}

/* ---- workspace folders ---- */

static void add_folder(struct server *s, const char *uri)
{
    char *path = uri ? as_uri_to_path(uri) : NULL;
    if (!path) return;
    for (size_t i = 0; i < s->n_folders; i++)
        if (strcmp(s->folders[i], path) == 0) { free(path); return; }
    if (s->n_folders >= MAX_FOLDERS) { free(path); return; }
    s->folders = as_xrealloc(s->folders, (s->n_folders + 1) * sizeof(char *));
    s->folders[s->n_folders++] = path;
}

static void remove_folder(struct server *s, const char *uri)
{
    char *path = uri ? as_uri_to_path(uri) : NULL;
    for (size_t i = 0; path && i < s->n_folders; i++)
        if (strcmp(s->folders[i], path) == 0) {
            free(s->folders[i]);
            s->folders[i] = s->folders[--s->n_folders];
            break;
        }
    free(path);
}

/* workspace/didChangeWorkspaceFolders: each open file is joined with its own project root whatever the
 * folders; the folders are what workspace/diagnostic and the watchers cover. */
static void change_folders(struct server *s, const json_t *params)
{
    size_t i;
    json_t *f;
    json_array_foreach(as_json_get(params, "event.removed"), i, f) remove_folder(s, as_json_get_string(f, "uri"));
    json_array_foreach(as_json_get(params, "event.added"), i, f) add_folder(s, as_json_get_string(f, "uri"));
}

/* ---- lifecycle ---- */

static void choose_encoding(struct server *s, const json_t *params)
{
    size_t i;
    json_t *e;
    s->enc = AS_POS_UTF16;
    json_array_foreach(as_json_get(params, "capabilities.general.positionEncodings"), i, e) {
        const char *name = json_string_value(e);
        if (name && strcmp(name, "utf-8") == 0) { s->enc = AS_POS_UTF8; return; }
        if (name && strcmp(name, "utf-32") == 0) s->enc = AS_POS_UTF32;
    }
}

static bool lists_string(const json_t *array, const char *want)
{
    size_t i;
    json_t *e;
    json_array_foreach(array, i, e)
        if (json_string_value(e) && strcmp(json_string_value(e), want) == 0) return true;
    return false;
}

static json_t *initialize(struct server *s, const json_t *params)
{
    choose_encoding(s, params);
    apply_settings(s, json_object_get(params, "initializationOptions"));
    s->resolve_edits = lists_string(as_json_get(params, "capabilities.textDocument.codeAction.resolveSupport.properties"),
                                    "edit");
    s->watch_registration =
        json_is_true(as_json_get(params, "capabilities.workspace.didChangeWatchedFiles.dynamicRegistration"));
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(params, "workspaceFolders"), i, f) add_folder(s, as_json_get_string(f, "uri"));
    if (!s->n_folders) add_folder(s, as_json_get_string(params, "rootUri"));
    s->initialized = true;
    static const char *const names[] = {"utf-16", "utf-8", "utf-32"};
    return json_pack("{s:{s:s, s:{s:b, s:i, s:b, s:{s:b}}, s:{s:[s, s, s], s:b}, s:b, s:{s:s, s:b, s:b},"
                     " s:{s:{s:b, s:b}}}, s:{s:s, s:s}}",
                     "capabilities", "positionEncoding", names[s->enc], "textDocumentSync", "openClose", 1,
                     "change", 2, "willSave", 0, "save", "includeText", 0, "codeActionProvider", "codeActionKinds",
                     "quickfix", "source.fixAll", "source.fixAll.asyncscan", "resolveProvider", 1, "hoverProvider",
                     1, "diagnosticProvider", "identifier", "asyncscan", "interFileDependencies", 1,
                     "workspaceDiagnostics", 1, "workspace", "workspaceFolders", "supported", 1,
                     "changeNotifications", 1, "serverInfo", "name", "asyncscan", "version", ASYNCSCAN_VERSION);
}

/* After `initialized`: asks a client that lets it to watch the Python files and the configuration files. */
static void register_watchers(struct server *s)
{
    if (!s->watch_registration) return;
    json_t *watchers = json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}]", "globPattern", "**/*.py", "globPattern",
                                 "**/*.pyi", "globPattern", "**/pyproject.toml", "globPattern", "**/asyncscan.toml",
                                 "globPattern", "**/ruff.toml", "globPattern", "**/.ruff.toml");
    json_t *msg = json_pack("{s:s, s:s, s:s, s:{s:[{s:s, s:s, s:{s:o}}]}}", "jsonrpc", "2.0", "id",
                            "asyncscan-watch", "method", "client/registerCapability", "params", "registrations", "id",
                            "asyncscan-watch", "method", "workspace/didChangeWatchedFiles", "registerOptions",
                            "watchers", watchers);
    as_rpc_send(&s->rpc, msg);
    json_decref(msg);
}

/* ---- documents ---- */

static void did_open(struct server *s, const json_t *params)
{
    const char *uri = as_json_get_string(params, "textDocument.uri");
    const json_t *text = as_json_get(params, "textDocument.text");
    if (!uri || !json_is_string(text)) return;
    struct as_document *doc = as_server_find_doc(s, uri);
    if (!doc) {
        if (s->n_docs >= MAX_DOCUMENTS) { as_server_log(s, 1, "asyncscan: too many open documents"); return; }
        doc = as_xcalloc(1, sizeof(*doc));
        doc->uri = as_xstrdup(uri);
        doc->path = as_uri_to_path(uri);
        if (!doc->path) doc->path = as_xstrdup(uri);
        doc->text = as_xstrdup("");
        s->docs = as_xrealloc(s->docs, (s->n_docs + 1) * sizeof(*s->docs));
        s->docs[s->n_docs++] = doc;
    }
    as_doc_splice(doc, 0, doc->len, json_string_value(text), json_string_length(text));
    doc->version = json_integer_value(as_json_get(params, "textDocument.version"));
    as_server_edited(s, doc);
}

static void did_change(struct server *s, const json_t *params)
{
    struct as_document *doc = as_server_find_doc(s, as_json_get_string(params, "textDocument.uri"));
    if (!doc) return;
    size_t i;
    json_t *change;
    json_array_foreach(json_object_get(params, "contentChanges"), i, change) {
        if (!as_doc_apply_change(doc, s->enc, change)) as_server_log(s, 2, "asyncscan: a malformed change was ignored");
    }
    doc->version = json_integer_value(as_json_get(params, "textDocument.version"));
    as_server_edited(s, doc);
}

static void did_close(struct server *s, const json_t *params)
{
    const char *uri = as_json_get_string(params, "textDocument.uri");
    for (size_t i = 0; uri && i < s->n_docs; i++) {
        struct as_document *doc = s->docs[i];
        if (strcmp(doc->uri, uri) != 0) continue;
        as_rpc_notify(&s->rpc, "textDocument/publishDiagnostics", json_pack("{s:s, s:[]}", "uri", uri, "diagnostics"));
        s->docs[i] = s->docs[--s->n_docs];
        /* its file on disk stands for it in the index again, and its dependents see that */
        if (s->ws) as_workspace_file_changed(s->ws, doc->path, false);
        as_server_rejoin(s, doc->path);
        as_doc_free(doc);
        return;
    }
}

/* A file saved, or changed on disk (watched): its project's index reads it again. */
static void file_changed(struct server *s, const char *uri, bool listing)
{
    char *path = uri ? as_uri_to_path(uri) : NULL;
    if (!path) return;
    if (s->ws) as_workspace_file_changed(s->ws, path, listing);
    as_server_rejoin(s, path);
    free(path);
}

static bool is_configuration(const char *uri)
{
    const char *base = strrchr(uri, '/');
    base = base ? base + 1 : uri;
    return strcmp(base, "pyproject.toml") == 0 || strcmp(base, "asyncscan.toml") == 0 ||
           strcmp(base, ".asyncscan.toml") == 0 || strcmp(base, "ruff.toml") == 0 || strcmp(base, ".ruff.toml") == 0;
}

/* workspace/didChangeWatchedFiles: a configuration file changed (the workspace is made again) or a Python
 * file was created (1), changed (2) or deleted (3). */
static void watched_files(struct server *s, const json_t *params)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(params, "changes"), i, c) {
        const char *uri = as_json_get_string(c, "uri");
        if (!uri) continue;
        if (is_configuration(uri)) {
            as_server_rebuild(s);
            return;
        }
        file_changed(s, uri, json_integer_value(json_object_get(c, "type")) != 2);
    }
}

/* ---- dispatch ---- */

static json_t *pull_diagnostics(struct server *s, const json_t *params)
{
    struct as_document *doc = as_server_find_doc(s, as_json_get_string(params, "textDocument.uri"));
    if (!doc) return NULL;
    as_server_settle(s, doc);
    return json_pack("{s:s, s:o}", "kind", "full", "items", as_server_diagnostics(s, doc));
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
        as_rpc_result(&s->rpc, id, as_server_code_actions(s, params));
    } else if (strcmp(method, "codeAction/resolve") == 0) {
        if (json_is_object(params)) as_rpc_result(&s->rpc, id, as_server_resolve_action(s, params));
        else as_rpc_error(&s->rpc, id, AS_RPC_INVALID_PARAMS, "not a code action");
    } else if (strcmp(method, "textDocument/hover") == 0) {
        as_rpc_result(&s->rpc, id, as_server_hover(s, params));
    } else if (strcmp(method, "textDocument/diagnostic") == 0) {
        json_t *report = pull_diagnostics(s, params);
        if (report) as_rpc_result(&s->rpc, id, report);
        else as_rpc_error(&s->rpc, id, AS_RPC_INVALID_PARAMS, "unknown document");
    } else if (strcmp(method, "workspace/diagnostic") == 0) {
        as_rpc_result(&s->rpc, id, as_server_workspace_diagnostics(s));
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
    else if (strcmp(method, "textDocument/didSave") == 0) file_changed(s, as_json_get_string(params, "textDocument.uri"), false);
    else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0) watched_files(s, params);
    else if (strcmp(method, "workspace/didChangeWorkspaceFolders") == 0) change_folders(s, params);
    else if (strcmp(method, "initialized") == 0) register_watchers(s);
    else if (strcmp(method, "workspace/didChangeConfiguration") == 0) {
        apply_settings(s, json_object_get(params, "settings"));
        as_server_rebuild(s);
    }
    /* $/cancelRequest for a request answered already (cancelled_ahead takes those that come before their
     * answer), $/setTrace and the rest: nothing to do */
}

/* Reads the messages already waiting (as many as s->ahead holds) into s->ahead, in order. */
static void read_ahead(struct server *s)
{
    while (s->n_ahead < AS_SERVER_READ_AHEAD && !s->ahead_eof && !s->rpc.broken && as_rpc_pending(&s->rpc)) {
        json_t *msg;
        enum as_rpc_status r = as_rpc_read(&s->rpc, &msg);
        if (r == AS_RPC_EOF) s->ahead_eof = true;
        else if (r == AS_RPC_BAD_JSON) as_rpc_error(&s->rpc, NULL, AS_RPC_PARSE_ERROR, "parse error");
        else if (r == AS_RPC_MESSAGE) s->ahead[s->n_ahead++] = msg;
    }
}

static void drop_ahead(struct server *s, size_t i)
{
    memmove(&s->ahead[i], &s->ahead[i + 1], (s->n_ahead - i - 1) * sizeof(*s->ahead));
    s->n_ahead--;
}

/* Whether a $/cancelRequest for request `id` has arrived already (it is consumed then): the request is answered
 * RequestCancelled without its work. One that arrives later names a request answered: it is ignored. */
static bool cancelled_ahead(struct server *s, const json_t *id)
{
    read_ahead(s);
    for (size_t i = 0; i < s->n_ahead; i++) {
        const char *method = as_json_get_string(s->ahead[i], "method");
        if (!method || strcmp(method, "$/cancelRequest") != 0) continue;
        if (!json_equal(as_json_get(s->ahead[i], "params.id"), (json_t *)id)) continue;
        json_decref(s->ahead[i]);
        drop_ahead(s, i);
        return true;
    }
    return false;
}

/* The next message: read ahead already, or from the input (AS_RPC_EOF once both are exhausted). */
static enum as_rpc_status next_message(struct server *s, json_t **msg)
{
    if (s->n_ahead) {
        *msg = s->ahead[0];
        drop_ahead(s, 0);
        return AS_RPC_MESSAGE;
    }
    if (s->ahead_eof) return AS_RPC_EOF;
    return as_rpc_read(&s->rpc, msg);
}

/* One message; returns -1 to go on, or the exit status after `exit`. */
static int handle(struct server *s, const json_t *msg)
{
    const char *method = as_json_get_string(msg, "method");
    const json_t *id = json_object_get(msg, "id");
    if (!json_is_object(msg) || (!method && !id)) {
        as_rpc_error(&s->rpc, NULL, AS_RPC_INVALID_REQUEST, "not a JSON-RPC message");
        return -1;
    }
    if (!method) return -1;   /* a response to a request of ours (registerCapability): nothing waits for it */
    if (strcmp(method, "exit") == 0) return s->shutdown ? 0 : 1;
    if (id && !json_is_string(id) && !json_is_integer(id)) {
        as_rpc_error(&s->rpc, NULL, AS_RPC_INVALID_REQUEST, "invalid id");
        return -1;
    }
    const json_t *params = json_object_get(msg, "params");
    bool cancellable = id && s->initialized && strcmp(method, "shutdown") != 0;
    if (cancellable && cancelled_ahead(s, id)) as_rpc_error(&s->rpc, id, AS_RPC_REQUEST_CANCELLED, "cancelled");
    else if (id) request(s, id, method, params);
    else notification(s, method, params);
    return -1;
}

void as_server_usage(FILE *out)
{
    fputs("usage: asyncscan server [--help]\n"
          "\n"
          "A language server (LSP 3.17) on standard input and output: diagnostics as you type, quick fixes,\n"
          "\"Disable CODE for this line\" (# noqa), source.fixAll.asyncscan, and hover on `# noqa: CODE`.\n"
          "Each open buffer is analysed in the server's process as `asyncscan check --stdin-filename FILE -`\n"
          "would (its configuration, its project: a blocking helper in another module shows in its async\n"
          "callers, and an unsaved edit of an open helper re-publishes them). Edits that arrive together are\n"
          "analysed once. Logs go to standard error and window/logMessage. Editor setup: docs/editors.md.\n"
          "\n"
          "Settings (initializationOptions, or workspace/didChangeConfiguration's settings; the keys at the top\n"
          "level or under \"asyncscan\"); by default they override the configuration files, as the same flags of\n"
          "check do:\n"
          "  select         codes or prefixes to enable (string \"ASYNC,RUF006\" or a list), like --select\n"
          "  ignore         codes or prefixes to disable, like --ignore\n"
          "  unsafeFixes    true: quick fixes and fix all include unsafe fixes (like --unsafe-fixes); false: they\n"
          "                 do not; unset: the configuration's unsafe-fixes decides\n"
          "  configuration  path of a configuration file to use instead of the nearest one (like --config)\n"
          "  configurationPreference  which wins where these settings and the configuration files both set a\n"
          "                 key, as in ruff's server: \"editorFirst\" (the default: these settings),\n"
          "                 \"filesystemFirst\" (the files; these settings fill what they leave unset) or\n"
          "                 \"editorOnly\" (configuration files are not read; a `configuration` path still is)\n"
          "The configuration files (pyproject.toml, asyncscan.toml, ruff.toml) are read again when they change\n"
          "(workspace/didChangeWatchedFiles; the server asks clients that allow it to watch them).\n",
          out);
}

static void release(struct server *s)
{
    as_workspace_free(s->ws);
    for (size_t i = 0; i < s->n_docs; i++) as_doc_free(s->docs[i]);
    free(s->docs);
    for (size_t i = 0; i < s->n_folders; i++) free(s->folders[i]);
    free(s->folders);
    free(s->settings.select);
    free(s->settings.ignore);
    free(s->settings.config);
    for (size_t i = 0; i < s->n_ahead; i++) json_decref(s->ahead[i]);
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
    if (!getcwd(s.cwd, sizeof(s.cwd))) strcpy(s.cwd, "/");
    int status = 1;
    for (;;) {
        /* analysis waits until every message that has arrived is read (a burst of edits is analysed once), or
         * until an edit has waited for too many messages */
        bool waiting = s.n_ahead || (!s.ahead_eof && as_rpc_pending(&s.rpc));
        if ((!waiting || as_server_overdue(&s)) && as_server_work(&s)) {
            if (s.rpc.broken) break;
            continue;
        }
        json_t *msg;
        enum as_rpc_status r = next_message(&s, &msg);
        if (r == AS_RPC_EOF) break;
        if (r == AS_RPC_BAD_JSON) as_rpc_error(&s.rpc, NULL, AS_RPC_PARSE_ERROR, "parse error");
        if (r != AS_RPC_MESSAGE) continue;
        s.stale_rebuilt = false;
        s.messages++;
        int done = handle(&s, msg);
        json_decref(msg);
        if (done >= 0) { status = done; break; }
        if (s.rpc.broken) break;
    }
    release(&s);
    return status;
}
