/* filter.h: the loop every line-by-line stage shares: read each input file (stdin when none or
 * "-"), apply the UTF-8 policy, transform each line, write the result, report progress. */
#ifndef NLP_FILTER_H
#define NLP_FILTER_H

#include <stddef.h>

#include "base/buf.h"
#include "text/utf8.h"

/* Appends the result for one valid UTF-8 line s[0..n) to out, newline(s) included. */
typedef void filter_line_fn(void *ctx, const char *s, size_t n, struct buf *out);

struct filter {
	enum utf8_policy policy;
	int progress;
	filter_line_fn *fn;
	void *ctx;
};

/* Runs the filter over files[0..nfiles) and closes stdout. A file that cannot be opened or read
 * is reported and skipped; --invalid=fail stops at the first bad byte. Returns the exit status. */
int filter_run(const struct filter *f, char **files, int nfiles);

/* The same loop without opening or closing stdout: counting stages call it, then write their
 * results (out_init() must come first when fn appends anything). Returns the exit status. */
int filter_lines(const struct filter *f, char **files, int nfiles);

#endif
