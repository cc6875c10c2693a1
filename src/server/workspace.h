/* workspace.h — the analysis the server keeps in its own process between edits: the settings and the engine
 * (loaded as `asyncscan check` loads them, with the server's settings as its options), one parser worker, and
 * per project root (project/root.h) its files and a project index (project/index.h) holding every analysed
 * file's summaries. A buffer is analysed as `check --stdin-filename FILE -` would analyse it (the same findings,
 * filtered by the file's configuration), but only the buffer is parsed again on an edit; the helper modules it
 * reaches come from the index, and an open buffer stands for its file on disk there too (so an unsaved helper
 * edit shows in its callers). A settings or configuration change rebuilds the whole workspace. */
#ifndef AS_SERVER_WORKSPACE_H
#define AS_SERVER_WORKSPACE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

/* Which wins where the editor's settings and the configuration files both set a key (ruff's server's
 * configurationPreference): the editor (the default), the files (the editor's settings fill what they do not
 * set), or the editor alone (configuration files are not read). */
enum as_config_preference { AS_PREFER_EDITOR, AS_PREFER_FILESYSTEM, AS_EDITOR_ONLY };

struct as_server_settings {
    char *select, *ignore, *config;   /* NULL: the configuration's */
    int unsafe_fixes;                 /* 1 on, -1 off, 0 not set (the configuration's unsafe-fixes) */
    enum as_config_preference preference;
};

/* The text of an open buffer for absolute path `path` (NULL: not open; then the file on disk is read). */
typedef const char *(*as_workspace_buffer_fn)(void *ud, const char *path, size_t *len);

struct as_workspace;

/* A workspace for the settings (copied); `cwd` is where configuration is looked up from, as for check; the
 * configurations of `paths` (absolute: the open files) and of their projects' files are bound (as check binds
 * those of its files). NULL with a message in err when the configuration cannot be loaded (a broken file, an
 * unknown code). */
struct as_workspace *as_workspace_new(const struct as_server_settings *s, const char *cwd, as_workspace_buffer_fn buffer,
                                      void *ud, const char *const *paths, size_t n_paths, char *err, size_t errlen);
void as_workspace_free(struct as_workspace *self);

/* Whether files met since the workspace was made brought a configuration it has not bound (their rules
 * differ): the caller then makes a new workspace, with them among its paths. */
bool as_workspace_stale(const struct as_workspace *self);

/* Whether quick fixes and fix all include unsafe fixes for absolute path `path`: the unsafeFixes setting and
 * the unsafe-fixes of the configuration governing the file, ranked by the configuration preference. */
bool as_workspace_unsafe_fixes(struct as_workspace *self, const char *path);

/* Analyses buffer `text` of absolute path `path` on its own into *own (initialised here; the caller releases
 * it), summaries included, reparsing *tree (the buffer's, edited since: pipeline/engine.h's
 * as_analyze_buffer_incremental; NULL the first time). The buffer's summaries replace its file's in its
 * project's index. */
struct TSTree;
void as_workspace_analyse(struct as_workspace *self, const char *path, const char *text, size_t len,
                          struct TSTree **tree, struct as_file_result *own);
/* The findings of the buffer whose own analysis is `own` (left as it was): its own plus the project-wide ones
 * its project gives it now, as asyncscan's JSON findings (with fixes when `fixes`); a per-file error goes to
 * *error (heap, or NULL). */
json_t *as_workspace_findings(struct as_workspace *self, const char *path, const struct as_file_result *own,
                              bool fixes, char **error);
/* A file changed on disk (or was created or deleted: `listing` true): its summaries are dropped, and with
 * `listing` its project's list of files is made again. */
void as_workspace_file_changed(struct as_workspace *self, const char *path, bool listing);
/* The project root the workspace joins `path` with (NULL: none; it is analysed alone). */
const char *as_workspace_root_of(struct as_workspace *self, const char *path);

/* A digest of what other files' findings can depend on in an analysis (its summaries: functions, calls,
 * blocking calls, classes, aliases, with their positions). */
uint64_t as_workspace_digest(const struct as_file_result *res);

/* `asyncscan rule CODE`'s text (heap), or NULL for an unknown code. */
char *as_workspace_rule_text(const char *code);

#endif
