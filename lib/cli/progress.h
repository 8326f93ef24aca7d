/* progress.h: the one progress display of every stage and trainer, on stderr.
 *
 * A run is a sequence of phases (reading, sorting, merging, writing, an SVD's products, a
 * trainer's epochs), each with what it counts to when that is known: the display shows the
 * phase, how much of it is done, the percentage, the rate and the time left when the total is
 * known, and whatever figures the caller adds (lines, loss, learning rate). At the end one line
 * sums the run up: the caller's figures, then what was spilled to temporary files, the time and
 * the peak memory.
 *
 * Where it goes (nlp(7), PROGRESS):
 * - stderr a terminal: one line redrawn in place (cleared, cut to the terminal's width), from
 *   NLP_PROGRESS_DELAY seconds into the run (default 0.5; 1 more while the total is unknown, so a
 *   stage that knows its total draws first). The stages of a pipeline share the line: a stage
 *   draws only while it holds a lock on the terminal, which it takes when free and keeps until it
 *   ends; each stage that ran a second or more, or drew, leaves its summary line above.
 * - stderr not a terminal: nothing, unless --progress (or NLP_PROGRESS=always): then a plain line
 *   every 10 seconds and the summary.
 * - NLP_PROGRESS=never: nothing, even with --progress.
 * Messages printed through cli/err.h clear the line first. */
#ifndef NLP_PROGRESS_H
#define NLP_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "base/phase.h"

/* force: --progress given. Installs the display as the phase hook of library modules
 * (base/phase.h), and starts the clock. */
void progress_init(int force);
/* Starts a phase (see phase_begin); name and unit are kept, not copied. */
void progress_phase(const char *name, uint64_t total, const char *unit);
/* How much of the phase is done; cheap: it reads a coarse clock and draws a few times a second. */
void progress_update(uint64_t done);
/* Whether a draw is due now (then progress_show), for callers whose extra figures cost something
 * to format. */
int progress_due(void);
/* Draws done and the figures printf formats from fmt (NULL: none) after the built-in ones. */
void progress_show(uint64_t done, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clears the terminal's line, whichever stage drew it (the next update draws it again): messages
 * (cli/err.h) start with it. */
void progress_clear(void);
/* Ends the display with the summary: fmt's figures (NULL: none), then what was spilled, the time
 * and the peak memory; printed when --progress was given, or on a terminal when the run lasted a
 * second or more or drew. Ends the lock on the terminal. */
void progress_done(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A line of its own (fmt's text after the program's name) when the display is on: a terminal, or
 * --progress; a trainer's estimate of the memory it needs, before it starts. */
void progress_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the display without a summary (a failed run): clears the line, leaves the lock. */
void progress_abort(void);

/* A trainer's epoch as a phase: when phase [size] is empty (the epoch's first step; the caller
 * empties it after each epoch) starts the phase "epoch E/N" over total units, its name kept in
 * phase; then returns whether a draw is due (progress_show with the trainer's figures). */
int progress_epoch(char *phase, size_t size, unsigned epoch, unsigned epochs, uint64_t total,
                   const char *unit);

/* Formats n bytes as "512 B", "12.3 kB", "45.6 MB", "7.89 GB" into buf; returns buf. */
char *progress_bytes(char *buf, size_t size, uint64_t n);
/* Formats a count as "999", "12.3k", "4.56M", "7.89G", "2.06T" into buf; returns buf. */
char *progress_count(char *buf, size_t size, uint64_t n);

#endif
