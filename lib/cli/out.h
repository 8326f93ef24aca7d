/* out.h: the program's standard output. Every program writes through `out`; a failed write ends
 * the program (quietly for a closed pipe), so stages need not check each write. */
#ifndef NLP_OUT_H
#define NLP_OUT_H

#include "base/io.h"

/* Set up by out_init(). */
extern struct writer out;
void out_init(void);
/* Flush and close stdout. Returns 0 on success; any failure but a closed pipe prints the reason
 * and returns 1. A closed pipe ends the program quietly, as head(1) expects: by SIGPIPE's default
 * action, or, when SIGPIPE is ignored, through out_check() with status 0. */
int out_close(void);
/* Called when a write fails: EPIPE (SIGPIPE ignored) exits 0 quietly, other errors exit 1 with
 * a message. */
void out_check(void);

/* An output file other than stdout: out_file_open creates (or truncates) path and sets up w on
 * it, ending the program when it cannot; out_file_close flushes and closes it, ending the program
 * when a write failed. */
int out_file_open(struct writer *w, const char *path);
void out_file_close(struct writer *w, int fd, const char *path);

#endif
