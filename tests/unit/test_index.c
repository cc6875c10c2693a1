/* test_index.c — the in-memory project index (project/index.h) on fixtures/project/entrypoints, as a language
 * server would drive it: services/users.py gets the 7 cross-module findings its `# expect:` comments list; a
 * second query analyses nothing again; an unsaved buffer of a helper (as_index_put) and a change on disk
 * (as_index_invalidate) change the answer and re-analyse only that helper; a removed module drops its findings
 * and keeps every other summary; a renamed one (a new module path) loses its summaries, and no import finds it.
 * Several files joined at once (as_index_join) each get what a query of their own gives them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input/source.h"
#include "pipeline/engine.h"
#include "project/index.h"
#include "project/scope.h"
#include "test_util.h"

struct loader {
    const struct as_engine *engine;
    struct as_worker *worker;
    size_t analysed;   /* files analysed through the callback */
    char last[256];    /* the last one */
};

static void analyse(void *ud, const char *path, const char *module_path, struct as_file_result *res)
{
    struct loader *l = ud;
    char *bytes = NULL, err[256];
    size_t len = 0;
    l->analysed++;
    snprintf(l->last, sizeof(l->last), "%s", path);
    if (as_source_read_file(path, AS_SOURCE_DEFAULT_MAX_SIZE, &bytes, &len, err, sizeof(err)) != 0) {
        res->path = path;
        res->error = as_arena_strdup(&res->arena, err);
        return;
    }
    as_analyze_buffer_ex(l->worker, l->engine, module_path, bytes, len, true, res);
    res->path = as_arena_strdup(&res->arena, path);
    free(bytes);
}

static size_t count_project(const struct as_file_result *res)
{
    size_t n = 0;
    for (size_t i = 0; i < res->n_diags; i++)
        n += strcmp(res->diags[i].code, "ASC108") == 0 || strcmp(res->diags[i].code, "ASC109") == 0;
    return n;
}

/* The ASC108/ASC109 findings of `path` (its text: `text`, or the file) joined through the index. */
static size_t project_findings(struct as_index *x, struct loader *l, const char *path, const char *module_path)
{
    char *bytes = NULL, err[256];
    size_t len = 0, n = 0;
    ck_assert_int_eq(as_source_read_file(path, AS_SOURCE_DEFAULT_MAX_SIZE, &bytes, &len, err, sizeof(err)), 0);
    struct as_file_result res;
    as_file_result_init(&res);
    as_analyze_buffer(l->worker, l->engine, module_path, bytes, len, &res);
    free(bytes);
    ck_assert(as_index_findings(x, path, &res));
    n = count_project(&res);
    for (size_t i = 0; i < res.n_diags; i++) {
        /* a chain outlives the query's project (ASan: it pointed into the freed project once) */
        for (size_t c = 0; c < res.diags[i].n_chain; c++) {
            const struct as_chain_step *step = &res.diags[i].chain[c];
            size_t pl = strlen(step->path);
            ck_assert(pl > 3 && strcmp(step->path + pl - 3, ".py") == 0);
            ck_assert(step->label[0] != '\0');
        }
    }
    as_file_result_release(&res);
    return n;
}

/* The fixture's files (display paths relative to it) and their module paths, without `leave_out`, with
 * `rename_from` listed as `rename_to`. */
static size_t list_files(struct as_project_scope *s, const char **paths, const char **modules, struct as_arena *a,
                         const char *leave_out, const char *rename_from, const char *rename_to)
{
    struct as_path_list files = {0};
    struct as_discover_opts opts = {0};
    as_project_scope_discover(s, &opts, &files);
    size_t n = 0;
    for (size_t i = 0; i < files.n && n < 64; i++) {
        const char *p = files.paths[i];
        if (leave_out && strcmp(p, leave_out) == 0) continue;
        paths[n] = as_arena_strdup(a, p);
        modules[n] = as_project_scope_module_path(s, p, a);
        if (rename_from && strcmp(p, rename_from) == 0) modules[n] = rename_to;
        n++;
    }
    as_path_list_release(&files);
    return n;
}

/* The fixture's index, as a language server sets it up: every file listed, none analysed yet. */
struct fixture {
    struct as_engine engine;
    struct loader l;
    struct as_index *x;
    struct as_project_scope s;
    struct as_arena a;
    const char *paths[64], *modules[64];
    size_t n;
};

static void open_fixture(struct fixture *f)
{
    ck_assert_int_eq(chdir(AS_SOURCE_DIR "/fixtures/project/entrypoints"), 0);
    char *err = NULL;
    ck_assert_int_eq(as_engine_init(&f->engine, NULL, NULL, NULL, &err), 0);
    f->l = (struct loader){&f->engine, as_worker_new(), 0, ""};
    f->x = as_index_new(&f->engine, 0, analyse, &f->l);
    ck_assert_ptr_nonnull(f->x);
    const char *named[] = {"services/users.py"};
    ck_assert(as_project_scope_init(&f->s, named, 1, ".", "."));
    as_arena_init(&f->a);
    f->n = list_files(&f->s, f->paths, f->modules, &f->a, NULL, NULL, NULL);
    as_index_set_files(f->x, f->paths, f->modules, f->n);
}

static void close_fixture(struct fixture *f)
{
    as_index_free(f->x);
    as_project_scope_release(&f->s);
    as_arena_release(&f->a);
    as_worker_free(f->l.worker);
    as_engine_release(&f->engine);
}

START_TEST(queries_and_edits)
{
    static struct fixture f;
    open_fixture(&f);
    struct as_index *x = f.x;
    struct loader *l = &f.l;
    size_t n = f.n;
    const char *users = "services/users.py";

    ck_assert_uint_eq(project_findings(x, l, users, users), 7);
    size_t first = l->analysed;
    ck_assert_uint_gt(first, 0);
    ck_assert_uint_lt(first, n);   /* only what the searches reach */
    ck_assert_uint_eq(project_findings(x, l, users, users), 7);
    ck_assert_uint_eq(l->analysed, first);   /* nothing analysed again */

    /* an unsaved buffer of util/disk.py whose read_json no longer blocks (log_line went through it too) */
    const char *buffer = "import shutil\n\n\ndef read_json(path):\n    return path\n\n\n"
                         "def copy(src, dst):\n    shutil.copyfile(src, dst)\n\n\ndef describe(path):\n    return path\n";
    struct as_file_result edited;
    as_file_result_init(&edited);
    as_analyze_buffer_ex(l->worker, &f.engine, "util/disk.py", buffer, strlen(buffer), true, &edited);
    ck_assert(as_index_put(x, "util/disk.py", &edited));
    as_file_result_release(&edited);
    ck_assert_uint_eq(project_findings(x, l, users, users), 5);
    ck_assert_uint_eq(l->analysed, first);
    /* back to the file on disk: only it is analysed again */
    as_index_invalidate(x, "util/disk.py");
    ck_assert_uint_eq(project_findings(x, l, users, users), 7);
    ck_assert_uint_eq(l->analysed, first + 1);
    ck_assert_str_eq(l->last, "util/disk.py");

    /* util/net.py removed: fetch and resolve are gone; every other summary is kept */
    size_t held = as_index_summaries(x);
    n = list_files(&f.s, f.paths, f.modules, &f.a, "util/net.py", NULL, NULL);
    as_index_set_files(x, f.paths, f.modules, n);
    ck_assert_uint_eq(as_index_summaries(x), held - 1);
    ck_assert_uint_eq(project_findings(x, l, users, users), 5);
    ck_assert_uint_eq(l->analysed, first + 1);
    /* back (analysed again), then renamed: its module path changes, its summaries go, no import finds it */
    n = list_files(&f.s, f.paths, f.modules, &f.a, NULL, NULL, NULL);
    as_index_set_files(x, f.paths, f.modules, n);
    ck_assert_uint_eq(project_findings(x, l, users, users), 7);
    ck_assert_uint_eq(l->analysed, first + 2);
    held = as_index_summaries(x);
    n = list_files(&f.s, f.paths, f.modules, &f.a, NULL, "util/net.py", "util/network.py");
    as_index_set_files(x, f.paths, f.modules, n);
    ck_assert_uint_eq(as_index_summaries(x), held - 1);
    ck_assert_uint_eq(project_findings(x, l, users, users), 5);
    ck_assert(!as_index_findings(x, "nowhere.py", NULL));

    close_fixture(&f);
}
END_TEST

/* analyse_many: each round at once (through the one-file callback), counted. */
static size_t rounds_seen, round_files;

static void analyse_round(void *ud, const char *const *paths, const char *const *module_paths, size_t n,
                          struct as_file_result *res)
{
    rounds_seen++;
    round_files += n;
    for (size_t k = 0; k < n; k++) analyse(ud, paths[k], module_paths[k], &res[k]);
}


/* Several files joined at once (as_index_join, what the CLI does for files named alone): each gets what a query
 * of its own gives it; a round's modules go to analyse_many together; a path not in the index is left alone. */
START_TEST(join_several)
{
    static struct fixture f;
    open_fixture(&f);
    struct as_index *x = f.x;
    as_index_set_analyse_many(x, analyse_round);
    const char *targets[] = {"services/users.py", "services/reports.py", "nowhere.py"};
    struct as_file_result res[3];
    struct as_file_result *out[3] = {&res[0], &res[1], &res[2]};
    for (size_t k = 0; k < 3; k++) {
        as_file_result_init(&res[k]);
        if (k < 2) {
            analyse(&f.l, targets[k], targets[k], &res[k]);
            ck_assert(as_index_put(x, targets[k], &res[k]));
        }
    }
    size_t before = f.l.analysed;
    ck_assert_uint_eq(as_index_join(x, targets, out, 3), 2);
    ck_assert_uint_eq(count_project(&res[0]), 7);
    ck_assert_uint_eq(count_project(&res[1]), 1);
    ck_assert_uint_eq(res[2].n_diags, 0);
    ck_assert_uint_gt(rounds_seen, 0);
    ck_assert_uint_eq(round_files, f.l.analysed - before);   /* every module went through analyse_many */
    struct as_project_counts c = {0};
    as_index_count(x, &c);
    ck_assert_uint_eq(c.files, f.n);
    ck_assert_uint_eq(c.parsed, 2 + round_files);
    for (size_t k = 0; k < 3; k++) as_file_result_release(&res[k]);

    close_fixture(&f);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("index");
    TCase *tc = tcase_create("index");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, queries_and_edits);
    tcase_add_test(tc, join_several);
    suite_add_tcase(s, tc);
    return s;
}
