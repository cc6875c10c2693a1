/* rpc.h — JSON-RPC 2.0 over a byte stream with LSP's `Content-Length` framing: reading one message (headers
 * capped in size and count, the body capped by AS_RPC_MAX_BODY, parsed by jansson) and writing one. A broken
 * frame is skipped and reported to the caller; a write to a closed pipe (EPIPE) marks the channel broken. */
#ifndef AS_SERVER_RPC_H
#define AS_SERVER_RPC_H
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define AS_RPC_MAX_BODY ((size_t)64 << 20)   /* 64 MiB: larger messages are read and dropped */
#define AS_RPC_MAX_HEADER 1024               /* bytes in one header line */

/* JSON-RPC / LSP error codes. */
enum {
    AS_RPC_PARSE_ERROR = -32700,
    AS_RPC_INVALID_REQUEST = -32600,
    AS_RPC_METHOD_NOT_FOUND = -32601,
    AS_RPC_INVALID_PARAMS = -32602,
    AS_RPC_INTERNAL_ERROR = -32603,
    AS_RPC_SERVER_NOT_INITIALIZED = -32002,
    AS_RPC_REQUEST_CANCELLED = -32800,
    AS_RPC_REQUEST_FAILED = -32803,
};

enum as_rpc_status {
    AS_RPC_MESSAGE,   /* *msg is a parsed JSON value (caller decrefs) */
    AS_RPC_BAD_JSON,  /* a frame whose body is not JSON: answer ParseError */
    AS_RPC_SKIPPED,   /* a broken or oversized frame, dropped */
    AS_RPC_EOF,       /* the input ended */
};

struct as_rpc {
    FILE *in, *out, *log;
    bool broken;      /* a write failed (the client is gone) */
};

enum as_rpc_status as_rpc_read(struct as_rpc *self, json_t **msg);
/* Whether input is waiting: bytes already buffered, or readable on the stream's descriptor (so that the
 * server reads every message that has arrived before it analyses: edits that come in a burst are one
 * analysis). False when it cannot tell. */
bool as_rpc_pending(const struct as_rpc *self);
/* Writes msg framed (does not take the reference). False when the channel is broken. */
bool as_rpc_send(struct as_rpc *self, const json_t *msg);
/* Helpers building and sending the three message kinds (id may be NULL: JSON null). */
bool as_rpc_result(struct as_rpc *self, const json_t *id, json_t *result /* stolen */);
bool as_rpc_error(struct as_rpc *self, const json_t *id, int code, const char *message);
bool as_rpc_notify(struct as_rpc *self, const char *method, json_t *params /* stolen */);

#endif
