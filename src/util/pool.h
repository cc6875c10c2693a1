/* pool.h — a fixed pthread pool over the items 0..n-1 with ordered delivery.
 * `work(worker, i)` runs on some thread of the pool (the calling thread is one of the `jobs`: it works between
 * emissions); `emit(i)` runs on the calling thread, exactly once per item, in increasing i, once items 0..i are
 * done and the calling thread is not in the middle of an item of its own. So output printed from emit is byte-identical whatever the
 * thread count. With jobs <= 1 everything runs inline on the calling thread (no threads are created).
 * Each worker owns a state made by `worker_init` and freed by `worker_fini` (e.g. a TSParser). */
#ifndef AS_POOL_H
#define AS_POOL_H
#include <stddef.h>

struct as_pool_job {
    size_t n_items;
    int jobs;                                        /* worker threads; <= 1 means inline */
    void *ud;                                        /* passed to every callback */
    void *(*worker_init)(void *ud);                  /* may be NULL */
    void (*worker_fini)(void *ud, void *worker);     /* may be NULL */
    void (*work)(void *ud, void *worker, size_t i);
    void (*emit)(void *ud, size_t i);
    size_t max_in_flight;   /* bound on done-but-not-emitted + running items; 0 = 4 * jobs. Bounds memory. */
    /* Optional: the bytes a finished item holds until it is emitted. While the finished items waiting for
     * emission hold more than max_held bytes, no worker starts an item other than the next one to emit. So the
     * window can be wide (a slow file does not stall the others: cheap files run on past it) and memory still
     * stays bounded. */
    size_t (*held)(void *ud, size_t i);
    size_t max_held;
};

/* Returns 0, or -1 if threads could not be created (then it falls back to inline and still completes). */
int as_pool_run(const struct as_pool_job *job);

/* Number of online CPUs (at least 1). */
int as_pool_online_cpus(void);

#endif
