/* budget.c — the admission gate of budget.h: a mutex and a condition variable around a counter. */
#include "util/budget.h"

#include <stdbool.h>

void as_budget_init(struct as_budget *self, size_t limit)
{
    pthread_mutex_init(&self->lock, NULL);
    pthread_cond_init(&self->returned, NULL);
    self->limit = limit;
    self->held = 0;
    self->waits = 0;
}

void as_budget_destroy(struct as_budget *self)
{
    pthread_cond_destroy(&self->returned);
    pthread_mutex_destroy(&self->lock);
}

void as_budget_take(struct as_budget *self, size_t n)
{
    pthread_mutex_lock(&self->lock);
    bool waited = false;
    while (self->held && (self->held >= self->limit || n > self->limit - self->held)) {
        if (!waited) self->waits++;
        waited = true;
        pthread_cond_wait(&self->returned, &self->lock);
    }
    self->held += n;
    pthread_mutex_unlock(&self->lock);
}

void as_budget_give_back(struct as_budget *self, size_t n)
{
    pthread_mutex_lock(&self->lock);
    self->held -= n;
    pthread_cond_broadcast(&self->returned);
    pthread_mutex_unlock(&self->lock);
}
