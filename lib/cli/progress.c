/* progress.c: a throttled progress line ("\r" on a terminal, one line per update otherwise). */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "cli/err.h"
#include "cli/progress.h"

static int shown, tty;
static double t0, last;
static uint64_t calls;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(int force)
{
	tty = isatty(2);
	shown = force || tty;
	t0 = last = now();
}

static void report(uint64_t bytes, uint64_t lines, const char *end)
{
	double t = now() - t0;

	fprintf(stderr, "%s%s: %.1f MB, %llu lines, %.1f s, %.1f MB/s%s", tty ? "\r" : "", argv0,
	        (double)bytes / 1e6, (unsigned long long)lines, t,
	        t > 0 ? (double)bytes / 1e6 / t : 0.0, end);
}

void progress_update(uint64_t bytes, uint64_t lines)
{
	double t;

	if (!shown || (++calls & 1023) != 0)
		return;
	t = now();
	if (t - last < (tty ? 0.25 : 5.0))
		return;
	last = t;
	report(bytes, lines, tty ? "" : "\n");
}

void progress_done(uint64_t bytes, uint64_t lines)
{
	if (shown)
		report(bytes, lines, "\n");
}
