/* stdlib_exports.c — the public names of the modules rules care about, as `from M import *` exports them
 * (CPython 3.12 __all__ or, without __all__, the public names). Only the names a rule can flag matter here;
 * the lists are complete for those. */
#include "analysis/stdlib_exports.h"

#include <string.h>

struct module_exports {
    const char *module;
    const char *const *names;
};

static const char *const time_names[] = {"sleep", "time", "monotonic", "perf_counter", "strftime", NULL};
static const char *const os_names[] = {
    "system", "popen", "wait", "wait3", "wait4", "waitid", "waitpid", "posix_spawn", "posix_spawnp",
    "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe", "P_WAIT", "P_NOWAIT",
    "P_NOWAITO", "fdopen", "open", "read", "write", "stat", "lstat", "listdir", "scandir", "mkdir", "makedirs",
    "rename", "renames", "remove", "removedirs", "unlink", "rmdir", "replace", "readlink", "access", "getcwd",
    "sendfile", "walk", "fwalk", "link", "symlink", "statvfs", "chmod", "chown", "truncate", "fsync", "path",
    NULL};
static const char *const subprocess_names[] = {"Popen", "run", "call", "check_call", "check_output", "getoutput",
                                                "getstatusoutput", "PIPE", "STDOUT", "DEVNULL",
                                                "CalledProcessError", "TimeoutExpired", "CompletedProcess", NULL};
static const char *const os_path_names[] = {
    "abspath", "basename", "commonpath", "commonprefix", "dirname", "exists", "lexists", "expanduser", "expandvars",
    "getatime", "getctime", "getmtime", "getsize", "isabs", "isdir", "isfile", "islink", "ismount", "join",
    "normcase", "normpath", "realpath", "relpath", "samefile", "sameopenfile", "samestat", "split", "splitdrive",
    "splitext", "isjunction", "isdevdrive", "isreserved", "splitroot", NULL};
static const char *const urllib_request_names[] = {"urlopen", "urlretrieve", "Request", "build_opener",
                                                    "install_opener", "OpenerDirector", NULL};
static const char *const asyncio_names[] = {"create_task", "ensure_future", "get_event_loop", "get_running_loop",
                                            "new_event_loop", "sleep", "run", "gather", "wait_for", "shield",
                                            "Task", "TaskGroup", "timeout", "timeout_at", NULL};
static const char *const shutil_names[] = {"copyfileobj", "copyfile", "copymode", "copystat", "copy", "copy2",
                                           "copytree", "move", "rmtree", "make_archive", "unpack_archive",
                                           "disk_usage", "chown", "which", NULL};
static const char *const socket_names[] = {"socket", "create_connection", "create_server", "getaddrinfo",
                                           "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getfqdn",
                                           "getnameinfo", NULL};
static const char *const glob_names[] = {"glob", "iglob", "escape", NULL};
static const char *const contextlib_names[] = {"asynccontextmanager", "contextmanager", "suppress", "closing",
                                               "aclosing", "nullcontext", "ExitStack", "AsyncExitStack", NULL};

static const struct module_exports table[] = {
    {"time", time_names},
    {"os", os_names},
    {"subprocess", subprocess_names},
    {"os.path", os_path_names},
    {"posixpath", os_path_names},
    {"urllib.request", urllib_request_names},
    {"asyncio", asyncio_names},
    {"shutil", shutil_names},
    {"socket", socket_names},
    {"glob", glob_names},
    {"contextlib", contextlib_names},
    {NULL, NULL},
};

bool as_stdlib_exports(const char *module, const char *name)
{
    for (size_t i = 0; table[i].module; i++) {
        if (strcmp(table[i].module, module) != 0) continue;
        for (size_t k = 0; table[i].names[k]; k++)
            if (strcmp(table[i].names[k], name) == 0) return true;
        return false;
    }
    return false;
}
