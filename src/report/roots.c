/* roots.c — grouping findings through helpers by their root; see roots.h. */
#include "report/roots.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/strmap.h"
#include "util/vec.h"
#include "util/xalloc.h"

struct root_group {
    const char *name, *path, *root_code, *code;   /* arena */
    unsigned line;
    size_t count;
    size_t first;          /* order of the first finding: ties keep the order of the output */
};

struct as_root_tally {
    struct as_arena arena;
    struct as_strmap by_key;
    VEC(struct root_group) groups;
};

struct as_root_tally *as_root_tally_new(void)
{
    struct as_root_tally *t = as_xcalloc(1, sizeof(*t));
    as_arena_init(&t->arena);
    return t;
}

void as_root_tally_free(struct as_root_tally *t)
{
    if (!t) return;
    as_strmap_free(&t->by_key);
    as_arena_release(&t->arena);
    vec_free(&t->groups);
    free(t);
}

void as_root_tally_add(struct as_root_tally *t, const struct as_file_result *res, const struct as_diag *d)
{
    const struct as_chain_step *root = as_diag_root(d);
    if (!root) return;
    const char *path = root->path ? root->path : res->path;
    const char *key = as_arena_printf(&t->arena, "%s\x1f%s\x1f%u\x1f%s\x1f%s", root->label, path, root->line,
                                      d->root_code, d->code);
    int32_t k = as_strmap_put(&t->by_key, key, (int32_t)t->groups.len);
    if ((size_t)k == t->groups.len) {
        struct root_group g = {as_arena_strdup(&t->arena, root->label), as_arena_strdup(&t->arena, path),
                               as_arena_strdup(&t->arena, d->root_code), as_arena_strdup(&t->arena, d->code),
                               root->line, 0, t->groups.len};
        vec_push(&t->groups, g);
    }
    t->groups.items[k].count++;
}

static int by_count(const void *a, const void *b)
{
    const struct root_group *x = a, *y = b;
    if (x->count != y->count) return x->count > y->count ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* The groups, largest first (a sorted copy: the tally keeps counting in output order). */
static struct root_group *sorted(const struct as_root_tally *t)
{
    struct root_group *g = as_xmalloc((t->groups.len ? t->groups.len : 1) * sizeof(*g));
    if (t->groups.len) memcpy(g, t->groups.items, t->groups.len * sizeof(*g));
    qsort(g, t->groups.len, sizeof(*g), by_count);
    return g;
}

void as_root_tally_print_statistics(const struct as_root_tally *t, FILE *out)
{
    if (!t->groups.len) return;
    struct root_group *g = sorted(t);
    fprintf(out, "findings through helpers, by root (the blocking call each chain ends in; a `# noqa: ASC108` on its "
                 "line settles them):\n");
    for (size_t i = 0; i < t->groups.len; i++)
        fprintf(out, "%5zu\t%s\t%s:%u (%s)\n", g[i].count, g[i].name, g[i].path, g[i].line, g[i].root_code);
    free(g);
}

void as_root_tally_print_summary(const struct as_root_tally *t, FILE *out, size_t max)
{
    struct root_group *g = sorted(t);
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < t->groups.len && g[i].count > 1; i++) {
        if (shown == max) {
            more++;
            continue;
        }
        fprintf(out, "%zu %s findings come from `%s` at %s:%u (%s): one `# noqa: %s` there, or running its helper in a "
                     "thread, settles them.\n",
                g[i].count, g[i].code, g[i].name, g[i].path, g[i].line, g[i].root_code, g[i].code);
        shown++;
    }
    if (more) fprintf(out, "... and %zu more roots with several findings each (--statistics lists them all).\n", more);
    free(g);
}
