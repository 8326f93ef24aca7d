/* ngcfeed.h: counting n-grams on a second thread. The thread that reads the input splits each
 * line into units, copies and hashes them, and passes them on in batches; the counting thread
 * interns the units and counts the n-grams, line after line in input order, so the counts, the
 * unit ids and any spills are those of counting on one thread. The program reads the lines
 * (cli/filter's loop) between ngcfeed_start and ngcfeed_finish. */
#ifndef NLP_NGCFEED_H
#define NLP_NGCFEED_H

#include "count/ngc.h"
#include "base/ring.h"

#define FEED_BATCH_BYTES (1 << 18) /* unit bytes in a batch before it is passed on */

struct feed_batch;

struct ngcfeed {
	struct feed_batch *b; /* [RING_SLOTS] */
	struct ring ring;     /* to the counting thread */
};

/* Starts the counting thread; c belongs to it until ngcfeed_finish. Returns 0 or -1 (errno). */
int ngcfeed_start(struct ngcfeed *f, struct ngcount *c);
/* Passes on a line of units: those within s[0..len) are copied with the line, any others (markers)
 * one by one. Returns 0, or -1 with errno once the counting has failed. */
int ngcfeed_line(struct ngcfeed *f, const char *s, size_t len, const struct span *v, size_t n);
/* Counts what is left and stops the thread. Returns 0, or -1 with errno if the counting failed. */
int ngcfeed_finish(struct ngcfeed *f);

#endif
