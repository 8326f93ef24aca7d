/* phase.h: how a long operation of a library module tells how far it has come, without printing:
 * it names its phase and its total, then reports what is done; the program installs the display
 * (cli/progress.h does), and without one the calls do nothing. Called from one thread: a module
 * that works in threads reports from the thread that called it. */
#ifndef NLP_PHASE_H
#define NLP_PHASE_H

#include <stdint.h>

/* The display's two entries. */
struct phase_hook {
	/* A new phase: its name ("merging"), the total it counts to (0: unknown) and its unit
	 * (PHASE_BYTES, a noun in the plural, "rows", or "": the phase counts nothing). */
	void (*begin)(const char *name, uint64_t total, const char *unit);
	/* How much of the phase's total is done; called often, so it must be cheap. */
	void (*step)(uint64_t done);
};

#define PHASE_BYTES "bytes" /* the unit of phases that count bytes, shown as kB, MB, GB */

/* Installs h (kept, not copied; NULL: none). */
void phase_install(const struct phase_hook *h);

void phase_begin(const char *name, uint64_t total, const char *unit);
void phase_step(uint64_t done);

/* What a merge has consumed of its input, reported every 2^16 records. */
struct phase_meter {
	uint64_t done, records;
};

static inline void phase_meter_add(struct phase_meter *m, uint64_t bytes)
{
	m->done += bytes;
	if ((++m->records & 0xffff) == 0)
		phase_step(m->done);
}

#endif
