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
