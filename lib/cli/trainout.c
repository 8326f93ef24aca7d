/* trainout.c: the trainers' model files and pretrained vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/err.h"
#include "cli/out.h"
#include "cli/trainout.h"

void train_out_open(struct train_out *o, const char *path)
{
	struct writer w;

	o->path = path;
	o->tmp = emalloc(strlen(path) + 5);
	strcpy(stpcpy(o->tmp, path), ".tmp");
	out_file_close(&w, out_file_open(&w, o->tmp), o->tmp);
	unlink(o->tmp);
}

void train_out_save(const struct train_out *o, void (*write)(const void *model, struct writer *w),
                    const void *model)
{
	struct writer w;
	int fd = out_file_open(&w, o->tmp);

	write(model, &w);
	out_file_close(&w, fd, o->tmp);
	if (rename(o->tmp, o->path) < 0)
		eprintf("rename %s to %s:", o->tmp, o->path);
}

void train_out_free(struct train_out *o)
{
	free(o->tmp);
	o->tmp = NULL;
}

void train_read_vectors(struct vectors *v, const char *path)
{
	struct reader r;
	struct error e;

	if (reader_open(&r, path) < 0)
		eprintf("open %s:", path);
	if (vec_read_rows(v, &r, VEC_AUTO, 1, &e) < 0)
		eprint_error(&e);
	reader_close(&r);
	if (v->rows == 0)
		eprintf("%s: no vectors", path);
}
