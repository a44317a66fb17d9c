// A fixed pool of worker threads for splitting one large product over cores: created once, then
// each `bitk_pool_run` wakes the workers, runs task(context, i, count) on every thread (the
// caller is thread 0) and returns when all are done. No allocation after creation.
//
// Waiting spins before it sleeps. A product split over two cores takes 50-200 microseconds, and
// waking a sleeping worker and then the caller added about 20 to each here (a KVM guest: a futex
// wake-up, then the host scheduling an idle vCPU): `bitbench kernels --threads 2` on 4096 x 11008
// ran I2 at 1.53x one thread and T3 at 1.74x with a pool that always slept, 1.84-1.91x and
// 1.95-1.96x with this one. Workers poll for the next run, and the caller for the end
// of this one, for `spin_rounds` pauses, then fall back to the condition variables; an idle pool
// costs nothing once its workers sleep.

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "CBitKernels.h"

/// How long a thread polls before sleeping: 2^13 pauses, about 200 microseconds on the Zen 5 here
/// (a pause takes about 24 ns; an ARM `yield` is shorter), far longer than the gap between the
/// products of one inference and short enough that a pool left idle soon stops using its cores.
static const int spin_rounds = 1 << 13;

static inline void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
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
    for (int round = 0; round < spin_rounds; round++) {
        const unsigned long generation = atomic_load_explicit(&pool->generation, memory_order_acquire);
        if (generation != seen) return generation;
        pause_briefly();
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

    for (int round = 0; round < spin_rounds; round++) {
        if (atomic_load_explicit(&pool->pending, memory_order_acquire) == 0) return;
        pause_briefly();
    }
    pthread_mutex_lock(&pool->lock);
    while (atomic_load_explicit(&pool->pending, memory_order_acquire) > 0) {
        pthread_cond_wait(&pool->done, &pool->lock);
    }
    pthread_mutex_unlock(&pool->lock);
}
