/* fuzz_notebook.c — libFuzzer target for notebooks (input/notebook.c): the bytes are a .ipynb file. When it reads,
 * the joined text must keep its invariants (the neutralised text as long as the original, with the same line
 * ends; cells in order and inside the text; each source string's byte range inside the file), writing the
 * unchanged text back must change nothing, and writing it back with `  # x` added to every line of every cell,
 * or with a line `import x` added at the start of every cell and the last line of every cell removed
 * (as_notebook_apply_cells), must give a notebook that reads again with exactly that text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/notebook.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_invariants(const struct as_notebook *nb, size_t size)
{
    for (size_t i = 0; i < nb->len; i++)
        if ((nb->text[i] == '\n') != (nb->original[i] == '\n') || (nb->text[i] == '\r') != (nb->original[i] == '\r'))
            abort();
    size_t at = 0;
    for (size_t k = 0; k < nb->n_cells; k++) {
        const struct as_nb_cell *c = &nb->cells[k];
        if (c->text_off < at || c->text_off + c->text_len + 1 > nb->len) abort();
        at = c->text_off + c->text_len + 1;
        for (size_t p = 0; p < c->n_parts; p++)
            if (c->parts[p].json_start >= c->parts[p].json_end || c->parts[p].json_end > size) abort();
    }
}

/* The joined text with "  # x" before every line end of every cell (lines stay lines). */
static char *commented(const struct as_notebook *nb, size_t *len)
{
    struct as_buf b;
    as_buf_init(&b);
    for (size_t i = 0; i < nb->len; i++) {
        if (nb->original[i] == '\n' || nb->original[i] == '\r') as_buf_puts(&b, "  # x");
        as_buf_putc(&b, nb->original[i]);
    }
    char *out = as_buf_detach(&b, len);
    return out ? out : calloc(1, 1);
}

/* The joined text with "import x\n" at the start of every cell and each cell's last line dropped (the line
 * count changes); *starts: where each cell starts in it (heap). */
static char *relined(const struct as_notebook *nb, size_t *len, uint32_t **starts)
{
    struct as_buf b;
    as_buf_init(&b);
    *starts = calloc(nb->n_cells + 1, sizeof(**starts));
    if (!*starts) abort();
    for (size_t k = 0; k < nb->n_cells; k++) {
        const struct as_nb_cell *c = &nb->cells[k];
        const char *t = nb->original + c->text_off;
        size_t keep = c->text_len;   /* up to the start of the cell's last line */
        while (keep && t[keep - 1] != '\n' && t[keep - 1] != '\r') keep--;
        (*starts)[k] = (uint32_t)b.len;
        as_buf_puts(&b, "import x\n");
        as_buf_add(&b, t, keep);
        as_buf_putc(&b, '\n');
    }
    char *out = as_buf_detach(&b, len);
    return out ? out : calloc(1, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *bytes = malloc(size ? size : 1);
    if (!bytes) return 0;
    if (size) memcpy(bytes, data, size);
    struct as_arena arena;
    as_arena_init(&arena);
    struct as_notebook nb;
    char err[256];
    if (as_notebook_read(&nb, &arena, bytes, size, err, sizeof(err)) == 0) {
        check_invariants(&nb, size);
        char *out = NULL;
        size_t out_len = 0;
        if (as_notebook_apply(&nb, bytes, size, nb.original, nb.len, &out, &out_len, err, sizeof(err)) != 0 || out)
            abort();
        size_t edited_len;
        char *edited = commented(&nb, &edited_len);
        if (as_notebook_apply(&nb, bytes, size, edited, edited_len, &out, &out_len, err, sizeof(err)) == 0 && out) {
            struct as_notebook again;
            if (as_notebook_read(&again, &arena, out, out_len, err, sizeof(err)) != 0) abort();
            if (again.len != edited_len || memcmp(again.original, edited, edited_len) != 0) abort();
        }
        free(out);
        free(edited);
        uint32_t *starts;
        edited = relined(&nb, &edited_len, &starts);
        out = NULL;
        if (as_notebook_apply_cells(&nb, bytes, size, edited, edited_len, starts, &out, &out_len, err, sizeof(err)) == 0 &&
            out) {
            struct as_notebook again;
            if (as_notebook_read(&again, &arena, out, out_len, err, sizeof(err)) != 0) abort();
            if (again.len != edited_len || memcmp(again.original, edited, edited_len) != 0) abort();
        }
        free(out);
        free(edited);
        free(starts);
    }
    as_arena_release(&arena);
    free(bytes);
    return 0;
}
