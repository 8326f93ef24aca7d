/* countfeed.h: counting n-grams on a second thread. The thread that reads the input splits each
 * line into units, copies and hashes them, and passes them on in batches; the counting thread
 * interns the units and counts the n-grams, line after line in input order, so the counts, the
 * unit ids and any spills are those of counting on one thread. The program reads the lines
 * (cli/filter's loop) between ngc_feed_start and ngc_feed_finish. */
#ifndef NLP_COUNTFEED_H
#define NLP_COUNTFEED_H

#include "count/count.h"
#include "base/ring.h"

#define FEED_BATCH_BYTES (1 << 18) /* unit bytes in a batch before it is passed on */

struct feed_batch;

struct ngc_feed {
	struct feed_batch *b; /* [RING_SLOTS] */
	struct ring ring;     /* to the counting thread */
};

/* Starts the counting thread; c belongs to it until ngc_feed_finish. Returns 0 or -1 (errno). */
int ngc_feed_start(struct ngc_feed *f, struct ngcount *c);
/* Passes on a line of units: those within s[0..len) are copied with the line, any others (markers)
 * one by one. Returns 0, or -1 with errno once the counting has failed. */
int ngc_feed_line(struct ngc_feed *f, const char *s, size_t len, const struct span *v, size_t n);
/* Counts what is left and stops the thread. Returns 0, or -1 with errno if the counting failed. */
int ngc_feed_finish(struct ngc_feed *f);

#endif
