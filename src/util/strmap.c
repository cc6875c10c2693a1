/* strmap.c — see strmap.h. FNV-1a hashing, linear probing. */
#include "util/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int32_t as_strmap_get(const struct as_strmap *self, const char *key)
{
    if (!self->cap) return -1;
    for (size_t i = hash(key) & (self->cap - 1);; i = (i + 1) & (self->cap - 1)) {
        if (!self->keys[i]) return -1;
        if (strcmp(self->keys[i], key) == 0) return self->values[i];
    }
}

const char *as_strmap_key(const struct as_strmap *self, const char *key)
{
    if (!self->cap) return NULL;
    for (size_t i = hash(key) & (self->cap - 1);; i = (i + 1) & (self->cap - 1)) {
        if (!self->keys[i]) return NULL;
        if (strcmp(self->keys[i], key) == 0) return self->keys[i];
    }
}

static void grow(struct as_strmap *self)
{
    size_t old_cap = self->cap;
    const char **old_keys = self->keys;
    int32_t *old_values = self->values;
    self->cap = old_cap ? old_cap * 2 : 64;
    self->keys = as_xcalloc(self->cap, sizeof(char *));
    self->values = as_xcalloc(self->cap, sizeof(int32_t));
    for (size_t k = 0; k < old_cap; k++) {
        if (!old_keys[k]) continue;
        size_t i = hash(old_keys[k]) & (self->cap - 1);
        while (self->keys[i]) i = (i + 1) & (self->cap - 1);
        self->keys[i] = old_keys[k];
        self->values[i] = old_values[k];
    }
    free(old_keys);
    free(old_values);
}

int32_t as_strmap_put(struct as_strmap *self, const char *key, int32_t value)
{
    if ((self->len + 1) * 2 > self->cap) grow(self);
    size_t i = hash(key) & (self->cap - 1);
    for (; self->keys[i]; i = (i + 1) & (self->cap - 1))
        if (strcmp(self->keys[i], key) == 0) return self->values[i];
    self->keys[i] = key;
    self->values[i] = value;
    self->len++;
    return value;
}

void as_strmap_clear(struct as_strmap *self)
{
    if (self->cap) memset(self->keys, 0, self->cap * sizeof(char *));
    self->len = 0;
}

void as_strmap_free(struct as_strmap *self)
{
    free(self->keys);
    free(self->values);
    memset(self, 0, sizeof(*self));
}
