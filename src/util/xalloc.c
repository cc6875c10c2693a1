/* xalloc.c — aborting allocation wrappers; see xalloc.h. */
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n)
{
    fprintf(stderr, "asyncscan: fatal: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *as_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *as_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p) oom(count * size);
    return p;
}

void *as_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *as_xstrndup(const char *s, size_t n)
{
    char *p = as_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *as_xstrdup(const char *s) { return as_xstrndup(s, strlen(s)); }
