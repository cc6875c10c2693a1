/* siphash.c — SipHash-2-4; see siphash.h. Little-endian loads spelled out so the tag is the same on any host. */
#include "util/siphash.h"

static uint64_t load64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}

static uint64_t rotl(uint64_t x, int b) { return x << b | x >> (64 - b); }

struct sip {
    uint64_t v0, v1, v2, v3;
};

static void round_(struct sip *s)
{
    s->v0 += s->v1; s->v1 = rotl(s->v1, 13); s->v1 ^= s->v0; s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3; s->v3 = rotl(s->v3, 16); s->v3 ^= s->v2;
    s->v0 += s->v3; s->v3 = rotl(s->v3, 21); s->v3 ^= s->v0;
    s->v2 += s->v1; s->v1 = rotl(s->v1, 17); s->v1 ^= s->v2; s->v2 = rotl(s->v2, 32);
}

static void absorb(struct sip *s, uint64_t m)
{
    s->v3 ^= m;
    round_(s);
    round_(s);
    s->v0 ^= m;
}

uint64_t as_siphash24(const unsigned char key[AS_SIPHASH_KEY_BYTES], const void *data, size_t len)
{
    uint64_t k0 = load64(key), k1 = load64(key + 8);
    struct sip s = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull, k0 ^ 0x6c7967656e657261ull,
                    k1 ^ 0x7465646279746573ull};
    const unsigned char *p = data;
    size_t full = len - len % 8;
    for (size_t i = 0; i < full; i += 8) absorb(&s, load64(p + i));
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < len % 8; i++) last |= (uint64_t)p[full + i] << (8 * i);
    absorb(&s, last);
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; i++) round_(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
