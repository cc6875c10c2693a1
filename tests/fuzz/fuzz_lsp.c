/* fuzz_lsp.c — libFuzzer target for what the language server reads from its client: the bytes are the input
 * stream, read frame by frame by as_rpc_read (headers, Content-Length, jansson); each message's
 * `params.textDocument.text` becomes a document, its `params.contentChanges` are applied to it in the three
 * position encodings, and positions are converted both ways and diffed (as_doc_edit_to), with invariants
 * checked: offsets within the text, a position's offset round-tripping, an edit reproducing the text. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/document.h"
#include "server/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise_document(const json_t *params, enum as_pos_encoding enc)
{
    const json_t *text = json_object_get(json_object_get(params, "textDocument"), "text");
    struct as_document doc = {.text = strdup(json_is_string(text) ? json_string_value(text) : "")};
    doc.len = json_is_string(text) ? strlen(doc.text) : 0;   /* a string with NUL ends there, as a C string */
    char *before = strdup(doc.text);
    size_t before_len = doc.len, i;
    json_t *change;
    json_array_foreach(json_object_get(params, "contentChanges"), i, change) {
        (void)as_doc_apply_change(&doc, enc, change);
        if (strlen(doc.text) > doc.len) abort();
    }
    for (size_t off = 0; off <= doc.len; off += 1 + doc.len / 16) {
        json_t *pos = as_doc_position(&doc, enc, off);
        size_t back = as_doc_offset(&doc, enc, json_integer_value(json_object_get(pos, "line")),
                                    json_integer_value(json_object_get(pos, "character")));
        if (back > doc.len) abort();
        json_decref(pos);
    }
    struct as_document old = {.text = before, .len = before_len};
    json_t *edit = as_doc_edit_to(&old, enc, doc.text, doc.len);
    if (edit) {   /* the edit applied to the old text gives the new one */
        json_t *whole = json_pack("{s:O, s:O}", "range", json_object_get(edit, "range"), "text",
                                  json_object_get(edit, "newText"));
        if (!as_doc_apply_change(&old, enc, whole)) abort();
        if (old.len != doc.len || memcmp(old.text, doc.text, doc.len) != 0) abort();
        json_decref(whole);
        json_decref(edit);
    }
    free(old.text);
    free(doc.text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *in = fmemopen((void *)data, size, "r"), *out = fopen("/dev/null", "w"), *log = fopen("/dev/null", "w");
    if (in && out && log && size) {
        struct as_rpc rpc = {.in = in, .out = out, .log = log};
        json_t *msg;
        for (enum as_rpc_status r; (r = as_rpc_read(&rpc, &msg)) != AS_RPC_EOF;) {
            if (r == AS_RPC_BAD_JSON) as_rpc_error(&rpc, NULL, AS_RPC_PARSE_ERROR, "parse error");
            if (r != AS_RPC_MESSAGE) continue;
            const json_t *params = json_object_get(msg, "params");
            for (int enc = AS_POS_UTF16; enc <= AS_POS_UTF32; enc++) exercise_document(params, (enum as_pos_encoding)enc);
            as_rpc_result(&rpc, json_object_get(msg, "id"), json_object());
            json_decref(msg);
        }
    }
    if (in) fclose(in);
    if (out) fclose(out);
    if (log) fclose(log);
    return 0;
}
