/* engine.c — the edit engine (see fix.h): fixes shown on findings, and fixes applied in passes with a
 * re-analysis after each and a check of what it changed; for a notebook, where each of its cells starts is
 * followed through the passes (edits stay inside cells, the import goes where ruff puts it). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fix/fix.h"
#include "fix/site.h"
#include "input/notebook.h"
#include "util/buf.h"
#include "util/xalloc.h"

bool as_fix_applies(const struct as_fix_settings *s, const char *code, const struct as_fix *f)
{
    if (!f || f->applicability == AS_FIX_DISPLAY_ONLY) return false;
    if (f->applicability == AS_FIX_UNSAFE && !s->unsafe) return false;
    return !s->fixable || s->fixable(s->ud, code);
}

/* The text of the `import m` lines a set of plans needs (heap), or NULL. */
static char *import_lines(const struct as_fix_site *site, const char *const *mods, size_t n)
{
    if (!n) return NULL;
    struct as_buf b;
    as_buf_init(&b);
    if (site->import_needs_newline) as_buf_puts(&b, site->newline);
    for (size_t i = 0; i < n; i++) {
        as_buf_printf(&b, "import %s", mods[i]);
        as_buf_puts(&b, site->newline);
    }
    return as_buf_detach(&b, NULL);
}

static void add_module(const char **mods, size_t *n, size_t cap, const char *m)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(mods[i], m) == 0) return;
    if (*n < cap) mods[(*n)++] = m;
}

/* ---- a notebook's cells -------------------------------------------------------------------------------- */

/* Where each code cell of a notebook's result starts in its joined text (heap), or NULL for another file. */
static uint32_t *cell_starts_of(const struct as_file_result *r)
{
    if (!r->n_cells || !r->line_starts) return NULL;
    uint32_t *starts = as_xcalloc(r->n_cells, sizeof(*starts));
    for (size_t k = 0; k < r->n_cells; k++) {
        uint32_t line = r->cells[k].line;
        starts[k] = line >= 1 && line <= r->n_lines ? r->line_starts[line - 1] : (uint32_t)r->text_len;
    }
    return starts;
}

/* The cell (0-based among the joined ones) holding offset `at`. */
static size_t cell_at(const uint32_t *starts, size_t n, uint32_t at)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (starts[mid] <= at) lo = mid + 1; else hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* The joined text with each cell's magics neutralised (heap): what the fixes' parser reads. */
static char *neutralised(const char *text, size_t len, const uint32_t *starts, size_t n)
{
    char *copy = as_xstrndup(text, len);
    for (size_t k = 0; k < n; k++) {
        size_t end = (k + 1 < n ? starts[k + 1] : len);
        if (end > starts[k]) as_notebook_neutralise(copy + starts[k], end - 1 - starts[k]);
    }
    return copy;
}

/* Whether an edit of the plan covers the "\n" that ends a cell (the cells' boundary). */
static bool crosses_cell(const uint32_t *starts, size_t n, size_t len, const struct as_fix_plan *p)
{
    for (size_t i = 0; i < p->n_edits; i++)
        for (size_t k = 0; k < n; k++) {
            size_t end_nl = (k + 1 < n ? starts[k + 1] : len) - 1;
            if (p->edits[i].start <= end_nl && end_nl < p->edits[i].end) return true;
        }
    return false;
}

/* Which cells a parse has a syntax error in (heap, one flag a cell): those a top-level statement with an error
 * (or an error node) overlaps. */
static bool *broken_cells(const struct as_fix_site *site, const uint32_t *starts, size_t n)
{
    bool *broken = as_xcalloc(n + 1, sizeof(*broken));
    TSNode root = ts_tree_root_node(site->tree);
    uint32_t count = ts_node_child_count(root);
    for (uint32_t i = 0; i < count && ts_node_has_error(root); i++) {
        TSNode c = ts_node_child(root, i);
        if (!ts_node_has_error(c) && !ts_node_is_error(c) && !ts_node_is_missing(c)) continue;
        uint32_t a = ts_node_start_byte(c), b = ts_node_end_byte(c);
        size_t last = cell_at(starts, n, b > a ? b - 1 : a);
        for (size_t k = cell_at(starts, n, a); k <= last; k++) broken[k] = true;
    }
    return broken;
}

/* ---- fixes shown on findings --------------------------------------------------------------------------- */

static struct as_fix *fix_of_plan(const struct as_fix_site *site, const struct as_fix_plan *plan, struct as_arena *a)
{
    struct as_fix *f = as_arena_alloc(a, sizeof(*f));
    f->applicability = plan->applicability;
    f->message = as_arena_strdup(a, plan->message);
    char *imports = import_lines(site, plan->imports, plan->n_imports);
    f->edits = as_arena_alloc(a, (plan->n_edits + 1) * sizeof(*f->edits));
    size_t k = 0;
    bool import_done = !imports;
    for (size_t i = 0; i <= plan->n_edits; i++) {
        uint32_t start, end;
        const char *content;
        if (!import_done && (i == plan->n_edits || site->import_at <= plan->edits[i].start)) {
            start = end = site->import_at;
            content = imports;
            import_done = true;
            i--;
        } else if (i < plan->n_edits) {
            start = plan->edits[i].start;
            end = plan->edits[i].end;
            content = plan->edits[i].content;
        } else {
            break;
        }
        struct as_fix_edit *e = &f->edits[k++];
        e->content = as_arena_strdup(a, content);
        as_fix_site_position(site, start, &e->line, &e->col);
        as_fix_site_position(site, end, &e->end_line, &e->end_col);
    }
    f->n_edits = k;
    free(imports);
    return f;
}

void as_fix_describe(struct as_file_result *res)
{
    if (!res->text || !res->n_diags) return;
    bool any = false;
    for (size_t i = 0; i < res->n_diags && !any; i++) any = as_fix_info_for(res->diags[i].code) != NULL;
    if (!any) return;
    uint32_t *cells = cell_starts_of(res);   /* a notebook: its cells' magics are not parsed */
    char *parse = cells ? neutralised(res->text, res->text_len, cells, res->n_cells) : NULL;
    bool *broken = NULL;
    struct as_fix_site site;
    if (as_fix_site_open(&site, parse ? parse : res->text, res->text_len, res->module)) {
        site.top_level_await = cells != NULL;
        broken = cells ? broken_cells(&site, cells, res->n_cells) : NULL;
        for (size_t i = 0; i < res->n_diags; i++) {
            struct as_fix_plan plan;
            if (!as_fix_make_plan(&site, &res->diags[i], &plan)) continue;
            if (cells) as_fix_site_import_before(&site, plan.span_start);
            if (!cells || (!crosses_cell(cells, res->n_cells, res->text_len, &plan) &&   /* as the engine */
                           !broken[cell_at(cells, res->n_cells, plan.span_start)]))
                res->diags[i].fix = fix_of_plan(&site, &plan, &res->arena);
            as_fix_plan_release(&plan);
        }
        as_fix_site_close(&site);
    }
    free(parse);
    free(cells);
    free(broken);
}

/* ---- applying ------------------------------------------------------------------------------------------ */

struct candidate {
    struct as_fix_plan plan;
    const struct as_diag *d;
    size_t index;   /* in the findings the pass started from */
};

struct engine {
    const struct as_fix_settings *s;
    as_fix_analyse_fn analyse;
    void *ud;
    struct as_fix_outcome *out;
    /* Fixes dropped (not tried again): the rule and where the call starts in the current text (moved along
     * by the edits of later passes). */
    struct rejected { const char *code; uint32_t at; } *rejected;
    size_t n_rejected;
    const char *module;   /* the file's module name (which library its own package is) */
    /* a notebook: where each code cell starts in the current text, their raw indices, and which cells have a
     * syntax error (NULL: none; their fixes are not applied, and no other cell may get one); cells is NULL
     * for another file */
    uint32_t *cells;
    uint32_t *raw;
    size_t n_cells;
    bool *broken;
};

static void note(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct engine *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    e->out->notes = as_xrealloc(e->out->notes, (e->out->n_notes + 1) * sizeof(char *));
    e->out->notes[e->out->n_notes++] = as_xstrdup(line);
}

static bool is_rejected(const struct engine *e, const char *code, uint32_t at)
{
    for (size_t i = 0; i < e->n_rejected; i++)
        if (e->rejected[i].at == at && strcmp(e->rejected[i].code, code) == 0) return true;
    return false;
}

/* Moves the rejected fixes' positions by an edit of [start, end) to `len` bytes in front of them. */
static void shift_rejected(struct engine *e, uint32_t start, uint32_t end, size_t len)
{
    for (size_t i = 0; i < e->n_rejected; i++)
        if (end <= e->rejected[i].at)
            e->rejected[i].at = (uint32_t)((int64_t)e->rejected[i].at + (int64_t)len - (int64_t)(end - start));
}

static bool overlaps(const struct as_fix_plan *a, const struct as_fix_plan *b)
{
    if (a->one_per_span && b->one_per_span && a->span_start < b->span_end && b->span_start < a->span_end) return true;
    for (size_t i = 0; i < a->n_edits; i++)
        for (size_t k = 0; k < b->n_edits; k++) {
            uint32_t s1 = a->edits[i].start, e1 = a->edits[i].end, s2 = b->edits[k].start, e2 = b->edits[k].end;
            if ((s1 < e2 && s2 < e1) || s1 == s2 || (s1 > s2 && s1 < e2) || (s2 > s1 && s2 < e1)) return true;
        }
    return false;
}

static bool straddles(const struct as_fix_plan *p, uint32_t at)
{
    for (size_t i = 0; i < p->n_edits; i++)
        if (p->edits[i].start < at && at < p->edits[i].end) return true;
    return false;
}

/* Where each cell starts after the edits (heap): an edit before a cell's start moves it; an insertion at its
 * start belongs to it. */
static uint32_t *moved_cells(const struct engine *e, const struct as_fix_site *site, struct candidate **sel,
                             size_t n, const char *imports)
{
    uint32_t *starts = as_xcalloc(e->n_cells + 1, sizeof(*starts));
    for (size_t k = 0; k < e->n_cells; k++) {
        int64_t delta = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t m = 0; m < sel[i]->plan.n_edits; m++)
                if (sel[i]->plan.edits[m].end < e->cells[k])
                    delta += (int64_t)strlen(sel[i]->plan.edits[m].content) -
                             (int64_t)(sel[i]->plan.edits[m].end - sel[i]->plan.edits[m].start);
        if (imports && site->import_at < e->cells[k]) delta += (int64_t)strlen(imports);
        starts[k] = (uint32_t)((int64_t)e->cells[k] + delta);
    }
    return starts;
}

/* The text (`text`: what site parsed, magics as written) with the plans' edits and the imports they need
 * applied (heap; *len); for a notebook, where its cells start in it (*starts, heap; else NULL). */
static char *apply_plans(const struct engine *e, const struct as_fix_site *site, const char *text,
                         struct candidate **sel, size_t n, size_t *len, uint32_t **starts)
{
    const char *mods[8];
    size_t n_mods = 0;
    struct edit { uint32_t start, end; const char *content; };
    struct edit *edits = as_xcalloc(n * AS_FIX_MAX_EDITS + 1, sizeof(*edits));
    size_t ne = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < sel[i]->plan.n_imports; k++) add_module(mods, &n_mods, 8, sel[i]->plan.imports[k]);
        for (size_t k = 0; k < sel[i]->plan.n_edits; k++) {
            edits[ne].start = sel[i]->plan.edits[k].start;
            edits[ne].end = sel[i]->plan.edits[k].end;
            edits[ne++].content = sel[i]->plan.edits[k].content;
        }
    }
    char *imports = import_lines(site, mods, n_mods);
    *starts = e->cells ? moved_cells(e, site, sel, n, imports) : NULL;
    struct as_buf b;
    as_buf_init(&b);
    size_t pos = 0;
    bool import_done = !imports;
    /* edits are in text order (plans are taken in order, each plan's edits sorted): one sweep */
    for (size_t i = 0; i <= ne; i++) {
        if (!import_done && (i == ne || site->import_at <= edits[i].start)) {
            as_buf_add(&b, text + pos, site->import_at - pos);
            as_buf_puts(&b, imports);
            pos = site->import_at;
            import_done = true;
        }
        if (i == ne) break;
        as_buf_add(&b, text + pos, edits[i].start - pos);
        as_buf_puts(&b, edits[i].content);
        pos = edits[i].end;
    }

    as_buf_add(&b, text + pos, site->len - pos);
    free(imports);
    free(edits);
    return as_buf_detach(&b, len);
}

/* After the plans were applied: the rejected fixes' positions follow the text. Edits are taken from the last
 * back, so that each compares with positions not yet moved by the edits in front of it. */
static void shift_for_plans(struct engine *e, const struct as_fix_site *site, struct candidate **sel, size_t n,
                            const char *imports)
{
    for (size_t i = n; i-- > 0;)
        for (size_t k = sel[i]->plan.n_edits; k-- > 0;) {
            uint32_t start = sel[i]->plan.edits[k].start;
            if (imports && site->import_at > start) {   /* the import goes after this edit: move by it first */
                shift_rejected(e, site->import_at, site->import_at, strlen(imports));
                imports = NULL;
            }
            shift_rejected(e, start, sel[i]->plan.edits[k].end, strlen(sel[i]->plan.edits[k].content));
        }
    if (imports) shift_rejected(e, site->import_at, site->import_at, strlen(imports));
}

/* The rules whose findings an added checkpoint (`await`) may settle anywhere in the function: a timeout block
 * that never awaits (ASYNC100), an async function that never does (ASYNC124), the checkpoint rules (ASYNC91x). */
static bool goes_with_a_checkpoint(const char *code)
{
    static const char *const codes[] = {"ASYNC100", "ASYNC124", "ASYNC910", "ASYNC911", "ASYNC912", "ASYNC913", NULL};
    for (size_t i = 0; codes[i]; i++)
        if (strcmp(code, codes[i]) == 0) return true;
    return false;
}

/* What verify asks of the selected fixes, indexed (a pass may hold thousands): the findings they fix, sorted by
 * (line, column, code), and their spans sorted by start with the running maximum of the ends before and the
 * minimum of the ends after each. */
struct selection_index {
    const struct as_diag **fixed;
    struct span_bounds { uint32_t start, end, max_end_to, min_end_from; } *spans;
    size_t n;
};

static int by_position(const void *pa, const void *pb)
{
    const struct as_diag *a = *(const struct as_diag *const *)pa, *b = *(const struct as_diag *const *)pb;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    if (a->col != b->col) return a->col < b->col ? -1 : 1;
    return strcmp(a->code, b->code);
}

static int by_span_start(const void *pa, const void *pb)
{
    const struct span_bounds *a = pa, *b = pb;
    return a->start < b->start ? -1 : a->start > b->start;
}

static void index_selection(struct selection_index *x, struct candidate **sel, size_t n)
{
    x->n = n;
    x->fixed = as_xcalloc(n + 1, sizeof(*x->fixed));
    x->spans = as_xcalloc(n + 1, sizeof(*x->spans));
    for (size_t s = 0; s < n; s++) {
        x->fixed[s] = sel[s]->d;
        x->spans[s] = (struct span_bounds){sel[s]->plan.span_start, sel[s]->plan.span_end, 0, 0};
    }
    qsort(x->fixed, n, sizeof(*x->fixed), by_position);
    qsort(x->spans, n, sizeof(*x->spans), by_span_start);
    for (size_t s = 0; s < n; s++) {
        uint32_t before = s ? x->spans[s - 1].max_end_to : 0;
        x->spans[s].max_end_to = x->spans[s].end > before ? x->spans[s].end : before;
    }
    for (size_t s = n; s-- > 0;) {
        uint32_t after = s + 1 < n ? x->spans[s + 1].min_end_from : UINT32_MAX;
        x->spans[s].min_end_from = x->spans[s].end < after ? x->spans[s].end : after;
    }
}

static bool is_fixed(const struct selection_index *x, const struct as_diag *d)
{
    return bsearch(&d, x->fixed, x->n, sizeof(*x->fixed), by_position) != NULL;
}

/* Whether a finding spanning [off, end) is in a selected fix's span, or holds one. */
static bool touched(const struct selection_index *x, uint32_t off, uint32_t end)
{
    size_t lo = 0, hi = x->n;   /* first span starting after off */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->spans[mid].start <= off) lo = mid + 1;
        else hi = mid;
    }
    if (lo > 0 && x->spans[lo - 1].max_end_to > off) return true;   /* one starts at or before off, ends after */
    size_t first = lo;   /* the first span starting at or after off */
    while (first > 0 && x->spans[first - 1].start == off) first--;
    return first < x->n && x->spans[first].min_end_from <= end;
}

/* Per rule code: findings before and after, those the selection fixes and those it may take along. */
struct code_tally {
    const char *code;
    size_t before, after, must, may;
};

static struct code_tally *tally_of(struct code_tally *t, size_t *n, const char *code)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(t[i].code, code) == 0) return &t[i];
    t[*n] = (struct code_tally){code, 0, 0, 0, 0};
    return &t[(*n)++];
}

/* Why the result of applying `sel` to site (analysed as `before`) is not acceptable (NULL when it is): a
 * syntax error it introduced, or a finding that appeared, or one that went although the edits are neither in
 * it nor around it. The fixed findings must go. Those of goes_with_a_checkpoint may go: an added `await` is
 * what they ask for. Codes are judged in the order they first appear, before then after. */
static const char *verify(const struct as_fix_site *site, const struct as_file_result *before,
                          const struct as_file_result *after, struct candidate **sel, size_t n, char *why, size_t cap)
{
    /* a notebook may keep the syntax error of one cell, in that cell */
    if (after->error && (!before->error || !after->error_cell || after->error_cell != before->error_cell)) {
        snprintf(why, cap, "it would make the file invalid (%s)", after->error);
        return why;
    }
    struct selection_index x;
    index_selection(&x, sel, n);
    struct code_tally *t = as_xcalloc(before->n_diags + after->n_diags + 1, sizeof(*t));
    size_t nt = 0;
    for (size_t k = 0; k < before->n_diags; k++) {
        const struct as_diag *d = &before->diags[k];
        struct code_tally *c = tally_of(t, &nt, d->code);
        c->before++;
        if (is_fixed(&x, d)) {
            c->must++;
            continue;
        }
        uint32_t off = as_fix_site_offset(site, d->line, d->col), end = as_fix_site_offset(site, d->end_line, d->end_col);
        c->may += goes_with_a_checkpoint(d->code) || touched(&x, off, end);
    }
    for (size_t k = 0; k < after->n_diags; k++) tally_of(t, &nt, after->diags[k].code)->after++;
    const char *bad = NULL;
    for (size_t i = 0; i < nt && !bad; i++) {
        if (t[i].after > t[i].before - t[i].must) snprintf(why, cap, "it would leave or add a %s finding", t[i].code);
        else if (t[i].after + t[i].may < t[i].before - t[i].must)
            snprintf(why, cap, "it would change another %s finding", t[i].code);
        else continue;
        bad = why;
    }
    free(t);
    free(x.fixed);
    free(x.spans);
    return bad;
}

/* verify, and for a notebook with a broken cell: no other cell of the edited text (t, its cells at starts)
 * breaks. */
static const char *check(const struct engine *e, const struct as_fix_site *site, const struct as_file_result *before,
                         const struct as_file_result *after, struct candidate **sel, size_t n, const char *t,
                         size_t len, const uint32_t *starts, char *why, size_t cap)
{
    const char *bad = verify(site, before, after, sel, n, why, cap);
    if (bad || !e->broken) return bad;
    char *parse = neutralised(t, len, starts, e->n_cells);
    struct as_fix_site now;
    if (as_fix_site_open(&now, parse, len, e->module)) {
        bool *broken = broken_cells(&now, starts, e->n_cells);
        for (size_t k = 0; k < e->n_cells && !bad; k++)
            if (broken[k] && !e->broken[k]) {
                snprintf(why, cap, "it would make cell %u invalid", e->raw[k]);
                bad = why;
            }
        free(broken);
        as_fix_site_close(&now);
    }
    free(parse);
    return bad;
}

static void record_fixed(struct engine *e, const struct candidate *c, bool from_first)
{
    struct as_fix_outcome *o = e->out;
    if (from_first && o->first_fixed) o->first_fixed[c->index] = true;
    o->n_fixed++;
    for (size_t i = 0; i < o->n_codes; i++)
        if (strcmp(o->fixed[i].code, c->d->code) == 0) {
            o->fixed[i].n++;
            return;
        }
    o->fixed = as_xrealloc(o->fixed, (o->n_codes + 1) * sizeof(*o->fixed));
    size_t at = o->n_codes++;
    while (at > 0 && strcmp(o->fixed[at - 1].code, c->d->code) > 0) {
        o->fixed[at] = o->fixed[at - 1];
        at--;
    }
    o->fixed[at] = (struct as_fix_count){c->d->code, c->d->name, 1};
}

static void record_shifts(struct engine *e, const struct as_fix_site *site, struct candidate **sel, size_t n,
                          size_t n_imports_lines)
{
    struct as_fix_outcome *o = e->out;
    for (size_t i = 0; i <= n; i++) {
        uint32_t line, col;
        int32_t delta = 0;
        if (i == n) {
            if (!n_imports_lines) break;
            as_fix_site_position(site, site->import_at, &line, &col);
            delta = (int32_t)n_imports_lines;
        } else {
            as_fix_site_position(site, sel[i]->plan.span_start, &line, &col);
            line++;   /* lines after the call's first move */
            for (size_t k = 0; k < sel[i]->plan.n_edits; k++) {
                const char *c = sel[i]->plan.edits[k].content;
                for (; *c; c++) delta += *c == '\n';
                for (uint32_t p = sel[i]->plan.edits[k].start; p < sel[i]->plan.edits[k].end; p++)
                    delta -= site->text[p] == '\n';
            }
            if (!delta) continue;
        }
        o->shifts = as_xrealloc(o->shifts, (o->n_shifts + 1) * sizeof(*o->shifts));
        o->shifts[o->n_shifts].pass = (uint32_t)o->passes;
        o->shifts[o->n_shifts].line = line;
        o->shifts[o->n_shifts++].delta = delta;
    }
}

uint32_t as_fix_map_line(const struct as_fix_outcome *o, uint32_t line)
{
    for (size_t p = 0, i = 0; p <= o->passes; p++) {
        int64_t shift = 0;
        for (; i < o->n_shifts && o->shifts[i].pass == p; i++)
            if (o->shifts[i].line <= line) shift += o->shifts[i].delta;
        line = (uint32_t)((int64_t)line + shift);
    }
    return line;
}

static void reject(struct engine *e, const struct as_fix_site *site, const struct candidate *c, const char *why)
{
    e->rejected = as_xrealloc(e->rejected, (e->n_rejected + 1) * sizeof(*e->rejected));
    e->rejected[e->n_rejected++] = (struct rejected){c->d->code, c->plan.span_start};
    if (!e->cells) {
        note(e, "%u:%u: %s: the fix was not applied: %s", c->d->line, c->d->col, c->d->code, why);
        return;
    }
    size_t k = cell_at(e->cells, e->n_cells, c->plan.span_start);   /* a notebook's position: `cell N:L:C` */
    uint32_t first_line, col;
    as_fix_site_position(site, e->cells[k], &first_line, &col);
    note(e, "cell %u:%u:%u: %s: the fix was not applied: %s", e->raw[k], c->d->line - first_line + 1, c->d->col,
         c->d->code, why);
}

/* The fixes the pass can apply: candidates (heap array, *n) of the findings that have an applicable one. */
static struct candidate *gather(struct engine *e, const struct as_fix_site *site, const struct as_file_result *r,
                                size_t *n)
{
    struct candidate *c = as_xcalloc(r->n_diags + 1, sizeof(*c));
    size_t k = 0;
    for (size_t i = 0; i < r->n_diags; i++) {
        const struct as_diag *d = &r->diags[i];
        if (!as_fix_info_for(d->code) || !as_fix_make_plan(site, d, &c[k].plan)) continue;
        struct as_fix f = {c[k].plan.applicability, NULL, NULL, 0};
        c[k].d = d;
        if (!as_fix_applies(e->s, d->code, &f) || !c[k].plan.n_edits || is_rejected(e, d->code, c[k].plan.span_start)) {
            as_fix_plan_release(&c[k].plan);
            continue;
        }
        const char *cell_why = !e->cells ? NULL
                               : crosses_cell(e->cells, e->n_cells, site->len, &c[k].plan)
                                   ? "its edit would cross the boundary of a notebook cell"
                               : e->broken && e->broken[cell_at(e->cells, e->n_cells, c[k].plan.span_start)]
                                   ? "its cell has a syntax error"
                                   : NULL;
        if (cell_why) {
            reject(e, site, &c[k], cell_why);
            as_fix_plan_release(&c[k].plan);
            continue;
        }
        c[k].d = d;
        c[k].index = i;
        k++;
    }
    *n = k;
    return c;
}

/* Where a plan's edits begin (plans are applied in this order, in one sweep). A fix placed away from what it
 * fixes (a checkpoint inserted at the end of a function) starts with its first edit, not its span. */
static uint32_t edits_start(const struct as_fix_plan *p) { return p->n_edits ? p->edits[0].start : p->span_start; }

static int by_start(const void *pa, const void *pb)
{
    const struct candidate *a = pa, *b = pb;
    uint32_t x = edits_start(&a->plan), y = edits_start(&b->plan);
    if (x != y) return x < y ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static size_t isolate(struct engine *e, const struct as_fix_site *site, const char *text,
                      const struct as_file_result *before, struct candidate **sel, size_t n);

/* sel[0..n), which failed together (why), split in halves until what fails alone is found and rejected.
 * Returns how many were rejected (0: each half passes alone; they fail only together). */
static size_t isolate_failed(struct engine *e, const struct as_fix_site *site, const char *text,
                             const struct as_file_result *before, struct candidate **sel, size_t n, const char *why)
{
    if (n == 1) {
        reject(e, site, sel[0], why);
        return 1;
    }
    size_t half = n / 2;
    return isolate(e, site, text, before, sel, half) + isolate(e, site, text, before, sel + half, n - half);
}

/* Tries the plans sel[0..n) together against the pass's text; when they fail, bisects (isolate_failed): a pass
 * with one bad fix among n costs about 2 log2(n) analyses, not n. Returns how many were rejected. */
static size_t isolate(struct engine *e, const struct as_fix_site *site, const char *text,
                      const struct as_file_result *before, struct candidate **sel, size_t n)
{
    size_t len;
    uint32_t *starts;
    char *t = apply_plans(e, site, text, sel, n, &len, &starts);
    struct as_file_result after;
    e->analyse(e->ud, t, len, starts, &after);
    char why[256];
    bool failed = check(e, site, before, &after, sel, n, t, len, starts, why, sizeof(why)) != NULL;
    as_file_result_release(&after);
    free(starts);
    free(t);
    return failed ? isolate_failed(e, site, text, before, sel, n, why) : 0;
}

/* One pass over cur (analysed as *base; the findings to fix are `findings`). Returns 1 when it applied fixes
 * (cur and base are then the new text and its analysis), 0 when there was nothing to apply, -1 when it
 * applied nothing but rejected some (try again). */
static int pass(struct engine *e, char **cur, size_t *cur_len, struct as_file_result *base,
                const struct as_file_result *findings, bool from_first, bool one_at_a_time)
{
    struct as_fix_site site;
    char *parse = e->cells ? neutralised(*cur, *cur_len, e->cells, e->n_cells) : NULL;
    if (!as_fix_site_open(&site, parse ? parse : *cur, *cur_len, e->module)) {
        free(parse);
        return 0;
    }
    site.top_level_await = e->cells != NULL;
    size_t n;
    struct candidate *c = gather(e, &site, findings, &n);
    qsort(c, n, sizeof(*c), by_start);
    for (size_t i = 0; e->cells && i < n; i++)   /* a notebook's import goes before the first use (ruff's place) */
        if (c[i].plan.n_imports) {
            as_fix_site_import_before(&site, c[i].plan.span_start);
            break;
        }
    struct candidate **sel = as_xcalloc(n + 1, sizeof(*sel));
    size_t ns = 0;
    for (size_t i = 0; i < n && ns < AS_FIX_PASS_PLANS && !(one_at_a_time && ns == 1); i++) {
        bool ok = !straddles(&c[i].plan, site.import_at);
        for (size_t k = 0; k < ns && ok; k++) ok = !overlaps(&c[i].plan, &sel[k]->plan);
        if (ok) sel[ns++] = &c[i];
    }
    int result = 0;
    if (ns) {
        size_t len;
        uint32_t *starts;
        char *t = apply_plans(e, &site, *cur, sel, ns, &len, &starts);
        struct as_file_result after;
        e->analyse(e->ud, t, len, starts, &after);
        char why[256];
        if (!check(e, &site, base, &after, sel, ns, t, len, starts, why, sizeof(why))) {
            free(e->cells);
            e->cells = starts;
            starts = NULL;
            size_t mods = 0;
            const char *m[8];
            for (size_t i = 0; i < ns; i++)
                for (size_t k = 0; k < sel[i]->plan.n_imports; k++) add_module(m, &mods, 8, sel[i]->plan.imports[k]);
            for (size_t i = 0; i < ns; i++) record_fixed(e, sel[i], from_first);
            record_shifts(e, &site, sel, ns, mods);
            char *imports = import_lines(&site, m, mods);
            shift_for_plans(e, &site, sel, ns, imports);
            free(imports);
            e->out->passes++;
            free(*cur);
            *cur = t;
            *cur_len = len;
            as_file_result_release(base);
            *base = after;
            result = 1;
        } else {
            as_file_result_release(&after);
            free(t);
            if (isolate_failed(e, &site, *cur, base, sel, ns, why) == 0) result = -2;   /* fine alone, not together */
            if (result == 0) result = -1;
        }
        free(starts);
    }
    for (size_t i = 0; i < n; i++) as_fix_plan_release(&c[i].plan);
    free(c);
    free(sel);
    as_fix_site_close(&site);
    free(parse);
    return result;
}

int as_fix_text(const char *text, size_t len, const struct as_file_result *first, const struct as_fix_settings *s,
                as_fix_analyse_fn analyse, void *ud, struct as_fix_outcome *out)
{
    memset(out, 0, sizeof(*out));
    struct engine e = {s, analyse, ud, out, NULL, 0, first->module, NULL, NULL, 0, 0};
    out->first_fixed = as_xcalloc(first->n_diags + 1, sizeof(bool));
    char *cur = as_xstrndup(text, len);
    size_t cur_len = len;
    e.cells = cell_starts_of(first);
    if (e.cells) {
        e.n_cells = first->n_cells;
        e.raw = as_xcalloc(e.n_cells, sizeof(*e.raw));
        for (size_t k = 0; k < e.n_cells; k++) e.raw[k] = first->cells[k].cell;
    }
    struct as_file_result base;
    analyse(ud, cur, cur_len, e.cells, &base);
    /* a notebook's syntax error in one cell leaves the other cells to fix */
    if (e.cells && base.error && base.error_cell) {
        struct as_fix_site site;
        char *parse = neutralised(cur, cur_len, e.cells, e.n_cells);
        if (as_fix_site_open(&site, parse, cur_len, e.module)) {
            e.broken = broken_cells(&site, e.cells, e.n_cells);
            as_fix_site_close(&site);
        }
        free(parse);
    }
    if (base.error && !e.broken) {
        note(&e, "no fix applied: %s", base.error);
    } else {
        bool from_first = true, one_at_a_time = false;
        for (int i = 0; i < AS_FIX_MAX_PASSES; i++) {
            int r = pass(&e, &cur, &cur_len, &base, from_first ? first : &base, from_first, one_at_a_time);
            if (r == 0) break;
            if (r == -2) one_at_a_time = true;
            if (r == 1) from_first = false;
        }
    }
    if (out->passes) {
        out->text = cur;
        out->len = cur_len;
        out->last = base;
        out->cell_starts = e.cells;
    } else {
        free(cur);
        free(e.cells);
        as_file_result_release(&base);
    }
    free(e.raw);
    free(e.broken);
    free(e.rejected);
    return 0;
}

void as_fix_outcome_release(struct as_fix_outcome *o)
{
    if (o->text) as_file_result_release(&o->last);
    free(o->text);
    free(o->fixed);
    free(o->first_fixed);
    for (size_t i = 0; i < o->n_notes; i++) free(o->notes[i]);
    free(o->notes);
    free(o->shifts);
    free(o->cell_starts);
    memset(o, 0, sizeof(*o));
}
