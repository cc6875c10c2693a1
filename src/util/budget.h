/* budget.h — an admission gate on a shared amount (source bytes being analysed across workers): a taker of n
 * waits while others hold some and n more would pass the limit; one taker alone always gets in, however large
 * n is, so nothing waits forever. */
#ifndef AS_UTIL_BUDGET_H
#define AS_UTIL_BUDGET_H
#include <pthread.h>
#include <stddef.h>

struct as_budget {
    pthread_mutex_t lock;
    pthread_cond_t returned;
    size_t limit, held;
    size_t waits;   /* how many takers had to wait (read under the lock; for the tests) */
};

void as_budget_init(struct as_budget *self, size_t limit);
void as_budget_destroy(struct as_budget *self);
/* Waits until n fits beside what the others hold (or nothing is held), then holds n. */
void as_budget_take(struct as_budget *self, size_t n);
/* Gives back n taken before. */
void as_budget_give_back(struct as_budget *self, size_t n);

#endif
