/* flow.c — which reads a binding reaches; see flow.h. Blocks are told apart by indentation, which Python's
 * grammar makes exact for statements: a plain assignment hides an earlier binding from a read when the read comes
 * after it in its block (every line between them indented at least as deeply), or when the binding comes before
 * it in its block, since any path from the binding to the read then passes through the assignment. When unsure
 * (a line less indented inside brackets, a loop that may run zero times, an exception), a binding is taken to
 * reach the read. */
#include "analysis/flow.h"

#include <stdint.h>
#include <string.h>

/* The start of the line holding pos. */
static uint32_t line_start(const char *src, uint32_t pos)
{
    while (pos > 0 && src[pos - 1] != '\n') pos--;
    return pos;
}

/* The indentation of the line starting at ls, or -1 when it is blank or a comment. */
static int indent_at(const char *src, size_t len, uint32_t ls)
{
    uint32_t i = ls;
    while (i < len && (src[i] == ' ' || src[i] == '\t')) i++;
    if (i >= len || src[i] == '\n' || src[i] == '\r' || src[i] == '#') return -1;
    return (int)(i - ls);
}

/* Whether every line from the one after `from`'s line to the line of `to` (included) is blank, a comment, or
 * indented at least `min` deep. */
static bool stays_within(const char *src, size_t len, uint32_t from, uint32_t to, int min)
{
    uint32_t ls = line_start(src, from);
    for (;;) {
        const char *nl = memchr(src + ls, '\n', len - ls);
        if (!nl) return true;
        ls = (uint32_t)(nl - src) + 1;
        if (ls > to) return true;
        int ind = indent_at(src, len, ls);
        if (ind >= 0 && ind < min) return false;
    }
}

/* Whether a line after `from`'s line, up to `to`, leaves its block another way than falling through to the next
 * statement (`break`, `continue`, `raise`): a value bound before may then get past what follows. */
static bool jumps_between(const char *src, size_t len, uint32_t from, uint32_t to)
{
    static const char *const words[] = {"break", "continue", "raise", NULL};
    for (uint32_t ls = line_start(src, from);;) {
        const char *nl = memchr(src + ls, '\n', len - ls);
        if (!nl) return false;
        ls = (uint32_t)(nl - src) + 1;
        if (ls > to) return false;
        int ind = indent_at(src, len, ls);
        for (size_t w = 0; ind >= 0 && words[w]; w++) {
            size_t n = strlen(words[w]);
            const char *t = src + ls + ind;
            if (strncmp(t, words[w], n) == 0 && !as_name_byte((unsigned char)t[n])) return true;
        }
    }
}

/* Whether a plain assignment of the name between b and the read at `pos` always runs on the way to it. */
static bool hidden(const struct as_model *m, size_t len, const struct as_binding *b, uint32_t pos)
{
    const struct as_facts *f = m->facts;
    for (const struct as_binding *o = b->next >= 0 ? &f->bindings[b->next] : NULL; o;
         o = o->next >= 0 ? &f->bindings[o->next] : NULL) {
        /* the read must come after the whole assignment: `t = wrap(t)` reads t before binding it */
        if (o->kind != AS_BIND_ASSIGN || o->pos <= b->stmt.end || o->stmt.end > pos) continue;
        if (o->value.kind == AS_EXPR_NONE) continue;
        int ind = indent_at(m->source, len, line_start(m->source, o->stmt.start));
        if (ind < 0 || line_start(m->source, o->stmt.start) != line_start(m->source, o->pos)) continue;
        /* the read comes after it in its block, or b comes before it in its block (b's value cannot get past it) */
        if (stays_within(m->source, len, o->stmt.end, pos, ind)) return true;
        int b_ind = indent_at(m->source, len, line_start(m->source, b->stmt.start));
        if (b_ind >= ind && stays_within(m->source, len, b->stmt.end, o->stmt.start, ind) &&
            !jumps_between(m->source, len, b->stmt.end, o->stmt.start))
            return true;
    }
    return false;
}

/* Whether a `for`/`while` loop holds both the read at `pos` (before b) and b: b reaches it on the next pass. */
static bool in_one_loop(const struct as_model *m, size_t len, const struct as_binding *b, uint32_t pos)
{
    const char *src = m->source;
    int min = indent_at(src, len, line_start(src, pos));
    if (min < 0) return true;
    for (uint32_t ls = line_start(src, pos); ls > 0;) {
        ls = line_start(src, ls - 1);
        int ind = indent_at(src, len, ls);
        if (ind < 0 || ind >= min) continue;
        min = ind;
        const char *t = src + ls + ind;
        if (strncmp(t, "def ", 4) == 0 || strncmp(t, "async def ", 10) == 0 || strncmp(t, "class ", 6) == 0)
            return false;
        bool loop = strncmp(t, "for ", 4) == 0 || strncmp(t, "while ", 6) == 0 || strncmp(t, "async for ", 10) == 0;
        if (loop && stays_within(src, len, ls, b->pos, ind + 1)) return true;
        if (ind == 0) return false;
    }
    return false;
}

/* Whether b reaches the read at pos (in b's scope). */
static bool reaches(const struct as_model *m, size_t len, const struct as_binding *b, uint32_t pos)
{
    return pos > b->pos ? !hidden(m, len, b, pos) : in_one_loop(m, len, b, pos);
}

/* The first reference at or after pos (references are sorted by position). */
static size_t first_ref_at(const struct as_facts *f, uint32_t pos)
{
    size_t lo = 0, hi = f->n_refs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f->refs[mid].pos < pos) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

bool as_flow_binding_read(const struct as_model *m, const struct as_binding *b)
{
    if (b->used || as_model_declared_outside(m, b)) return true;
    const struct as_facts *f = m->facts;
    size_t len = strlen(m->source);
    /* the reads in b's scope, nested scopes included: within its span (the module: everywhere) */
    struct as_span in = b->scope > 0 ? f->scopes[b->scope].body : (struct as_span){0, UINT32_MAX};
    for (size_t i = first_ref_at(f, in.start); i < f->n_refs && f->refs[i].pos < in.end; i++) {
        const struct as_ref *r = &f->refs[i];
        if (strcmp(r->name, b->name) != 0) continue;
        const struct as_binding *rb = as_model_lookup(m, r->scope, r->name, r->pos);
        if (!rb || rb->scope != b->scope) continue;
        if (r->scope != b->scope) return true;   /* a nested function or lambda: it may run at any time */
        if (reaches(m, len, b, r->pos)) return true;
    }
    for (const struct as_binding *o = as_model_first_binding(m, b->scope, b->name); o;   /* `t += 1` reads t */
         o = o->next >= 0 ? &f->bindings[o->next] : NULL)
        if (o != b && o->also_reads && reaches(m, len, b, o->pos)) return true;
    return false;
}

bool as_flow_call_value_unread(const struct as_model *m, size_t call_index)
{
    const struct as_facts *f = m->facts;
    int32_t first = f->calls[call_index].assigned_to;
    if (first < 0) return false;
    /* the statement's targets (`t = u = spawn()`: nested assignments that end where it ends) are the bindings
     * around it (sorted by position) */
    uint32_t end = f->bindings[first].stmt.end;
    size_t i = (size_t)first;
    while (i > 0 && f->bindings[i - 1].stmt.end == end) i--;
    for (; i < f->n_bindings && f->bindings[i].stmt.end == end; i++) {
        const struct as_binding *b = &f->bindings[i];
        if (b->kind != AS_BIND_ASSIGN || b->value.kind != AS_EXPR_CALL || b->value.call != (int32_t)call_index ||
            *b->value.tail)
            continue;
        if (as_flow_binding_read(m, b)) return false;
    }
    return true;
}
