/* analyse.c — runs `asyncscan check` (this binary, /proc/self/exe) on a buffer and reads its JSON findings. */
#define _GNU_SOURCE
#include "server/analyse.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"

#define MAX_OUTPUT ((size_t)256 << 20)

static bool write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Runs exe with args, stdin from `input` (len bytes), and returns its stdout (heap, NUL-terminated) or NULL. */
static char *run_child(const char *exe, char *const *args, const char *input, size_t len, char *err, size_t errlen)
{
    int in = memfd_create("asyncscan-buffer", MFD_CLOEXEC);
    if (in < 0 || !write_all(in, input, len) || lseek(in, 0, SEEK_SET) != 0) {
        snprintf(err, errlen, "cannot hold the buffer: %s", strerror(errno));
        if (in >= 0) close(in);
        return NULL;
    }
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        close(in);
        return NULL;
    }
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (dup2(in, 0) < 0 || dup2(out[1], 1) < 0 || null < 0 || dup2(null, 2) < 0) _exit(127);
        signal(SIGPIPE, SIG_DFL);
        execv(exe, args);
        _exit(127);
    }
    close(in);
    close(out[1]);
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        close(out[0]);
        return NULL;
    }
    struct as_buf b;
    as_buf_init(&b);
    char chunk[65536];
    for (;;) {
        ssize_t r = read(out[0], chunk, sizeof(chunk));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        if (b.len + (size_t)r <= MAX_OUTPUT) as_buf_add(&b, chunk, (size_t)r);
    }
    close(out[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
        snprintf(err, errlen, "the analysis failed (status %d)", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 2) { as_buf_release(&b); return NULL; }
    }
    size_t out_len;
    return as_buf_detach(&b, &out_len);
}

json_t *as_server_analyse(const char *exe, const struct as_server_settings *s, const char *path, const char *text,
                          size_t len, char *err, size_t errlen)
{
    const char *args[20];
    size_t n = 0;
    args[n++] = exe;
    args[n++] = "check";
    args[n++] = "--output-format=json";
    args[n++] = "--exit-zero";
    if (s->select) { args[n++] = "--select"; args[n++] = s->select; }
    if (s->ignore) { args[n++] = "--ignore"; args[n++] = s->ignore; }
    if (s->config) { args[n++] = "--config"; args[n++] = s->config; }
    args[n++] = "--stdin-filename";
    args[n++] = path;
    args[n++] = "-";
    args[n] = NULL;
    err[0] = '\0';
    char *out = run_child(exe, (char *const *)args, text, len, err, errlen);
    if (!out) return NULL;
    json_error_t jerr;
    json_t *findings = json_loads(out, 0, &jerr);
    free(out);
    if (!json_is_array(findings)) {
        json_decref(findings);
        if (!err[0]) snprintf(err, errlen, "the analysis printed no findings");
        return NULL;
    }
    size_t i;
    json_t *f;
    json_array_foreach(findings, i, f)   /* a notebook's fix is in its cells' rows, not the JSON text's: none */
        if (json_integer_value(json_object_get(f, "cell")) > 0) json_object_set_new(f, "fix", json_null());
    return findings;
}

char *as_server_rule_text(const char *exe, const char *code)
{
    const char *args[] = {exe, "rule", code, NULL};
    char err[128];
    return run_child(exe, (char *const *)args, "", 0, err, sizeof(err));
}
