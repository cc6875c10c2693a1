/* vec.h — typed growable arrays on the heap: `VEC(int) v = {0}; vec_push(&v, 3); vec_free(&v);`.
 * Invariant: items is NULL iff cap is 0; len <= cap. Growth aborts on out-of-memory (xalloc). */
#ifndef AS_UTIL_VEC_H
#define AS_UTIL_VEC_H
#include <stddef.h>
#include <stdlib.h>

#include "util/xalloc.h"

#define VEC(T) struct { T *items; size_t len, cap; }

#define vec_reserve(v, n)                                                              \
    do {                                                                               \
        if ((v)->len + (n) > (v)->cap) {                                               \
            size_t c_ = (v)->cap ? (v)->cap * 2 : 8;                                   \
            while (c_ < (v)->len + (n)) c_ *= 2;                                       \
            (v)->items = as_xrealloc((v)->items, c_ * sizeof(*(v)->items));            \
            (v)->cap = c_;                                                             \
        }                                                                              \
    } while (0)
#define vec_push(v, x)                                                                 \
    do {                                                                               \
        vec_reserve((v), 1);                                                           \
        (v)->items[(v)->len++] = (x);                                                  \
    } while (0)
#define vec_free(v)                                                                    \
    do {                                                                               \
        free((v)->items);                                                              \
        (v)->items = NULL;                                                             \
        (v)->len = (v)->cap = 0;                                                       \
    } while (0)

#endif
