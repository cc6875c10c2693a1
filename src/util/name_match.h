/* name_match.h — matching names against what the user wrote: the glob of rules' `match:` patterns on
 * qualified names (shared by the rule index, rule conditions and the project pass) and the edit distance
 * behind "did you mean" hints (rule selectors, configuration keys). */
#ifndef AS_UTIL_NAME_MATCH_H
#define AS_UTIL_NAME_MATCH_H
#include <stdbool.h>
#include <stddef.h>

/* The glob used by `match:` patterns (see rules/README.md). */
bool as_qname_glob(const char *pattern, const char *qname);
/* Levenshtein distance (for "did you mean" hints); 99 when either string is over 32 bytes. */
size_t as_edit_distance(const char *a, const char *b);

#endif
