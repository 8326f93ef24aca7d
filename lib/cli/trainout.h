/* trainout.h: what the trainers' programs (nlp-classify, nlp-tag, nlp-rnnlm) share: the model
 * file, written beside its name (NAME.tmp) and then renamed over it, so that a run stopped midway
 * leaves the last model whole, and checked writable before any training; and the pretrained
 * word vectors a model's embedding starts from. */
#ifndef NLP_TRAINOUT_H
#define NLP_TRAINOUT_H

#include "base/io.h"
#include "vec/vectors.h"

struct train_out {
	const char *path;
	char *tmp;         /* path.tmp */
};

/* Sets o up for the model file path, ending the program now when path.tmp cannot be written. */
void train_out_open(struct train_out *o, const char *path);
/* Writes a model through write(model, w) into path.tmp, then renames it to path; ends the program
 * on a failure. */
void train_out_save(const struct train_out *o, void (*write)(const void *model, struct writer *w),
                    const void *model);
void train_out_free(struct train_out *o);

/* Reads the word vectors of path (word2vec text or binary), rows as they are; ends the program
 * on a failure or when there are none. */
void train_read_vectors(struct vectors *v, const char *path);

#endif
