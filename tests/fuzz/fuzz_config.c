/* fuzz_config.c — libFuzzer target for the configuration loader: the bytes are parsed by as_config_parse both
 * as a pyproject.toml ([tool.asyncscan]) and as an asyncscan.toml (top-level keys); a success must leave a
 * usable configuration (its globs are matched against a path), a failure must say why with file:line:col.
 * Deep nesting, which a byte-level fuzzer cannot reach within its input length, comes from a structured form:
 * an input starting with 0xFF is `depth` (2 bytes, up to 4,095: deeper ones with a syntax error spend seconds
 * in tree-sitter's error recovery under the fuzzer's instrumentation; cli.test_security covers 25,000 and
 * 100,000 levels), `kind` (1 byte: inline tables, arrays, or both in turn), then the innermost text, expanded
 * to "[tool.asyncscan]\n<key> = " and `depth` openers around it. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The structured form's expansion (see above) into a heap string of *len bytes, or NULL. */
static char *expand_nesting(const uint8_t *data, size_t size, size_t *len)
{
    if (size < 4 || data[0] != 0xFF) return NULL;
    size_t depth = (size_t)(data[1] & 0x0f) << 8 | data[2];   /* < 4,096: deeper ones only cost parse time */
    unsigned kind = data[3] % 3;
    static const char *const keys[] = {"per-file-ignores", "select", "x"};
    const char *head_key = keys[data[3] / 3 % 3];
    const uint8_t *inner = data + 4;
    size_t inner_len = size - 4;
    size_t cap = 64 + inner_len + depth * 8;
    char *t = malloc(cap);
    if (!t) return NULL;
    size_t n = (size_t)snprintf(t, cap, "[tool.asyncscan]\n%s = ", head_key);
    for (size_t i = 0; i < depth; i++) {
        bool table = kind == 0 || (kind == 2 && i % 2 == 0);
        memcpy(t + n, table ? "{a = " : "[", table ? 5 : 1);
        n += table ? 5 : 1;
    }
    memcpy(t + n, inner, inner_len);
    n += inner_len;
    for (size_t i = depth; i-- > 0;) t[n++] = (kind == 0 || (kind == 2 && i % 2 == 0)) ? '}' : ']';
    t[n++] = '\n';
    *len = n;
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t expanded_len = 0;
    char *expanded = expand_nesting(data, size, &expanded_len);
    if (expanded) {
        data = (const uint8_t *)expanded;
        size = expanded_len;
    }
    char *text = malloc(size + 1);
    if (!text) {
        free(expanded);
        return 0;
    }
    memcpy(text, data, size);
    text[size] = '\0';
    for (int pyproject = 0; pyproject < 2; pyproject++) {
        struct as_config c;
        char *err = NULL;
        bool found = false;
        int rc = as_config_parse(&c, pyproject ? "fuzz/pyproject.toml" : "fuzz/asyncscan.toml", text, size,
                                 pyproject != 0, &found, &err);
        if (rc == 0) {
            if (err) abort();
            (void)as_config_glob_match((const char *const *)c.exclude, c.n_exclude, c.dir, "fuzz/a/b.py");
            (void)as_config_glob_match((const char *const *)c.extend_exclude, c.n_extend_exclude, c.dir, "x.py");
            for (size_t i = 0; i < c.n_per_file_ignores; i++) {
                const char *g = c.per_file_ignores[i].key;
                (void)as_config_glob_match(&g, 1, c.dir, "fuzz/tests/t.py");
            }
        } else if (!err || strncmp(err, "fuzz/", 5) != 0) {
            abort();   /* a failure names the file */
        }
        free(err);
        as_config_release(&c);
    }
    free(text);
    free(expanded);
    return 0;
}
