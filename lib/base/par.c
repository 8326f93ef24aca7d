/* par.c: a fork-join of nt threads. */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/par.h"

struct job {
	void (*fn)(void *ctx, int t, int nt);
	void *ctx;
	int t, nt;
};

static void *run_job(void *arg)
{
	struct job *j = arg;

	j->fn(j->ctx, j->t, j->nt);
	return NULL;
}

void par_run(int nt, void (*fn)(void *ctx, int t, int nt), void *ctx)
{
	pthread_t *th = nt > 1 ? malloc((size_t)nt * sizeof(*th)) : NULL;
	struct job *jobs = nt > 1 ? malloc((size_t)nt * sizeof(*jobs)) : NULL;
	int *started = nt > 1 ? calloc((size_t)nt, sizeof(int)) : NULL;

	if (nt <= 1 || !th || !jobs || !started) {
		for (int t = 0; t < (nt > 1 ? nt : 1); t++)
			fn(ctx, t, nt > 1 ? nt : 1);
		goto out;
	}
	for (int t = 1; t < nt; t++) {
		jobs[t] = (struct job){fn, ctx, t, nt};
		started[t] = pthread_create(&th[t], NULL, run_job, &jobs[t]) == 0;
	}
	fn(ctx, 0, nt);
	for (int t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			fn(ctx, t, nt);
	}
out:
	free(th);
	free(jobs);
	free(started);
}

int par_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n >= 1 ? (int)(n > 256 ? 256 : n) : 1;
}
