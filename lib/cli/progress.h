/* progress.h: one updating line on stderr, shown only on a terminal or when asked for. */
#ifndef NLP_PROGRESS_H
#define NLP_PROGRESS_H

#include <stdint.h>

/* force: --progress given. Shown when force, or stderr is a terminal. */
void progress_init(int force);
/* Reports bytes of input consumed so far; cheap to call often (checks the clock rarely). */
void progress_update(uint64_t bytes, uint64_t lines);
/* Final figures and a newline, when shown. */
void progress_done(uint64_t bytes, uint64_t lines);

#endif
