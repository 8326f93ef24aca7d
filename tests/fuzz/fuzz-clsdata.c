/* fuzz-clsdata: nlp-classify's labelled text (cls/data.c) as train and eval read it: each line
 * (the input cut at newlines, a last line without one included) through cls_data_add, up to the
 * first line refused, as the programs stop there; then cls_data_check, and the tables a model
 * builds from the counts (cls_table_build with a minimum count from the first byte's bits 0..1,
 * and <unk> first with bit 2) and the map of the text's words into them (cls_table_map).
 * Checks: a refused line has a message and names its line; the examples are the lines
 * accepted, each label and word the bytes of its line, split as spans_split_blank splits; the
 * ids are valid, the counts add up to the examples and the tokens; cls_data_check accepts the
 * text exactly when it has 2 classes or more, each of 2 examples or more; the built table is
 * the words seen min_count times or more, by count descending and ties by bytes, and the map
 * sends each word to itself or, below the count, to the missing id. */
#include "fuzz.h"
#include "base/spans.h"
#include "cls/data.h"

/* The text's words of at least min interned again into t: by count descending, ties by bytes. */
static void check_table(const struct cls_data *d, uint64_t min, int special)
{
	struct strtab t;
	struct error e;
	uint32_t *map;
	size_t want = 0;

	assert(cls_table_build(&t, &d->words, min, special ? "<unk>" : NULL, 0, &e) == 0);
	for (size_t i = 0; i < d->words.n; i++) {
		size_t len;
		const char *w = strtab_key(&d->words, i, &len);

		want += d->words.vals[i] >= min && !(special && len == 5 && !memcmp(w, "<unk>", 5));
	}
	assert(t.n == want + (special != 0));
	for (size_t i = special != 0; i + 1 < t.n; i++) {
		size_t la, lb;
		const char *a = strtab_key(&t, i, &la), *b = strtab_key(&t, i + 1, &lb);
		int c = memcmp(a, b, la < lb ? la : lb);

		assert(t.vals[i] >= t.vals[i + 1]);
		assert(t.vals[i] > t.vals[i + 1] || c < 0 || (c == 0 && la < lb));
	}
	assert(cls_table_map(&map, &d->words, &t, UINT32_MAX, &e) == 0);
	for (size_t i = 0; i < d->words.n; i++) {
		size_t la, lb;
		const char *a = strtab_key(&d->words, i, &la), *b;

		if (map[i] == UINT32_MAX) {
			assert(d->words.vals[i] < min);
			continue;
		}
		b = strtab_key(&t, map[i], &lb);
		assert(la == lb && memcmp(a, b, la) == 0);
		assert((map[i] == 0 && special) || t.vals[map[i]] == d->words.vals[i]);
	}
	free(map);
	strtab_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	const char *s = (const char *)data, *end = s + size;
	struct cls_data d;
	struct spans sp = {0};
	struct error e;
	uint64_t line = 0, tokens = 0, count;
	size_t accepted = 0;
	int ok;

	assert(cls_data_init(&d, &e) == 0);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *next;
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		next = nl ? nl + 1 : end;
		line++;
		if (cls_data_add(&d, s, n, "text", line, &e) < 0) {
			assert(e.msg[0] && e.line == line);
			break;
		}
		accepted++;
		/* the example is this line: its label and its words, as they are split */
		{
			const char *tab = memchr(s, '\t', n);
			size_t len, k;
			const uint32_t *ids = cls_example(&d, d.n - 1, &k);
			const char *l = strtab_key(&d.labels, d.label[d.n - 1], &len);

			assert(tab && len == (size_t)(tab - s) && memcmp(l, s, len) == 0);
			spans_split_blank(tab + 1, n - len - 1, &sp);
			assert(k == sp.n && k > 0);
			for (size_t i = 0; i < k; i++) {
				const char *w = strtab_key(&d.words, ids[i], &len);

				assert(len == sp.v[i].n && memcmp(w, sp.v[i].p, len) == 0);
				assert(len <= CLS_WORD_MAX && !memchr(w, '\0', len));
			}
			assert(d.line[d.n - 1] == line);
		}
		s = next;
	}
	assert(d.n == accepted && d.start[0] == 0 && d.start[d.n] == d.nids);
	for (size_t i = 0; i < d.n; i++) {
		assert(d.start[i] < d.start[i + 1] && d.label[i] < d.labels.n);
		for (uint64_t k = d.start[i]; k < d.start[i + 1]; k++)
			assert(d.ids[k] < d.words.n);
	}
	count = 0;
	for (size_t i = 0; i < d.labels.n; i++) {
		assert(d.labels.vals[i] >= 1);
		count += d.labels.vals[i];
	}
	assert(count == d.n);
	for (size_t i = 0; i < d.words.n; i++) {
		assert(d.words.vals[i] >= 1);
		tokens += d.words.vals[i];
	}
	assert(tokens == d.nids);
	ok = d.labels.n >= 2;
	for (size_t i = 0; i < d.labels.n; i++)
		ok &= d.labels.vals[i] >= 2;
	assert((cls_data_check(&d, &e) == 0) == ok);
	check_table(&d, 1 + (opt & 3), opt & 4);
	cls_data_free(&d);
	spans_free(&sp);
	return 0;
}
