/* rpc.c — LSP's base protocol: `Content-Length` framed JSON-RPC messages read from and written to stdio. */
#include "server/rpc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_HEADERS 32

/* One header line without its CRLF into line; false at EOF, *too_long when it exceeded the cap. */
static bool read_line(FILE *in, char *line, size_t cap, bool *too_long)
{
    size_t n = 0;
    int c;
    *too_long = false;
    while ((c = fgetc(in)) != EOF) {
        if (c == '\n') break;
        if (n + 1 < cap) line[n++] = (char)c;
        else *too_long = true;
    }
    if (c == EOF && n == 0) return false;
    if (n && line[n - 1] == '\r') n--;
    line[n] = '\0';
    return true;
}

/* Reads the header block; returns the content length, -1 when absent or invalid, -2 at EOF. */
static long long read_headers(FILE *in)
{
    char line[AS_RPC_MAX_HEADER];
    long long length = -1;
    bool seen_any = false, bad = false;
    for (int i = 0;; i++) {
        bool too_long;
        if (!read_line(in, line, sizeof(line), &too_long)) return -2;
        if (line[0] == '\0') {
            if (!seen_any) { i--; continue; }   /* stray blank lines between messages */
            break;
        }
        seen_any = true;
        if (too_long || i >= MAX_HEADERS) { bad = true; continue; }
        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            char *end;
            errno = 0;
            long long v = strtoll(line + 15, &end, 10);
            while (*end == ' ' || *end == '\t') end++;
            if (errno || *end || v < 0) bad = true;
            else length = v;
        }
    }
    return bad ? -1 : length;
}

static void discard(FILE *in, unsigned long long n)
{
    char chunk[4096];
    while (n) {
        size_t want = n < sizeof(chunk) ? (size_t)n : sizeof(chunk);
        size_t got = fread(chunk, 1, want, in);
        if (!got) return;
        n -= got;
    }
}

bool as_rpc_pending(const struct as_rpc *self)
{
#ifdef __GLIBC__
    if (self->in->_IO_read_ptr < self->in->_IO_read_end) return true;   /* read into the stream's buffer */
#endif
    int fd = fileno(self->in);
    if (fd < 0) return false;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP));
}

enum as_rpc_status as_rpc_read(struct as_rpc *self, json_t **msg)
{
    *msg = NULL;
    long long length = read_headers(self->in);
    if (length == -2) return AS_RPC_EOF;
    if (length < 0) {
        fprintf(self->log, "asyncscan server: a message without a valid Content-Length header was dropped\n");
        return AS_RPC_SKIPPED;
    }
    if ((unsigned long long)length > AS_RPC_MAX_BODY) {
        fprintf(self->log, "asyncscan server: a message of %lld bytes (over the %zu-byte cap) was dropped\n",
                length, AS_RPC_MAX_BODY);
        discard(self->in, (unsigned long long)length);
        return AS_RPC_SKIPPED;
    }
    char *body = malloc((size_t)length + 1);
    if (!body) { discard(self->in, (unsigned long long)length); return AS_RPC_SKIPPED; }
    size_t got = fread(body, 1, (size_t)length, self->in);
    if (got < (size_t)length) { free(body); return AS_RPC_EOF; }
    json_error_t error;
    *msg = json_loadb(body, (size_t)length, JSON_REJECT_DUPLICATES, &error);
    free(body);
    if (!*msg) {
        fprintf(self->log, "asyncscan server: invalid JSON (%s at %d:%d)\n", error.text, error.line, error.column);
        return AS_RPC_BAD_JSON;
    }
    return AS_RPC_MESSAGE;
}

bool as_rpc_send(struct as_rpc *self, const json_t *msg)
{
    if (self->broken) return false;
    char *text = json_dumps(msg, JSON_COMPACT | JSON_ENSURE_ASCII);
    if (!text) return false;
    size_t len = strlen(text);
    if (fprintf(self->out, "Content-Length: %zu\r\n\r\n", len) < 0 || fwrite(text, 1, len, self->out) != len ||
        fflush(self->out) != 0)
        self->broken = true;   /* EPIPE (SIGPIPE is ignored) or another write error: the client is gone */
    free(text);
    return !self->broken;
}

static json_t *id_or_null(const json_t *id)
{
    return id ? json_deep_copy(id) : json_null();
}

bool as_rpc_result(struct as_rpc *self, const json_t *id, json_t *result)
{
    json_t *msg = json_pack("{s:s, s:o, s:o}", "jsonrpc", "2.0", "id", id_or_null(id), "result",
                            result ? result : json_null());
    bool ok = as_rpc_send(self, msg);
    json_decref(msg);
    return ok;
}

bool as_rpc_error(struct as_rpc *self, const json_t *id, int code, const char *message)
{
    json_t *msg = json_pack("{s:s, s:o, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id_or_null(id), "error", "code",
                            code, "message", message);
    bool ok = as_rpc_send(self, msg);
    json_decref(msg);
    return ok;
}

bool as_rpc_notify(struct as_rpc *self, const char *method, json_t *params)
{
    json_t *msg = json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params",
                            params ? params : json_object());
    bool ok = as_rpc_send(self, msg);
    json_decref(msg);
    return ok;
}
