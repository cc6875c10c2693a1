/* scope.h — a run over files named alone (`asyncscan services/users.py`, pre-commit's staged files, an
 * editor's buffer on stdin) joined with the rest of their project. The named files are the run's targets:
 * analysed in full and reported. Every other Python file under their project root (project/root.h) is only
 * declared to the project pass, which analyses those its searches from the targets need (the modules reachable
 * through imports and calls, not the whole tree), so a target's findings are those a run over the whole
 * project gives it. Module names come from paths relative to the root, however the files were named and
 * wherever the run starts; output paths stay relative to the current directory, as in any run.
 *
 * The scope is plain data (a root, the targets): a long-lived process (a language server) keeps one per open
 * project and asks is_target/module_path per file. */
#ifndef AS_PROJECT_SCOPE_H
#define AS_PROJECT_SCOPE_H
#include <stdbool.h>
#include <stddef.h>

#include "input/discover.h"
#include "pipeline/cache.h"
#include "util/arena.h"
#include "util/strmap.h"

struct as_project_scope {
    char *root;                 /* the project root: absolute, no symbolic links */
    char *cwd;                  /* the current directory, as output paths are relative to it */
    char *root_arg;             /* the root spelled for discovery: relative to cwd when under it, else absolute */
    struct as_strmap targets;   /* display paths of the named files (keys in arena) */
    size_t n_targets;
    size_t unlisted;            /* after discovery: targets the walk of the root did not list (inserted) */
    struct as_arena arena;
};

/* Plans the join for the named files (paths as given; they need not exist, their directories must):
 * project_root (--project-root) or else the root every one of them shares. False (s left empty, nothing to
 * release) when there is none: then they are analysed on their own. */
bool as_project_scope_init(struct as_project_scope *s, const char *const *named, size_t n, const char *project_root,
                   const char *cwd);
void as_project_scope_release(struct as_project_scope *s);

/* The project's files into out (initialised to {0}) by discovery from the root with opts, spelled as display
 * paths (relative to cwd under it, else absolute), in discovery order, with every target it did not list (a
 * buffer's path that does not exist yet, a file git ignores) inserted in order. */
void as_project_scope_discover(struct as_project_scope *s, const struct as_discover_opts *opts, struct as_path_list *out);
/* The same, with the listing kept in cache (pipeline/listing.h; NULL: none): a valid stored listing replaces the
 * walk, and a walk without errors is stored. True when the stored listing was used. */
bool as_project_scope_discover_cached(struct as_project_scope *s, const struct as_discover_opts *opts,
                                      struct as_cache *cache, struct as_path_list *out);

/* Whether display path `path` is one of the named files. */
bool as_project_scope_is_target(const struct as_project_scope *s, const char *path);
/* The path of display path `path` relative to the root (what its module name is made from), in a. */
const char *as_project_scope_module_path(const struct as_project_scope *s, const char *path, struct as_arena *a);
/* A named path's display path (what as_project_scope_is_target takes): relative to cwd when under it, in a. */
const char *as_project_scope_display_path(const struct as_project_scope *s, const char *named, struct as_arena *a);

#endif
