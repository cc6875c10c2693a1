/* test_budget.c — the admission gate of util/budget.h: takers whose sum fits go in together; one that would
 * pass the limit waits until enough is given back; a taker alone goes in whatever it asks. */
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>

#include "test_util.h"
#include "util/budget.h"

struct taker {
    struct as_budget *budget;
    size_t n;
    bool in;   /* set under the budget's lock once take returned */
};

static void *take_and_mark(void *ud)
{
    struct taker *t = ud;
    as_budget_take(t->budget, t->n);
    pthread_mutex_lock(&t->budget->lock);
    t->in = true;
    pthread_mutex_unlock(&t->budget->lock);
    return NULL;
}

static size_t waits_of(struct as_budget *b)
{
    pthread_mutex_lock(&b->lock);
    size_t w = b->waits;
    pthread_mutex_unlock(&b->lock);
    return w;
}

/* Starts t on a thread of its own and returns once it waits (the budget counts one more wait), still out. */
static void start_waiting(struct as_budget *b, struct taker *t, pthread_t *th)
{
    size_t before = waits_of(b);
    ck_assert_int_eq(pthread_create(th, NULL, take_and_mark, t), 0);
    while (waits_of(b) == before) sched_yield();
    pthread_mutex_lock(&b->lock);
    ck_assert(!t->in);
    pthread_mutex_unlock(&b->lock);
}

START_TEST(sums_that_fit_go_in_together)
{
    struct as_budget b;
    as_budget_init(&b, 10);
    as_budget_take(&b, 4);
    as_budget_take(&b, 6);   /* 10: exactly the limit */
    ck_assert_uint_eq(b.held, 10);
    ck_assert_uint_eq(waits_of(&b), 0);
    as_budget_give_back(&b, 4);
    as_budget_give_back(&b, 6);
    as_budget_take(&b, 1000);   /* alone: in, however large */
    ck_assert_uint_eq(b.held, 1000);
    as_budget_give_back(&b, 1000);
    ck_assert_uint_eq(waits_of(&b), 0);
    as_budget_destroy(&b);
}
END_TEST

/* With `first` held under a limit of 10, a taker of `second` (which does not fit beside it) waits; once `first`
 * is given back it goes in, alone if need be. */
static void waits_until_given_back(size_t first, size_t second)
{
    struct as_budget b;
    as_budget_init(&b, 10);
    as_budget_take(&b, first);
    struct taker t = {&b, second, false};
    pthread_t th;
    start_waiting(&b, &t, &th);
    as_budget_give_back(&b, first);
    pthread_join(th, NULL);
    ck_assert(t.in);
    ck_assert_uint_eq(b.held, second);
    ck_assert_uint_eq(b.waits, 1);
    as_budget_give_back(&b, second);
    as_budget_destroy(&b);
}

START_TEST(a_sum_over_the_limit_waits) { waits_until_given_back(6, 6); }
END_TEST

/* nothing held: the large one goes in alone */
START_TEST(a_large_one_waits_for_all_others) { waits_until_given_back(1, 50); }
END_TEST

Suite *as_test_suite(void)
{
    Suite *s = suite_create("budget");
    TCase *tc = tcase_create("budget");
    tcase_add_test(tc, sums_that_fit_go_in_together);
    tcase_add_test(tc, a_sum_over_the_limit_waits);
    tcase_add_test(tc, a_large_one_waits_for_all_others);
    suite_add_tcase(s, tc);
    return s;
}
