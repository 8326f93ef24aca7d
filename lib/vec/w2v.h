/* w2v.h: word2vec (Mikolov et al. 2013): skip-gram and CBOW trained with negative sampling,
 * hierarchical softmax or both, as word2vec.c trains them (the same initialisation, subsampling
 * formula, window shrinking and linear learning-rate decay), on Hogwild threads that each read a
 * byte range of the corpus file once per epoch.
 *
 * The parameters are one allocation: the input vectors W, then the output (context) vectors C
 * of negative sampling, then the vectors N of the Huffman tree's inner nodes for hierarchical
 * softmax (C or N absent when its method is off), float32, each row padded to a multiple of
 * W2V_LANES floats so that rows start on a 64-byte line and the kernels run over whole vectors;
 * the padding stays zero.
 *
 * With subwords (fastText, vec/subword.h) W has a row per bucket of character n-grams after the
 * vocabulary's rows, and a word's input vector is the mean of its list of rows (its own and its
 * n-grams'); the gradient is added, unscaled, to each row of the list, as fastText does. Skip-gram
 * then takes the center word's mean as the input that predicts each context word (fastText's
 * way round); CBOW the mean of all the rows of all the context words.
 *
 * The kernels are written out below as small inline functions, outputs first (llm.c's style):
 * w2v_sgns_update is the forward and backward pass of one input vector against its positive
 * target and its negatives, which skip-gram runs once per (center, context) pair and CBOW once
 * per center word on the mean of its context; w2v_hs_update is the same for hierarchical softmax,
 * along the target word's path in the tree. tests/test-lib.c runs them against a NumPy
 * reference. */
#ifndef NLP_W2V_H
#define NLP_W2V_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "base/io.h"
#include "count/vocab.h"
#include "text/utf8.h"
#include "vec/subword.h"

#define W2V_LANES 16          /* floats per 64-byte line: rows are padded to a multiple */
#define W2V_MAX_DIM 10000
#define W2V_MAX_WINDOW 1000   /* beyond it a window is a mistake (word2vec.c caps sentences at 1000) */
#define W2V_MAX_NEG 1000
#define W2V_MAX_EPOCHS 100000
#define W2V_LR_EVERY 10000    /* words a thread trains between learning-rate updates */
#define W2V_LOSS_EVERY 8      /* the loss is measured on one center word in this many */
#define W2V_MAX_SENTENCE 10000 /* kept words trained as one sentence: a longer line is cut */
#define W2V_SEGMENT ((size_t)1 << 20) /* bytes of a line taken at once: a longer line is cut at
                                       * a blank, so that a corpus on one line (text8) is read
                                       * in pieces, by every thread */
#define W2V_MAX_BUCKETS 100000000 /* 50 times fastText's default: beyond it a count is a mistake */

struct w2v_settings {
	int cbow;           /* 0: skip-gram */
	unsigned neg;       /* negative samples per positive (0: no negative sampling) */
	int hs;             /* hierarchical softmax (neg and hs may both be on, as in word2vec.c) */
	unsigned window;    /* the largest distance of a context word, 1.. */
	int shrink;         /* draw each center's window uniformly in 1..window, as word2vec.c */
	size_t dim;
	double sample;      /* subsampling threshold (0: none) */
	unsigned epochs;
	double alpha, min_alpha; /* learning rate, decayed linearly from alpha to min_alpha */
	int threads;
	uint64_t seed;
	enum utf8_policy invalid; /* malformed UTF-8 in the corpus */
	unsigned minn, maxn;      /* subwords: n-grams of minn to maxn characters (0: none) */
	size_t buckets;           /* subwords: the n-grams' rows */
};

struct w2v_model {
	size_t rows, dim, stride; /* rows: the vocabulary's words; stride: dim rounded up to
	                           * W2V_LANES */
	size_t buckets;           /* rows of subword n-grams after the words' in W (0: none) */
	unsigned minn, maxn;      /* the n-grams' lengths in characters (0: no subwords) */
	struct subword_table sub; /* each word's input rows, with subwords (w2v_subwords) */
	float *params;            /* W, C, N one after the other: one allocation, 64-byte aligned */
	float *W;                 /* [rows + buckets][stride] input vectors: the words', then the
	                           * buckets' */
	float *C;                 /* [rows][stride] output vectors of negative sampling, or NULL */
	float *N;                 /* [rows - 1][stride] inner nodes' vectors of hierarchical softmax
	                           * (the output side of --hs: they have no words), or NULL */
};

/* The Huffman tree of hierarchical softmax over the vocabulary's counts: word w's path from the
 * root is points[off[w] .. off[w + 1]), the inner nodes it passes (0 .. rows - 2, the root is
 * rows - 2), and codes[] the same range, the branch taken at each (0 or 1). The code lengths are
 * not capped (word2vec.c stops at 40): a path of L nodes needs counts that grow like the Fibonacci
 * numbers, a total of about fib(L + 2), so counts of at least 1 summing below 2^64 give paths of
 * at most about 90 nodes, and a path is stored at its length. */
struct w2v_tree {
	size_t rows;
	size_t *off;       /* [rows + 1] */
	uint32_t *points;  /* [off[rows]] */
	uint8_t *codes;    /* [off[rows]] */
};

/* What a training run did. */
struct w2v_stats {
	uint64_t words;      /* vocabulary words read, over all epochs (before subsampling) */
	uint64_t trained;    /* center words trained (after subsampling) */
	double loss;         /* mean loss of the last epoch's measured updates (see W2V_LOSS_EVERY) */
	uint64_t bad;        /* malformed bytes replaced or skipped in one epoch */
	uint64_t bad_at;     /* the file offset of the first one (bad > 0) */
};

/* Called now and then by the thread that called w2v_train (the first worker): the epoch (from 1),
 * the words read in it by all threads, the thread's mean loss since the last call (NaN: none
 * measured) and the learning rate. */
typedef void w2v_progress_fn(void *ctx, unsigned epoch, uint64_t done, double loss, double lr);

/* Counts the words of the tokens file fd (read from its first byte; name for messages) with
 * count/ngc in budget bytes, and keeps in v those counted at least min_count times, the first
 * max_vocab of them (0: all), most frequent first as nlp-vocab orders them. Malformed UTF-8
 * follows policy; *nbad counts the bytes replaced or skipped and *bad_line is the first line
 * holding one. Returns 0, or -1 with e filled (a read error, memory, invalid UTF-8 under
 * UTF8_FAIL). vocab_free frees v. */
int w2v_count_vocab(struct vocab *v, int fd, const char *name, uint64_t min_count,
                    uint64_t max_vocab, size_t budget, enum utf8_policy policy, uint64_t *nbad,
                    uint64_t *bad_line, struct error *e);

/* The bytes a training run of the vocabulary v under s holds at its peak: the parameters (also
 * in *params; with subwords the buckets' rows too), the vocabulary, the sampling tables, the
 * lists of the words' n-grams and the threads' buffers. */
uint64_t w2v_need(const struct w2v_settings *s, const struct vocab *v, uint64_t *params);

/* Allocates m for rows words of dim dimensions, with C when neg and N when hs, W uniform in
 * [-0.5/dim, 0.5/dim) from seed and C and N zero, as word2vec.c starts. Returns 0, or -1 with e
 * filled (out of memory). */
int w2v_init(struct w2v_model *m, size_t rows, size_t dim, int neg, int hs, uint64_t seed,
             struct error *e);
/* The same with buckets rows of subword n-grams after the words' in W (rows + buckets < 2^32),
 * drawn as the words' rows are, after them (so the words' rows are w2v_init's). */
int w2v_alloc(struct w2v_model *m, size_t rows, size_t buckets, size_t dim, int neg, int hs,
              uint64_t seed, struct error *e);
/* Gives the words of v (m's rows, in order) their n-grams of minn to maxn characters in m's
 * buckets (m->buckets > 0), which w2v_train then uses. Returns 0, or -1 with e filled (memory). */
int w2v_subwords(struct w2v_model *m, const struct vocab *v, unsigned minn, unsigned maxn,
                 struct error *e);
void w2v_free(struct w2v_model *m);

/* Word i's vector [dim]: its row of W, or with subwords the mean of its rows, computed in tmp
 * [stride] (fastText's word vectors). */
const float *w2v_word_vector(const struct w2v_model *m, size_t i, float *tmp);
/* Writes the word vectors of m (ctx: the context vectors C instead) labelled by the words of v
 * to w in the word2vec format (binary or text), as vec_write_row writes them. Returns 0, or -1
 * when memory runs out (write errors are the writer's). */
int w2v_write_vectors(struct writer *w, int binary, const struct vocab *v,
                      const struct w2v_model *m, int ctx);

/* Builds t, the Huffman tree of counts [rows] (rows >= 1; in any order, though the vocabulary's,
 * most frequent first, saves a sort), in O(rows) after the sort by two queues: the leaves by
 * rising count and the inner nodes as they are made, whose weights rise too. A tie goes to the
 * leaf, which keeps the longest code short. Sums saturate at UINT64_MAX (the tree stays a valid
 * prefix code). Returns 0, or -1 when memory runs out. w2v_tree_free frees it. */
int w2v_tree_build(struct w2v_tree *t, const uint64_t *counts, size_t rows);
void w2v_tree_free(struct w2v_tree *t);

/* Trains m (made by w2v_init with s->neg and s->hs) on the tokens file fd (one sentence a line;
 * read with pread, so fd must be a regular file) with vocabulary v (its counts are the words'
 * frequencies; tokens not in it are dropped before the window is laid; malformed UTF-8 follows
 * s->invalid, as w2v_count_vocab). Returns 0, or -1 with e filled (a read error, memory, invalid
 * UTF-8 under UTF8_FAIL: the message gives its byte offset). fn (may be NULL) reports progress. */
int w2v_train(struct w2v_model *m, const struct w2v_settings *s, const struct vocab *v, int fd,
              const char *name, w2v_progress_fn *fn, void *ctx, struct w2v_stats *st,
              struct error *e);

/* ---- the kernels ---- */

typedef float w2v_vec __attribute__((vector_size(32))); /* 8 lanes; two per W2V_LANES */

/* a [n] . b [n], n a multiple of 8 (word2vec's rows: of W2V_LANES); the sum's order is fixed, so
 * results repeat. */
static inline float w2v_dot(const float *a, const float *b, size_t n)
{
	w2v_vec s0 = {0}, s1 = {0};
	float r = 0;
	size_t i = 0;

	for (; i + W2V_LANES <= n; i += W2V_LANES) {
		w2v_vec a0, a1, b0, b1; /* loads through memcpy: no alignment or aliasing assumed */

		memcpy(&a0, a + i, sizeof(a0));
		memcpy(&a1, a + i + 8, sizeof(a1));
		memcpy(&b0, b + i, sizeof(b0));
		memcpy(&b1, b + i + 8, sizeof(b1));
		s0 += a0 * b0;
		s1 += a1 * b1;
	}
	if (i < n) { /* the last 8 of a length that is not a multiple of 16 */
		w2v_vec a0, b0;

		memcpy(&a0, a + i, sizeof(a0));
		memcpy(&b0, b + i, sizeof(b0));
		s0 += a0 * b0;
	}
	s0 += s1;
	for (int j = 0; j < 8; j++)
		r += s0[j];
	return r;
}

/* y [n] += a * x [n], n a multiple of W2V_LANES. */
static inline void w2v_axpy(float *y, float a, const float *x, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		w2v_vec vy, vx;

		memcpy(&vy, y + i, sizeof(vy));
		memcpy(&vx, x + i, sizeof(vx));
		vy += a * vx;
		memcpy(y + i, &vy, sizeof(vy));
	}
}

/* log(1 + e^x), without overflow. */
static inline float w2v_softplus(float x)
{
	return (x > 0 ? x : 0) + log1pf(expf(-fabsf(x)));
}

/* Forward and backward of negative sampling for one input vector h against targets[0] (the
 * positive, label 1) and targets[1..nt) (negatives, label 0): for each target t, with
 * f = h . C[t] and g = alpha (label - sigmoid(f)), it adds g C[t] (before C[t] changes) to dh and
 * g h to C[t]. The caller adds dh to the input rows after the call (word2vec.c's neu1e).
 * Returns the loss -log sigmoid(f_pos) - sum log sigmoid(-f_neg) when want_loss, else 0.
 * dh [n] accumulated (not cleared), C [rows][n] the output vectors, h [n] (not a row of C),
 * targets [nt]; n a multiple of W2V_LANES. */
static inline float w2v_sgns_update(float *dh, float *C, const float *h, const uint32_t *targets,
                                    size_t nt, float alpha, size_t n, int want_loss)
{
	float loss = 0;

	for (size_t k = 0; k < nt; k++) {
		float *c = C + (size_t)targets[k] * n;
		float f = w2v_dot(h, c, n);
		float label = k == 0 ? 1.0f : 0.0f;
		float g = alpha * (label - 1.0f / (1.0f + expf(-f)));

		if (want_loss)
			loss += w2v_softplus(k == 0 ? -f : f);
		w2v_axpy(dh, g, c, n);
		w2v_axpy(c, g, h, n);
	}
	return loss;
}

/* Forward and backward of hierarchical softmax for one input vector h along the path of its
 * target word: for each inner node p = points[d], with f = h . N[p] and
 * g = alpha (1 - codes[d] - sigmoid(f)), it adds g N[p] (before N[p] changes) to dh and g h to
 * N[p] (sigmoid(f) is the probability of branch 0). Returns the loss -log p(target | h) =
 * sum softplus(codes[d] ? f : -f) when want_loss, else 0.
 * dh [n] accumulated (not cleared), N [rows - 1][n] the inner nodes' vectors, h [n] (not a row of
 * N), points [len] and codes [len] the target's path; n a multiple of W2V_LANES. */
static inline float w2v_hs_update(float *dh, float *N, const float *h, const uint32_t *points,
                                  const uint8_t *codes, size_t len, float alpha, size_t n,
                                  int want_loss)
{
	float loss = 0;

	for (size_t d = 0; d < len; d++) {
		float *c = N + (size_t)points[d] * n;
		float f = w2v_dot(h, c, n);
		float g = alpha * ((float)(1 - codes[d]) - 1.0f / (1.0f + expf(-f)));

		if (want_loss)
			loss += w2v_softplus(codes[d] ? f : -f);
		w2v_axpy(dh, g, c, n);
		w2v_axpy(c, g, h, n);
	}
	return loss;
}

/* h [n] = the mean of the rows W[ctx[0..nc)] (nc > 0), n a multiple of W2V_LANES; W [rows][n]. */
static inline void w2v_cbow_mean(float *h, const float *W, const uint32_t *ctx, size_t nc,
                                 size_t n)
{
	memset(h, 0, n * sizeof(*h));
	for (size_t j = 0; j < nc; j++)
		w2v_axpy(h, 1.0f, W + (size_t)ctx[j] * n, n);
	for (size_t i = 0; i < n; i++)
		h[i] *= 1.0f / (float)nc;
}

/* W [rows][n] += dh [n] for each row of list [nl] (a row listed twice gets it twice): the input
 * side's update when a mean of rows was the input. */
static inline void w2v_add_rows(float *W, const uint32_t *list, size_t nl, const float *dh,
                                size_t n)
{
	for (size_t j = 0; j < nl; j++)
		w2v_axpy(W + (size_t)list[j] * n, 1.0f, dh, n);
}

#endif
