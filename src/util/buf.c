/* buf.c — growable byte string; see buf.h. */
#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static char empty_buf[1];

void as_buf_init(struct as_buf *self)
{
    self->data = empty_buf;
    self->len = self->cap = 0;
}

void as_buf_release(struct as_buf *self)
{
    if (self->cap) free(self->data);
    as_buf_init(self);
}

void as_buf_reset(struct as_buf *self)
{
    self->len = 0;
    if (self->cap) self->data[0] = '\0';
}

static void grow(struct as_buf *self, size_t extra)
{
    if (self->len + extra + 1 <= self->cap) return;
    size_t cap = self->cap ? self->cap : 64;
    while (cap < self->len + extra + 1) cap *= 2;
    if (self->cap) {
        self->data = as_xrealloc(self->data, cap);
    } else {
        self->data = as_xmalloc(cap);
        self->data[0] = '\0';
    }
    self->cap = cap;
}

void as_buf_add(struct as_buf *self, const char *s, size_t n)
{
    if (!n) return;
    grow(self, n);
    memcpy(self->data + self->len, s, n);
    self->len += n;
    self->data[self->len] = '\0';
}

void as_buf_puts(struct as_buf *self, const char *s) { as_buf_add(self, s, strlen(s)); }
void as_buf_putc(struct as_buf *self, char c) { as_buf_add(self, &c, 1); }

void as_buf_printf(struct as_buf *self, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        grow(self, (size_t)n);
        vsnprintf(self->data + self->len, (size_t)n + 1, fmt, ap2);
        self->len += (size_t)n;
    }
    va_end(ap2);
}

char *as_buf_detach(struct as_buf *self, size_t *len)
{
    char *s = self->cap ? self->data : as_xstrdup("");
    if (len) *len = self->len;
    as_buf_init(self);
    return s;
}

int as_buf_read_stream(struct as_buf *self, FILE *f, size_t max)
{
    char chunk[65536];
    size_t n, start = self->len;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        as_buf_add(self, chunk, n);
        if (self->len - start > max) return 1;
    }
    return ferror(f) ? -1 : 0;
}
