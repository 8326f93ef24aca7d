/* filter.h: the loop every line-by-line stage shares: read each input file (stdin when none or
 * "-"), apply the UTF-8 policy, transform each line, write the result, report progress. */
#ifndef NLP_FILTER_H
#define NLP_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "text/utf8.h"

/* Appends the result for one valid UTF-8 line s[0..n) to out, newline(s) included. */
typedef void filter_line_fn(void *ctx, const char *s, size_t n, struct buf *out);
/* The same for a line that can be wrong (nlp-vocab --encode and --decode): returns 0, or -1 with
 * e filled, which may name the input `name` and the line number `line`. */
typedef int filter_line_err_fn(void *ctx, const char *s, size_t n, struct buf *out,
                               const char *name, uint64_t line, struct error *e);

struct filter {
	enum utf8_policy policy;
	int progress;
	filter_line_fn *fn;         /* the line function: fn, or fn_err when fn is NULL */
	filter_line_err_fn *fn_err;
	void *ctx;
	void (*begin_file)(void *ctx); /* called before each file's first line, or NULL */
	/* ctxs, when set, replaces ctx: ctxs[t] is fn's context on thread t (on one thread,
	 * ctxs[0]). threads > 1 (with fn, not fn_err): the lines are read and cleaned in batches,
	 * and each batch is cut into threads parts that fn transforms at once; the results are
	 * written in the lines' order, so the output is the same */
	int threads;
	void **ctxs;
	uint64_t lines, bytes; /* set by filter_lines: the lines and bytes it read */
};

/* Runs the filter over files[0..nfiles) and closes stdout, with the progress display from start
 * (progress_init) to summary (lines, bytes read and written). A file that cannot be opened or read
 * is reported and skipped; --invalid=fail stops at the first bad byte, and fn_err at its first
 * failure (nothing of that line is written, the lines before it are, then the message).
 * Returns the exit status. */
int filter_run(struct filter *f, char **files, int nfiles);

/* The same loop without opening or closing stdout, as the display's phase "reading" (percentages
 * when every input is a regular file): counting stages call it after progress_init(), then write
 * their results (out_init() must come first when fn appends anything). Returns the exit status. */
int filter_lines(struct filter *f, char **files, int nfiles);

/* Ends the progress display (progress_done) with the lines and bytes f read and the n noun
 * written ("words", or PHASE_BYTES for bytes). */
void filter_done(const struct filter *f, uint64_t n, const char *noun);
/* The same for a merge of nfiles files (0: stdin) into n noun. */
void merge_done(int nfiles, uint64_t n, const char *noun);

#endif
