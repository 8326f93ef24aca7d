/* wordeval.c: the word-pair and analogy benchmarks with gensim's conventions. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "base/phase.h"
#include "text/pystr.h"
#include "vec/corr.h"
#include "vec/wordeval.h"

#define BATCH_QUESTIONS 65536 /* analogy questions answered together */

static int ascii_ieq(const char *s, size_t n, const char *lower)
{
	size_t m = strlen(lower);

	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]) != lower[i])
			return 0;
	return 1;
}

/* Python's float() of a string: white space around, '_' between digits, inf, infinity and nan in
 * any case. Returns 0, or -1 when Python would raise ValueError. */
static int py_float(const char *s, size_t n, struct buf *tmp, double *out)
{
	size_t from, to, i;
	int neg = 0;

	pystr_strip(s, n, &from, &to);
	s += from;
	n = to - from;
	i = n > 0 && (s[0] == '+' || s[0] == '-');
	neg = i && s[0] == '-';
	if (ascii_ieq(s + i, n - i, "inf") || ascii_ieq(s + i, n - i, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (ascii_ieq(s + i, n - i, "nan")) {
		*out = NAN;
		return 0;
	}
	tmp->len = 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '_') {
			buf_putc(tmp, s[i]);
			continue;
		}
		if (i == 0 || i + 1 == n || s[i - 1] < '0' || s[i - 1] > '9' || s[i + 1] < '0' ||
		    s[i + 1] > '9')
			return -1;
	}
	return vec_parse_decimal(tmp->p ? tmp->p : "", tmp->len, out);
}


/* The cosine of two rows as gensim's similarity() computes it: BLAS's dot product of the rows
 * scaled by BLAS's norms, in single precision. */
static float cosine(const struct vectors *v, size_t a, size_t b)
{
	return cblas_sdot((int)v->dim, v->unit + a * v->dim, 1, v->unit + b * v->dim, 1);
}

struct pairs_acc {
	double *gold, *model; /* [n] */
	size_t n, cap;
	struct buf num;
};

/* One line, as gensim's evaluate_word_pairs takes it: '#' starts a comment; three fields between
 * tabs, the last a number, else the line is skipped. Returns -1 when memory runs out. */
static int pair_line(struct lookup *lk, struct pairs_acc *acc, struct wordeval_pairs *res,
                     const char *s, size_t n)
{
	const char *t1, *t2;
	int64_t a, b;
	double score;

	if (n > 0 && s[0] == '#')
		return 0;
	if (!(t1 = memchr(s, '\t', n)) || !(t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s))) ||
	    memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - s)) ||
	    py_float(t2 + 1, n - (size_t)(t2 + 1 - s), &acc->num, &score) < 0) {
		res->invalid++;
		return 0;
	}
	a = lookup_find(lk, s, (size_t)(t1 - s));
	b = a < 0 ? -1 : lookup_find(lk, t1 + 1, (size_t)(t2 - t1 - 1));
	if (a < 0 || b < 0) {
		res->oov++;
		return 0;
	}
	if (acc->n == acc->cap) {
		size_t nc = acc->cap ? 2 * acc->cap : 512;
		double *g = realloc(acc->gold, nc * sizeof(*g)), *m;

		if (g)
			acc->gold = g;
		if (!g || !(m = realloc(acc->model, nc * sizeof(*m))))
			return -1;
		acc->model = m;
		acc->cap = nc;
	}
	acc->gold[acc->n] = score;
	acc->model[acc->n++] = cosine(lk->v, (size_t)a, (size_t)b);
	return 0;
}

int wordeval_pairs(struct lookup *lk, struct reader *r, struct wordeval_pairs *res,
                   struct error *e)
{
	struct pairs_acc acc = {0};
	uint64_t lineno = 0;
	char *line;
	ssize_t n;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	while ((n = reader_line(r, &line)) >= 0) {
		/* lines end at LF, CRLF or CR, as Python's text files have them */
		for (size_t i = 0, start = 0; i <= (size_t)n; i++) {
			if (i < (size_t)n && line[i] != '\r')
				continue;
			if (i == (size_t)n && start == i && i > 0 && line[i - 1] == '\r')
				break; /* the CR of a CRLF */
			lineno++;
			if (pair_line(lk, &acc, res, line + start, i - start) < 0) {
				error_bad(e, r->name, lineno, "out of memory");
				goto out;
			}
			start = i + 1;
		}
	}
	if (n == -2) {
		error_set(e, -1, errno, NULL, 0, "read %s", r->name);
		goto out;
	}
	if (acc.n == 0) {
		error_bad(e, r->name, 0, "no pair has both words among the vectors (%llu unknown, %llu "
		          "not 'word<TAB>word<TAB>score')", (unsigned long long)res->oov,
		          (unsigned long long)res->invalid);
		goto out;
	}
	res->pairs = acc.n;
	res->oov_percent = 100.0 * (double)res->oov / (double)(res->pairs + res->oov);
	res->pearson = corr_pearson(acc.gold, acc.model, acc.n);
	for (size_t i = 0; i < acc.n; i++)
		if (isnan(acc.gold[i]))
			res->pearson = NAN;
	ret = corr_spearman(acc.gold, acc.model, acc.n, &res->spearman) < 0
	          ? error_bad(e, r->name, 0, "out of memory") : 0;
out:
	free(acc.gold);
	free(acc.model);
	buf_free(&acc.num);
	return ret;
}

/* ---- analogies ---- */

struct question {
	uint32_t w[4]; /* rows of a, b, c and the expected d */
	uint32_t sec;
};

struct questions {
	struct question *q;
	size_t n, cap;
};

static int add_section(struct wordeval_analogies *res, const char *s, size_t n)
{
	size_t from, to;
	struct wordeval_section *p = realloc(res->sec, (res->nsec + 1) * sizeof(*p));

	if (!p)
		return -1;
	res->sec = p;
	while (n > 0 && (*s == ':' || *s == ' ')) /* Python's lstrip(': ') */
		s++, n--;
	pystr_strip(s, n, &from, &to);
	if (!(p[res->nsec].name = malloc(to - from + 1)))
		return -1;
	memcpy(p[res->nsec].name, s + from, to - from);
	p[res->nsec].name[to - from] = '\0';
	p[res->nsec].correct = p[res->nsec].total = 0;
	res->nsec++;
	return 0;
}

/* One line, as gensim's evaluate_word_analogies takes it. */
static int analogy_line(struct lookup *lk, struct questions *qs, struct wordeval_analogies *res,
                        const char *s, size_t n, const char *name, uint64_t lineno,
                        struct error *e)
{
	const char *w[4];
	size_t len[4];
	struct question q;

	if (n >= 2 && s[0] == ':' && s[1] == ' ')
		return add_section(res, s, n) < 0 ? error_bad(e, name, lineno, "out of memory") : 0;
	if (res->nsec == 0)
		return error_bad(e, name, lineno, "a question before the first ': section' line");
	if (pystr_split(s, n, w, len, 4) != 4) {
		res->invalid++;
		return 0;
	}
	res->questions++;
	for (int i = 0; i < 4; i++) {
		int64_t row = lookup_find(lk, w[i], len[i]);

		if (row < 0) {
			res->oov++;
			return 0;
		}
		q.w[i] = (uint32_t)row;
	}
	q.sec = (uint32_t)(res->nsec - 1);
	if (qs->n == qs->cap) {
		size_t nc = qs->cap ? 2 * qs->cap : 1024;
		struct question *p = realloc(qs->q, nc * sizeof(*p));

		if (!p)
			return error_bad(e, name, lineno, "out of memory");
		qs->q = p;
		qs->cap = nc;
	}
	qs->q[qs->n++] = q;
	return 0;
}

/* Answers questions [0, n) and counts the right ones; returns 0, or -1 when memory runs out. */
static int answer(struct lookup *lk, const struct question *qs, size_t n, enum similar_method m,
                  int threads, struct wordeval_analogies *res, struct error *e)
{
	size_t k = lk->known < WORDEVAL_TOPN ? lk->known : WORDEVAL_TOPN;
	struct similar_search s = {lk->v, lk->known, NULL, m, k, threads, NULL};
	struct similar_query *q = malloc((n ? n : 1) * sizeof(*q));
	struct similar_hit *hits = malloc((n * k + 1) * sizeof(*hits));
	size_t *nhits = malloc((n ? n : 1) * sizeof(*nhits));
	const uint32_t *key = lk->key;
	int ret = -1;

	if (!q || !hits || !nhits)
		goto out;
	for (size_t i = 0; i < n; i++)
		q[i] = (struct similar_query){{qs[i].w[0], qs[i].w[1], qs[i].w[2]}, 3};
	if (similar_search(&s, q, n, hits, nhits, e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const uint32_t *w = qs[i].w;
		int64_t pred = -1;

		/* gensim looks at the best answers in turn, past those that are a, b or c in another
		 * case, and judges the last one it looked at */
		for (size_t j = 0; j < nhits[i]; j++) {
			uint32_t kp = key[hits[i * k + j].row];

			pred = hits[i * k + j].row;
			if (kp != key[w[0]] && kp != key[w[1]] && kp != key[w[2]])
				break;
		}
		res->sec[qs[i].sec].total++;
		if (pred >= 0 && key[pred] == key[w[3]])
			res->sec[qs[i].sec].correct++;
	}
	ret = 0;
out:
	free(q);
	free(hits);
	free(nhits);
	return ret;
}

int wordeval_analogies(struct lookup *lk, struct reader *r, enum similar_method m, int threads,
                       struct wordeval_analogies *res, struct error *e)
{
	struct questions qs = {0};
	uint64_t lineno = 0;
	char *line;
	ssize_t n;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	while ((n = reader_line(r, &line)) >= 0)
		if (analogy_line(lk, &qs, res, line, (size_t)n, r->name, ++lineno, e) < 0)
			goto out;
	if (n == -2) {
		error_set(e, -1, errno, NULL, 0, "read %s", r->name);
		goto out;
	}
	phase_begin("answering", qs.n, "questions");
	for (size_t i = 0; i < qs.n; i += BATCH_QUESTIONS, phase_step(i < qs.n ? i : qs.n))
		if (answer(lk, qs.q + i, qs.n - i < BATCH_QUESTIONS ? qs.n - i : BATCH_QUESTIONS, m,
		           threads, res, e) < 0) {
			error_bad(e, r->name, 0, "out of memory");
			goto out;
		}
	for (size_t i = 0; i < res->nsec; i++) {
		res->correct += res->sec[i].correct;
		res->total += res->sec[i].total;
	}
	ret = 0;
out:
	free(qs.q);
	return ret;
}

void wordeval_analogies_free(struct wordeval_analogies *res)
{
	for (size_t i = 0; i < res->nsec; i++)
		free(res->sec[i].name);
	free(res->sec);
	memset(res, 0, sizeof(*res));
}

/* ---- reports ---- */

void wordeval_line(struct writer *w, const char *key, const char *fmt, ...)
{
	char s[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	writer_write(w, key, strlen(key));
	writer_putc(w, '\t');
	writer_write(w, s, (size_t)n < sizeof(s) ? (size_t)n : sizeof(s) - 1);
	writer_putc(w, '\n');
}

void wordeval_write_pairs(struct writer *w, const struct wordeval_pairs *p)
{
	wordeval_line(w, "pairs", "%llu", (unsigned long long)p->pairs);
	wordeval_line(w, "oov", "%llu", (unsigned long long)p->oov);
	wordeval_line(w, "oov_percent", "%.6f", p->oov_percent);
	wordeval_line(w, "invalid", "%llu", (unsigned long long)p->invalid);
	wordeval_line(w, "pearson", "%.6f", p->pearson);
	wordeval_line(w, "spearman", "%.6f", p->spearman);
}

void wordeval_write_analogies(struct writer *w, const struct wordeval_analogies *a)
{
	for (size_t i = 0; i < a->nsec; i++) {
		const struct wordeval_section *s = &a->sec[i];

		wordeval_line(w, "section", "%s\t%.6f\t%llu\t%llu", s->name,
		              s->total ? (double)s->correct / (double)s->total : 0.0,
		              (unsigned long long)s->correct, (unsigned long long)s->total);
	}
	wordeval_line(w, "questions", "%llu", (unsigned long long)a->questions);
	wordeval_line(w, "oov", "%llu", (unsigned long long)a->oov);
	wordeval_line(w, "oov_percent", "%.6f",
	              a->questions ? 100.0 * (double)a->oov / (double)a->questions : 0.0);
	wordeval_line(w, "invalid", "%llu", (unsigned long long)a->invalid);
	wordeval_line(w, "correct", "%llu", (unsigned long long)a->correct);
	wordeval_line(w, "evaluated", "%llu", (unsigned long long)a->total);
	wordeval_line(w, "accuracy", "%.6f", a->total ? (double)a->correct / (double)a->total : 0.0);
}
