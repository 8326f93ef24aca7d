/* mem.c: allocation that ends the program when memory runs out. This is the one place below
 * lib/cli/ that prints and exits (as git's xmalloc does): a failed allocation of a working buffer
 * has no better answer than a message and EXIT_RUNTIME, and passing it up through every caller
 * would buy nothing. Library functions whose allocations depend on the input's size (tables,
 * matrices, models) use malloc and return an error instead. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"

/* "PROG: what: reason", then exit. The program's name is the one the C library took from argv[0]
 * (the nlp dispatcher execs nlp-STAGE, so it is the stage's name either way). */
static void mem_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void mem_fail(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " %s\n", strerror(saved));
	exit(MEM_EXIT);
}

void *emalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		mem_fail("malloc %zu bytes:", n);
	return p;
}

void *ecalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		mem_fail("calloc %zu x %zu bytes:", n, size);
	return p;
}

void *erealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		mem_fail("realloc %zu bytes:", n);
	return q;
}

char *estrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(emalloc(n), s, n);
}
