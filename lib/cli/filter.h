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
};

/* Runs the filter over files[0..nfiles) and closes stdout. A file that cannot be opened or read
 * is reported and skipped; --invalid=fail stops at the first bad byte, and fn_err at its first
 * failure (nothing of that line is written, the lines before it are, then the message).
 * Returns the exit status. */
int filter_run(const struct filter *f, char **files, int nfiles);

/* The same loop without opening or closing stdout: counting stages call it, then write their
 * results (out_init() must come first when fn appends anything). Returns the exit status. */
int filter_lines(const struct filter *f, char **files, int nfiles);

#endif
