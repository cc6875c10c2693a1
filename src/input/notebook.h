/* notebook.h — Jupyter notebooks (.ipynb) as Python input, the way ruff reads them: the code cells' sources,
 * in order, joined into one module (each cell followed by one "\n"), markdown and raw cells left out, cells a
 * cell magic (`%%bash`) turns into another language left out, IPython's line magics (`%time f()`, `!ls`,
 * `x = !ls`, `obj?`, `?obj`) neutralised: the magic's bytes become `0` and blanks, so every offset, line and
 * column stays where it was. The JSON is parsed by jansson; the byte range of every string of a cell's
 * `source` in the file is kept, so an edit made in the joined text can be written back into the JSON at that
 * string alone (as_notebook_apply), leaving the rest of the file byte for byte as it was. */
#ifndef AS_NOTEBOOK_H
#define AS_NOTEBOOK_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

/* One JSON string of a cell's source (a line, usually): where its decoded text sits in the cell, and where its
 * token (quotes included) sits in the file. */
struct as_nb_part {
    size_t cell_off, len;         /* in the cell's decoded text */
    size_t json_start, json_end;  /* the string token in the file, [start, end) */
};

struct as_nb_cell {
    uint32_t raw_index;           /* 1-based index among all cells (markdown and raw ones counted) */
    uint32_t first_line;          /* 1-based line of the joined text where the cell starts */
    size_t text_off, text_len;    /* the cell's source in the joined text (without the "\n" added after it) */
    struct as_nb_part *parts;
    size_t n_parts;
    bool is_array;                /* `source` is an array of strings (else one string) */
};

struct as_notebook {
    char *text;                   /* the joined code cells, magics neutralised; NUL-terminated */
    char *original;               /* the same, as written (what an edit applies to, what a reporter shows) */
    size_t len;
    struct as_nb_cell *cells;     /* the code cells that are joined */
    size_t n_cells;
    bool is_python;               /* language_info.name / kernelspec.language is python, or absent */
};

/* Whether a path names a notebook (ends in ".ipynb"). */
bool as_notebook_path(const char *path);

/* Reads a notebook's bytes (all memory from arena). Returns 0, or -1 with a one-line reason in err
 * ("invalid notebook JSON at line 3, column 7: ...", "not a Jupyter notebook: no \"cells\" array", ...). */
int as_notebook_read(struct as_notebook *self, struct as_arena *arena, const char *bytes, size_t len, char *err,
                     size_t errlen);

/* The cell holding byte `off` of the joined text (the "\n" after a cell belongs to it); NULL when none. */
const struct as_nb_cell *as_notebook_cell_at(const struct as_notebook *self, size_t off);

/* Writes `edited` (the joined text after edits that keep the number of lines of every cell: a comment added, a
 * call replaced) back into the notebook's JSON `bytes`: every source string whose text changed is re-encoded
 * (the lines of a cell split as before), everything else is copied byte for byte. Returns 0 with *out (heap,
 * NUL-terminated; NULL when nothing changed) or -1 with err. */
int as_notebook_apply(const struct as_notebook *self, const char *bytes, size_t len, const char *edited,
                      size_t edited_len, char **out, size_t *out_len, char *err, size_t errlen);

#endif
