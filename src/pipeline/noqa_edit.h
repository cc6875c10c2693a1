/* noqa_edit.h — the engine of `asyncscan --add-noqa` (mirrors `ruff check --add-noqa`): given a file's text
 * and the (line, code) pairs to suppress, produces the new text with `# noqa: CODES` directives added or
 * merged into existing ones. Pure: no I/O, no global state; the grammar of a directive is noqa.h's. */
#ifndef AS_NOQA_EDIT_H
#define AS_NOQA_EDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct as_noqa_want {
    uint32_t line;      /* 1-based line of the statement's first line; lines past the end are ignored */
    const char *code;   /* rule code, `[A-Z]+[0-9]+`; NULL or anything else is ignored */
};

/* Why a line could not take a directive (see as_noqa_add_ex). */
enum as_noqa_skip_reason {
    AS_NOQA_SKIP_NO_CODE,        /* blank, or only a comment: no statement starts there */
    AS_NOQA_SKIP_STRING,         /* a string literal opened on the line does not close on it */
    AS_NOQA_SKIP_CONTINUATION,   /* the line's code ends in a backslash continuation */
};
struct as_noqa_skip {
    uint32_t line;
    enum as_noqa_skip_reason reason;
};
/* A short phrase for a reason ("a backslash continuation"). */
const char *as_noqa_skip_reason_text(enum as_noqa_skip_reason reason);

/* For each line with wanted codes:
 * - no comment: trailing whitespace is trimmed and `  # noqa: A, B` appended (codes sorted, deduplicated);
 * - a `# noqa: X` directive (any spelling noqa.h accepts, or a malformed `# noqa:`): rewritten in place as
 *   `# noqa: X, A` — existing codes first in their order, then the missing ones sorted; text after the codes
 *   is kept; unchanged when nothing is missing;
 * - a blanket `# noqa`: unchanged;
 * - another comment (`# type: ignore`): kept, trailing whitespace trimmed, `  # noqa: A` appended after it.
 * A line is skipped (left unchanged and counted in *skipped) when it is blank, when a string literal opened on
 * it does not close on it (a triple-quoted string spanning lines, a backslash-continued string), or when its
 * code ends in a backslash line continuation: a comment cannot go there.
 * Line endings (LF, CRLF, lone CR, none on the last line) and a UTF-8 BOM are preserved byte for byte; the
 * result is idempotent (applying it to its own output changes nothing).
 * Returns the number of lines changed. When it is 0, *out is NULL and *out_len 0; otherwise *out is a heap,
 * NUL-terminated string (caller frees) of *out_len bytes. `skipped` may be NULL; so may `skips`, otherwise it
 * has room for n entries and receives each skipped line with its reason, in line order. */
int as_noqa_add_ex(const char *text, size_t len, const struct as_noqa_want *wants, size_t n, char **out,
                   size_t *out_len, size_t *skipped, struct as_noqa_skip *skips);

/* as_noqa_add_ex without the skipped count. */
int as_noqa_add(const char *text, size_t len, const struct as_noqa_want *wants, size_t n, char **out,
                size_t *out_len);

/* as_noqa_add for a whole file's bytes: a notebook's (`notebook`) wants are lines of its code cells joined
 * (input/notebook.h), and the directives are written into the JSON at the source strings of the lines they go
 * on, the rest of the file kept byte for byte. Returns the lines changed, or -1 with a one-line reason in err
 * (a notebook that does not read). `skipped` and `skips` as for as_noqa_add_ex (a notebook's lines are those of
 * its joined cells). */
int as_noqa_add_file(bool notebook, const char *bytes, size_t len, const struct as_noqa_want *wants, size_t n,
                     char **out, size_t *out_len, size_t *skipped, struct as_noqa_skip *skips, char *err, size_t errlen);

#endif
