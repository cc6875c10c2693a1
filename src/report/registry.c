/* registry.c — expands formats.def into the reporter table and looks formats up by name. */
#include "report/report.h"

#include <string.h>

#define X(tok, cli) extern const struct as_reporter as_reporter_##tok;
#include "report/formats.def"
#undef X

const struct as_reporter *const as_reporters[] = {
#define X(tok, cli) &as_reporter_##tok,
#include "report/formats.def"
#undef X
    NULL,
};

const struct as_reporter *as_reporter_find(const char *name)
{
    for (size_t i = 0; as_reporters[i]; i++)
        if (strcmp(as_reporters[i]->name, name) == 0) return as_reporters[i];
    return NULL;
}
