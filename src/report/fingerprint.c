/* fingerprint.c — stable finding identities; see fingerprint.h. FNV-1a over code, path and trimmed line; the
 * occurrence of each hash is counted in an open-addressing table (a report of 40,000 findings in one file
 * rescanned the earlier ones for each: 27 s, now linear). */
#include "report/fingerprint.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static uint64_t base_hash(const struct as_file_result *res, const struct as_diag *d)
{
    uint64_t h = 1469598103934665603ull;
    h = fnv(h, d->code, strlen(d->code) + 1);
    h = fnv(h, res->path, strlen(res->path) + 1);
    size_t len;
    const char *line = as_diag_source_line(res, d, &len);
    while (len && (*line == ' ' || *line == '\t')) { line++; len--; }
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
    return fnv(h, line, len);
}

struct seen {
    uint64_t hash;
    unsigned count;
    bool used;
};

struct as_fingerprint *as_fingerprints(const struct as_file_result *res)
{
    size_t n = res->n_diags;
    if (!n) return NULL;
    struct as_fingerprint *out = as_xcalloc(n, sizeof(*out));
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    struct seen *table = as_xcalloc(cap, sizeof(*table));
    for (size_t i = 0; i < n; i++) {
        uint64_t h = base_hash(res, &res->diags[i]);
        size_t slot = (size_t)(h ^ (h >> 29)) & (cap - 1);
        while (table[slot].used && table[slot].hash != h) slot = (slot + 1) & (cap - 1);
        table[slot].used = true;
        table[slot].hash = h;
        out[i].hash = h;
        out[i].occurrence = table[slot].count++;
    }
    free(table);
    return out;
}
