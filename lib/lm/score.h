/* score.h: the perplexity of token text under a language model, reported as SRILM's ngram -ppl
 * and KenLM's query report it: the accounting of sentences, words, OOVs, zero probabilities and
 * log10 probabilities per sentence, per file and over all the files, and the reports, as text or
 * JSON lines, appended to a buffer (nlp-perplexity(1) shows them). The scorer knows nothing of
 * the model: a model offers itself through a struct lm_source (lm/model.h's lm_model_source for
 * an n-gram model), so that every kind of model gets the same report.
 *
 * Use: lm_score_init; then for each file lm_score_begin_file, lm_score_sentence for each of its
 * lines, lm_score_end_file and (with several files) lm_score_file_report; at the end
 * lm_score_report and lm_score_free. */
#ifndef NLP_LM_SCORE_H
#define NLP_LM_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/spans.h"

/* What a model offers the scorer. */
struct lm_source {
	void *m; /* the model, passed to each function */
	/* the id of the word s[0..n), or -1 when the model does not know it */
	int64_t (*find)(void *m, const char *s, size_t n);
	uint32_t unk, eos; /* the ids of <unk> and </s> */
	/* the n-gram order, which the JSON report gives as "order"; 0: not an n-gram model, and the
	 * report has no "order" */
	unsigned order;
	/* called at the start of each file (a recurrent model resets its state there), or NULL */
	void (*begin_file)(void *m);
	/* Scores one sentence: ids[0..n) its words' ids (unk for an OOV); writes the log10 p of
	 * each word into lp[0..n) and, when eos, of </s> into lp[n]; order[] likewise the length of
	 * the n-gram used (0 for a model without one). A zero probability is -inf. bos: whether the
	 * sentence starts with <s> as its context (an n-gram model's; a recurrent model may ignore
	 * it). The scorer calls it once a line, the lines in order. Returns 0, or -1 with e filled
	 * (its name and line left for the caller). */
	int (*sentence)(void *m, const uint32_t *ids, size_t n, int bos, int eos, float *lp,
	                unsigned *order, struct error *e);
};

enum lm_score_level {
	LM_SCORE_SUMMARY,  /* the reports only */
	LM_SCORE_SENTENCE, /* and a total for each sentence */
	LM_SCORE_WORD      /* and each word's id, n-gram length and log10 p before it */
};

/* lm_score_init's flags */
#define LM_SCORE_JSON 1u   /* JSON lines instead of text */
#define LM_SCORE_NO_BOS 2u /* sentences begin without the context <s> */
#define LM_SCORE_NO_EOS 4u /* </s> is not scored at the end of each sentence */

/* What a sentence, a file, or all of them add up to. */
struct lm_score_stats {
	uint64_t sentences, words, oovs;
	uint64_t tokens;     /* the scored tokens: words, and </s> unless LM_SCORE_NO_EOS */
	uint64_t zeroprobs;  /* tokens of probability 0 (log10 -inf), SRILM's "zeroprobs" */
	uint64_t zero_words; /* the words among them */
	double logprob;      /* log10 p summed over the tokens of probability above 0: SRILM's */
	double logprob_all;  /* over every token (-inf with a zero probability): KenLM's */
	double logprob_oov;  /* over the OOVs */
};

/* The scorer: settings, figures and working memory. The fields are for reading. */
struct lm_scorer {
	struct lm_source src;
	enum lm_score_level level;
	int json, bos, eos;
	struct lm_score_stats file;  /* the current file's */
	struct lm_score_stats total; /* the files ended so far (lm_score_end_file) */
	/* [cap] the sentence's word ids, whether each is an OOV, and what src.sentence writes */
	uint32_t *ids;
	unsigned char *oov;
	float *lp;
	unsigned *order;
	size_t cap;
};

/* Sets sc up to score through src (copied) at level, with flags LM_SCORE_*; every figure 0. */
void lm_score_init(struct lm_scorer *sc, const struct lm_source *src, enum lm_score_level level,
                   unsigned flags);
/* Frees sc's working memory (sc itself is the caller's). */
void lm_score_free(struct lm_scorer *sc);

/* Starts a file: its figures to 0, and src.begin_file called. */
void lm_score_begin_file(struct lm_scorer *sc);
/* Scores the sentence w[0..n), the words of a line, into the file's figures, and appends to out
 * what the level shows of it (nothing at LM_SCORE_SUMMARY; a line otherwise). A <s> that begins
 * it and a </s> that ends it are left out: they are the markers every sentence gets anyway (a
 * <s> or </s> elsewhere is a word). The words are valid UTF-8. Returns 0, or -1 with e filled
 * by the model (its name and line left for the caller; nothing counted, out untouched). */
int lm_score_sentence(struct lm_scorer *sc, const struct span *w, size_t n, struct buf *out,
                      struct error *e);
/* Ends a file: its figures are added to the total. */
void lm_score_end_file(struct lm_scorer *sc);

/* Appends the current file's report, named name: SRILM's two lines, or a JSON object. */
void lm_score_file_report(const struct lm_scorer *sc, const char *name, struct buf *out);
/* Appends the report over the total of the files names[0..n) ("-" for the standard input):
 * SRILM's two lines then KenLM's four, or one JSON object that also names the model (model, a
 * path) and the settings. */
void lm_score_report(const struct lm_scorer *sc, const char *model, char *const *names, int n,
                     struct buf *out);

#endif
