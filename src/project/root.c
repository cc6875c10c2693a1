/* root.c — finding a file's project root; see root.h. Only stat(2) calls on fixed names in the directories
 * above the file: nothing is read. */
#include "project/root.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/xalloc.h"

/* Directories walked up at most (a deeper tree still gets a root from its nearest levels). */
#define MAX_ROOT_LEVELS 128

static const char *const project_markers[] = {"pyproject.toml", "setup.cfg", "setup.py", "asyncscan.toml"};
static const char *const vcs_markers[] = {".git", ".hg", ".svn"};

/* Whether dir/name exists (regular_only: as a regular file). dir is "" for the file system's root. */
static bool has_entry(const char *dir, const char *name, bool regular_only)
{
    char path[PATH_MAX];
    struct stat st;
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) return false;
    if (stat(path, &st) != 0) return false;
    return !regular_only || S_ISREG(st.st_mode);
}

static bool has_any(const char *dir, const char *const *names, size_t n, bool regular_only)
{
    for (size_t i = 0; i < n; i++)
        if (has_entry(dir, names[i], regular_only)) return true;
    return false;
}

/* realpath of path's directory ("." for a bare name), or NULL. */
static char *real_directory_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    if (!slash) dir = as_xstrdup(".");
    else if (slash == path) dir = as_xstrdup("/");
    else {
        dir = as_xmalloc((size_t)(slash - path) + 1);
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
    char *real = realpath(dir, NULL);
    free(dir);
    return real;
}

char *as_project_root_of(const char *path)
{
    char *dir = real_directory_of(path);
    if (!dir) return NULL;
    if (strcmp(dir, "/") == 0) dir[0] = '\0';   /* "" spells the root: "/name" is composed from it */
    char *found = NULL;
    for (int level = 0; level < MAX_ROOT_LEVELS && !found; level++) {
        /* a marker here wins; else a repository's root ends the walk (no marker was nearer) */
        if (has_any(dir, project_markers, sizeof(project_markers) / sizeof(project_markers[0]), true) ||
            has_any(dir, vcs_markers, sizeof(vcs_markers) / sizeof(vcs_markers[0]), false)) {
            found = as_xstrdup(dir);
            break;
        }
        if (dir[0] == '\0') break;   /* the file system's root was the last to look at */
        *strrchr(dir, '/') = '\0';   /* "/a/b" -> "/a" -> "" */
    }
    free(dir);
    if (found && found[0] == '\0') {
        free(found);
        found = as_xstrdup("/");
    }
    return found;
}

char *as_real_file_path(const char *path)
{
    char *dir = real_directory_of(path);
    if (!dir) return NULL;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t n = strlen(dir) + strlen(base) + 2;
    char *out = as_xmalloc(n);
    snprintf(out, n, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", base);
    free(dir);
    return out;
}

bool as_path_within(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    if (n == 1 && dir[0] == '/') return path[0] == '/';
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
