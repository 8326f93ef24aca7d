/* ring.h: a worker thread fed batches through a ring of slots. The reading thread fills the slot
 * ring_slot gives, passes it on with ring_pass and goes on with the next slot while the worker
 * works on the ones passed before, in order. The batches are the caller's: the reading thread
 * empties a slot before it fills it again. Failures are reported as base's I/O helpers report
 * them (lib/README.md): -1 with errno set. */
#ifndef NLP_RING_H
#define NLP_RING_H

#include <pthread.h>

#define RING_SLOTS 4

/* Works on one batch; returns 0, or -1 with errno set. After a failure the worker skips the
 * batches that follow. */
typedef int ring_work_fn(void *ctx, void *batch);

struct ring {
	void *slot[RING_SLOTS];
	ring_work_fn *work;
	void *ctx;
	unsigned long passed, worked; /* batches passed on and worked on */
	int done, err; /* err: the errno value of the worker's failure, or 0 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
};

/* Starts the worker on slots[0 .. RING_SLOTS). Returns 0, or -1 with errno set. */
int ring_start(struct ring *r, void *const *slots, ring_work_fn *work, void *ctx);
/* Returns the slot to fill now (one of the caller's). */
void *ring_slot(struct ring *r);
/* Passes the filled slot on, and waits until the next one is free. Returns 0, or -1 with errno
 * set to the worker's error. */
int ring_pass(struct ring *r);
/* Passes the slot being filled on when nonempty is set, lets the worker finish and stops it.
 * Returns 0, or -1 with errno set to the worker's error. */
int ring_finish(struct ring *r, int nonempty);

#endif
