/* nnfile.c: the model files' container. */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/le.h"
#include "base/spans.h"
#include "nn/nnfile.h"
#include "text/utf8.h"

#define ALIGN 64
#define FNV_BASIS 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define BOM 0x01020304u

static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

uint64_t nnfile_checksum(const unsigned char *p, size_t n)
{
	return fnv(FNV_BASIS, p, n);
}

/* ---- writing: the body goes through a hash as it goes out; the header, which holds the hash,
 * is written first, so the body is hashed before: a first pass over the same bytes ---- */

struct body {
	struct writer *w;   /* NULL: hash only */
	uint64_t hash, bytes;
};

static void put(struct body *b, const void *p, size_t n)
{
	b->hash = fnv(b->hash, p, n);
	b->bytes += n;
	if (b->w)
		writer_write(b->w, p, n);
}

static void put_u32(struct body *b, uint32_t v)
{
	unsigned char x[4];

	le_put_u32(x, v);
	put(b, x, 4);
}

static void put_floats(struct body *b, const float *p, size_t n)
{
	unsigned char x[256];

	for (size_t i = 0; i < n;) {
		size_t k = 0;

		for (; k < sizeof(x) / 4 && i < n; k++, i++) {
			uint32_t u;

			memcpy(&u, p + i, 4);
			le_put_u32(x + 4 * k, u);
		}
		put(b, x, 4 * k);
	}
}

static void put_body(struct body *b, uint32_t header, const struct strtab *const *tables,
                     uint32_t ntables, const struct nn_layout *L, const float *params,
                     uint64_t *table_bytes)
{
	static const unsigned char zeros[ALIGN];

	for (uint32_t t = 0; t < ntables; t++) {
		put_u32(b, (uint32_t)tables[t]->n);
		for (size_t i = 0; i < tables[t]->n; i++) {
			size_t len;
			const char *s = strtab_key(tables[t], i, &len);

			put_u32(b, (uint32_t)len);
			put(b, s, len);
		}
	}
	*table_bytes = b->bytes;
	put(b, zeros, (size_t)((ALIGN - (header + b->bytes) % ALIGN) % ALIGN));
	for (int i = 0; i < L->n; i++)
		put_floats(b, params + L->t[i].off, L->t[i].rows * L->t[i].cols);
}

void nnfile_write(struct writer *w, const char *magic, uint32_t version, unsigned char *hdr,
                  uint32_t header, const struct strtab *const *tables, uint32_t ntables,
                  const struct nn_layout *L, const float *params)
{
	struct body b = {NULL, FNV_BASIS, 0};
	uint64_t table_bytes;

	put_body(&b, header, tables, ntables, L, params, &table_bytes);
	memcpy(hdr, magic, NNFILE_MAGIC_LEN);
	le_put_u32(hdr + 8, version);
	le_put_u32(hdr + 12, BOM);
	le_put_u32(hdr + 16, header);
	le_put_u32(hdr + 20, ntables);
	le_put_u64(hdr + 24, table_bytes);
	le_put_u64(hdr + 32, L->used);
	le_put_u64(hdr + 40, b.hash);
	memset(hdr + 48, 0, 16);
	writer_write(w, (const char *)hdr, header);
	b = (struct body){w, FNV_BASIS, 0};
	put_body(&b, header, tables, ntables, L, params, &table_bytes);
}

/* ---- reading ---- */

void nnfile_get_floats(float *dst, const unsigned char *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t u = le_get_u32(src + 4 * i);

		memcpy(dst + i, &u, 4);
	}
}

void nnfile_free(struct nnfile *f)
{
	for (uint32_t t = 0; t < f->ntables; t++)
		strtab_free(&f->tables[t]);
	f->ntables = 0;
}

static int read_table(struct strtab *tab, const unsigned char *d, uint64_t *at, uint64_t end,
                      uint32_t t, const char *name, struct error *e)
{
	uint64_t count;

	if (end - *at < 4)
		return error_bad(e, name, 0, "word table %u: truncated", t + 1);
	count = le_get_u32(d + *at);
	*at += 4;
	if (count > (end - *at) / 5 || count > NNFILE_MAX_WORDS)
		return error_bad(e, name, 0, "word table %u: %llu words cannot fit in its bytes", t + 1,
		                 (unsigned long long)count);
	if (strtab_init(tab, (size_t)count) < 0)
		return error_set(e, -1, ENOMEM, name, 0, "a table of %llu words",
		                 (unsigned long long)count);
	for (uint64_t i = 0; i < count; i++) {
		uint64_t len = le_get_u32(d + *at);
		const char *w = (const char *)d + *at + 4;

		if (len < 1 || len > NNFILE_WORD_MAX || len > end - *at - 4)
			return error_bad(e, name, 0, "word table %u, word %llu: a length of %llu bytes",
			                 t + 1, (unsigned long long)i + 1, (unsigned long long)len);
		for (uint64_t k = 0; k < len; k++)
			if (spans_is_blank((unsigned char)w[k]) || w[k] == '\n' || w[k] == '\0')
				return error_bad(e, name, 0, "word table %u, word %llu has a blank", t + 1,
				                 (unsigned long long)i + 1);
		if (utf8_valid_prefix(w, (size_t)len) != len)
			return error_bad(e, name, 0, "word table %u, word %llu is not valid UTF-8", t + 1,
			                 (unsigned long long)i + 1);
		int64_t id = strtab_intern(tab, w, (size_t)len);
		if (id < 0)
			return error_set(e, -1, ENOMEM, name, 0, "a table of %llu words",
			                 (unsigned long long)count);
		if ((uint64_t)id != i)
			return error_bad(e, name, 0, "word table %u, word %llu is word %lld again", t + 1,
			                 (unsigned long long)i + 1, (long long)id + 1);
		*at += 4 + len;
		if (end - *at < 4 && i + 1 < count)
			return error_bad(e, name, 0, "word table %u: truncated at word %llu", t + 1,
			                 (unsigned long long)i + 2);
	}
	return 0;
}

int nnfile_parse(struct nnfile *f, const unsigned char *d, size_t size, const char *name,
                 const char *magic, uint32_t version, uint32_t header, uint32_t ntables,
                 const char *what, struct error *e)
{
	uint64_t tables, nparams, at, pstart;
	uint32_t v;

	memset(f, 0, sizeof(*f));
	if (size < NNFILE_MAGIC_LEN || memcmp(d, magic, NNFILE_MAGIC_LEN) != 0)
		return error_bad(e, name, 0, "not %s (no %.8s at its start)", what, magic);
	if (size < header)
		return error_bad(e, name, 0, "truncated: %zu bytes, the header alone takes %u", size,
		                 header);
	v = le_get_u32(d + 8);
	if (v != version)
		return error_bad(e, name, 0, "%s of version %u; this reader reads version %u", what, v,
		                 version);
	v = le_get_u32(d + 12);
	if (v == 0x04030201)
		return error_bad(e, name, 0, "written in big-endian byte order");
	if (v != BOM)
		return error_bad(e, name, 0, "a bad byte-order mark (0x%08x)", v);
	if (le_get_u32(d + 16) != header)
		return error_bad(e, name, 0, "a header of %u bytes; version %u's has %u",
		                 le_get_u32(d + 16), version, header);
	if (le_get_u32(d + 20) != ntables)
		return error_bad(e, name, 0, "%u word tables; %s has %u", le_get_u32(d + 20), what,
		                 ntables);
	for (int i = 48; i < NNFILE_COMMON; i++)
		if (d[i])
			return error_bad(e, name, 0, "the reserved bytes 48..63 are not zero");
	tables = le_get_u64(d + 24);
	nparams = le_get_u64(d + 32);
	if (tables > size - header)
		return error_bad(e, name, 0, "truncated: word tables of %llu bytes after the header, "
		                 "the file has %llu", (unsigned long long)tables,
		                 (unsigned long long)(size - header));
	pstart = (header + tables + ALIGN - 1) / ALIGN * ALIGN;
	if (nparams > ((uint64_t)1 << 40) || pstart + 4 * nparams != size)
		return error_bad(e, name, 0, "%s: the header gives %llu bytes, the file has %zu",
		                 pstart + 4 * nparams > size ? "truncated" : "bytes after the end",
		                 (unsigned long long)(pstart + 4 * nparams), size);
	if (fnv(FNV_BASIS, d + header, size - header) != le_get_u64(d + 40))
		return error_bad(e, name, 0, "the checksum does not match: the file is damaged");
	at = header;
	for (uint32_t t = 0; t < ntables; t++) {
		f->ntables = t + 1;
		if (read_table(&f->tables[t], d, &at, header + tables, t, name, e) < 0) {
			nnfile_free(f);
			return -1;
		}
	}
	if (at != header + tables) {
		nnfile_free(f);
		return error_bad(e, name, 0, "%llu bytes after the word tables",
		                 (unsigned long long)(header + tables - at));
	}
	for (uint64_t i = at; i < pstart; i++)
		if (d[i]) {
			nnfile_free(f);
			return error_bad(e, name, 0, "the padding at byte %llu is not zero",
			                 (unsigned long long)i);
		}
	f->hdr = d;
	f->header = header;
	f->params = d + pstart;
	f->nparams = nparams;
	return 0;
}

int nnfile_slurp(const char *path, unsigned char **data, size_t *size, struct error *e)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	unsigned char *p;

	if (fd < 0)
		return error_sys(e, NULL, "open %s", path);
	if (fstat(fd, &st) < 0) {
		int err = errno;

		close(fd);
		return error_set(e, -1, err, NULL, 0, "stat %s", path);
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return error_bad(e, path, 0, "not a regular file");
	}
	p = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!p) {
		close(fd);
		return error_set(e, -1, ENOMEM, path, 0, "reading %lld bytes", (long long)st.st_size);
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r <= 0) {
			int err = r < 0 ? errno : 0;

			free(p);
			close(fd);
			return r < 0 ? error_set(e, -1, err, NULL, 0, "read %s", path)
			             : error_bad(e, path, 0, "the file shrank while it was read");
		}
		got += (size_t)r;
	}
	close(fd);
	*data = p;
	*size = got;
	return 0;
}

int nnfile_read_params(const struct nnfile *f, const struct nn_layout *L, float *block,
                       const char *name, struct error *e)
{
	size_t at = 0;

	for (int i = 0; i < L->n; i++) {
		size_t n = L->t[i].rows * L->t[i].cols;
		float *p = block + L->t[i].off;

		nnfile_get_floats(p, f->params + 4 * at, n);
		for (size_t k = 0; k < n; k++)
			if (!isfinite(p[k]))
				return error_bad(e, name, 0, "parameter %zu of %s is not finite", k + 1,
				                 L->t[i].name);
		at += n;
	}
	return 0;
}

const char *nnfile_other_kind(const unsigned char *d, size_t size, const char *mine)
{
	/* the magics of lm/rnnlm.h, lm/lmbin.h, vec/w2vmodel.h, cls/model.h, tag/model.h,
	 * s2s/model.h, vec/glove.h and mat/matrix.h */
	static const struct {
		const char *magic, *what;
	} k[] = {{"NLPRNNLM", "an nlp-rnnlm language model"},
	         {"NLPLMBIN", "an nlp-lm binary n-gram model"},
	         {"NLPW2VMD", "an nlp-w2v model"},
	         {"NLPCLSFY", "an nlp-classify model"},
	         {"NLPTAGGR", "an nlp-tag model"},
	         {"NLPS2SEQ", "an nlp-seq2seq model"},
	         {"NLPGLOVE", "an nlp-glove model"},
	         {"NLPMATRX", "an nlp matrix"}};

	if (size < NNFILE_MAGIC_LEN || memcmp(d, mine, NNFILE_MAGIC_LEN) == 0)
		return NULL;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++)
		if (memcmp(d, k[i].magic, NNFILE_MAGIC_LEN) == 0)
			return k[i].what;
	return NULL;
}
