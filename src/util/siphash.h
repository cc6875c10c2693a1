/* siphash.h — SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudo-random function with a 128-bit key and
 * a 64-bit tag, used as the message authentication code of the result cache (an entry whose tag does not
 * verify under the user's key was not written by this user's asyncscan). Written from the paper's
 * description; checked against its test vectors in unit.test_cache. */
#ifndef AS_UTIL_SIPHASH_H
#define AS_UTIL_SIPHASH_H
#include <stddef.h>
#include <stdint.h>

#define AS_SIPHASH_KEY_BYTES 16

uint64_t as_siphash24(const unsigned char key[AS_SIPHASH_KEY_BYTES], const void *data, size_t len);

#endif
