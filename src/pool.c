/* pool.c — a fixed pthread pool over items 0..n-1 with in-order delivery on the calling thread; see pool.h.
 * Workers take the next index from a shared counter but never run more than max_in_flight ahead of the next
 * item to emit, nor past the next item to emit while the finished ones hold more than max_held bytes: that
 * bounds how many results, and how many bytes of them, are held in memory at once. */
#define _GNU_SOURCE 1 /* sched_getaffinity */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/xalloc.h"

struct pool {
    const struct as_pool_job *job;
    pthread_mutex_t mu;
    pthread_cond_t done_cv;      /* an item finished: the emitter may proceed */
    pthread_cond_t room_cv;      /* an item was emitted: a worker may start the next */
    size_t next;                 /* next index to hand out */
    size_t next_emit;            /* next index to emit */
    size_t window;
    size_t held;                 /* bytes held by done-but-not-emitted items (job->held) */
    bool *done;
    size_t *weight;              /* per item: its share of `held` */
};

/* Under p->mu: whether a worker must wait before taking item p->next. The next item to emit is always taken
 * (the emitter waits for it), so waiting can never deadlock. */
static bool must_wait(const struct pool *p)
{
    if (p->next >= p->job->n_items || p->next == p->next_emit) return false;
    return p->next >= p->next_emit + p->window || (p->job->held && p->held > p->job->max_held);
}

static void *worker_main(void *arg)
{
    struct pool *p = arg;
    const struct as_pool_job *job = p->job;
    void *state = job->worker_init ? job->worker_init(job->ud) : NULL;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (must_wait(p)) pthread_cond_wait(&p->room_cv, &p->mu);
        if (p->next >= job->n_items) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        size_t i = p->next++;
        pthread_mutex_unlock(&p->mu);
        job->work(job->ud, state, i);
        size_t w = job->held ? job->held(job->ud, i) : 0;
        pthread_mutex_lock(&p->mu);
        p->weight[i] = w;
        p->held += w;
        p->done[i] = true;
        pthread_cond_signal(&p->done_cv);
        pthread_mutex_unlock(&p->mu);
    }
    if (job->worker_fini) job->worker_fini(job->ud, state);
    return NULL;
}

static void run_inline(const struct as_pool_job *job, size_t from)
{
    void *state = job->worker_init ? job->worker_init(job->ud) : NULL;
    for (size_t i = from; i < job->n_items; i++) {
        job->work(job->ud, state, i);
        job->emit(job->ud, i);
    }
    if (job->worker_fini) job->worker_fini(job->ud, state);
}

int as_pool_run(const struct as_pool_job *job)
{
    if (job->jobs <= 1 || job->n_items <= 1) {
        run_inline(job, 0);
        return 0;
    }
    size_t n_threads = (size_t)job->jobs < job->n_items ? (size_t)job->jobs : job->n_items;
    struct pool p;
    p.job = job;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.done_cv, NULL);
    pthread_cond_init(&p.room_cv, NULL);
    p.next = p.next_emit = 0;
    p.window = job->max_in_flight ? job->max_in_flight : 4 * n_threads;
    if (p.window < n_threads) p.window = n_threads;
    p.held = 0;
    p.done = as_xcalloc(job->n_items, sizeof(bool));
    p.weight = as_xcalloc(job->n_items, sizeof(size_t));
    pthread_t *threads = as_xcalloc(n_threads, sizeof(pthread_t));
    size_t started = 0;
    for (; started < n_threads; started++)
        if (pthread_create(&threads[started], NULL, worker_main, &p) != 0) break;
    int rc = 0;
    if (started == 0) {
        free(threads);
        free(p.done);
        free(p.weight);
        pthread_mutex_destroy(&p.mu);
        pthread_cond_destroy(&p.done_cv);
        pthread_cond_destroy(&p.room_cv);
        run_inline(job, 0);
        return -1;
    }
    if (started < n_threads) rc = -1;
    for (size_t i = 0; i < job->n_items; i++) {
        pthread_mutex_lock(&p.mu);
        while (!p.done[i]) pthread_cond_wait(&p.done_cv, &p.mu);
        pthread_mutex_unlock(&p.mu);
        job->emit(job->ud, i);
        pthread_mutex_lock(&p.mu);
        p.next_emit = i + 1;
        p.held -= p.weight[i];
        pthread_cond_broadcast(&p.room_cv);
        pthread_mutex_unlock(&p.mu);
    }
    for (size_t t = 0; t < started; t++) pthread_join(threads[t], NULL);
    free(threads);
    free(p.done);
    free(p.weight);
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.done_cv);
    pthread_cond_destroy(&p.room_cv);
    return rc;
}

int as_pool_online_cpus(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}
