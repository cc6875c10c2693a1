/* pool.c — a fixed pthread pool over items 0..n-1 with in-order delivery on the calling thread; see pool.h.
 * Workers (jobs - 1 threads, and the calling thread between emissions) take the next index from a shared counter
 * but never run more than max_in_flight ahead of the next item to emit, nor past the next item to emit while the
 * finished ones hold more than max_held bytes: that bounds how many results, and how many bytes of them, are held
 * in memory at once. */
#define _GNU_SOURCE 1 /* sched_getaffinity */
#include "util/pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
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
    /* Wake-ups only where someone waits: most files are left out by the skip in microseconds, and a signal and
     * a lock round per item cost the corpus ~22,000 futex calls. */
    size_t emitter_awaits;       /* the item the emitter sleeps on, or SIZE_MAX */
    size_t workers_waiting;      /* workers asleep on room_cv */
};

/* Under p->mu: whether a worker must wait before taking item p->next. The next item to emit is always taken
 * (the emitter waits for it), so waiting can never deadlock. */
static bool must_wait(const struct pool *p)
{
    if (p->next >= p->job->n_items || p->next == p->next_emit) return false;
    return p->next >= p->next_emit + p->window || (p->job->held && p->held > p->job->max_held);
}

/* Under p->mu, on any thread of the pool: takes item p->next, works it unlocked, and marks it done (waking the
 * emitter if it sleeps on that item). Returns with p->mu held. */
static void run_next(struct pool *p, void *state)
{
    const struct as_pool_job *job = p->job;
    size_t i = p->next++;
    pthread_mutex_unlock(&p->mu);
    job->work(job->ud, state, i);
    size_t w = job->held ? job->held(job->ud, i) : 0;
    pthread_mutex_lock(&p->mu);
    p->weight[i] = w;
    p->held += w;
    p->done[i] = true;
    if (p->emitter_awaits == i) pthread_cond_signal(&p->done_cv);
}

static void *worker_main(void *arg)
{
    struct pool *p = arg;
    const struct as_pool_job *job = p->job;
    void *state = job->worker_init ? job->worker_init(job->ud) : NULL;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (must_wait(p)) {
            p->workers_waiting++;
            pthread_cond_wait(&p->room_cv, &p->mu);
            p->workers_waiting--;
        }
        if (p->next >= job->n_items) break;
        run_next(p, state);   /* (then, at the loop's top, the next one taken in the same lock round) */
    }
    pthread_mutex_unlock(&p->mu);
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
    p.emitter_awaits = SIZE_MAX;
    p.workers_waiting = 0;
    p.done = as_xcalloc(job->n_items, sizeof(bool));
    p.weight = as_xcalloc(job->n_items, sizeof(size_t));
    /* the calling thread is a worker too: n_threads - 1 more */
    pthread_t *threads = as_xcalloc(n_threads - 1, sizeof(pthread_t));
    size_t started = 0;
    for (; started + 1 < n_threads; started++)
        if (pthread_create(&threads[started], NULL, worker_main, &p) != 0) break;
    int rc = started + 1 < n_threads ? -1 : 0;   /* fewer threads: the calling thread still does it all */
    /* The calling thread emits every item done in a row at once (one lock round, one wake-up for the run), and
     * otherwise works like the others; it sleeps only when it can neither emit nor start an item. */
    void *state = job->worker_init ? job->worker_init(job->ud) : NULL;
    pthread_mutex_lock(&p.mu);
    for (size_t i = 0; i < job->n_items;) {
        if (p.done[i]) {
            size_t end = i + 1;
            while (end < job->n_items && p.done[end]) end++;
            pthread_mutex_unlock(&p.mu);
            for (size_t k = i; k < end; k++) job->emit(job->ud, k);
            pthread_mutex_lock(&p.mu);
            for (size_t k = i; k < end; k++) p.held -= p.weight[k];
            p.next_emit = end;
            if (p.workers_waiting) pthread_cond_broadcast(&p.room_cv);
            i = end;
        } else if (p.next < job->n_items && !must_wait(&p)) {
            run_next(&p, state);
        } else {
            p.emitter_awaits = i;
            pthread_cond_wait(&p.done_cv, &p.mu);
            p.emitter_awaits = SIZE_MAX;
        }
    }
    pthread_mutex_unlock(&p.mu);
    if (job->worker_fini) job->worker_fini(job->ud, state);
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
