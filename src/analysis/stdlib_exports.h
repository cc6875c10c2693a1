/* stdlib_exports.h — which names `from M import *` brings in, for the modules whose functions rules flag
 * (time, os, subprocess, ...), so `from time import *; sleep(1)` resolves to time.sleep. */
#ifndef AS_STDLIB_EXPORTS_H
#define AS_STDLIB_EXPORTS_H
#include <stdbool.h>

/* True when `from module import *` binds `name` (per the module's __all__ / public names). */
bool as_stdlib_exports(const char *module, const char *name);

#endif
