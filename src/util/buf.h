/* buf.h — a growable byte string (git's strbuf idea). Invariant: after as_buf_init, `data` is never NULL and
 * always NUL-terminated; `len` excludes the NUL. as_buf_detach hands the heap string to the caller. */
#ifndef AS_UTIL_BUF_H
#define AS_UTIL_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct as_buf {
    char *data;
    size_t len, cap;
};

void as_buf_init(struct as_buf *self);
void as_buf_release(struct as_buf *self);
void as_buf_reset(struct as_buf *self);
void as_buf_add(struct as_buf *self, const char *s, size_t n);
void as_buf_puts(struct as_buf *self, const char *s);
void as_buf_putc(struct as_buf *self, char c);
void as_buf_printf(struct as_buf *self, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the heap string (caller frees) and re-initialises the buffer. */
char *as_buf_detach(struct as_buf *self, size_t *len);
/* Appends what `f` holds until end of file, stopping once more than `max` bytes were read. Returns 0, 1 when
 * the input is larger than max, -1 on a read error (errno set). */
int as_buf_read_stream(struct as_buf *self, FILE *f, size_t max);

#endif
