/* fuzz_lsp.c — libFuzzer target for what the language server reads from its client: the bytes are the input
 * stream, read frame by frame by as_rpc_read (headers, Content-Length, jansson); each message's
 * `params.textDocument.text` becomes a document, its `params.contentChanges` are applied to it in the three
 * position encodings, and positions are converted both ways and diffed (as_doc_edit_to), with invariants
 * checked: offsets within the text, a position's offset round-tripping, an edit reproducing the text; and the
 * document's tree-sitter tree, edited along (ts_tree_edit in as_doc_splice) and reparsed incrementally, is the
 * tree a fresh parse gives when that one has no syntax error (small texts: compared node by node, positions included). */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tree_sitter/api.h>

#include "server/document.h"
#include "server/rpc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const TSLanguage *tree_sitter_python(void);

/* Whether the two subtrees have the same shape, node types, byte ranges and points. */
static bool same_tree(TSNode a, TSNode b)
{
    TSPoint as = ts_node_start_point(a), bs = ts_node_start_point(b), ae = ts_node_end_point(a), be = ts_node_end_point(b);
    if (ts_node_symbol(a) != ts_node_symbol(b) || ts_node_start_byte(a) != ts_node_start_byte(b) ||
        ts_node_end_byte(a) != ts_node_end_byte(b) || as.row != bs.row || as.column != bs.column ||
        ae.row != be.row || ae.column != be.column || ts_node_child_count(a) != ts_node_child_count(b))
        return false;
    for (uint32_t i = 0; i < ts_node_child_count(a); i++)
        if (!same_tree(ts_node_child(a, i), ts_node_child(b, i))) return false;
    return true;
}

/* doc's tree reparsed from its edited old tree equals a fresh parse (when that one is error-free). */
static void check_incremental(TSParser *parser, struct as_document *doc)
{
    if (!doc->tree) return;
    TSTree *incremental = ts_parser_parse_string(parser, doc->tree, doc->text, (uint32_t)doc->len);
    TSTree *fresh = ts_parser_parse_string(parser, NULL, doc->text, (uint32_t)doc->len);
    if (incremental && fresh && doc->len < 4096 && !ts_node_has_error(ts_tree_root_node(fresh))) {
        if (!same_tree(ts_tree_root_node(incremental), ts_tree_root_node(fresh))) abort();
    }
    if (incremental) ts_tree_delete(incremental);
    if (fresh) ts_tree_delete(fresh);
    ts_tree_delete(doc->tree);
    doc->tree = NULL;
}

static void exercise_document(const json_t *params, enum as_pos_encoding enc, TSParser *parser)
{
    const json_t *text = json_object_get(json_object_get(params, "textDocument"), "text");
    struct as_document doc = {.text = strdup(json_is_string(text) ? json_string_value(text) : "")};
    doc.len = json_is_string(text) ? strlen(doc.text) : 0;   /* a string with NUL ends there, as a C string */
    if (parser) doc.tree = ts_parser_parse_string(parser, NULL, doc.text, (uint32_t)doc.len);
    char *before = strdup(doc.text);
    size_t before_len = doc.len, i;
    json_t *change;
    json_array_foreach(json_object_get(params, "contentChanges"), i, change) {
        (void)as_doc_apply_change(&doc, enc, change);
        if (strlen(doc.text) > doc.len) abort();
    }
    if (parser) check_incremental(parser, &doc);
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
        TSParser *parser = ts_parser_new();
        ts_parser_set_language(parser, tree_sitter_python());
        json_t *msg;
        for (enum as_rpc_status r; (r = as_rpc_read(&rpc, &msg)) != AS_RPC_EOF;) {
            if (r == AS_RPC_BAD_JSON) as_rpc_error(&rpc, NULL, AS_RPC_PARSE_ERROR, "parse error");
            if (r != AS_RPC_MESSAGE) continue;
            const json_t *params = json_object_get(msg, "params");
            for (int enc = AS_POS_UTF16; enc <= AS_POS_UTF32; enc++)   /* (the tree in one encoding: they share it) */
                exercise_document(params, (enum as_pos_encoding)enc, enc == AS_POS_UTF16 ? parser : NULL);
            as_rpc_result(&rpc, json_object_get(msg, "id"), json_object());
            json_decref(msg);
        }
        ts_parser_delete(parser);
    }
    if (in) fclose(in);
    if (out) fclose(out);
    if (log) fclose(log);
    return 0;
}
