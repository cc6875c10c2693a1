/* strmap.c — see strmap.h. XXH3 hashing, linear probing up to 3/4 full; each slot keeps 32 bits of its key's
 * hash (see slot_check), so a probe compares strings only when those agree. A slot is 16 bytes: the project
 * pass's tables hold hundreds of thousands of names, so the slot size is most of its memory. */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "util/xalloc.h"

/* What a slot keeps of its key's hash: the 32 bits the index does not use, never 0 (0 marks an empty slot, so
 * a probe reads only the hashes array until the hashes agree). */
static inline uint32_t slot_check(uint64_t h)
{
    return (uint32_t)(h >> 32) | 1u;
}

/* The slot holding the n bytes at s as a key, or the empty slot where it would go. */
static size_t find(const struct as_strmap *self, const char *s, size_t n, uint64_t h)
{
    uint32_t check = slot_check(h);
    for (size_t i = h & (self->cap - 1);; i = (i + 1) & (self->cap - 1))
        if (!self->hashes[i] ||
            (self->hashes[i] == check && strncmp(self->keys[i], s, n) == 0 && self->keys[i][n] == '\0'))
            return i;
}

int32_t as_strmap_get_n(const struct as_strmap *self, const char *s, size_t n)
{
    if (!self->cap) return -1;
    size_t i = find(self, s, n, XXH3_64bits(s, n));
    return self->hashes[i] ? self->values[i] : -1;
}

int32_t as_strmap_get(const struct as_strmap *self, const char *key)
{
    return as_strmap_get_n(self, key, strlen(key));
}

const char *as_strmap_key(const struct as_strmap *self, const char *key)
{
    if (!self->cap) return NULL;
    size_t n = strlen(key);
    size_t i = find(self, key, n, XXH3_64bits(key, n));
    return self->hashes[i] ? self->keys[i] : NULL;
}

static void grow(struct as_strmap *self)
{
    size_t old_cap = self->cap;
    const char **old_keys = self->keys;
    int32_t *old_values = self->values;
    uint32_t *old_hashes = self->hashes;
    self->cap = old_cap ? old_cap * 2 : 64;
    self->keys = as_xcalloc(self->cap, sizeof(char *));
    self->values = as_xcalloc(self->cap, sizeof(int32_t));
    self->hashes = as_xcalloc(self->cap, sizeof(uint32_t));
    for (size_t k = 0; k < old_cap; k++) {
        if (!old_hashes[k]) continue;
        /* the index bits are not kept: hash the key again (only when growing) */
        size_t i = XXH3_64bits(old_keys[k], strlen(old_keys[k])) & (self->cap - 1);
        while (self->hashes[i]) i = (i + 1) & (self->cap - 1);
        self->keys[i] = old_keys[k];
        self->values[i] = old_values[k];
        self->hashes[i] = old_hashes[k];
    }
    free(old_keys);
    free(old_values);
    free(old_hashes);
}

/* The slot of key, filled with key -> value when key is not there yet (growing the table first). */
static size_t claim(struct as_strmap *self, const char *key, int32_t value)
{
    if ((self->len + 1) * 4 > self->cap * 3) grow(self);
    size_t n = strlen(key);
    uint64_t h = XXH3_64bits(key, n);
    size_t i = find(self, key, n, h);
    if (!self->hashes[i]) {
        self->keys[i] = key;
        self->values[i] = value;
        self->hashes[i] = slot_check(h);
        self->len++;
    }
    return i;
}

int32_t as_strmap_put(struct as_strmap *self, const char *key, int32_t value)
{
    size_t i = claim(self, key, value);   /* first: claim may move self->values */
    return self->values[i];
}

void as_strmap_set(struct as_strmap *self, const char *key, int32_t value)
{
    size_t i = claim(self, key, value);
    self->values[i] = value;
}

void as_strmap_clear(struct as_strmap *self)
{
    if (self->cap) memset(self->hashes, 0, self->cap * sizeof(uint32_t));
    self->len = 0;
}

void as_strmap_free(struct as_strmap *self)
{
    free(self->keys);
    free(self->values);
    free(self->hashes);
    memset(self, 0, sizeof(*self));
}
