/* ngcfeed.h: counting n-grams on a second thread. The thread that reads the input splits each
 * line into units, copies and hashes them, and passes them on in batches; the counting thread
 * interns the units and counts the n-grams, line after line in input order, so the counts, the
 * unit ids and any spills are those of counting on one thread. The program reads the lines
 * (cli/filter's loop) between ngcfeed_start and ngcfeed_finish. */
#ifndef NLP_NGCFEED_H
#define NLP_NGCFEED_H

#include "base/error.h"
#include "base/ring.h"
#include "count/ngc.h"

#define FEED_BATCH_BYTES (1 << 18) /* unit bytes in a batch before it is passed on */

struct feed_batch;

struct ngcfeed {
	struct feed_batch *b; /* [RING_SLOTS] */
	struct ring ring;     /* to the counting thread */
	struct ngcount *c;
	struct error err;     /* the counting thread's failure */
};

/* Starts the counting thread; c belongs to it until ngcfeed_finish. Returns 0, or -1 with e
 * filled ("counting: reason"). */
int ngcfeed_start(struct ngcfeed *f, struct ngcount *c, struct error *e);
/* Passes on a line of units: those within s[0..len) are copied with the line, any others (markers)
 * one by one. Returns 0, or -1 with e filled once the counting has failed (the counting's
 * error: "counting: reason"). */
int ngcfeed_line(struct ngcfeed *f, const char *s, size_t len, const struct span *v, size_t n,
                 struct error *e);
/* Counts what is left, stops the thread and frees what f holds. Returns 0, or -1 with e filled
 * if the counting failed. */
int ngcfeed_finish(struct ngcfeed *f, struct error *e);

#endif
