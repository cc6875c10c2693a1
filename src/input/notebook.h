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
    size_t value_start, value_end;   /* the whole `source` value in the file (brackets too), [start, end) */
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

/* The same for edits that may add or remove lines inside cells (the fixes): code cell k of the joined text is
 * edited[starts[k], starts[k + 1]) (starts[n_cells] being edited_len), which must end with the "\n" that
 * closes it. A cell whose number of lines is unchanged is written as as_notebook_apply does; another one gets
 * a new `source` value, in the same form (an array of one string per line, in the array's own layout: its
 * indentation, line ending and separators; or one string). A cell whose text did not change is not touched. */
int as_notebook_apply_cells(const struct as_notebook *self, const char *bytes, size_t len, const char *edited,
                            size_t edited_len, const uint32_t *starts, char **out, size_t *out_len, char *err,
                            size_t errlen);

/* Neutralises the IPython magics of one cell's text in place, as as_notebook_read does (same length, same
 * lines): what a parser of the cell as written should see. */
void as_notebook_neutralise(char *cell_text, size_t len);

/* Every code cell of a notebook as written (the cells the joined text leaves out too, in notebook order): its
 * raw 1-based index and its source text (arena). What `--diff` compares. Returns 0, or -1 when `bytes` is not
 * a notebook. */
struct as_nb_code_cell { uint32_t raw_index; const char *text; size_t len; };
int as_notebook_code_cells(const char *bytes, size_t len, struct as_arena *arena, struct as_nb_code_cell **cells,
                           size_t *n_cells);

#endif
