/* watch.c — `asyncscan --watch`: checks, then waits for a Python file under the paths to change (polling their
 * size, modification time and inode, and the list of files, every ASYNCSCAN_WATCH_INTERVAL_MS, default 1000 ms)
 * and checks again, until SIGINT or SIGTERM. Each check is framed on stderr by `asyncscan: checking...` and
 * `asyncscan: watching for file changes.`, the markers a VS Code background task's problem matcher waits for
 * (docs/editors.md). */
#include "cli/run.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "input/discover.h"

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void ignore_error(void *ud, const char *path, const char *reason)
{
    (void)ud, (void)path, (void)reason;
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* A hash of the files a check would look at: their paths, sizes, modification times and inodes. */
static uint64_t tree_signature(const struct as_options *o)
{
    struct as_discover_opts dopts = {0};
    dopts.on_error = ignore_error;
    dopts.exclude = o->exclude;
    dopts.n_exclude = o->n_exclude;
    dopts.no_default_excludes = o->replace_default_excludes;
    dopts.respect_gitignore = o->respect_gitignore;
    dopts.extensions = o->extensions;
    dopts.n_extensions = o->n_extensions;
    const char *dot = ".";
    struct as_path_list files = {0};
    as_discover(o->n_paths ? o->paths : &dot, o->n_paths ? o->n_paths : 1, &dopts, &files);
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < files.n; i++) {
        struct stat st;
        h = mix(h, files.paths[i], strlen(files.paths[i]) + 1);
        if (stat(files.paths[i], &st) != 0) continue;
        int64_t parts[5] = {(int64_t)st.st_size, (int64_t)st.st_mtim.tv_sec, (int64_t)st.st_mtim.tv_nsec,
                            (int64_t)st.st_ino, (int64_t)st.st_ctim.tv_nsec};
        h = mix(h, parts, sizeof(parts));
    }
    as_path_list_release(&files);
    return h;
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int as_run_watch(const struct as_options *o, FILE *out, FILE *err)
{
    bool stdin_path = false;
    for (size_t i = 0; i < o->n_paths; i++) stdin_path |= strcmp(o->paths[i], "-") == 0;
    if (stdin_path || o->stdin_filename) {
        fprintf(err, "asyncscan: error: --watch checks files; it cannot read standard input\n");
        return 2;
    }
    if (o->add_noqa) {
        fprintf(err, "asyncscan: error: --watch cannot be used with --add-noqa\n");
        return 2;
    }
    const char *env = getenv("ASYNCSCAN_WATCH_INTERVAL_MS");
    long interval = env ? strtol(env, NULL, 10) : 1000;
    if (interval < 10 || interval > 60000) interval = 1000;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (!stop_requested) {
        uint64_t before = tree_signature(o);
        fprintf(err, "asyncscan: checking...\n");
        fflush(err);
        int status = as_run_check(o, out, err);
        fflush(out);
        fprintf(err, "asyncscan: watching for file changes (last exit status %d).\n", status);
        fflush(err);
        while (!stop_requested && tree_signature(o) == before) nap(interval);
    }
    return 0;
}
