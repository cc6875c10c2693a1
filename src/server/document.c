/* document.c — an open document's text, its incremental edits, and LSP position conversions. */
#include "server/document.h"

#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "util/xalloc.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

char *as_uri_to_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0) return NULL;
    const char *p = uri + 7;
    if (*p != '/') {                       /* file://host/path: only the local host */
        if (strncmp(p, "localhost/", 10) != 0) return NULL;
        p += 9;
    }
    size_t n = strlen(p);
    char *out = as_xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        int hi, lo;
        if (p[i] == '%' && i + 2 < n && (hi = hex_value(p[i + 1])) >= 0 && (lo = hex_value(p[i + 2])) >= 0 &&
            (hi || lo)) {
            *o++ = (char)(hi * 16 + lo);
            i += 2;
        } else {
            *o++ = p[i];
        }
    }
    *o = '\0';
    return out;
}

char *as_path_to_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = as_xmalloc(7 + 3 * n + 1), *o = out;
    memcpy(o, "file://", 7);
    o += 7;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("/-._~", c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Length in bytes of the UTF-8 sequence starting with b (1 for stray bytes). */
static size_t utf8_len(unsigned char b)
{
    if (b >= 0xF0 && b < 0xF8) return 4;
    if (b >= 0xE0) return b < 0xF0 ? 3 : 1;
    if (b >= 0xC0) return 2;
    return 1;
}

static size_t units_of(size_t bytes, enum as_pos_encoding enc)
{
    if (enc == AS_POS_UTF8) return bytes;
    if (enc == AS_POS_UTF16) return bytes == 4 ? 2 : 1;
    return 1;
}

static size_t line_start(const struct as_document *doc, int64_t line)
{
    size_t off = 0;
    for (int64_t l = 0; l < line && off < doc->len; l++) {
        const char *nl = memchr(doc->text + off, '\n', doc->len - off);
        if (!nl) return doc->len;
        off = (size_t)(nl - doc->text) + 1;
    }
    return off;
}

static size_t line_end(const struct as_document *doc, size_t start)
{
    const char *nl = memchr(doc->text + start, '\n', doc->len - start);
    size_t end = nl ? (size_t)(nl - doc->text) : doc->len;
    if (end > start && doc->text[end - 1] == '\r') end--;
    return end;
}

size_t as_doc_offset(const struct as_document *doc, enum as_pos_encoding enc, int64_t line, int64_t character)
{
    if (line < 0) return 0;
    size_t off = line_start(doc, line), end = line_end(doc, off);
    int64_t units = 0;
    while (off < end && units < character) {
        size_t n = utf8_len((unsigned char)doc->text[off]);
        if (off + n > end) n = end - off;
        units += (int64_t)units_of(n, enc);
        off += n;
    }
    return off;
}

json_t *as_doc_position(const struct as_document *doc, enum as_pos_encoding enc, size_t offset)
{
    if (offset > doc->len) offset = doc->len;
    size_t start = 0;
    json_int_t line = 0;
    for (const char *nl; (nl = memchr(doc->text + start, '\n', offset - start));) {
        start = (size_t)(nl - doc->text) + 1;
        line++;
    }
    json_int_t character = 0;
    for (size_t off = start; off < offset;) {
        size_t n = utf8_len((unsigned char)doc->text[off]);
        if (off + n > offset) n = offset - off;
        character += (json_int_t)units_of(n, enc);
        off += n;
    }
    return json_pack("{s:I, s:I}", "line", line, "character", character);
}

size_t as_doc_offset_rowcol(const struct as_document *doc, int64_t row, int64_t column)
{
    return as_doc_offset(doc, AS_POS_UTF32, row - 1, column - 1);
}

json_t *as_doc_range_rowcol(const struct as_document *doc, enum as_pos_encoding enc, const json_t *start,
                            const json_t *end)
{
    json_int_t r0 = json_integer_value(json_object_get(start, "row"));
    json_int_t c0 = json_integer_value(json_object_get(start, "column"));
    json_int_t r1 = end ? json_integer_value(json_object_get(end, "row")) : r0;
    json_int_t c1 = end ? json_integer_value(json_object_get(end, "column")) : c0;
    size_t a = as_doc_offset_rowcol(doc, r0, c0), b = as_doc_offset_rowcol(doc, r1, c1);
    if (b < a) b = a;
    return json_pack("{s:o, s:o}", "start", as_doc_position(doc, enc, a), "end", as_doc_position(doc, enc, b));
}

/* The tree-sitter point (row, byte column) of byte offset `at` of text. */
static TSPoint point_of(const char *text, size_t at)
{
    TSPoint p = {0, 0};
    const char *line = text, *end = text + at, *nl;
    while ((nl = memchr(line, '\n', (size_t)(end - line))) != NULL) {
        p.row++;
        line = nl + 1;
    }
    p.column = (uint32_t)(end - line);
    return p;
}

/* Tells doc's tree about the splice of [start, end) into len bytes (before doc->text changes), so that the next
 * parse reuses what the edit did not touch. Offsets past what tree-sitter counts (4 GiB) drop the tree. */
static void edit_tree(struct as_document *doc, size_t start, size_t end, const char *text, size_t len)
{
    if (!doc->tree) return;
    if (doc->len - (end - start) + len >= UINT32_MAX) {
        ts_tree_delete(doc->tree);
        doc->tree = NULL;
        return;
    }
    TSPoint at = point_of(doc->text, start), old_end = point_of(doc->text, end), new_end = at;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n') {
            new_end.row++;
            new_end.column = 0;
        } else {
            new_end.column++;
        }
    }
    TSInputEdit e = {(uint32_t)start, (uint32_t)end, (uint32_t)(start + len), at, old_end, new_end};
    ts_tree_edit(doc->tree, &e);
}

void as_doc_splice(struct as_document *doc, size_t start, size_t end, const char *text, size_t len)
{
    if (end > doc->len) end = doc->len;
    if (start > end) start = end;
    edit_tree(doc, start, end, text, len);
    size_t new_len = doc->len - (end - start) + len;
    char *out = as_xmalloc(new_len + 1);
    memcpy(out, doc->text, start);
    memcpy(out + start, text, len);
    memcpy(out + start + len, doc->text + end, doc->len - end);
    out[new_len] = '\0';
    free(doc->text);
    doc->text = out;
    doc->len = new_len;
}

static bool read_position(const json_t *pos, int64_t *line, int64_t *character)
{
    const json_t *l = json_object_get(pos, "line"), *c = json_object_get(pos, "character");
    if (!json_is_integer(l) || !json_is_integer(c)) return false;
    *line = json_integer_value(l);
    *character = json_integer_value(c);
    return *line >= 0 && *character >= 0;
}

bool as_doc_apply_change(struct as_document *doc, enum as_pos_encoding enc, const json_t *change)
{
    const json_t *text = json_object_get(change, "text");
    if (!json_is_string(text)) return false;
    const json_t *range = json_object_get(change, "range");
    if (!range) {
        as_doc_splice(doc, 0, doc->len, json_string_value(text), json_string_length(text));
        return true;
    }
    int64_t l0, c0, l1, c1;
    if (!read_position(json_object_get(range, "start"), &l0, &c0) ||
        !read_position(json_object_get(range, "end"), &l1, &c1))
        return false;
    size_t a = as_doc_offset(doc, enc, l0, c0), b = as_doc_offset(doc, enc, l1, c1);
    if (b < a) return false;
    as_doc_splice(doc, a, b, json_string_value(text), json_string_length(text));
    return true;
}

json_t *as_doc_edit_to(const struct as_document *doc, enum as_pos_encoding enc, const char *after, size_t len)
{
    size_t pre = 0, max = doc->len < len ? doc->len : len;
    while (pre < max && doc->text[pre] == after[pre]) pre++;
    if (pre == doc->len && pre == len) return NULL;
    while (pre > 0 && ((unsigned char)doc->text[pre] & 0xC0) == 0x80) pre--;   /* a whole character */
    size_t suf = 0;
    while (suf < doc->len - pre && suf < len - pre && doc->text[doc->len - 1 - suf] == after[len - 1 - suf]) suf++;
    while (suf > 0 && ((unsigned char)doc->text[doc->len - suf] & 0xC0) == 0x80) suf--;
    json_t *range = json_pack("{s:o, s:o}", "start", as_doc_position(doc, enc, pre), "end",
                              as_doc_position(doc, enc, doc->len - suf));
    return json_pack("{s:o, s:s%}", "range", range, "newText", after + pre, len - pre - suf);
}

void as_doc_free(struct as_document *doc)
{
    if (!doc) return;
    free(doc->uri);
    free(doc->path);
    free(doc->text);
    json_decref(doc->findings);
    json_decref(doc->fixed);
    free(doc->last_error);
    if (doc->tree) ts_tree_delete(doc->tree);
    if (doc->has_own) as_file_result_release(&doc->own);
    free(doc);
}
