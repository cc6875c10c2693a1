/* fuzz_config.c — libFuzzer target for the configuration loader: the bytes are parsed by as_config_parse both
 * as a pyproject.toml ([tool.asyncscan]) and as an asyncscan.toml (top-level keys); a success must leave a
 * usable configuration (its globs are matched against a path), a failure must say why with file:line:col. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
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
    return 0;
}
