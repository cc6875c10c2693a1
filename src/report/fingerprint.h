/* fingerprint.h — stable identities for findings (SARIF partialFingerprints, GitLab fingerprints): a hash of
 * the rule code, the path and the finding's source line with surrounding whitespace trimmed, plus the index of
 * the finding among those with the same hash in the file. Moving unrelated lines changes none of them. */
#ifndef AS_REPORT_FINGERPRINT_H
#define AS_REPORT_FINGERPRINT_H
#include <stdint.h>

#include "util/diag.h"

struct as_fingerprint {
    uint64_t hash;
    unsigned occurrence;   /* 0-based, among the file's earlier findings with the same hash */
};

/* The fingerprints of every finding of res, in order (heap, res->n_diags entries; NULL when there is none).
 * Linear in the number of findings: the occurrences are counted in a hash table, not by rescanning. */
struct as_fingerprint *as_fingerprints(const struct as_file_result *res);

#endif
