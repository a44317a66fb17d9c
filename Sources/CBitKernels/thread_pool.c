// A fixed pool of worker threads for splitting one large product over cores: created once, then
// each `bitk_pool_run` wakes the workers, runs task(context, i, count) on every thread (the
// caller is thread 0) and returns when all are done. No allocation after creation.
//
// Waiting polls before it sleeps. A product split over two cores takes 50-200 microseconds, and
// waking a sleeping worker and then the caller added about 20 to each here (a KVM guest: a futex
// wake-up, then the host scheduling an idle vCPU): `bitbench kernels --threads 2` on 4096 x 11008
// ran I2 at 1.53x one thread and T3 at 1.74x with a pool that always slept, 1.80-2.01x and
// 1.94-1.99x with this one. Workers poll for the next run, and the caller for the end of this
// one, for `poll_nanoseconds`, then fall back to the condition variables; an idle pool costs
// nothing once its workers sleep. Polling yields the core every `pauses_per_yield` pauses, so
// that a pool with more threads than free cores does not starve the thread it waits for. Measured
// with an empty task (a C driver, 2 cores): 2 threads 1 us a run (53 with the sleeping pool);
// 4 threads 9 us (61; without the yields 420-480); 2 threads next to a busy process, a 60 us task:
// 123-134 us a run (sleeping pool 123-128, without the yields 160-450).

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include "CBitKernels.h"

/// How long a thread polls before sleeping.
static const long poll_nanoseconds = 200 * 1000;

/// Pauses between looks at the clock, each of which also yields the core: when the pool has more
/// threads than free cores, the thread being waited for may need it.
static const unsigned pauses_per_yield = 64;

static inline void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

/// A polling budget: `poll_nanoseconds` from `poll_start`.
struct poll {
    struct timespec start;
    unsigned round;
};

static struct poll poll_start(void) {
    struct poll poll = {.round = 0};
    clock_gettime(CLOCK_MONOTONIC, &poll.start);
    return poll;
}

/// Pauses once (now and then yielding the core); false once the budget is spent.
static int keep_polling(struct poll *poll) {
    pause_briefly();
    if (++poll->round % pauses_per_yield != 0) return 1;
    sched_yield();
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long elapsed =
        (long)(now.tv_sec - poll->start.tv_sec) * 1000000000L + (now.tv_nsec - poll->start.tv_nsec);
    return elapsed < poll_nanoseconds;
}

struct bitk_pool {
    int count;
    pthread_t threads[BITK_MAX_THREADS];
    pthread_mutex_t lock;
    pthread_cond_t start;
    pthread_cond_t done;
    /// Incremented (under `lock`) to start a run; `task` and `context` are written before it.
    _Atomic unsigned long generation;
    /// Workers still running the current task.
    _Atomic int pending;
    _Atomic int stopping;
    bitk_task task;
    void *context;
};

struct bitk_worker_start {
    bitk_pool *pool;
    int index;
};

/// The generation after `seen`: polled, then waited for.
static unsigned long next_generation(bitk_pool *pool, unsigned long seen) {
    for (struct poll poll = poll_start(); keep_polling(&poll);) {
        const unsigned long generation = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (generation != seen) return generation;
    }
    pthread_mutex_lock(&pool->lock);
    unsigned long generation;
    while ((generation = atomic_load_explicit(&pool->generation, memory_order_acquire)) == seen) {
        pthread_cond_wait(&pool->start, &pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
    return generation;
}

static void *worker(void *argument) {
    struct bitk_worker_start start = *(struct bitk_worker_start *)argument;
    free(argument);
    bitk_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        seen = next_generation(pool, seen);
        if (atomic_load_explicit(&pool->stopping, memory_order_acquire)) return NULL;
        pool->task(pool->context, start.index, pool->count);
        if (atomic_fetch_sub_explicit(&pool->pending, 1, memory_order_acq_rel) == 1) {
            pthread_mutex_lock(&pool->lock);
            pthread_cond_signal(&pool->done);
            pthread_mutex_unlock(&pool->lock);
        }
    }
}

bitk_pool *bitk_pool_create(int count) {
    if (count < 1 || count > BITK_MAX_THREADS) return NULL;
    bitk_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->count = 1;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->start, NULL);
    pthread_cond_init(&pool->done, NULL);
    for (int index = 1; index < count; index++) {
        struct bitk_worker_start *start = malloc(sizeof *start);
        if (!start) break;
        *start = (struct bitk_worker_start){pool, index};
        if (pthread_create(&pool->threads[index], NULL, worker, start) != 0) {
            free(start);
            break;
        }
        pool->count = index + 1;
    }
    if (pool->count != count) {
        bitk_pool_destroy(pool);
        return NULL;
    }
    return pool;
}

void bitk_pool_destroy(bitk_pool *pool) {
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    atomic_store_explicit(&pool->stopping, 1, memory_order_release);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);
    for (int index = 1; index < pool->count; index++) pthread_join(pool->threads[index], NULL);
    pthread_cond_destroy(&pool->done);
    pthread_cond_destroy(&pool->start);
    pthread_mutex_destroy(&pool->lock);
    free(pool);
}

int bitk_pool_count(const bitk_pool *pool) { return pool->count; }

void bitk_pool_run(bitk_pool *pool, bitk_task task, void *context) {
    pool->task = task;
    pool->context = context;
    atomic_store_explicit(&pool->pending, pool->count - 1, memory_order_relaxed);
    // The increment publishes task, context and pending; taking the lock for it means a worker
    // that found the old generation under the lock is already waiting when the broadcast comes.
    pthread_mutex_lock(&pool->lock);
    atomic_fetch_add_explicit(&pool->generation, 1, memory_order_release);
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);

    task(context, 0, pool->count);

    for (struct poll poll = poll_start(); keep_polling(&poll);) {
        if (atomic_load_explicit(&pool->pending, memory_order_acquire) == 0) return;
    }
    pthread_mutex_lock(&pool->lock);
    while (atomic_load_explicit(&pool->pending, memory_order_acquire) > 0) {
        pthread_cond_wait(&pool->done, &pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
}
