/* diag.c — per-file results and the canonical order of findings; see diag.h. */
#include "util/diag.h"

#include <stdlib.h>
#include <string.h>

void as_file_result_init(struct as_file_result *self)
{
    memset(self, 0, sizeof(*self));
    as_arena_init(&self->arena);
}

void as_file_result_release(struct as_file_result *self)
{
    as_arena_release(&self->arena);
    memset(self, 0, sizeof(*self));
}

const char *as_file_result_line(const struct as_file_result *self, uint32_t line, size_t *len)
{
    *len = 0;
    if (!self->text || line == 0 || line > self->n_lines) return "";
    size_t start = self->line_starts[line - 1];
    size_t end = line < self->n_lines ? self->line_starts[line] : self->text_len;
    while (end > start && (self->text[end - 1] == '\n' || self->text[end - 1] == '\r')) end--;
    *len = end - start;
    return self->text + start;
}

/* The cell holding 1-based line `line` of the joined text (the last one starting at or before it). */
static const struct as_cell_start *cell_of_line(const struct as_file_result *self, uint32_t line)
{
    size_t lo = 0, hi = self->n_cells;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (self->cells[mid].line <= line) lo = mid + 1; else hi = mid;
    }
    return lo ? &self->cells[lo - 1] : NULL;
}

static uint32_t line_in_cell(const struct as_file_result *self, uint32_t line)
{
    const struct as_cell_start *c = cell_of_line(self, line);
    return c ? line - c->line + 1 : line;
}

void as_file_result_to_cells(struct as_file_result *self)
{
    for (size_t i = 0; i < self->n_diags && self->n_cells; i++) {
        struct as_diag *d = &self->diags[i];
        if (d->cell) continue;
        const struct as_cell_start *c = cell_of_line(self, d->line);
        d->cell = c ? c->cell : self->cells[0].cell;
        d->line = line_in_cell(self, d->line);
        d->end_line = line_in_cell(self, d->end_line);
        d->noqa_line = line_in_cell(self, d->noqa_line);
        for (size_t k = 0; d->fix && k < d->fix->n_edits; k++) {   /* rows within their own cell, as ruff */
            struct as_fix_edit *e = &d->fix->edits[k];
            e->line = line_in_cell(self, e->line);
            e->end_line = line_in_cell(self, e->end_line);
        }
        for (size_t k = 0; k < d->n_chain; k++) {   /* hops through the notebook's own functions */
            struct as_chain_step *s = &d->chain[k];
            if (s->cell || !s->path || !self->path || strcmp(s->path, self->path) != 0) continue;
            const struct as_cell_start *sc = cell_of_line(self, s->line);
            s->cell = sc ? sc->cell : self->cells[0].cell;
            s->line = line_in_cell(self, s->line);
        }
    }
}

const char *as_diag_source_line(const struct as_file_result *self, const struct as_diag *d, size_t *len)
{
    uint32_t line = d->line;
    size_t lo = 0, hi = d->cell ? self->n_cells : 0;   /* cells are in notebook order: search by index */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (self->cells[mid].cell < d->cell) lo = mid + 1; else hi = mid;
    }
    if (lo < self->n_cells && d->cell && self->cells[lo].cell == d->cell) line = self->cells[lo].line + d->line - 1;
    return as_file_result_line(self, line, len);
}

static int cmp_diag(const void *a, const void *b)
{
    const struct as_diag *x = a, *y = b;
    if (x->line != y->line) return x->line < y->line ? -1 : 1;
    if (x->col != y->col) return x->col < y->col ? -1 : 1;
    int c = strcmp(x->code, y->code);
    if (c) return c;
    return strcmp(x->message, y->message);
}

void as_diags_sort(struct as_diag *diags, size_t n)
{
    if (n > 1) qsort(diags, n, sizeof(*diags), cmp_diag);
}
