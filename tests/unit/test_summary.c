/* test_summary.c — per-file function summaries, the input of the project-wide pass: qualified names of defs
 * and methods, the calls each makes by qualified name, and the blocking calls each makes even in sync code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "test_util.h"

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

Suite *as_test_suite(void)
{
    Suite *s = suite_create("summary");
    TCase *tc = tcase_create("summary");
    tcase_add_test(tc, summaries);
    suite_add_tcase(s, tc);
    return s;
}
