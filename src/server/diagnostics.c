/* diagnostics.c — when the server analyses what, and what it publishes. An edit only marks its document; the
 * main loop (server.c) reads every message that has arrived before it analyses, so a burst of edits is one
 * analysis of the newest text, and diagnostics are published for the version analysed (never an older one
 * than the client last sent: nothing is published while a newer edit is waiting to be read). A document whose
 * summaries changed (workspace.h's digest) has the other open documents of its project joined again with the
 * index (no parse), after the edited ones. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "project/root.h"
#include "server/state.h"
#include "util/xalloc.h"

/* The open buffer standing for file `path` in the index (its own path, or the same file by another name). */
static const char *buffer_of(void *ud, const char *path, size_t *len)
{
    struct server *s = ud;
    struct as_document *found = NULL;
    for (size_t i = 0; i < s->n_docs && !found; i++)
        if (strcmp(s->docs[i]->path, path) == 0) found = s->docs[i];
    for (size_t i = 0; i < s->n_docs && !found; i++) {
        char *real = as_real_file_path(s->docs[i]->path);
        if (real && strcmp(real, path) == 0) found = s->docs[i];
        free(real);
    }
    if (!found) return NULL;
    *len = found->len;
    return found->text;
}

struct as_workspace *as_server_workspace(struct server *s)
{
    if (s->ws || s->ws_failed) return s->ws;
    char err[512];
    const char **paths = as_xcalloc(s->n_docs + 1, sizeof(char *));
    for (size_t i = 0; i < s->n_docs; i++) paths[i] = s->docs[i]->path;
    s->ws = as_workspace_new(&s->settings, s->cwd, buffer_of, s, paths, s->n_docs, err, sizeof(err));
    free(paths);
    if (!s->ws) {
        char msg[600];
        snprintf(msg, sizeof(msg), "asyncscan: the configuration cannot be used: %s", err);
        as_server_log(s, 1, msg);
        s->ws_failed = true;
    }
    return s->ws;
}

void as_server_rebuild(struct server *s)
{
    as_workspace_free(s->ws);
    s->ws = NULL;
    s->ws_failed = false;
    for (size_t i = 0; i < s->n_docs; i++) as_server_edited(s, s->docs[i]);
}

void as_server_edited(struct server *s, struct as_document *doc)
{
    if (!doc->edited) doc->edited_at = s->messages;
    doc->edited = true;
    doc->edit_order = ++s->edits;
}

bool as_server_overdue(const struct server *s)
{
    for (size_t i = 0; i < s->n_docs; i++)
        if (s->docs[i]->edited && s->messages - s->docs[i]->edited_at >= AS_SERVER_MAX_WAIT_MESSAGES) return true;
    return false;
}

void as_server_rejoin(struct server *s, const char *path)
{
    char *root = path ? as_project_root_of(path) : NULL;
    for (size_t i = 0; i < s->n_docs; i++) {
        struct as_document *d = s->docs[i];
        if (!d->has_own || d->edited || (path && strcmp(d->path, path) == 0)) continue;
        char *r = path ? as_project_root_of(d->path) : NULL;
        if (!path || (root && r && strcmp(root, r) == 0)) d->rejoin = true;
        free(r);
    }
    free(root);
}

static void publish(struct server *s, struct as_document *doc)
{
    as_rpc_notify(&s->rpc, "textDocument/publishDiagnostics",
                  json_pack("{s:s, s:I, s:o}", "uri", doc->uri, "version", (json_int_t)doc->analysed_version,
                            "diagnostics", as_server_diagnostics(s, doc)));
}

/* doc's findings from its own analysis joined with its project now. */
static void join(struct server *s, struct as_document *doc)
{
    doc->rejoin = false;
    json_decref(doc->fixed);
    doc->fixed = NULL;
    char *error = NULL;
    json_t *findings = s->ws ? as_workspace_findings(s->ws, doc->path, &doc->own, false, &error) : json_array();
    /* a syntax error, a buffer over the size limit: the findings of what could be analysed stand; said once
     * (stderr and window/logMessage) until it changes */
    if (error && (!doc->last_error || strcmp(error, doc->last_error) != 0)) {
        char msg[1024];
        snprintf(msg, sizeof(msg), "asyncscan: %s: %s", doc->path, error);
        as_server_log(s, 4, msg);
    }
    free(doc->last_error);
    doc->last_error = error;
    json_decref(doc->findings);
    doc->findings = findings;
}

/* Analyses doc's text, joins it with its project, publishes; another document's findings may change with it. */
static void analyse(struct server *s, struct as_document *doc)
{
    doc->edited = false;
    struct as_workspace *ws = as_server_workspace(s);
    if (doc->has_own) as_file_result_release(&doc->own);
    doc->has_own = false;
    doc->analysed_version = doc->version;
    if (!ws) {
        json_decref(doc->findings);
        doc->findings = json_array();
        publish(s, doc);
        return;
    }
    as_workspace_analyse(ws, doc->path, doc->text, doc->len, &doc->tree, &doc->own);
    doc->has_own = true;
    uint64_t digest = as_workspace_digest(&doc->own);
    if (digest != doc->digest) as_server_rejoin(s, doc->path);
    doc->digest = digest;
    join(s, doc);
    publish(s, doc);
    if (as_workspace_stale(ws) && !s->stale_rebuilt) {   /* a file brought a configuration not bound */
        s->stale_rebuilt = true;   /* (once per message: a configuration that cannot be bound stays unbound) */
        as_server_rebuild(s);
        doc->edited = false;        /* (analysed again with the others, as an edit would) */
        as_server_edited(s, doc);
    }
}

bool as_server_work(struct server *s)
{
    struct as_document *next = NULL;
    for (size_t i = 0; i < s->n_docs; i++)
        if (s->docs[i]->edited && (!next || s->docs[i]->edit_order > next->edit_order)) next = s->docs[i];
    if (next) {
        analyse(s, next);
        return true;
    }
    for (size_t i = 0; i < s->n_docs; i++)
        if (s->docs[i]->rejoin) {
            join(s, s->docs[i]);
            publish(s, s->docs[i]);
            return true;
        }
    return false;
}

void as_server_settle(struct server *s, struct as_document *doc)
{
    /* every edited document first: an edited helper changes doc's findings */
    for (bool more = true; more;) {
        more = false;
        for (size_t i = 0; i < s->n_docs; i++)
            if (s->docs[i]->edited) {
                analyse(s, s->docs[i]);
                more = true;
            }
    }
    if (doc->rejoin) {
        join(s, doc);
        publish(s, doc);
    }
}

const json_t *as_server_fixed(struct server *s, struct as_document *doc)
{
    as_server_settle(s, doc);
    if (doc->fixed && doc->fixed_version == doc->version) return doc->fixed;
    json_decref(doc->fixed);
    char *error = NULL;
    doc->fixed = s->ws && doc->has_own ? as_workspace_findings(s->ws, doc->path, &doc->own, true, &error) : json_array();
    free(error);
    doc->fixed_version = doc->version;
    return doc->fixed;
}

/* ---- LSP diagnostics ---- */

static json_t *related_chain(const json_t *finding)
{
    json_t *related = json_array();
    size_t i;
    json_t *step;
    json_array_foreach(json_object_get(finding, "chain"), i, step) {
        const char *file = as_json_get_string(step, "filename");
        if (!file) continue;
        char *uri = as_path_to_uri(file);
        json_int_t row = json_integer_value(json_object_get(step, "row"));
        json_int_t col = json_integer_value(json_object_get(step, "column"));
        json_t *pos = json_pack("{s:I, s:I}", "line", row > 0 ? row - 1 : 0, "character", col > 0 ? col - 1 : 0);
        const char *label = as_json_get_string(step, "label");
        json_array_append_new(related, json_pack("{s:{s:s, s:{s:O, s:O}}, s:s}", "location", "uri", uri, "range",
                                                 "start", pos, "end", pos, "message", label ? label : ""));
        json_decref(pos);
        free(uri);
    }
    return related;
}

static json_t *to_diagnostic(const struct as_document *doc, enum as_pos_encoding enc, const json_t *f)
{
    const char *code = as_json_get_string(f, "code");
    const char *message = as_json_get_string(f, "message");
    json_t *d = json_pack("{s:o, s:i, s:s, s:s}", "range",
                          as_doc_range_rowcol(doc, enc, json_object_get(f, "location"),
                                              json_object_get(f, "end_location")),
                          "severity", code ? 2 : 1, "source", "asyncscan", "message", message ? message : "");
    if (code) json_object_set_new(d, "code", json_string(code));
    const char *url = as_json_get_string(f, "url");
    if (url) json_object_set_new(d, "codeDescription", json_pack("{s:s}", "href", url));
    json_t *related = related_chain(f);
    if (json_array_size(related)) json_object_set_new(d, "relatedInformation", related);
    else json_decref(related);
    json_t *data = json_object();
    if (json_object_get(f, "noqa_row")) json_object_set(data, "noqa_row", json_object_get(f, "noqa_row"));
    json_object_set_new(d, "data", data);
    return d;
}

json_t *as_server_diagnostics(const struct server *s, const struct as_document *doc)
{
    json_t *items = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(doc->findings, i, f) json_array_append_new(items, to_diagnostic(doc, s->enc, f));
    return items;
}

json_t *as_server_workspace_diagnostics(struct server *s)
{
    while (as_server_work(s)) {}   /* every edit analysed, every dependent joined again */
    json_t *items = json_array();
    for (size_t i = 0; i < s->n_docs; i++) {
        struct as_document *doc = s->docs[i];
        as_server_settle(s, doc);
        json_array_append_new(items, json_pack("{s:s, s:I, s:s, s:o}", "uri", doc->uri, "version",
                                               (json_int_t)doc->analysed_version, "kind", "full", "items",
                                               as_server_diagnostics(s, doc)));
    }
    return json_pack("{s:o}", "items", items);
}
