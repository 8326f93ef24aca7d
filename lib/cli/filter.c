/* filter.c: the line loop of text stages. */
#include <errno.h>
#include <stdlib.h>

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
		progress_update(c->bytes + r.nread, c->lines);
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

int filter_lines(const struct filter *f, char **files, int nfiles)
{
	struct counts c = {0};
	struct buf tmp = {0}, res = {0};
	int ret = 0;

	progress_init(f->progress);
	if (nfiles == 0) {
		run_file(f, "-", &c, &tmp, &res, &ret);
	} else {
		for (int i = 0; i < nfiles; i++)
			if (run_file(f, files[i], &c, &tmp, &res, &ret))
				break;
	}
	progress_done(c.bytes, c.lines);
	if (c.bad > 1)
		weprintf("%llu invalid UTF-8 bytes %s in all", (unsigned long long)c.bad,
		         f->policy == UTF8_SKIP ? "skipped" : "replaced");
	buf_free(&tmp);
	buf_free(&res);
	return ret;
}

int filter_run(const struct filter *f, char **files, int nfiles)
{
	int ret;

	out_init();
	ret = filter_lines(f, files, nfiles);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}
