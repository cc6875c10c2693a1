/* state.h — what the server's parts share (server.c: lifecycle and dispatch; diagnostics.c: analysing and
 * publishing; actions.c: code actions and hover): the server's state and the JSON helpers they read requests
 * with. Internal to src/server/. */
#ifndef AS_SERVER_STATE_H
#define AS_SERVER_STATE_H
#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "server/document.h"
#include "server/rpc.h"
#include "server/workspace.h"

#define AS_SERVER_READ_AHEAD 256   /* messages held at most while looking for a cancellation */

struct server {
    struct as_rpc rpc;
    char cwd[PATH_MAX];
    struct as_server_settings settings;
    struct as_workspace *ws;   /* made on first use; NULL after it failed (ws_failed) until the settings change */
    bool ws_failed;
    bool stale_rebuilt;        /* the workspace was made again for a configuration met since the last message */
    enum as_pos_encoding enc;
    bool initialized, shutdown;
    bool resolve_edits;        /* the client resolves code actions' edits lazily (codeAction/resolve) */
    bool watch_registration;   /* the client lets the server register file watchers */
    struct as_document **docs;
    size_t n_docs;
    uint64_t edits;            /* edits counted, to order the documents to analyse */
    uint64_t messages;         /* messages read */
    char **folders;            /* workspace folders (paths) */
    size_t n_folders;
    /* Messages read ahead, in order, to find a $/cancelRequest for a request before answering it (server.c) */
    json_t *ahead[AS_SERVER_READ_AHEAD];
    size_t n_ahead;
    bool ahead_eof;            /* the input ended while reading ahead: stop once `ahead` is empty */
};

json_t *as_json_get(const json_t *o, const char *path);   /* "a.b.c" */
const char *as_json_get_string(const json_t *o, const char *path);
struct as_document *as_server_find_doc(struct server *s, const char *uri);
void as_server_log(struct server *s, int type, const char *text);

/* diagnostics.c */
/* The workspace, made if needed (NULL after logging why it cannot be). */
struct as_workspace *as_server_workspace(struct server *s);
/* Drops the workspace (settings or configuration changed): every document is analysed again. */
void as_server_rebuild(struct server *s);
/* Marks doc edited (to analyse again before its diagnostics are next published). */
void as_server_edited(struct server *s, struct as_document *doc);
/* Whether an edit has waited for its analysis while AS_SERVER_MAX_WAIT_MESSAGES other messages were read (input
 * that keeps coming does not hold the diagnostics back for ever; counted in messages, not time, so that what is
 * published does not depend on the machine's load). */
#define AS_SERVER_MAX_WAIT_MESSAGES 64
bool as_server_overdue(const struct server *s);
/* Marks the analysed documents of the project of `path` (every one when path is NULL) to be joined again. */
void as_server_rejoin(struct server *s, const char *path);
/* Analyses and publishes one document that needs it (the most recently edited first, then those to join
 * again); false when none does. */
bool as_server_work(struct server *s);
/* Brings doc's findings up to date with its text now (a request about it is being answered). */
void as_server_settle(struct server *s, struct as_document *doc);
/* doc's findings with their fixes (settled first; owned by doc). */
const json_t *as_server_fixed(struct server *s, struct as_document *doc);
/* LSP diagnostics of doc's findings. */
json_t *as_server_diagnostics(const struct server *s, const struct as_document *doc);
/* workspace/diagnostic: a full report per open document. */
json_t *as_server_workspace_diagnostics(struct server *s);

/* actions.c */
json_t *as_server_code_actions(struct server *s, const json_t *params);
json_t *as_server_resolve_action(struct server *s, const json_t *action);
json_t *as_server_hover(struct server *s, const json_t *params);

#endif
