// A fixed pool of worker threads for splitting one large product over cores: created once, then
// each `bitk_pool_run` wakes the workers, runs task(context, i, count) on every thread (the
// caller is thread 0) and returns when all are done. No allocation after creation.

#include <pthread.h>
#include <stdlib.h>
#include "CBitKernels.h"

struct bitk_pool {
    int count;
    pthread_t threads[BITK_MAX_THREADS];
    pthread_mutex_t lock;
    pthread_cond_t start;
    pthread_cond_t done;
    unsigned long generation;
    int pending;
    int stopping;
    bitk_task task;
    void *context;
};

struct bitk_worker_start {
    bitk_pool *pool;
    int index;
};

static void *worker(void *argument) {
    struct bitk_worker_start start = *(struct bitk_worker_start *)argument;
    free(argument);
    bitk_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->generation == seen && !pool->stopping) pthread_cond_wait(&pool->start, &pool->lock);
        if (pool->stopping) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->generation;
        const bitk_task task = pool->task;
        void *context = pool->context;
        pthread_mutex_unlock(&pool->lock);

        task(context, start.index, pool->count);

        pthread_mutex_lock(&pool->lock);
        if (--pool->pending == 0) pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->lock);
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
    pool->stopping = 1;
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
    pthread_mutex_lock(&pool->lock);
    pool->task = task;
    pool->context = context;
    pool->pending = pool->count - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);

    task(context, 0, pool->count);

    pthread_mutex_lock(&pool->lock);
    while (pool->pending > 0) pthread_cond_wait(&pool->done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}
