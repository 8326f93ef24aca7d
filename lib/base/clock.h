/* clock.h: the monotonic clock in seconds, for the trainers' epoch times and rates. */
#ifndef NLP_CLOCK_H
#define NLP_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC (from an unspecified start: for differences). */
static inline double clock_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
