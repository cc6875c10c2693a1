/* xalloc.h — malloc wrappers that abort with a message on out-of-memory, so callers need no NULL checks. */
#ifndef AS_UTIL_XALLOC_H
#define AS_UTIL_XALLOC_H
#include <stddef.h>

void *as_xmalloc(size_t n);
void *as_xcalloc(size_t count, size_t size);
void *as_xrealloc(void *p, size_t n);
char *as_xstrdup(const char *s);
char *as_xstrndup(const char *s, size_t n);

#endif
