/* filter.c: the line loop of text stages. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "base/io.h"
#include "base/mem.h"
#include "base/par.h"
#include "cli/progress.h"

struct counts {
	uint64_t bytes, lines, bad;
	int warned;
};

#define BATCH_BYTES ((size_t)1 << 20) /* a batch's text when the lines are transformed on threads */

/* Lines cleaned and waiting for the threads, and what each thread writes. */
struct batch {
	const struct filter *f;
	struct buf text;   /* the lines, one after another */
	size_t *ends;      /* [n] where each line ends in text */
	size_t n, cap;
	struct buf *res;   /* [f->threads] */
};

/* par_run's function: thread t transforms the lines that start in its share of the bytes. */
static void batch_part(void *ctx, int t, int nt)
{
	struct batch *b = ctx;
	size_t lo = b->text.len * (size_t)t / (size_t)nt, hi = b->text.len * (size_t)(t + 1) / (size_t)nt;
	size_t start = 0;

	b->res[t].len = 0;
	for (size_t i = 0; i < b->n; i++) {
		if (start >= lo && (start < hi || (t == nt - 1 && start == hi)))
			b->f->fn(b->f->ctxs[t], b->text.p + start, b->ends[i] - start, &b->res[t]);
		start = b->ends[i];
	}
}

/* Transforms and writes the batch's lines, and empties it. */
static void batch_flush(struct batch *b, struct counts *c)
{
	if (b->n == 0)
		return;
	par_run(b->f->threads, batch_part, b);
	for (int t = 0; t < b->f->threads; t++)
		if (b->res[t].len)
			writer_write(&out, b->res[t].p, b->res[t].len);
	c->lines += b->n;
	b->n = 0;
	b->text.len = 0;
}

/* Adds the clean line s[0..n) to the batch, transforming the batch when it is full. */
static void batch_add(struct batch *b, const char *s, size_t n, struct counts *c)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4096;
		b->ends = erealloc(b->ends, b->cap * sizeof(*b->ends));
	}
	buf_put(&b->text, s, n);
	b->ends[b->n++] = b->text.len;
	if (b->text.len >= BATCH_BYTES)
		batch_flush(b, c);
}

/* Returns 0, or 1 after a reported error that ends the run. */
static int run_file(const struct filter *f, const char *path, struct counts *c, struct buf *tmp,
                    struct buf *res, struct batch *b, int *ret)
{
	struct reader r;
	struct error e;
	char *line;
	ssize_t n;
	uint64_t lineno = 0;
	char num[32];
	void *ctx = f->ctxs ? f->ctxs[0] : f->ctx; /* fn's on this thread */

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
		if (b) {
			batch_add(b, s, len, c);
			if (progress_due())
				progress_show(c->bytes + r.nread, "%s lines",
				              progress_count(num, sizeof(num), c->lines));
			continue;
		}
		res->len = 0;
		if (f->fn)
			f->fn(ctx, s, len, res);
		else if (f->fn_err(ctx, s, len, res, r.name, lineno, &e) < 0)
			goto stop;
		if (res->len)
			writer_write(&out, res->p, res->len);
		c->lines++;
		if (progress_due())
			progress_show(c->bytes + r.nread, "%s lines", progress_count(num, sizeof(num), c->lines));
	}
	if (b)
		batch_flush(b, c);
	if (n == -2) {
		weprintf("read %s:", r.name);
		*ret = EXIT_RUNTIME;
	}
	c->bytes += r.nread;
	reader_close(&r);
	return 0;
stop:
	if (b)
		batch_flush(b, c);
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
	struct batch batch = {.f = f}, *b = NULL;
	int ret = 0;

	if (f->threads > 1 && f->fn) {
		batch.res = ecalloc((size_t)f->threads, sizeof(*batch.res));
		b = &batch;
	}

	progress_phase("reading", files_size(files, nfiles), PHASE_BYTES);
	if (nfiles == 0) {
		if (f->begin_file)
			f->begin_file(f->ctx);
		run_file(f, "-", &c, &tmp, &res, b, &ret);
	} else {
		for (int i = 0; i < nfiles; i++) {
			if (f->begin_file)
				f->begin_file(f->ctx);
			if (run_file(f, files[i], &c, &tmp, &res, b, &ret))
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
	if (b) {
		for (int t = 0; t < f->threads; t++)
			buf_free(&batch.res[t]);
		free(batch.res);
		free(batch.ends);
		buf_free(&batch.text);
	}
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
