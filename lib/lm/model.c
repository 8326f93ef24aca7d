/* model.c: the n-gram model's building, querying and freeing, and lm_model_load, which tells an
 * ARPA file (lm/arpa.c) from the binary form (lm/lmbin.c) by its first bytes. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/bigmem.h"
#include "lm/lmbin.h"
#include "lm/model.h"
#include "lm/score.h"

/* ---- building ---- */

int lm_model_new(struct lm_model **mp, unsigned order, const uint64_t *counts, struct error *e)
{
	struct lm_model *m;

	*mp = NULL;
	if (order < 1 || order > LM_MAX_ORDER)
		return error_set(e, -1, 0, NULL, 0, "order %u is not within 1..%d", order,
		                 LM_MAX_ORDER);
	if (counts[1] < 1 || counts[1] >= LM_MAX_WORDS)
		return error_set(e, -1, 0, NULL, 0, "%llu 1-grams: not within 1..%u",
		                 (unsigned long long)counts[1], LM_MAX_WORDS - 1);
	for (unsigned n = 2; n <= order; n++)
		if (counts[n] > LM_MAX_NGRAMS)
			return error_set(e, -1, 0, NULL, 0, "%llu %u-grams: more than %llu",
			                 (unsigned long long)counts[n], n,
			                 (unsigned long long)LM_MAX_NGRAMS);
	if (!(m = calloc(1, sizeof(*m))))
		return error_set(e, -1, ENOMEM, NULL, 0, "a model");
	m->order = order;
	for (unsigned n = 1; n <= order; n++)
		m->declared[n] = counts[n];
	m->ucap = (size_t)counts[1] + 1;
	if (strtab_init(&m->vocab, m->ucap) < 0 || !(m->uni = malloc(m->ucap * sizeof(*m->uni))))
		goto nomem;
	for (unsigned n = 2; n <= order; n++) {
		struct lm_table *t = &m->tab[n];

		t->nslots = lm_slots_for(counts[n]);
		if (!(t->slots = bigmem_alloc(t->nslots * sizeof(*t->slots))))
			goto nomem;
	}
	*mp = m;
	return 0;
nomem:
	lm_model_free(m);
	return error_set(e, -1, ENOMEM, NULL, 0, "a model of %llu 1-grams",
	                 (unsigned long long)counts[1]);
}

int64_t lm_model_add_word(struct lm_model *m, const char *s, size_t n, float prob, float bow)
{
	size_t before = m->vocab.n;
	int64_t id;

	if (strtab_find(&m->vocab, s, n) >= 0)
		return -1;
	if (before >= m->declared[1] || before >= m->ucap)
		return -2;
	if ((id = strtab_intern(&m->vocab, s, n)) < 0)
		return -3;
	m->uni[id].prob = prob;
	m->uni[id].bow = bow;
	return id;
}

int lm_model_add_key(struct lm_model *m, unsigned n, uint64_t key, float prob, float bow)
{
	struct lm_table *t = &m->tab[n];
	uint64_t i = lm_slot_home(key, t->nslots);

	if (t->n >= m->declared[n])
		return -2;
	for (;;) {
		struct lm_entry *s = &t->slots[i];

		if (s->key == 0) {
			s->key = key;
			s->prob = prob;
			s->bow = bow;
			t->n++;
			return 0;
		}
		if (s->key == key)
			return -1;
		if (++i == t->nslots)
			i = 0;
	}
}

int lm_model_add(struct lm_model *m, const uint32_t *ids, unsigned n, float prob, float bow)
{
	return lm_model_add_key(m, n, lm_key(ids, n), prob, bow);
}

/* The id of a special word, or -1. */
static int64_t special(const struct lm_model *m, const char *w)
{
	return strtab_find(&m->vocab, w, strlen(w));
}

int lm_model_finish(struct lm_model *m, struct error *e)
{
	int64_t bos = special(m, "<s>"), eos = special(m, "</s>"), unk = special(m, "<unk>");

	if (bos < 0 || eos < 0)
		return error_set(e, -1, 0, NULL, 0, "no %s among the 1-grams: a model of sentences "
		                 "has both <s> and </s>", bos < 0 ? "<s>" : "</s>");
	if (unk < 0) {
		/* the one word of room lm_model_new kept */
		m->declared[1] = m->vocab.n + 1;
		unk = lm_model_add_word(m, "<unk>", 5, LM_UNK_MISSING_LOGP, 0);
		if (unk < 0)
			return error_set(e, -1, ENOMEM, NULL, 0, "adding <unk>");
		m->flags |= LM_FLAG_UNK_ADDED;
	}
	m->bos = (uint32_t)bos;
	m->eos = (uint32_t)eos;
	m->unk = (uint32_t)unk;
	return 0;
}

void lm_model_free(struct lm_model *m)
{
	if (!m)
		return;
	if (m->block) {
		bigmem_free(m->block, m->block_size);
	} else {
		free(m->uni);
		for (unsigned n = 2; n <= m->order; n++)
			bigmem_free(m->tab[n].slots, m->tab[n].nslots * sizeof(struct lm_entry));
	}
	if (m->vocab.slots)
		strtab_free(&m->vocab);
	free(m);
}

/* ---- querying ---- */

uint64_t lm_model_count(const struct lm_model *m, unsigned n)
{
	if (n == 1)
		return m->vocab.n;
	return n >= 2 && n <= m->order ? m->tab[n].n : 0;
}

float lm_model_logp(const struct lm_model *m, const uint32_t *ctx, size_t nctx, uint32_t w,
                    unsigned *matched)
{
	unsigned k, top = m->order - 1 < nctx ? m->order - 1 : (unsigned)nctx, len = 1;
	const uint32_t *c = ctx + nctx; /* c[-1] is the newest word of the context */
	uint64_t gram[LM_MAX_ORDER], cont[LM_MAX_ORDER], g, h = 0;
	float p, bo = 0;

	/* every key first, and their slots asked of the memory at once: the lookups then wait
	 * for one miss rather than one after another */
	g = lm_key_start(w);
	for (k = 1; k <= top; k++) {
		g = lm_key_step(g, c[-(int)k]);
		gram[k] = lm_key_final(g); /* (c_k .. c_1 w), in the table of order k+1 */
		lm_table_prefetch(&m->tab[k + 1], gram[k]);
		if (k == 1) {
			h = lm_key_start(c[-1]);
		} else {
			h = lm_key_step(h, c[-(int)k]);
			cont[k] = lm_key_final(h); /* (c_k .. c_1), in the table of order k */
			lm_table_prefetch(&m->tab[k], cont[k]);
		}
	}
	/* the longest n-gram that ends in w */
	p = m->uni[w].prob;
	for (k = top; k >= 1; k--) {
		const struct lm_entry *s = lm_table_find(&m->tab[k + 1], gram[k]);

		if (s) {
			p = s->prob;
			len = k + 1;
			break;
		}
	}
	/* the back-off weights of the contexts longer than its own */
	for (k = len; k <= top; k++) {
		if (k == 1) {
			bo += m->uni[c[-1]].bow;
		} else {
			const struct lm_entry *s = lm_table_find(&m->tab[k], cont[k]);

			if (s)
				bo += s->bow;
		}
	}
	if (matched)
		*matched = len;
	return p + bo;
}

/* ---- the scorer's source ---- */

static int64_t source_find(void *m, const char *s, size_t n)
{
	return lm_model_find(m, s, n);
}

/* lm_source's sentence: word i's context is <s> ids[0..i) with bos, ids[0..i) without. A query
 * looks at the last order-1 words of its context only: once i reaches that, ids itself holds
 * them; before, the context is <s> and the i words in head. */
static int source_sentence(void *mp, const uint32_t *ids, size_t n, int bos, int eos, float *lp,
                           unsigned *order, struct error *e)
{
	const struct lm_model *m = mp;
	size_t keep = m->order - 1, end = eos ? n + 1 : n;
	uint32_t head[LM_MAX_ORDER]; /* [keep] <s> ids[0..i) while i < keep */

	(void)e;
	head[0] = m->bos;
	for (size_t i = 0; i < end; i++) {
		uint32_t w = i < n ? ids[i] : m->eos;

		if (bos && i < keep)
			lp[i] = lm_model_logp(m, head, i + 1, w, &order[i]);
		else
			lp[i] = lm_model_logp(m, ids, i, w, &order[i]);
		if (i + 1 < keep)
			head[i + 1] = w;
	}
	return 0;
}

void lm_model_source(struct lm_source *src, struct lm_model *m)
{
	*src = (struct lm_source){.m = m, .find = source_find, .unk = m->unk, .eos = m->eos,
	                          .order = m->order, .sentence = source_sentence};
}

int lm_model_get(const struct lm_model *m, const uint32_t *ids, unsigned n, float *prob,
                 float *bow)
{
	const struct lm_entry *s;

	if (n == 1) {
		*prob = m->uni[ids[0]].prob;
		*bow = m->uni[ids[0]].bow;
		return 1;
	}
	if (n < 2 || n > m->order || !(s = lm_table_find(&m->tab[n], lm_key(ids, n))))
		return 0;
	*prob = s->prob;
	*bow = s->bow;
	return 1;
}

/* ---- loading ---- */

/* Reads the rest of the regular file fd, size bytes, into memory that lm_model_read_binary
 * takes over. (A private mapping of the file instead checks as fast, but its small pages slow
 * the queries down as much, and a file cut short under it would kill the program.) */
static int read_binary_file(struct lm_model **m, int fd, uint64_t size, const char *name,
                            struct error *e)
{
	unsigned char *data;
	size_t got = 0;

	if (size > SIZE_MAX / 2)
		return error_bad(e, name, 0, "a file of %llu bytes is too large",
		                 (unsigned long long)size);
	if (!(data = bigmem_alloc((size_t)size)))
		return error_set(e, -1, ENOMEM, name, 0, "a model of %llu bytes",
		                 (unsigned long long)size);
	while (got < size) {
		ssize_t k = read(fd, data + got, (size_t)size - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			bigmem_free(data, (size_t)size);
			if (k < 0)
				return error_sys(e, NULL, "read %s", name);
			return error_bad(e, name, 0, "truncated: the file ended while it was read");
		}
		got += (size_t)k;
	}
	return lm_model_read_binary(m, data, (size_t)size, name, e);
}

/* Copies what is left of fd to a temporary file (base/io.h), for a model that comes through a
 * pipe: its size is then known, and the counts it declares can be checked against it before
 * they size anything. Returns the file's descriptor, at its start, or -1 with e filled. */
static int spool(int fd, const char *name, struct error *e)
{
	char *buf = malloc(1 << 20);
	int tmp = tmpfile_open();
	ssize_t k;

	if (!buf || tmp < 0) {
		free(buf);
		if (tmp >= 0)
			close(tmp);
		return error_set(e, -1, buf ? errno : ENOMEM, NULL, 0, "a temporary copy of %s", name);
	}
	while ((k = read(fd, buf, 1 << 20)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			error_sys(e, NULL, "read %s", name);
			goto fail;
		}
		for (ssize_t off = 0; off < k;) {
			ssize_t w = write(tmp, buf + off, (size_t)(k - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				error_sys(e, NULL, "a temporary copy of %s", name);
				goto fail;
			}
			off += w;
		}
	}
	free(buf);
	if (lseek(tmp, 0, SEEK_SET) < 0) {
		error_sys(e, NULL, "a temporary copy of %s", name);
		close(tmp);
		return -1;
	}
	return tmp;
fail:
	free(buf);
	close(tmp);
	return -1;
}

int lm_model_read(struct lm_model **m, int fd, const char *name, struct error *e)
{
	struct stat st;
	unsigned char head[LMBIN_MAGIC_LEN];
	uint64_t size;
	off_t at;
	ssize_t k;
	int ret;

	*m = NULL;
	if (fstat(fd, &st) < 0)
		return error_sys(e, NULL, "stat %s", name);
	if (!S_ISREG(st.st_mode) || (at = lseek(fd, 0, SEEK_CUR)) < 0) {
		int tmp = spool(fd, name, e);

		if (tmp < 0)
			return -1;
		ret = lm_model_read(m, tmp, name, e);
		close(tmp);
		return ret;
	}
	size = (uint64_t)st.st_size > (uint64_t)at ? (uint64_t)(st.st_size - at) : 0;
	do
		k = pread(fd, head, sizeof(head), at);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return error_sys(e, NULL, "read %s", name);
	if ((size_t)k == sizeof(head) && memcmp(head, LMBIN_MAGIC, LMBIN_MAGIC_LEN) == 0)
		return read_binary_file(m, fd, size, name, e);
	return lm_model_read_arpa(m, fd, name, size, e);
}

int lm_model_load(struct lm_model **m, const char *path, struct error *e)
{
	int fd, ret;

	*m = NULL;
	if (strcmp(path, "-") == 0)
		return lm_model_read(m, 0, "<stdin>", e);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_sys(e, NULL, "open %s", path);
	ret = lm_model_read(m, fd, path, e);
	close(fd);
	return ret;
}
