/* cache_secret.h — the user's cache key: 16 random bytes in $XDG_CACHE_HOME/asyncscan/key (else
 * ~/.cache/asyncscan/key), outside any analysed tree, created once (mode 0600, in a 0700 directory) and then
 * read. Every cache entry and stat index carries a SipHash-2-4 tag under this key, so files committed into a
 * repository's cache directory (whose author knows the format and the code but not the key) are misses. */
#ifndef AS_PIPELINE_CACHE_SECRET_H
#define AS_PIPELINE_CACHE_SECRET_H
#include <stdbool.h>
#include <stddef.h>

#include "util/siphash.h"

/* Fills key, creating the key file when there is none; false and a one-line reason in err when no key can be
 * had (no home directory, a key file that is a symbolic link, not the user's, readable by others, or not
 * 16 bytes). */
bool as_cache_secret_load(unsigned char key[AS_SIPHASH_KEY_BYTES], char *err, size_t errlen);

#endif
