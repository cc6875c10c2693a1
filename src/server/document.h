/* document.h — the open documents of the server: each one's URI, file path, version and current text, the
 * incremental changes of didChange applied to it, and the conversions between LSP positions (line and
 * character in the negotiated encoding: UTF-16 code units by default, UTF-8 bytes or UTF-32 code points) and
 * byte offsets, or asyncscan's (row, column) in code points. */
#ifndef AS_SERVER_DOCUMENT_H
#define AS_SERVER_DOCUMENT_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/diag.h"

struct TSTree;

enum as_pos_encoding { AS_POS_UTF16, AS_POS_UTF8, AS_POS_UTF32 };

struct as_document {
    char *uri;
    char *path;          /* the file the URI names (a decoded file: URI), or the URI itself */
    char *text;          /* UTF-8, NUL-terminated */
    size_t len;
    int64_t version;
    json_t *findings;    /* the last analysis: asyncscan's JSON findings (owned), or NULL */
    /* The server's analysis state (server.c): the buffer's own analysis (without the project's findings) of
     * the text as it was at version `analysed_version`; to analyse again (edited); to join with its project
     * again (a module it may depend on changed); the digest of its summaries (workspace.h). */
    struct as_file_result own;
    bool has_own, edited, rejoin;
    int64_t analysed_version;
    uint64_t digest;
    uint64_t edit_order;   /* when it was last edited (the most recent is analysed first) */
    uint64_t edited_at;    /* the server's message count when the edit its analysis waits for came */
    json_t *fixed;       /* the findings with their fixes, for code actions, of version fixed_version (or NULL) */
    int64_t fixed_version;
    char *last_error;    /* the analysis's error last logged (heap), or NULL */
    struct TSTree *tree;  /* the tree of the text last analysed, with the edits since applied (ts_tree_edit), or NULL */
};

/* Path of a file: URI (percent-decoded; heap), or NULL when uri is not a file: URI. */
char *as_uri_to_path(const char *uri);
/* A file: URI for an absolute path (percent-encoded; heap). */
char *as_path_to_uri(const char *path);

/* Byte offset of an LSP position (clamped to the line's end and the text's end). */
size_t as_doc_offset(const struct as_document *doc, enum as_pos_encoding enc, int64_t line, int64_t character);
/* LSP position {line, character} of a byte offset. */
json_t *as_doc_position(const struct as_document *doc, enum as_pos_encoding enc, size_t offset);
/* Byte offset of asyncscan's 1-based row and 1-based code-point column. */
size_t as_doc_offset_rowcol(const struct as_document *doc, int64_t row, int64_t column);
/* LSP range of asyncscan's {location, end_location} objects. */
json_t *as_doc_range_rowcol(const struct as_document *doc, enum as_pos_encoding enc, const json_t *start,
                            const json_t *end);

/* Replaces bytes [start, end) with text (len bytes), and tells doc's tree. */
void as_doc_splice(struct as_document *doc, size_t start, size_t end, const char *text, size_t len);
/* Applies one TextDocumentContentChangeEvent (with a range: incremental; without: the whole text). False when
 * it is malformed. */
bool as_doc_apply_change(struct as_document *doc, enum as_pos_encoding enc, const json_t *change);
/* A TextEdit turning doc's text into `after` (the smallest range that differs; NULL when equal). */
json_t *as_doc_edit_to(const struct as_document *doc, enum as_pos_encoding enc, const char *after, size_t len);

void as_doc_free(struct as_document *doc);

#endif
