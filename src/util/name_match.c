/* name_match.c — the qualified-name glob and the edit distance; see name_match.h. */
#include "util/name_match.h"

#include <string.h>

/* Glob on qualified names: `*` matches one name segment (identifier characters, and a "()" instance marker),
 * never a dot, so `builtins.open().*` matches `builtins.open().read` but not `builtins.open().read().strip`.
 * A leading `*.` matches any prefix ending in a dot: `*.request` matches `?.pool.request`. `?` matches one
 * identifier character. */
bool as_qname_glob(const char *pat, const char *s)
{
    if (pat[0] == '*' && pat[1] == '.') {
        size_t pl = strlen(pat + 1), sl = strlen(s);
        return sl >= pl && strcmp(s + sl - pl, pat + 1) == 0;
    }
    /* Neither `*` nor `?` matches a dot, so the pattern's dots meet the name's dots in order and each segment
     * matches on its own: the classic greedy match with one backtracking point (the last `*`, reset at every
     * dot) is exact and takes O(len(pat) * len(s)); trying every split recursively was exponential in the
     * number of stars (fuzzing: `*a*a*a*a*a*a*a*b` against a long name). */
    const char *star = NULL, *star_s = NULL;
    while (*s) {
        if (*pat == '*') {
            star = ++pat;
            star_s = s;
            continue;
        }
        if (*pat && (*pat == '?' ? *s != '.' : *pat == *s)) {
            if (*s == '.') star = NULL;
            pat++;
            s++;
            continue;
        }
        if (star && *star_s != '.') {   /* let the last star take one more character of its segment */
            pat = star;
            s = ++star_s;
            continue;
        }
        return false;
    }
    while (*pat == '*') pat++;
    return *pat == '\0';
}

size_t as_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 32 || lb > 32) return 99;
    size_t d[33][33];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}
