/* fuzz_noqa.c — libFuzzer target for the suppression-comment parser: the bytes are one comment's text given to
 * as_noqa_parse as an own-line and as a trailing comment; each result is checked for internal consistency and
 * queried with as_noqa_covers on a few codes (and on every code it parsed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/noqa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const probe_codes[] = {"ASYNC251", "ASYNC", "ASC101", "RUF006", "E501", "", "A1", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The API takes (pointer, length); an exact-size heap copy lets ASan catch reads past the end. */
    char *text = malloc(size ? size : 1);
    if (!text) return 0;
    if (size) memcpy(text, data, size);
    for (int own = 0; own < 2; own++) {
        struct as_noqa n;
        enum as_noqa_kind k = as_noqa_parse(text, size, own != 0, &n);
        if (k != n.kind || n.n_codes > size) abort();
        if (n.file_level && !own) abort();
        for (size_t i = 0; probe_codes[i]; i++) (void)as_noqa_covers(&n, probe_codes[i]);
        char code[AS_NOQA_CODE_MAX];
        size_t count = 0;
        for (const char *at = NULL; as_noqa_next_code(&n, &at, code); count++) {
            if (!memchr(code, '\0', AS_NOQA_CODE_MAX)) abort();
            if (k == AS_NOQA_CODES && !as_noqa_covers(&n, code)) abort();
        }
        if (k == AS_NOQA_CODES && count != n.n_codes) abort();
    }
    free(text);
    return 0;
}
