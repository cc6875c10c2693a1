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

START_TEST(a_sum_over_the_limit_waits)
{
    struct as_budget b;
    as_budget_init(&b, 10);
    as_budget_take(&b, 6);
    struct taker t = {&b, 6, false};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, take_and_mark, &t), 0);
    while (waits_of(&b) == 0) sched_yield();   /* the other thread is waiting now */
    pthread_mutex_lock(&b.lock);
    ck_assert(!t.in);
    pthread_mutex_unlock(&b.lock);
    as_budget_give_back(&b, 6);
    pthread_join(th, NULL);
    ck_assert(t.in);
    ck_assert_uint_eq(b.held, 6);
    ck_assert_uint_eq(b.waits, 1);
    as_budget_give_back(&b, 6);
    as_budget_destroy(&b);
}
END_TEST

START_TEST(a_large_one_waits_for_all_others)
{
    struct as_budget b;
    as_budget_init(&b, 10);
    as_budget_take(&b, 1);
    struct taker t = {&b, 50, false};
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, take_and_mark, &t), 0);
    while (waits_of(&b) == 0) sched_yield();
    pthread_mutex_lock(&b.lock);
    ck_assert(!t.in);
    pthread_mutex_unlock(&b.lock);
    as_budget_give_back(&b, 1);   /* nothing held: the large one goes in alone */
    pthread_join(th, NULL);
    ck_assert(t.in);
    ck_assert_uint_eq(b.held, 50);
    as_budget_give_back(&b, 50);
    as_budget_destroy(&b);
}
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
