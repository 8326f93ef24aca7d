/* out.c: the program's standard output, with its policy for failed writes. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "cli/err.h"
#include "cli/out.h"

struct writer out;

static void out_failed(struct writer *w)
{
	(void)w;
	out_check();
}

void out_init(void)
{
	writer_init(&out, 1);
	out.on_error = out_failed;
}

void out_check(void)
{
	if (!out.err)
		return;
	if (out.err == EPIPE)
		_exit(0);
	errno = out.err;
	eprintf("write <stdout>:");
}

int out_close(void)
{
	writer_flush(&out);
	writer_free(&out);
	if (close(1) < 0 && errno != EINTR) {
		if (errno == EPIPE)
			return 0;
		weprintf("close <stdout>:");
		return 1;
	}
	return 0;
}

int out_file_open(struct writer *w, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);

	if (fd < 0)
		eprintf("open %s:", path);
	writer_init(w, fd);
	return fd;
}

void out_file_close(struct writer *w, int fd, const char *path)
{
	if (writer_flush(w) < 0 || w->err || close(fd) < 0) {
		errno = w->err ? w->err : errno;
		eprintf("write %s:", path);
	}
	writer_free(w);
}
