/* runs.h: sorted runs spilled to disk, the one spill-to-disk engine (count/ngc, count/cooc and
 * mat/sorter spill through it; vec/tfidf and mat/mtx spool through it). A run is a temporary
 * file in $TMPDIR, unlinked as soon as it is made so nothing is left behind whatever happens;
 * the runs of a job are a list of descriptors (struct fdlist, base/io.h), merged fanin at a
 * time by the module's own k-way merge, which knows the records. */
#ifndef NLP_RUNS_H
#define NLP_RUNS_H

#include <stddef.h>

#include "base/io.h"

#define RUNS_READ_BUF (1u << 16) /* the read buffer of a run: a merge holds fanin of them */

/* A run being written. */
struct runs_writer {
	struct writer w;
	int fd;
};

/* Starts a run in a new temporary file. Returns 0, or -1 with errno. */
int runs_begin(struct runs_writer *rw);
/* Ends the run: flushes it and appends its descriptor to l. err is the errno value of a failure
 * while it was written (0: none). On any failure the run is closed and dropped. Returns 0, or -1
 * with errno. */
int runs_end(struct runs_writer *rw, struct fdlist *l, int err);
/* Ends a run that is read back on its own (a spool), as runs_end does but without a list.
 * Returns its descriptor, for runs_read (which closes it), or -1 with errno (the run closed). */
int runs_finish(struct runs_writer *rw, int err);

/* Opens r on the run fd from its first byte; on failure fd is closed. Returns 0, or -1 with
 * errno. reader_close closes fd. */
int runs_read(struct reader *r, int fd);

/* Merges fds[0..n) (closing them) into w. Returns 0, or -1 with errno. */
typedef int runs_merge_fn(void *ctx, int *fds, size_t n, struct writer *w);

/* While l holds more than fanin runs, merges its first fanin into a new run that takes their
 * place at the head of l, so the runs stay in the order they were written (a merge that adds
 * values up in run order adds them in the order they came). Returns 0, or -1 with errno. */
int runs_reduce(struct fdlist *l, size_t fanin, runs_merge_fn *merge, void *ctx);

#endif
