/* root.h — the project root of a file: the directory its imports are resolved from when it is analysed
 * alone (a file named on the command line, a buffer on stdin reported as a path): the nearest enclosing
 * directory that holds a project marker (pyproject.toml, setup.cfg, setup.py, asyncscan.toml: regular files)
 * or is a version-control root (holds .git, .hg or .svn). So inside a repository a marker below its root wins
 * and the walk ends at its root; outside any repository, the nearest marker up to the file system's root.
 * NULL when there is none. */
#ifndef AS_PROJECT_ROOT_H
#define AS_PROJECT_ROOT_H
#include <stdbool.h>
#include <stddef.h>

/* The project root of `path` (a file, which need not exist: its directory must), as an absolute path
 * without symbolic links (heap; caller frees), or NULL. */
char *as_project_root_of(const char *path);

/* `path` made absolute without symbolic links in its directory (the file itself need not exist; its directory
 * must): heap, caller frees; NULL when the directory cannot be resolved. */
char *as_real_file_path(const char *path);

/* Whether absolute path `path` is `dir` itself or lies under it (both without a trailing '/'). */
bool as_path_within(const char *path, const char *dir);

#endif
