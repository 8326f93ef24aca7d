/* metrics.c: the confusion matrix and what nlp-classify eval reports from it (cls/metrics.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "cls/metrics.h"

int cls_metrics_init(struct cls_metrics *m, const struct strtab *labels, struct error *e)
{
	memset(m, 0, sizeof(*m));
	if (labels->n < 1)
		return error_set(e, -1, 0, NULL, 0, "metrics of a model without classes");
	m->labels = labels;
	m->C = labels->n;
	m->rowcap = m->C + 1;
	if (m->C > SIZE_MAX / sizeof(uint64_t) / m->rowcap)
		return error_set(e, -1, ENOMEM, NULL, 0, "a confusion matrix of %zu classes", m->C);
	m->conf = calloc(m->rowcap * m->C, sizeof(uint64_t));
	if (!m->conf || strtab_init(&m->unknown, 4) < 0) {
		free(m->conf);
		m->conf = NULL;
		return error_set(e, -1, ENOMEM, NULL, 0, "a confusion matrix of %zu classes", m->C);
	}
	return 0;
}

void cls_metrics_free(struct cls_metrics *m)
{
	free(m->conf);
	m->conf = NULL;
	strtab_free(&m->unknown);
}

int cls_metrics_add_id(struct cls_metrics *m, uint32_t truth, uint32_t predicted,
                       struct error *e)
{
	if (truth >= m->C || predicted >= m->C)
		return error_set(e, -1, 0, NULL, 0, "class %u out of range: the model has %zu",
		                 truth >= m->C ? truth : predicted, m->C);
	m->conf[(size_t)truth * m->C + predicted]++;
	m->total++;
	m->correct += truth == predicted;
	return 0;
}

int cls_metrics_add(struct cls_metrics *m, const char *s, size_t n, uint32_t predicted,
                    struct error *e)
{
	int64_t id = strtab_find(m->labels, s, n);
	size_t row;

	if (id >= 0)
		return cls_metrics_add_id(m, (uint32_t)id, predicted, e);
	if (predicted >= m->C)
		return error_set(e, -1, 0, NULL, 0, "class %u out of range: the model has %zu",
		                 predicted, m->C);
	id = strtab_intern(&m->unknown, s, n);
	if (id < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the table of unknown labels");
	row = m->C + (size_t)id;
	if (row >= m->rowcap) {
		size_t cap = m->rowcap * 2;
		uint64_t *p;

		if (cap > SIZE_MAX / sizeof(uint64_t) / m->C ||
		    !(p = realloc(m->conf, cap * m->C * sizeof(uint64_t))))
			return error_set(e, -1, ENOMEM, NULL, 0, "a confusion matrix of %zu rows", cap);
		memset(p + m->rowcap * m->C, 0, (cap - m->rowcap) * m->C * sizeof(uint64_t));
		m->conf = p;
		m->rowcap = cap;
	}
	m->conf[row * m->C + predicted]++;
	m->total++;
	return 0;
}

/* Class c's true positives, predictions (column sum) and support (row sum). */
static void counts(const struct cls_metrics *m, size_t c, uint64_t *tp, uint64_t *pred,
                   uint64_t *sup)
{
	size_t rows = m->C + m->unknown.n;

	*tp = m->conf[c * m->C + c];
	*pred = *sup = 0;
	for (size_t r = 0; r < rows; r++)
		*pred += m->conf[r * m->C + c];
	for (size_t k = 0; k < m->C; k++)
		*sup += m->conf[c * m->C + k];
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : 0.0;
}

void cls_metrics_class(const struct cls_metrics *m, size_t c, double *precision, double *recall,
                       double *f1, uint64_t *support)
{
	uint64_t tp, pred, sup;

	counts(m, c, &tp, &pred, &sup);
	if (precision)
		*precision = ratio(tp, pred);
	if (recall)
		*recall = ratio(tp, sup);
	/* 2 tp / (2 tp + fp + fn), with fp = pred - tp and fn = sup - tp */
	if (f1)
		*f1 = ratio(2 * tp, pred + sup);
	if (support)
		*support = sup;
}

double cls_metrics_accuracy(const struct cls_metrics *m)
{
	return m->total ? (double)m->correct / (double)m->total : NAN;
}

double cls_metrics_macro_f1(const struct cls_metrics *m)
{
	double sum = 0;
	size_t k = 0;

	for (size_t c = 0; c < m->C; c++) {
		uint64_t tp, pred, sup;

		counts(m, c, &tp, &pred, &sup);
		if (pred + sup == 0)
			continue;
		sum += ratio(2 * tp, pred + sup);
		k++;
	}
	return k ? sum / (double)k : NAN;
}

/* ---- output ---- */

static void put(struct writer *w, const char *s)
{
	writer_write(w, s, strlen(s));
}

static void putf(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct writer *w, const char *fmt, ...)
{
	char b[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	writer_write(w, b, n < 0 ? 0 : (size_t)n < sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

static void spaces(struct writer *w, size_t n)
{
	while (n--)
		writer_putc(w, ' ');
}

/* The columns s [n] takes on a terminal: each code point's East Asian width (Hangul and CJK
 * 2, combining marks 0), a byte that starts no valid sequence 1. */
static size_t columns(const char *s, size_t n)
{
	size_t cols = 0;

	while (n > 0) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
		                                      &cp);

		if (k < 1) {
			cols++;
			k = 1;
		} else {
			int cw = utf8proc_charwidth(cp);

			cols += cw > 0 ? (size_t)cw : 0;
		}
		s += k;
		n -= (size_t)k;
	}
	return cols;
}

/* The label of row r (the model's class r, or an unknown label after them) and its length. */
static const char *row_label(const struct cls_metrics *m, size_t r, size_t *len)
{
	return r < m->C ? strtab_key(m->labels, r, len) : strtab_key(&m->unknown, r - m->C, len);
}

/* The unknown labels' ids in the order of their bytes, [unknown.n] (NULL when there are none or
 * memory runs out, when they come by first sight). */
static uint32_t *unknown_order(const struct cls_metrics *m)
{
	uint32_t *ord;

	if (m->unknown.n == 0 || !(ord = malloc(m->unknown.n * sizeof(*ord))))
		return NULL;
	for (size_t i = 0; i < m->unknown.n; i++)
		ord[i] = (uint32_t)i;
	qsort_r(ord, m->unknown.n, sizeof(*ord), strtab_cmp_ids, (void *)&m->unknown);
	return ord;
}

/* Row i of the output: the model's classes, then the unknown labels in ord's order. */
static size_t out_row(const struct cls_metrics *m, const uint32_t *ord, size_t i)
{
	return i < m->C ? i : m->C + (ord ? ord[i - m->C] : i - m->C);
}

static void fixed4(struct writer *w, double v, size_t width)
{
	char b[32];
	int n = isnan(v) ? snprintf(b, sizeof(b), "nan") : snprintf(b, sizeof(b), "%.4f", v);

	writer_write(w, b, (size_t)n);
	if (width > (size_t)n)
		spaces(w, width - (size_t)n);
}

static size_t digits(uint64_t v)
{
	size_t d = 1;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

void cls_metrics_text(const struct cls_metrics *m, struct writer *w)
{
	size_t rows = m->C + m->unknown.n, lw = 5, cw = 1, len;
	uint32_t *ord = unknown_order(m);
	uint64_t most = 0;

	for (size_t r = 0; r < rows; r++) {
		const char *s = row_label(m, r, &len);
		size_t c = columns(s, len);

		if (c > lw)
			lw = c;
		if (r < m->C && c > cw)
			cw = c;
		for (size_t k = 0; k < m->C; k++)
			if (m->conf[r * m->C + k] > most)
				most = m->conf[r * m->C + k];
	}
	lw += 3;
	if (digits(most) > cw)
		cw = digits(most);
	cw += 3;

	put(w, "accuracy  ");
	fixed4(w, cls_metrics_accuracy(m), 0);
	putf(w, "  (%llu/%llu)\n", (unsigned long long)m->correct, (unsigned long long)m->total);
	put(w, "macro F1  ");
	fixed4(w, cls_metrics_macro_f1(m), 0);
	put(w, "\nlabel");
	spaces(w, lw - 5);
	put(w, "precision  recall  F1      support\n");
	for (size_t c = 0; c < m->C; c++) {
		const char *s = strtab_key(m->labels, c, &len);
		double p, r, f;
		uint64_t sup;

		cls_metrics_class(m, c, &p, &r, &f, &sup);
		writer_write(w, s, len);
		spaces(w, lw - columns(s, len));
		fixed4(w, p, 11);
		fixed4(w, r, 8);
		fixed4(w, f, 8);
		putf(w, "%llu\n", (unsigned long long)sup);
	}

	put(w, "confusion (rows: true, columns: predicted)\n");
	spaces(w, lw);
	for (size_t k = 0; k < m->C; k++) {
		const char *s = strtab_key(m->labels, k, &len);

		writer_write(w, s, len);
		if (k + 1 < m->C)
			spaces(w, cw - columns(s, len));
	}
	writer_putc(w, '\n');
	for (size_t i = 0; i < rows; i++) {
		size_t r = out_row(m, ord, i);
		const char *s = row_label(m, r, &len);

		writer_write(w, s, len);
		spaces(w, lw - columns(s, len));
		for (size_t k = 0; k < m->C; k++) {
			uint64_t v = m->conf[r * m->C + k];

			putf(w, "%llu", (unsigned long long)v);
			if (k + 1 < m->C)
				spaces(w, cw - digits(v));
		}
		writer_putc(w, '\n');
	}
	free(ord);
}

static void json_num(struct writer *w, double v)
{
	if (isnan(v) || isinf(v))
		put(w, "null");
	else
		putf(w, "%.6g", v);
}

static void json_str(struct writer *w, const char *s, size_t n)
{
	writer_putc(w, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			writer_putc(w, '\\');
			writer_putc(w, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			putf(w, "\\u%04x", c);
		} else {
			writer_putc(w, (char)c);
		}
	}
	writer_putc(w, '"');
}

void cls_metrics_json(const struct cls_metrics *m, struct writer *w)
{
	cls_metrics_json_more(m, w, NULL);
}

void cls_metrics_json_more(const struct cls_metrics *m, struct writer *w, const char *more)
{
	size_t rows = m->C + m->unknown.n, len;
	uint32_t *ord = unknown_order(m);

	put(w, "{\"accuracy\":");
	json_num(w, cls_metrics_accuracy(m));
	putf(w, ",\"correct\":%llu,\"total\":%llu,\"macro_f1\":", (unsigned long long)m->correct,
	     (unsigned long long)m->total);
	json_num(w, cls_metrics_macro_f1(m));
	put(w, ",\"classes\":[");
	for (size_t c = 0; c < m->C; c++) {
		const char *s = strtab_key(m->labels, c, &len);
		double p, r, f;
		uint64_t sup;

		cls_metrics_class(m, c, &p, &r, &f, &sup);
		put(w, c ? ",{\"label\":" : "{\"label\":");
		json_str(w, s, len);
		put(w, ",\"precision\":");
		json_num(w, p);
		put(w, ",\"recall\":");
		json_num(w, r);
		put(w, ",\"f1\":");
		json_num(w, f);
		putf(w, ",\"support\":%llu}", (unsigned long long)sup);
	}
	put(w, "],\"confusion\":[");
	for (size_t i = 0; i < rows; i++) {
		size_t r = out_row(m, ord, i);

		put(w, i ? ",[" : "[");
		for (size_t k = 0; k < m->C; k++)
			putf(w, k ? ",%llu" : "%llu", (unsigned long long)m->conf[r * m->C + k]);
		writer_putc(w, ']');
	}
	put(w, "],\"unknown_labels\":[");
	for (size_t i = m->C; i < rows; i++) {
		const char *s = row_label(m, out_row(m, ord, i), &len);

		if (i > m->C)
			writer_putc(w, ',');
		json_str(w, s, len);
	}
	writer_putc(w, ']');
	if (more) {
		writer_putc(w, ',');
		put(w, more);
	}
	put(w, "}\n");
	free(ord);
}
