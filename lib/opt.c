/* opt.c: usage, help and version output common to all programs. */
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "io.h"
#include "opt.h"
#include "utf8.h"

void usage_error(const char *synopsis)
{
	fprintf(stderr, "usage: %s\n", synopsis);
	exit(EXIT_USAGE);
}

void usage_help(const char *synopsis, const char *help)
{
	printf("usage: %s\n\n%s", synopsis, help);
	exit(fflush(stdout) == 0 ? 0 : EXIT_RUNTIME);
}

void print_version(void)
{
	printf("%s %s\n", argv0, NLP_VERSION);
	exit(fflush(stdout) == 0 ? 0 : EXIT_RUNTIME);
}

int opt_policy(const char *arg)
{
	int p = utf8_parse_policy(arg);

	if (p < 0) {
		fprintf(stderr, "%s: --invalid: '%s' is not replace, skip or fail\n", argv0, arg);
		exit(EXIT_USAGE);
	}
	return p;
}
