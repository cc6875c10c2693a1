/* diff.c — the unified diff of --diff (see diff.h): Myers' shortest edit script over the lines between the
 * common head and tail, grouped into hunks. A change too large for the script's bound (more than MAX_D lines
 * inserted or deleted) is shown as one replacement of the middle. */
#include "fix/diff.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "input/notebook.h"
#include "util/visible.h"
#include "util/xalloc.h"

#define CONTEXT 3
#define MAX_D 2000

struct line {
    const char *s;
    size_t n;   /* with its terminator */
};

static struct line *split(const char *t, size_t len, size_t *n)
{
    size_t cap = 16, k = 0;
    struct line *v = as_xmalloc(cap * sizeof(*v));
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && t[e] != '\n' && t[e] != '\r') e++;
        if (e < len) e += (t[e] == '\r' && e + 1 < len && t[e + 1] == '\n') ? 2 : 1;
        if (k == cap) v = as_xrealloc(v, (cap *= 2) * sizeof(*v));
        v[k++] = (struct line){t + i, e - i};
        i = e;
    }
    *n = k;
    return v;
}

static bool eq(const struct line *a, const struct line *b) { return a->n == b->n && memcmp(a->s, b->s, a->n) == 0; }

/* ops: 'K' keep, 'D' delete (a line of a), 'I' insert (a line of b), in order. */
static char *script(const struct line *a, size_t n, const struct line *b, size_t m, size_t *n_ops)
{
    size_t pre = 0, suf = 0;
    while (pre < n && pre < m && eq(&a[pre], &b[pre])) pre++;
    while (suf < n - pre && suf < m - pre && eq(&a[n - 1 - suf], &b[m - 1 - suf])) suf++;
    size_t N = n - pre - suf, M = m - pre - suf;
    const struct line *A = a + pre, *B = b + pre;
    char *ops = as_xmalloc(n + m + 1);
    size_t k = 0;
    memset(ops, 'K', pre);
    k = pre;
    /* Myers: the furthest x on each diagonal k after d steps (2d+1 entries, index k + d), kept per step */
    long max = (long)(N + M) < MAX_D ? (long)(N + M) : MAX_D;
    long **trace = as_xcalloc((size_t)max + 2, sizeof(long *));
    long found = -1;
    for (long d = 0; d <= max && found < 0; d++) {
        long *v = as_xmalloc((size_t)(2 * d + 1) * sizeof(long)), *pv = d ? trace[d - 1] : NULL;
        for (long kk = -d; kk <= d; kk += 2) {
            long x;
            if (d == 0) x = 0;
            else if (kk == -d || (kk != d && pv[kk - 1 + d - 1] < pv[kk + 1 + d - 1])) x = pv[kk + 1 + d - 1];
            else x = pv[kk - 1 + d - 1] + 1;
            long y = x - kk;
            while (x < (long)N && y < (long)M && eq(&A[x], &B[y])) x++, y++;
            v[kk + d] = x;
            if (found < 0 && x >= (long)N && y >= (long)M) found = d;
        }
        trace[d] = v;
    }
    if (found < 0) {   /* too different: the middle is replaced */
        memset(ops + k, 'D', N);
        memset(ops + k + N, 'I', M);
        k += N + M;
    } else {
        char *rev = as_xmalloc(N + M + 1);
        size_t r = 0;
        long x = (long)N, y = (long)M;
        for (long d = found; d > 0; d--) {
            long *pv = trace[d - 1], kk = x - y;
            bool down = kk == -d || (kk != d && pv[kk - 1 + d - 1] < pv[kk + 1 + d - 1]);
            long pk = down ? kk + 1 : kk - 1, px = pv[pk + d - 1], py = px - pk;
            long mx = down ? px : px + 1, my = down ? py + 1 : py;
            while (x > mx && y > my) { rev[r++] = 'K'; x--; y--; }
            rev[r++] = down ? 'I' : 'D';
            x = px;
            y = py;
        }
        while (x > 0 && y > 0) { rev[r++] = 'K'; x--; y--; }
        while (r > 0) ops[k++] = rev[--r];
        free(rev);
    }
    for (long d = 0; d <= max; d++) free(trace[d]);
    free(trace);
    memset(ops + k, 'K', suf);
    k += suf;
    *n_ops = k;
    return ops;
}

/* hint: a last line without a line ending is followed by `\ No newline at end of file` (else by a bare one) */
static void put_line(struct as_buf *out, char mark, const struct line *l, bool hint)
{
    as_buf_putc(out, mark);
    as_buf_add(out, l->s, l->n);
    if (l->n == 0 || (l->s[l->n - 1] != '\n' && l->s[l->n - 1] != '\r'))
        as_buf_puts(out, hint ? "\n\\ No newline at end of file\n" : "\n");
}

static void range(struct as_buf *out, char sign, size_t start, size_t count)
{
    if (count == 1) as_buf_printf(out, "%c%zu", sign, start + 1);
    else as_buf_printf(out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

/* The header (`--- label` / `+++ label`, always) and the hunks of a -> b. */
static void labelled_diff(struct as_buf *out, const char *label, const char *a, size_t alen, const char *b, size_t blen,
                          bool hint)
{
    size_t n, m, n_ops;
    struct line *la = split(a, alen, &n), *lb = split(b, blen, &m);
    char *ops = script(la, n, lb, m, &n_ops);
    /* the path as the text formats show it: a control character in a file name cannot drive the terminal or
     * start a line of its own in the diff */
    for (int side = 0; side < 2; side++) {
        as_buf_puts(out, side ? "+++ " : "--- ");
        as_buf_add_visible(out, label, strlen(label));
        as_buf_putc(out, '\n');
    }
    size_t i = 0, ia = 0, ib = 0, last_end = 0;
    while (i < n_ops) {
        if (ops[i] == 'K') { i++, ia++, ib++; continue; }
        size_t back = 0;   /* leading context, not reaching into the previous hunk */
        while (back < CONTEXT && i - back > last_end) back++;
        size_t s = i - back, e = i;
        for (;;) {   /* changes closer than 2 * CONTEXT kept lines share a hunk */
            while (e < n_ops && ops[e] != 'K') e++;
            size_t run = 0;
            while (e + run < n_ops && ops[e + run] == 'K') run++;
            if (e + run < n_ops && run <= 2 * CONTEXT) { e += run; continue; }
            e += run < CONTEXT ? run : CONTEXT;
            break;
        }
        size_t ca = 0, cb = 0;
        for (size_t q = s; q < e; q++) ca += ops[q] != 'I', cb += ops[q] != 'D';
        size_t xa = ia - back, xb = ib - back;
        as_buf_puts(out, "@@ ");
        range(out, '-', xa, ca);
        as_buf_putc(out, ' ');
        range(out, '+', xb, cb);
        as_buf_puts(out, " @@\n");
        for (size_t q = s; q < e; q++) {
            if (ops[q] == 'K') { put_line(out, ' ', &la[xa++], hint); xb++; }
            else if (ops[q] == 'D') put_line(out, '-', &la[xa++], hint);
            else put_line(out, '+', &lb[xb++], hint);
        }
        i = last_end = e, ia = xa, ib = xb;
    }
    free(ops);
    free(la);
    free(lb);
}

void as_fix_unified_diff(struct as_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen == blen && memcmp(a, b, alen) == 0) return;
    labelled_diff(out, path, a, alen, b, blen, true);
}

void as_fix_notebook_diff(struct as_buf *out, const char *path, const char *a, size_t alen, const char *b, size_t blen)
{
    struct as_arena arena;
    as_arena_init(&arena);
    struct as_nb_code_cell *ca, *cb;
    size_t na, nb;
    if (as_notebook_code_cells(a, alen, &arena, &ca, &na) == 0 && as_notebook_code_cells(b, blen, &arena, &cb, &nb) == 0) {
        for (size_t i = 0, k = 0; i < na && k < nb; i++, k++) {
            if (ca[i].raw_index != cb[k].raw_index) break;   /* the fixes never add or remove cells */
            char *label = as_arena_printf(&arena, "%s:cell %u", path, ca[i].raw_index);
            labelled_diff(out, label, ca[i].text, ca[i].len, cb[k].text, cb[k].len, false);
        }
        as_buf_putc(out, '\n');
    }
    as_arena_release(&arena);
}
