/* analyse.h — one analysis of a buffer: `asyncscan check` run as a child process on the buffer (standard input
 * from a memfd, --stdin-filename naming the file so its configuration and its project apply, JSON output), so
 * that a failing analysis can never take the server down. */
#ifndef AS_SERVER_ANALYSE_H
#define AS_SERVER_ANALYSE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct as_server_settings {
    char *select, *ignore, *config;   /* NULL: the configuration's */
    bool unsafe_fixes;
};

/* The findings of `text` as file `path` (a JSON array, asyncscan's json format), or NULL with a message in err. */
json_t *as_server_analyse(const char *exe, const struct as_server_settings *s, const char *path, const char *text,
                          size_t len, char *err, size_t errlen);
/* `asyncscan rule CODE`'s text (heap), or NULL. */
char *as_server_rule_text(const char *exe, const char *code);

#endif
