/* test_pool.c — the worker pool delivers every item exactly once and in order whatever the thread count and
 * timing, creates one worker state per thread, never runs more than max_in_flight items ahead of the emitter,
 * and stops running ahead when the finished items hold more than max_held bytes. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/pool.h"
#include "test_util.h"

struct state {
    pthread_mutex_t mu;
    size_t n;
    int *worked;
    size_t *emitted;
    size_t n_emitted;
    int inits, finis;
    size_t started, max_ahead;
    bool order_ok;
};

static void *w_init(void *ud)
{
    struct state *s = ud;
    pthread_mutex_lock(&s->mu);
    s->inits++;
    pthread_mutex_unlock(&s->mu);
    return s;
}

static void w_fini(void *ud, void *w)
{
    struct state *s = ud;
    ck_assert_ptr_eq(w, s);
    pthread_mutex_lock(&s->mu);
    s->finis++;
    pthread_mutex_unlock(&s->mu);
}

static void work(void *ud, void *w, size_t i)
{
    (void)w;
    struct state *s = ud;
    pthread_mutex_lock(&s->mu);
    s->started++;
    size_t ahead = s->started - s->n_emitted;
    if (ahead > s->max_ahead) s->max_ahead = ahead;
    pthread_mutex_unlock(&s->mu);
    struct timespec ts = {0, (long)((i * 7919) % 5) * 100000L};
    nanosleep(&ts, NULL);
    __atomic_add_fetch(&s->worked[i], 1, __ATOMIC_SEQ_CST);
}

static void emit(void *ud, size_t i)
{
    struct state *s = ud;
    ck_assert_int_eq(__atomic_load_n(&s->worked[i], __ATOMIC_SEQ_CST), 1);
    pthread_mutex_lock(&s->mu);
    if (i != s->n_emitted) s->order_ok = false;
    s->emitted[s->n_emitted++] = i;
    pthread_mutex_unlock(&s->mu);
}

static void run(size_t n, int jobs, size_t max_in_flight)
{
    struct state s;
    memset(&s, 0, sizeof(s));
    pthread_mutex_init(&s.mu, NULL);
    s.n = n;
    s.worked = calloc(n + 1, sizeof(int));
    s.emitted = calloc(n + 1, sizeof(size_t));
    s.order_ok = true;
    struct as_pool_job job = {n, jobs, &s, w_init, w_fini, work, emit, max_in_flight, NULL, 0};
    ck_assert_int_eq(as_pool_run(&job), 0);
    ck_assert_uint_eq(s.n_emitted, n);
    ck_assert(s.order_ok);
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(s.worked[i], 1);
    size_t threads = (jobs <= 1 || n <= 1) ? 1 : ((size_t)jobs < n ? (size_t)jobs : n);
    ck_assert_int_eq(s.inits, (int)threads);
    ck_assert_int_eq(s.finis, (int)threads);
    size_t bound = max_in_flight ? max_in_flight : 4 * threads;
    if (bound < threads) bound = threads;
    if (threads > 1) ck_assert_msg(s.max_ahead <= bound, "ran %zu ahead, bound %zu", s.max_ahead, bound);
    free(s.worked);
    free(s.emitted);
    pthread_mutex_destroy(&s.mu);
}

/* The byte budget: item 0 is slow; every item holds 100 bytes once finished. With a window of 1000 the others
 * would all finish while item 0 runs; the budget of 250 bytes lets at most 250 + one per worker pile up. */
struct budget {
    pthread_mutex_t mu;
    size_t finished, emitted, max_waiting;
};

static void budget_work(void *ud, void *w, size_t i)
{
    (void)w;
    struct budget *b = ud;
    struct timespec ts = {0, i == 0 ? 50000000L : 100000L};
    nanosleep(&ts, NULL);
    pthread_mutex_lock(&b->mu);
    b->finished++;
    if (b->finished - b->emitted > b->max_waiting) b->max_waiting = b->finished - b->emitted;
    pthread_mutex_unlock(&b->mu);
}

static void budget_emit(void *ud, size_t i)
{
    (void)i;
    struct budget *b = ud;
    pthread_mutex_lock(&b->mu);
    b->emitted++;
    pthread_mutex_unlock(&b->mu);
}

static size_t budget_held(void *ud, size_t i)
{
    (void)ud;
    (void)i;
    return 100;
}

static size_t run_budget(size_t max_held)
{
    struct budget b;
    memset(&b, 0, sizeof(b));
    pthread_mutex_init(&b.mu, NULL);
    struct as_pool_job job = {300, 4, &b, NULL, NULL, budget_work, budget_emit, 1000, budget_held, max_held};
    ck_assert_int_eq(as_pool_run(&job), 0);
    ck_assert_uint_eq(b.emitted, 300);
    pthread_mutex_destroy(&b.mu);
    return b.max_waiting;
}

START_TEST(byte_budget)
{
    size_t waiting = run_budget(250);
    ck_assert_msg(waiting <= 3 + 4, "%zu finished items waited with a budget of 3", waiting);
    /* without a budget worth the name, the window alone bounds it (the check above can fail) */
    ck_assert_uint_gt(run_budget((size_t)-1), 50);
}
END_TEST

START_TEST(inline_run) { run(50, 1, 0); }
END_TEST
START_TEST(threaded_run) { run(500, 4, 0); }
END_TEST
START_TEST(bounded_window) { run(300, 3, 3); }
END_TEST
START_TEST(edge_sizes)
{
    run(0, 4, 0);
    run(1, 4, 0);
    run(3, 16, 0);
}
END_TEST
START_TEST(cpus) { ck_assert_int_ge(as_pool_online_cpus(), 1); }
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, inline_run);
    tcase_add_test(tc, threaded_run);
    tcase_add_test(tc, bounded_window);
    tcase_add_test(tc, edge_sizes);
    tcase_add_test(tc, byte_budget);
    tcase_add_test(tc, cpus);
    suite_add_tcase(s, tc);
    return s;
}
