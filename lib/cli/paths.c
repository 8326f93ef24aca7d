/* paths.c: locating the executable and the data files installed beside it. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/err.h"
#include "cli/paths.h"

#ifndef NLP_DATADIR_DEFAULT
#define NLP_DATADIR_DEFAULT "/usr/local/share/nlp"
#endif

char *paths_exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return estrdup(buf);
}

static char *join(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *p = emalloc(n);

	snprintf(p, n, "%s%s%s", a, b, c);
	return p;
}

char *paths_data(const char *rel)
{
	const char *env = getenv("NLP_DATADIR");
	char *dir, *p;

	if (env && *env) {
		p = join(env, "/", rel);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	if ((dir = paths_exe_dir())) {
		p = join(dir, "/../share/nlp/", rel);
		free(dir);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	p = join(NLP_DATADIR_DEFAULT, "/", rel);
	if (access(p, R_OK) == 0)
		return p;
	free(p);
	return NULL;
}
