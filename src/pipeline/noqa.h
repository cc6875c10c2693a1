/* noqa.h — suppression comments, ruff's grammar (shared/docs/ecosystem.md section 4):
 * line-level: `# noqa` (blanket), `# noqa: A, B`, `#noqa:A,B`, `# NOQA : A B`; lexing stops at the first
 * token that is not a code ("# noqa: ASYNC251 because reasons" works); `# noqa:` with no codes is invalid.
 * The directive may follow other comment text (`# type: ignore # noqa: X`).
 * file-level (own line): `# asyncscan: noqa`, `# ruff: noqa`, `# flake8: noqa` (blanket, whole file) and
 * `# asyncscan: noqa: A, B` / `# ruff: noqa: A` (exempt these codes in the whole file).
 * A code is ASCII uppercase letters followed by ASCII digits; codes compare case-sensitively and exactly. */
#ifndef AS_NOQA_H
#define AS_NOQA_H
#include <stdbool.h>
#include <stddef.h>

#define AS_NOQA_CODE_MAX 16   /* a longer token is not kept as a code (no rule has one) */

enum as_noqa_kind {
    AS_NOQA_NONE = 0,      /* no directive in this comment */
    AS_NOQA_BLANKET,       /* suppress every code */
    AS_NOQA_CODES,         /* suppress the listed codes */
    AS_NOQA_INVALID,       /* looks like a directive but is malformed (e.g. "# noqa:" with no code) */
};

struct as_noqa {
    enum as_noqa_kind kind;
    bool file_level;       /* `# asyncscan: noqa...` / `# ruff: noqa...` / `# flake8: noqa...` */
    size_t n_codes;        /* every code of the list, however many (no limit: hostile comments may list 1000s) */
    const char *codes_at;  /* the code list inside the parsed comment (read it with as_noqa_next_code); */
    const char *codes_end; /* valid as long as the comment's text is */
};

/* Parses one comment's text (starting at '#', without the line terminator). `own_line` tells whether the
 * comment is alone on its line (file-level directives count only then). Fills *out; returns out->kind. */
enum as_noqa_kind as_noqa_parse(const char *comment, size_t len, bool own_line, struct as_noqa *out);

/* Reads the directive's codes in order: start with *cursor = NULL; copies the next code to out and returns
 * true, or returns false after the last one. The comment's text must still be alive. */
bool as_noqa_next_code(const struct as_noqa *self, const char **cursor, char out[AS_NOQA_CODE_MAX]);

/* True when the directive suppresses `code`. */
bool as_noqa_covers(const struct as_noqa *self, const char *code);

#endif
