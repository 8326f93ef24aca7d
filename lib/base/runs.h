/* runs.h: sorted runs spilled to disk, the one spill-to-disk engine (count/ngc, count/cooc and
 * mat/sorter spill through it; vec/tfidf and mat/mtx spool through it). A run is a temporary
 * file in $TMPDIR, unlinked as soon as it is made so nothing is left behind whatever happens;
 * the runs of a job are a list of open descriptors (struct runlist), merged by the module's own
 * k-way merge, which knows the records. A list is kept short as it grows (runs_bound): runs
 * written alike are merged into larger runs a few at a time, so that any input size spills into
 * a bounded number of open files, and each record is rewritten about log(runs) times. */
#ifndef NLP_RUNS_H
#define NLP_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"

#define RUNS_READ_BUF (1u << 16) /* the read buffer of a run: a merge holds fanin of them */
#define RUNS_FANIN 32            /* the most runs a merge reads, and a list keeps open, at once */

/* The runs of a job, oldest first. */
struct runlist {
	int *fds;             /* [cap] open runs */
	unsigned char *level; /* [cap] each run's merge level: 0 as written, 1 + the highest of its
	                       * inputs when it merged runs alike */
	size_t n, cap;
};

/* Closes every run and frees the list. */
void runlist_close(struct runlist *l);
/* Appends the open run fd at level; returns 0, or -1 when memory runs out (fd is not closed). */
int runlist_push(struct runlist *l, int fd, unsigned level);
/* Moves every run of b to the end of a (after a's, in their order). Returns 0, or -1 when memory
 * runs out (b keeps what was not moved). */
int runlist_absorb(struct runlist *a, struct runlist *b);

/* A run being written. */
struct runs_writer {
	struct writer w;
	int fd;
};

/* Fills e for a failure of errno while spilling and merging runs, and returns -1: "WHAT: out of
 * memory", or "WHAT: temporary file in DIR: reason" (DIR: tmpfile_dir()). */
int runs_error(struct error *e, const char *what);

/* Starts a run in a new temporary file. Returns 0, or -1 with errno. */
int runs_begin(struct runs_writer *rw);
/* Ends the run: flushes it and appends its descriptor to l at level 0. err is the errno value of a failure
 * while it was written (0: none). On any failure the run is closed and dropped. Returns 0, or -1
 * with errno. */
int runs_end(struct runs_writer *rw, struct runlist *l, int err);
/* Ends a run that is read back on its own (a spool), as runs_end does but without a list.
 * Returns its descriptor, for runs_read (which closes it), or -1 with errno (the run closed). */
int runs_finish(struct runs_writer *rw, int err);

/* The bytes of the runs of l, for the total of a merge's progress. */
uint64_t runlist_bytes(const struct runlist *l);

/* What the process has spilled so far: the runs ended by runs_end (merges of runs not counted)
 * and the bytes of every run and spool written, merges included. */
void runs_stats(uint64_t *runs, uint64_t *bytes);

/* Opens r on the run fd from its first byte; on failure fd is closed. Returns 0, or -1 with
 * errno. reader_close closes fd. */
int runs_read(struct reader *r, int fd);

/* Merges fds[0..n) (closing them) into w. Returns 0, or -1 with errno. */
typedef int runs_merge_fn(void *ctx, int *fds, size_t n, struct writer *w);

/* Keeps l below max runs (2 <= max <= RUNS_FANIN), to be called after each run is added. Runs
 * are merged into one that takes their place, consecutive ones only, so the runs stay in the
 * order they were written. When the records' values add up in any order (integers), the merges
 * are at the tail, each of at most f = max / 2 runs (2 at least): the newest f runs of one level
 * become one run of the next, and when l still holds max runs its newest f (fewer if it holds
 * fewer) become one of the highest of their levels; a record is rewritten about log_f(runs)
 * times. When ordered (floating-point sums that must come out the same whatever the budget),
 * the list is kept a left fold, as if every run were added to the sum of those before it: when
 * l holds max runs, they all merge into one; a record is rewritten about runs / max times.
 * Returns 0, or -1 with errno. */
int runs_bound(struct runlist *l, size_t max, int ordered, runs_merge_fn *merge, void *ctx);

/* While l holds more than fanin (2 at least) runs, merges its first fanin into a new run that takes their
 * place at the head of l, so the runs stay in the order they were written. For lists that were
 * joined (runlist_absorb) before the final merge. Returns 0, or -1 with errno. */
int runs_reduce(struct runlist *l, size_t fanin, runs_merge_fn *merge, void *ctx);

#endif
