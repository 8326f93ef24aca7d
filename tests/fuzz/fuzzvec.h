/* fuzzvec.h: the word vectors that the fuzz targets of nlp-similar's other inputs (word pairs,
 * analogy questions, queries) look words up in: tests/data/similar/toy.vec and a few words whose
 * upper case is another word's or longer than themselves, read once. */
#ifndef NLP_FUZZVEC_H
#define NLP_FUZZVEC_H

#include "fuzz.h"
#include "vec/vectors.h"

static const char fuzz_toy_vec[] =
    "16 5\n"
    "king 0.9 0.8 0.1 0.2 0.0\n"
    "queen 0.9 -0.8 0.1 0.2 0.0\n"
    "man 0.1 0.8 0.9 0.1 0.1\n"
    "woman 0.1 -0.8 0.9 0.1 0.1\n"
    "prince 0.7 0.7 0.3 0.5 -0.1\n"
    "princess 0.7 -0.7 0.3 0.5 -0.1\n"
    "boy 0.1 0.7 0.7 0.6 0.1\n"
    "girl 0.1 -0.7 0.7 0.6 0.1\n"
    "paris -0.2 0.0 0.1 0.1 0.9\n"
    "france -0.6 0.1 -0.3 0.2 0.8\n"
    "berlin -0.2 0.1 0.1 -0.1 0.9\n"
    "germany -0.6 0.2 -0.3 0.0 0.8\n"
    "King 0.8 0.8 0.2 0.2 0.0\n"
    "stra\xc3\x9f" "e 0.0 0.0 0.0 0.0 0.0\n"
    "STRASSE 0.1 0.2 0.3 0.4 0.5\n"
    "\xea\xb0\x80 -0.1 -0.2 0.3 0.4 0.5\n";

/* The vectors, read on the first call. */
static inline const struct vectors *fuzz_toy_vectors(void)
{
	static struct vectors v;
	static struct fuzz_file f;
	struct reader r;
	struct error e;

	if (f.path[0])
		return &v;
	fuzz_file_init(&f, "toy.vec");
	fuzz_file_set(&f, (const uint8_t *)fuzz_toy_vec, sizeof(fuzz_toy_vec) - 1);
	fuzz_reader(&r, &f, "toy.vec");
	assert(vec_read(&v, &r, VEC_TEXT, &e) == 0);
	reader_close(&r);
	return &v;
}

#endif
