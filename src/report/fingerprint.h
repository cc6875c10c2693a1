/* fingerprint.h — stable identities for findings (SARIF partialFingerprints, GitLab fingerprints): a hash of
 * the rule code, the path and the finding's source line with surrounding whitespace trimmed, plus the index of
 * the finding among those with the same hash in the file. Moving unrelated lines changes none of them. */
#ifndef AS_REPORT_FINGERPRINT_H
#define AS_REPORT_FINGERPRINT_H
#include <stdint.h>

#include "util/diag.h"

/* Fingerprint of res->diags[i]: a 64-bit hash and its occurrence index (0-based). */
uint64_t as_fingerprint(const struct as_file_result *res, size_t i, unsigned *occurrence);

#endif
