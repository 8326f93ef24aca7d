/* err.c: messages prefixed with the program's name, and the exits of programs. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/err.h"
#include "cli/progress.h"

const char *argv0 = "nlp";

void prog_init(const char *name)
{
	argv0 = name;
}

static void vwarn(const char *fmt, va_list ap)
{
	int saved = errno;
	size_t n = strlen(fmt);

	fflush(stdout);
	progress_clear();
	fprintf(stderr, "%s: ", argv0);
	vfprintf(stderr, fmt, ap);
	if (n > 0 && fmt[n - 1] == ':')
		fprintf(stderr, " %s", strerror(saved));
	fputc('\n', stderr);
}

void weprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void eprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(EXIT_RUNTIME);
}

void weprint_error(const struct error *e)
{
	char buf[ERROR_MSG_MAX + 1024];

	weprintf("%s", error_str(e, buf, sizeof(buf)));
}

void eprint_error(const struct error *e)
{
	weprint_error(e);
	exit(EXIT_RUNTIME);
}
