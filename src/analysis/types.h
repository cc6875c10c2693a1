/* types.h — the type lattice receiver-typed rules see through: what an expression built from a known object
 * gives back, as data (the .types files in rules/types/, embedded at build time like the rules; format in
 * rules/types/README.md). An entry maps an expression in the rules' qualified-name syntax to the type of its
 * value:
 *   pathlib.Path().parent -> pathlib.Path            (an attribute of an instance)
 *   pathlib.Path().joinpath() -> pathlib.Path        (a method's result; `__truediv__()` is the `/` operator)
 *   socket.create_connection() -> socket.socket      (a factory)
 *   socket.socketpair() -> (socket.socket, socket.socket)   (a tuple, for unpacking; `_` is unknown)
 * and `distinct pathlib.Path: mkdir exists ...` lists method names no string, bytes or URL object has (the
 * path-division heuristic: `x / "literal"` with x unknown, on which one of them is called, is that type).
 * as_types_flow rewrites a qualified name left to right through the entries, so
 * "pathlib.Path().parent.parent.exists" becomes "pathlib.Path().exists", which the rules match. */
#ifndef AS_TYPES_H
#define AS_TYPES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

struct as_types;

/* An empty table (heap). */
struct as_types *as_types_new(void);
void as_types_free(struct as_types *self);
/* Adds the entries of one .types file; on error returns -1 with *err (heap) "source:LINE: error: ..." (every
 * bad line, one per line of the message); nothing of that file is kept then. */
int as_types_add_file(struct as_types *self, const char *source, const char *text, size_t len, char **err);
/* A table of every embedded .types file in rules/types/, or NULL with *err. */
struct as_types *as_types_load_embedded(char **err);

/* An extra table consulted after the data's (the file's own return annotations: see model.c); NULL when none. */
typedef const char *(*as_types_extra_fn)(void *ud, const char *key);

/* `qname` rewritten through the entries (and `extra`) left to right; `qname` itself when nothing applies. A
 * "<div>()" prefix (an unknown left side divided by a string: model.c) followed by a distinct method name
 * becomes that type. Arena. */
const char *as_types_flow(const struct as_types *self, as_types_extra_fn extra, void *ud, struct as_arena *arena,
                          const char *qname);
/* The type of item `index` of the tuple `qname` (already flowed) stands for, as an instance ("socket.socket()"),
 * or NULL. */
const char *as_types_item(const struct as_types *self, const char *qname, uint32_t index);

/* For the pre-parse skip: entry i's left side's first segment and its right side's (for a tuple, each item's)
 * first segments; false past the end. *lhs_root / *rhs_roots point into the table (NUL-separated list in
 * rhs_roots, terminated by an empty string). */
bool as_types_roots(const struct as_types *self, size_t i, const char **lhs_root, const char **rhs_roots);
/* For the skip under the path-division heuristic: distinct name i and its type's root; false past the end. */
bool as_types_distinct(const struct as_types *self, size_t i, const char **name, const char **type_root);

#endif
