/* test_summary.c — per-file function summaries, the input of the project-wide pass: qualified names of defs
 * and methods, the calls each makes by qualified name, and the blocking calls each makes even in sync code; and
 * the project's tables, which take the summaries in whatever order files are added. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/engine.h"
#include "project/project.h"
#include "test_util.h"
#include "util/buf.h"

static const struct as_function_summary *find(const struct as_file_result *r, const char *qname)
{
    for (size_t i = 0; i < r->n_functions; i++)
        if (strcmp(r->functions[i].qname, qname) == 0) return &r->functions[i];
    return NULL;
}

START_TEST(summaries)
{
    const char *src = "import time\n"
                      "from .db import load\n"
                      "def helper():\n"
                      "    time.sleep(1)\n"
                      "    return load()\n"
                      "class Service:\n"
                      "    def fetch(self):\n"
                      "        return helper()\n"
                      "    async def run(self):\n"
                      "        self.fetch()\n"
                      "        time.sleep(2)\n";
    struct as_engine engine;
    char *err = NULL;
    ck_assert_int_eq(as_engine_init(&engine, NULL, NULL, NULL, &err), 0);
    struct as_worker *w = as_worker_new();
    struct as_file_result r;
    as_file_result_init(&r);
    as_analyze_buffer(w, &engine, "pkg/svc.py", src, strlen(src), &r);
    ck_assert_str_eq(r.module, "pkg.svc");
    ck_assert_uint_eq(r.n_functions, 3);
    const struct as_function_summary *h = find(&r, "pkg.svc.helper");
    ck_assert_ptr_nonnull(h);
    ck_assert(!h->is_async);
    ck_assert_uint_eq(h->line, 3);
    ck_assert_uint_eq(h->n_blocking, 1);
    ck_assert_str_eq(h->blocking[0].callee, "time.sleep");
    ck_assert_str_eq(h->blocking[0].code, "ASYNC251");
    ck_assert_uint_eq(h->blocking[0].line, 4);
    ck_assert_uint_eq(h->n_calls, 2);
    ck_assert_str_eq(h->calls[0].callee, "time.sleep");
    ck_assert_str_eq(h->calls[1].callee, "pkg.db.load");
    const struct as_function_summary *f = find(&r, "pkg.svc.Service.fetch");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->n_calls, 1);
    ck_assert_str_eq(f->calls[0].callee, "pkg.svc.helper");
    ck_assert_uint_eq(f->n_blocking, 0);
    const struct as_function_summary *run = find(&r, "pkg.svc.Service.run");
    ck_assert_ptr_nonnull(run);
    ck_assert(run->is_async);
    ck_assert_str_eq(run->calls[0].callee, "pkg.svc.Service.fetch");
    ck_assert_uint_eq(run->n_blocking, 1);
    /* only the call in async code is a finding */
    ck_assert_uint_eq(r.n_diags, 1);
    ck_assert_uint_eq(r.diags[0].line, 11);
    as_file_result_release(&r);
    as_worker_free(w);
    as_engine_release(&engine);
}
END_TEST

/* The project's findings in file `main` when the files are added in the order `order` (every file parsed). */
static char *project_findings(struct as_engine *engine, const char *const *paths, const char *const *texts, size_t n,
                              const size_t *order, size_t main, bool eager)
{
    struct as_worker *w = as_worker_new();
    struct as_project *p = as_project_new(engine, 16);
    ck_assert_ptr_nonnull(p);
    as_project_map_eagerly(p, eager);
    struct as_file_result *r = calloc(n, sizeof(*r));
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        as_file_result_init(&r[i]);
        as_analyze_buffer_ex(w, engine, paths[i], texts[i], strlen(texts[i]), true, &r[i]);
        as_project_add(p, i, &r[i]);
    }
    as_project_solve(p);
    as_project_findings(p, main, &r[main]);
    struct as_buf b;
    as_buf_init(&b);
    for (size_t d = 0; d < r[main].n_diags; d++) as_buf_printf(&b, "%u:%s\n", r[main].diags[d].line, r[main].diags[d].code);
    for (size_t i = 0; i < n; i++) as_file_result_release(&r[i]);
    free(r);
    as_project_free(p);
    as_worker_free(w);
    return as_buf_detach(&b, NULL);
}

/* The project's findings in file `main` are `want` whether the n (<= 8) files are added forwards or backwards,
 * with the tables built eagerly or not. */
static void assert_any_order(struct as_engine *engine, const char *const *paths, const char *const *texts, size_t n,
                             size_t main, const char *want)
{
    size_t forward[8], backward[8];
    ck_assert_uint_le(n, 8);
    for (size_t i = 0; i < n; i++) {
        forward[i] = i;
        backward[i] = n - 1 - i;
    }
    for (int eager = 0; eager < 2; eager++) {
        char *a = project_findings(engine, paths, texts, n, forward, main, eager);
        char *b = project_findings(engine, paths, texts, n, backward, main, eager);
        ck_assert_str_eq(a, want);
        ck_assert_str_eq(b, a);
        free(a);
        free(b);
    }
}

/* The project's tables take files in as they are added (or all at the first search), in any order, and answer
 * as if built in file order:
 * of two files of one module (app/api.py and its stub app/api.pyi), the earlier one's module is the one whose
 * import aliases resolve `app.api.nap` (to app.util.nap, which blocks). */
START_TEST(project_tables_any_order)
{
    const char *paths[] = {"app/__init__.py", "app/api.py", "app/api.pyi", "app/main.py", "app/util.py"};
    const char *texts[] = {"", "from .util import nap\n", "x: int\n",
                           "from app.api import nap\n\nasync def go():\n    nap()\n",
                           "import time\n\ndef nap():\n    time.sleep(1)\n"};
    struct as_engine engine;
    char *err = NULL;
    ck_assert_int_eq(as_engine_init(&engine, NULL, NULL, NULL, &err), 0);
    assert_any_order(&engine, paths, texts, 5, 3, "4:ASC108\n");
    as_engine_release(&engine);
}
END_TEST

/* Annotated returns go into the summaries (a property's flagged), with the `# noqa` codes of the async code's calls
 * the join may type; the join types a call through another module's annotation and reports it under the rule
 * the typed name matches (ASYNC240), in whatever order the files come, and honours the noqa. */
START_TEST(typed_across_modules)
{
    const char *paths[] = {"app/__init__.py", "app/main.py", "app/paths.py"};
    const char *texts[] = {"",
                           "from app.paths import data_dir, Settings\n\n"
                           "async def go(s: Settings):\n"
                           "    data_dir().mkdir()\n"
                           "    s.cache.exists()  # noqa: ASYNC240\n"
                           "    s.cache.is_file()\n"
                           "    data_dir().with_suffix('.x')\n",
                           "from pathlib import Path, PurePath\n\n"
                           "def data_dir() -> Path:\n    return Path('/')\n\n"
                           "class Settings:\n    @property\n    def cache(self) -> Path:\n        return Path('/')\n"
                           "    def pure(self) -> PurePath:\n        return PurePath('/')\n"};
    struct as_engine engine;
    char *err = NULL;
    struct as_file_result r;
    ck_assert_int_eq(as_engine_init(&engine, NULL, NULL, NULL, &err), 0);
    as_file_result_init(&r);
    struct as_worker *w = as_worker_new();
    as_analyze_buffer_ex(w, &engine, paths[2], texts[2], strlen(texts[2]), true, &r);   /* no async: the skip leaves it out */
    const struct as_function_summary *f = find(&r, "app.paths.data_dir");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->returns, "pathlib.Path()");
    ck_assert(!f->is_property);
    f = find(&r, "app.paths.Settings.cache");
    ck_assert_str_eq(f->returns, "pathlib.Path()");
    ck_assert(f->is_property);
    ck_assert_str_eq(find(&r, "app.paths.Settings.pure")->returns, "pathlib.PurePath()");
    as_file_result_release(&r);
    as_file_result_init(&r);
    as_analyze_buffer(w, &engine, paths[1], texts[1], strlen(texts[1]), &r);
    ck_assert_uint_eq(r.n_diags, 0);   /* nothing the file alone can tell */
    f = find(&r, "app.main.go");
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < f->n_calls; i++)
        if (f->calls[i].line == 5) ck_assert_str_eq(f->calls[i].noqa, "ASYNC240");
        else ck_assert_ptr_null(f->calls[i].noqa);
    as_file_result_release(&r);
    as_worker_free(w);
    assert_any_order(&engine, paths, texts, 3, 1, "4:ASYNC240\n6:ASYNC240\n");
    as_engine_release(&engine);
}
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("summary");
    TCase *tc = tcase_create("summary");
    tcase_add_test(tc, summaries);
    tcase_add_test(tc, project_tables_any_order);
    tcase_add_test(tc, typed_across_modules);
    suite_add_tcase(s, tc);
    return s;
}
