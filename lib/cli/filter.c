/* filter.c: the line loop of text stages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "base/io.h"
#include "cli/progress.h"

struct counts {
	uint64_t bytes, lines, bad;
	int warned;
};

/* Returns 0, or 1 after a reported error that ends the run. */
static int run_file(const struct filter *f, const char *path, struct counts *c, struct buf *tmp,
                    struct buf *res, int *ret)
{
	struct reader r;
	struct error e;
	char *line;
	ssize_t n;
	uint64_t lineno = 0;
	char num[32];

	if (reader_open(&r, path) < 0) {
		weprintf("open %s:", path);
		*ret = EXIT_RUNTIME;
		return 0;
	}
	while ((n = reader_line(&r, &line)) >= 0) {
		size_t len;
		uint64_t bad = c->bad;
		const char *s = utf8_clean(line, (size_t)n, f->policy, tmp, &len, &c->bad);

		lineno++;
		if (!s) {
			error_bad(&e, r.name, 0, "line %llu, byte %zu: invalid UTF-8",
			          (unsigned long long)lineno, len + 1);
			goto stop;
		}
		if (c->bad > bad && !c->warned) {
			weprintf("%s: line %llu: invalid UTF-8 %s (later cases are counted)", r.name,
			         (unsigned long long)lineno,
			         f->policy == UTF8_SKIP ? "skipped" : "replaced by U+FFFD");
			c->warned = 1;
		}
		res->len = 0;
		if (f->fn)
			f->fn(f->ctx, s, len, res);
		else if (f->fn_err(f->ctx, s, len, res, r.name, lineno, &e) < 0)
			goto stop;
		if (res->len)
			writer_write(&out, res->p, res->len);
		c->lines++;
		if (progress_due())
			progress_show(c->bytes + r.nread, "%s lines", progress_count(num, sizeof(num), c->lines));
	}
	if (n == -2) {
		weprintf("read %s:", r.name);
		*ret = EXIT_RUNTIME;
	}
	c->bytes += r.nread;
	reader_close(&r);
	return 0;
stop:
	writer_flush(&out); /* the lines before first */
	weprint_error(&e);
	reader_close(&r);
	*ret = EXIT_RUNTIME;
	return 1;
}

int filter_lines(struct filter *f, char **files, int nfiles)
{
	struct counts c = {0};
	struct buf tmp = {0}, res = {0};
	int ret = 0;

	progress_phase("reading", files_size(files, nfiles), PHASE_BYTES);
	if (nfiles == 0) {
		if (f->begin_file)
			f->begin_file(f->ctx);
		run_file(f, "-", &c, &tmp, &res, &ret);
	} else {
		for (int i = 0; i < nfiles; i++) {
			if (f->begin_file)
				f->begin_file(f->ctx);
			if (run_file(f, files[i], &c, &tmp, &res, &ret))
				break;
		}
	}
	f->lines = c.lines;
	f->bytes = c.bytes;
	if (c.bad > 1)
		weprintf("%llu invalid UTF-8 bytes %s in all", (unsigned long long)c.bad,
		         f->policy == UTF8_SKIP ? "skipped" : "replaced");
	buf_free(&tmp);
	buf_free(&res);
	return ret;
}

int filter_run(struct filter *f, char **files, int nfiles)
{
	uint64_t written;
	int ret;

	out_init();
	progress_init(f->progress);
	ret = filter_lines(f, files, nfiles);
	written = out.nwritten + out.len;
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret == 0)
		filter_done(f, written, PHASE_BYTES);
	else
		progress_abort();
	return ret;
}

void filter_done(const struct filter *f, uint64_t n, const char *noun)
{
	char a[32], b[32], c[32];
	int bytes = !strcmp(noun, PHASE_BYTES);

	progress_done("%s lines (%s) read, %s%s%s written", progress_count(a, sizeof(a), f->lines),
	              progress_bytes(b, sizeof(b), f->bytes),
	              bytes ? progress_bytes(c, sizeof(c), n) : progress_count(c, sizeof(c), n),
	              bytes ? "" : " ", bytes ? "" : noun);
}

void merge_done(int nfiles, uint64_t n, const char *noun)
{
	char a[32];

	progress_done("%d file%s merged, %s %s written", nfiles ? nfiles : 1, nfiles > 1 ? "s" : "",
	              progress_count(a, sizeof(a), n), noun);
}
