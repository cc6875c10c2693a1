/* fingerprint.c — stable finding identities; see fingerprint.h. FNV-1a over code, path and trimmed line. */
#include "report/fingerprint.h"

#include <string.h>

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
    const char *line = as_file_result_line(res, d->line, &len);
    while (len && (*line == ' ' || *line == '\t')) { line++; len--; }
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
    return fnv(h, line, len);
}

uint64_t as_fingerprint(const struct as_file_result *res, size_t i, unsigned *occurrence)
{
    uint64_t h = base_hash(res, &res->diags[i]);
    unsigned occ = 0;
    for (size_t k = 0; k < i; k++)
        if (base_hash(res, &res->diags[k]) == h) occ++;
    *occurrence = occ;
    return h;
}
