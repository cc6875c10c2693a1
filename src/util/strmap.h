/* strmap.h — an open-addressing map from NUL-terminated strings to int32 values. Keys are borrowed (the caller
 * keeps them alive, e.g. in an arena); the table grows at 3/4 load. Insertion order does not matter for lookups,
 * so results never depend on it. */
#ifndef AS_UTIL_STRMAP_H
#define AS_UTIL_STRMAP_H
#include <stddef.h>
#include <stdint.h>

struct as_strmap {
    const char **keys;
    int32_t *values;
    uint32_t *hashes;  /* of each slot's key: the high 32 bits of its hash */
    size_t cap, len;   /* cap is 0 or a power of two */
};

/* The value stored for key, or -1. */
int32_t as_strmap_get(const struct as_strmap *self, const char *key);
/* The value stored for the n bytes at s (no NUL needed), or -1. */
int32_t as_strmap_get_n(const struct as_strmap *self, const char *s, size_t n);
/* The stored key equal to `key` (the pointer kept by the map), or NULL: for interning. */
const char *as_strmap_key(const struct as_strmap *self, const char *key);
/* Stores key -> value unless key is present; returns the value now stored for key. */
int32_t as_strmap_put(struct as_strmap *self, const char *key, int32_t value);
/* Stores key -> value, replacing the value stored for key if any (the stored key stays). */
void as_strmap_set(struct as_strmap *self, const char *key, int32_t value);
void as_strmap_clear(struct as_strmap *self);   /* forgets every key; keeps the memory */
void as_strmap_free(struct as_strmap *self);

#endif
