/* score.c: the perplexity report of lm/score.h: per-token accounting as SRILM and KenLM do it,
 * and the text and JSON forms of the sentence, file and total reports. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "lm/score.h"

/* ---- output ---- */

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The shortest %g form that reads back as x, as KenLM prints a float. */
static const char *fmt_float(char *dst, size_t cap, float x)
{
	for (int p = 6; p <= 9; p++) {
		snprintf(dst, cap, "%.*g", p, (double)x);
		if (strtof(dst, NULL) == x)
			break;
	}
	return dst;
}

/* A JSON number, or null for what JSON cannot write (infinities, NaN). */
static const char *json_num(char *dst, size_t cap, double x)
{
	if (!isfinite(x))
		snprintf(dst, cap, "null");
	else
		snprintf(dst, cap, "%.15g", x);
	return dst;
}

static const char *json_float(char *dst, size_t cap, float x)
{
	return isfinite(x) ? fmt_float(dst, cap, x) : json_num(dst, cap, x);
}

/* s[0..n) as a JSON string, quotes included (the text is valid UTF-8: the caller saw to it). */
static void json_str(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/* 10^(-lp / n), or NaN when there is nothing to average. */
static double ppl(double lp, uint64_t n)
{
	return n > 0 ? pow(10.0, -lp / (double)n) : NAN;
}

static void add_stats(struct lm_score_stats *to, const struct lm_score_stats *s)
{
	to->sentences += s->sentences;
	to->words += s->words;
	to->oovs += s->oovs;
	to->tokens += s->tokens;
	to->zeroprobs += s->zeroprobs;
	to->zero_words += s->zero_words;
	to->logprob += s->logprob;
	to->logprob_all += s->logprob_all;
	to->logprob_oov += s->logprob_oov;
}

/* A perplexity as SRILM prints it (%g), "undefined" without tokens. */
static const char *fmt_ppl(char *dst, size_t cap, double x)
{
	if (isnan(x))
		snprintf(dst, cap, "undefined");
	else
		snprintf(dst, cap, "%g", x);
	return dst;
}

/* SRILM's two lines, "LABEL NAME: ..." first, then (with kenlm) KenLM's four. */
static void report_text(struct buf *b, const char *label, const char *name,
                        const struct lm_score_stats *s, int kenlm)
{
	char p[32], p1[32], a[32], x[32];

	buf_printf(b, "%s %s: %llu sentences, %llu words, %llu OOVs\n", label, name,
	           (unsigned long long)s->sentences, (unsigned long long)s->words,
	           (unsigned long long)s->oovs);
	buf_printf(b, "%llu zeroprobs, logprob= %g ppl= %s ppl1= %s\n",
	           (unsigned long long)s->zeroprobs, s->logprob,
	           fmt_ppl(p, sizeof(p), ppl(s->logprob, s->tokens - s->zeroprobs)),
	           fmt_ppl(p1, sizeof(p1), ppl(s->logprob, s->words - s->zero_words)));
	if (!kenlm)
		return;
	snprintf(a, sizeof(a), "%.16g", ppl(s->logprob_all, s->tokens));
	snprintf(x, sizeof(x), "%.16g", ppl(s->logprob_all - s->logprob_oov, s->tokens - s->oovs));
	buf_printf(b, "Perplexity including OOVs:\t%s\nPerplexity excluding OOVs:\t%s\n"
	           "OOVs:\t%llu\nTokens:\t%llu\n", s->tokens ? a : "undefined",
	           s->tokens > s->oovs ? x : "undefined", (unsigned long long)s->oovs,
	           (unsigned long long)s->tokens);
}

/* The figures of s as JSON members (after "{" and what comes first). */
static void report_json(struct buf *b, const struct lm_score_stats *s)
{
	char n[6][40];

	buf_printf(b, "\"sentences\":%llu,\"words\":%llu,\"oovs\":%llu,\"zeroprobs\":%llu,"
	           "\"tokens\":%llu,\"logprob\":%s,\"ppl\":%s,\"ppl1\":%s,"
	           "\"ppl_including_oovs\":%s,\"ppl_excluding_oovs\":%s,\"logprob_oovs\":%s",
	           (unsigned long long)s->sentences, (unsigned long long)s->words,
	           (unsigned long long)s->oovs, (unsigned long long)s->zeroprobs,
	           (unsigned long long)s->tokens, json_num(n[0], 40, s->logprob),
	           json_num(n[1], 40, ppl(s->logprob, s->tokens - s->zeroprobs)),
	           json_num(n[2], 40, ppl(s->logprob, s->words - s->zero_words)),
	           json_num(n[3], 40, ppl(s->logprob_all, s->tokens)),
	           json_num(n[4], 40, ppl(s->logprob_all - s->logprob_oov, s->tokens - s->oovs)),
	           json_num(n[5], 40, s->logprob_oov));
}

/* ---- scoring ---- */

void lm_score_init(struct lm_scorer *sc, const struct lm_source *src, enum lm_score_level level,
                   unsigned flags)
{
	memset(sc, 0, sizeof(*sc));
	sc->src = *src;
	sc->level = level;
	sc->json = (flags & LM_SCORE_JSON) != 0;
	sc->bos = (flags & LM_SCORE_NO_BOS) == 0;
	sc->eos = (flags & LM_SCORE_NO_EOS) == 0;
}

void lm_score_free(struct lm_scorer *sc)
{
	free(sc->ids);
	free(sc->oov);
	free(sc->lp);
	free(sc->order);
	sc->ids = NULL;
	sc->oov = NULL;
	sc->lp = NULL;
	sc->order = NULL;
	sc->cap = 0;
}

void lm_score_begin_file(struct lm_scorer *sc)
{
	memset(&sc->file, 0, sizeof(sc->file));
	if (sc->src.begin_file)
		sc->src.begin_file(sc->src.m);
}

void lm_score_end_file(struct lm_scorer *sc)
{
	add_stats(&sc->total, &sc->file);
}

/* One token of the sentence: its log10 p into the sentence's figures, and at LM_SCORE_WORD its
 * detail into out. */
static void token(const struct lm_scorer *sc, struct lm_score_stats *line, const char *w,
                  size_t n, uint32_t id, int oov, float lp, unsigned order, int is_word,
                  struct buf *out)
{
	char f[40];

	line->tokens++;
	line->logprob_all += lp;
	if (oov)
		line->logprob_oov += lp;
	if (isinf(lp)) {
		line->zeroprobs++;
		line->zero_words += is_word;
	} else {
		line->logprob += lp;
	}
	if (sc->level != LM_SCORE_WORD)
		return;
	if (sc->json) {
		if (line->tokens > 1)
			buf_putc(out, ',');
		buf_put(out, "{\"word\":", 8);
		json_str(out, w, n);
		buf_printf(out, ",\"id\":%u,\"order\":%u,\"logprob\":%s,\"oov\":%s}", id, order,
		           json_float(f, sizeof(f), lp), oov ? "true" : "false");
	} else {
		buf_put(out, w, n);
		buf_printf(out, "=%u %u %s\t", id, order, fmt_float(f, sizeof(f), lp));
	}
}

int lm_score_sentence(struct lm_scorer *sc, const struct span *w, size_t n, struct buf *out,
                      struct error *e)
{
	struct lm_score_stats line = {0};
	size_t i;
	char f[40];

	/* markers the text already has are the ones every sentence gets */
	if (n > 0 && w[0].n == 3 && memcmp(w[0].p, "<s>", 3) == 0) {
		w++;
		n--;
	}
	if (n > 0 && w[n - 1].n == 4 && memcmp(w[n - 1].p, "</s>", 4) == 0)
		n--;
	if (n + 1 > sc->cap) {
		sc->cap = (n + 1) * 2;
		sc->ids = erealloc(sc->ids, sc->cap * sizeof(*sc->ids));
		sc->oov = erealloc(sc->oov, sc->cap);
		sc->lp = erealloc(sc->lp, sc->cap * sizeof(*sc->lp));
		sc->order = erealloc(sc->order, sc->cap * sizeof(*sc->order));
	}
	for (i = 0; i < n; i++) {
		int64_t id = sc->src.find(sc->src.m, w[i].p, w[i].n);

		sc->oov[i] = id < 0;
		sc->ids[i] = id < 0 ? sc->src.unk : (uint32_t)id;
	}
	if (sc->src.sentence(sc->src.m, sc->ids, n, sc->bos, sc->eos, sc->lp, sc->order, e) < 0)
		return -1;
	if (sc->json && sc->level == LM_SCORE_WORD)
		buf_printf(out, "{\"sentence\":%llu,\"scores\":[",
		           (unsigned long long)sc->file.sentences + 1);
	for (i = 0; i < n; i++) {
		line.words++;
		line.oovs += sc->oov[i];
		token(sc, &line, w[i].p, w[i].n, sc->ids[i], sc->oov[i], sc->lp[i], sc->order[i], 1,
		      out);
	}
	if (sc->eos)
		token(sc, &line, "</s>", 4, sc->src.eos, 0, sc->lp[n], sc->order[n], 0, out);
	line.sentences = 1;
	if (sc->level != LM_SCORE_SUMMARY) {
		if (sc->json) {
			if (sc->level == LM_SCORE_WORD)
				buf_put(out, "],", 2);
			else
				buf_printf(out, "{\"sentence\":%llu,",
				           (unsigned long long)sc->file.sentences + 1);
			report_json(out, &line);
			buf_put(out, "}\n", 2);
		} else {
			buf_printf(out, "Total: %s OOV: %llu\n",
			           fmt_float(f, sizeof(f), (float)line.logprob_all),
			           (unsigned long long)line.oovs);
		}
	}
	add_stats(&sc->file, &line);
	return 0;
}

/* ---- the reports ---- */

void lm_score_file_report(const struct lm_scorer *sc, const char *name, struct buf *out)
{
	if (sc->json) {
		buf_put(out, "{\"file\":", 8);
		json_str(out, name, strlen(name));
		buf_putc(out, ',');
		report_json(out, &sc->file);
		buf_put(out, "}\n", 2);
	} else {
		report_text(out, "file", name, &sc->file, 0);
	}
}

/* One file is reported as "file NAME" and in JSON as "file"; several as "total N files" and
 * "files". The settings in JSON are the scorer's: "order" only for an n-gram model (a source's
 * order 0 leaves it out), "bos" as asked even of a model that ignores it. */
void lm_score_report(const struct lm_scorer *sc, const char *model, char *const *names, int n,
                     struct buf *out)
{
	char count[32];

	if (!sc->json) {
		snprintf(count, sizeof(count), "%d files", n);
		report_text(out, n == 1 ? "file" : "total", n == 1 ? names[0] : count, &sc->total,
		            1);
		return;
	}
	buf_put(out, "{\"model\":", 9);
	json_str(out, model, strlen(model));
	if (sc->src.order > 0)
		buf_printf(out, ",\"order\":%u", sc->src.order);
	buf_printf(out, ",\"bos\":%s,\"eos\":%s,", sc->bos ? "true" : "false",
	           sc->eos ? "true" : "false");
	if (n == 1) {
		buf_put(out, "\"file\":", 7);
		json_str(out, names[0], strlen(names[0]));
	} else {
		buf_put(out, "\"files\":[", 9);
		for (int i = 0; i < n; i++) {
			if (i)
				buf_putc(out, ',');
			json_str(out, names[i], strlen(names[i]));
		}
		buf_putc(out, ']');
	}
	buf_putc(out, ',');
	report_json(out, &sc->total);
	buf_put(out, "}\n", 2);
}
