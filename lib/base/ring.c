/* ring.c: one worker thread and a ring of RING_SLOTS batches. */
#include <errno.h>

#include "base/ring.h"

/* 0 for no error, else -1 with errno set to err. */
static int fail(int err)
{
	if (!err)
		return 0;
	errno = err;
	return -1;
}

static void *worker(void *arg)
{
	struct ring *r = arg;
	int err = 0;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		void *b;

		while (r->worked == r->passed && !r->done)
			pthread_cond_wait(&r->cond, &r->lock);
		if (r->worked == r->passed)
			break;
		b = r->slot[r->worked % RING_SLOTS];
		pthread_mutex_unlock(&r->lock);
		if (!err && r->work(r->ctx, b) < 0)
			err = errno ? errno : EIO;
		pthread_mutex_lock(&r->lock);
		r->err = err;
		r->worked++;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int ring_start(struct ring *r, void *const *slots, ring_work_fn *work, void *ctx)
{
	int e;

	for (int i = 0; i < RING_SLOTS; i++)
		r->slot[i] = slots[i];
	r->work = work;
	r->ctx = ctx;
	r->passed = r->worked = 0;
	r->done = r->err = 0;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	if ((e = pthread_create(&r->thread, NULL, worker, r)) != 0) {
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cond);
		errno = e;
		return -1;
	}
	return 0;
}

void *ring_slot(struct ring *r)
{
	return r->slot[r->passed % RING_SLOTS]; /* only this thread changes passed */
}

int ring_pass(struct ring *r)
{
	int err;

	pthread_mutex_lock(&r->lock);
	r->passed++;
	pthread_cond_broadcast(&r->cond);
	while (r->passed - r->worked == RING_SLOTS)
		pthread_cond_wait(&r->cond, &r->lock);
	err = r->err;
	pthread_mutex_unlock(&r->lock);
	return fail(err);
}

int ring_finish(struct ring *r, int nonempty)
{
	int err;

	pthread_mutex_lock(&r->lock);
	if (nonempty)
		r->passed++;
	r->done = 1;
	pthread_cond_broadcast(&r->cond);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	err = r->err;
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	return fail(err);
}
