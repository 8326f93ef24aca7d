/* par.h: running one function on a few threads at once (the caller's thread is one of them). */
#ifndef NLP_PAR_H
#define NLP_PAR_H

/* Calls fn(ctx, t, nt) for t = 0 .. nt-1 at once, t = 0 on the calling thread, and returns when
 * all have returned. Falls back to running them one after another when a thread cannot start. */
void par_run(int nt, void (*fn)(void *ctx, int t, int nt), void *ctx);

/* The number of processors online (at least 1). */
int par_cpus(void);

#endif
