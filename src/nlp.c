/* nlp: the dispatcher. `nlp STAGE ARGS` runs nlp-STAGE (from this program's directory, then
 * PATH); `nlp` lists the stages; `nlp help STAGE` shows the stage's man page, from the build
 * tree before installation. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/err.h"
#include "cli/opt.h"
#include "cli/paths.h"

static const char synopsis[] = "nlp [STAGE [ARGS ...] | help [STAGE] | --version]";

static char *join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
	char *p = emalloc(n);

	snprintf(p, n, "%s%s%s", a, b, c);
	return p;
}

static int is_exec(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int valid_stage(const char *s)
{
	return *s && strlen(s) < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(s);
}

/* The man page file for page (e.g. "nlp-tokenize.1") in the build or install tree, or NULL. */
static char *man_file(const char *page)
{
	static const char *dirs[] = {"/../man/man", "/../share/man/man"};
	char *dir = paths_exe_dir(), *p;
	char sect[3] = {page[strlen(page) - 1], '/', '\0'};

	if (!dir)
		return NULL;
	for (int i = 0; i < 2; i++) {
		char *d = join3(dir, dirs[i], sect);

		p = join3(d, "", page);
		free(d);
		if (access(p, R_OK) == 0) {
			free(dir);
			return p;
		}
		free(p);
	}
	free(dir);
	return NULL;
}

/* The .Nd line of a page: its one-line description. */
static void describe(const char *stage, char *out, size_t n)
{
	char page[96], line[512];
	char *path;
	FILE *f;

	out[0] = '\0';
	snprintf(page, sizeof(page), "nlp-%s.1", stage);
	if (!(path = man_file(page)))
		return;
	if ((f = fopen(path, "r"))) {
		while (fgets(line, sizeof(line), f)) {
			if (strncmp(line, ".Nd ", 4) == 0) {
				line[strcspn(line, "\n")] = '\0';
				snprintf(out, n, "%s", line + 4);
				break;
			}
		}
		fclose(f);
	}
	free(path);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the stages found in dir to names (no duplicates). */
static void scan_dir(const char *dir, char ***names, size_t *n, size_t *cap)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *full;
		size_t i;

		if (strncmp(e->d_name, "nlp-", 4) != 0 || !valid_stage(e->d_name + 4))
			continue;
		for (i = 0; i < *n; i++)
			if (strcmp((*names)[i], e->d_name + 4) == 0)
				break;
		if (i < *n)
			continue;
		full = join3(dir, "/", e->d_name);
		if (is_exec(full)) {
			if (*n == *cap)
				*names = erealloc(*names, (*cap = *cap ? *cap * 2 : 16) * sizeof(char *));
			(*names)[(*n)++] = estrdup(e->d_name + 4);
		}
		free(full);
	}
	closedir(d);
}

static int list_stages(void)
{
	char **names = NULL, desc[512];
	size_t n = 0, cap = 0;
	char *dir = paths_exe_dir(), *path = getenv("PATH") ? estrdup(getenv("PATH")) : NULL, *save = NULL;

	if (dir)
		scan_dir(dir, &names, &n, &cap);
	for (char *p = path ? strtok_r(path, ":", &save) : NULL; p; p = strtok_r(NULL, ":", &save))
		scan_dir(p, &names, &n, &cap);
	qsort(names, n, sizeof(*names), cmp);
	printf("usage: %s\n\nstages:\n", synopsis);
	for (size_t i = 0; i < n; i++) {
		describe(names[i], desc, sizeof(desc));
		printf("  %-12s %s\n", names[i], desc);
		free(names[i]);
	}
	printf("\n'nlp help STAGE' shows a stage's manual; 'nlp help' the overview, nlp(7).\n");
	free(names);
	free(dir);
	free(path);
	return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
}

/* The one answer to a name that is no stage, from `nlp NAME` and `nlp help NAME` alike. */
static int not_a_stage(const char *stage)
{
	weprintf("'%s' is not a stage; run 'nlp' for the list", stage);
	return EXIT_USAGE;
}

/* The stage program prog as run_stage runs it: in this program's directory, else the first on
 * PATH. Returns its path (to be freed), or NULL when there is none. */
static char *stage_path(const char *prog)
{
	char *dir = paths_exe_dir(), *path, *save = NULL, *full;

	if (dir) {
		full = join3(dir, "/", prog);
		free(dir);
		if (is_exec(full))
			return full;
		free(full);
	}
	path = estrdup(getenv("PATH") ? getenv("PATH") : "/bin:/usr/bin");
	for (char *p = strtok_r(path, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		full = join3(*p ? p : ".", "/", prog);
		if (is_exec(full)) {
			free(path);
			return full;
		}
		free(full);
	}
	free(path);
	return NULL;
}

static int help(const char *stage)
{
	char page[96], name[96];
	char *path;

	if (stage && !valid_stage(stage))
		return not_a_stage(stage);
	if (!stage)
		snprintf(page, sizeof(page), "nlp.7");
	else if (strcmp(stage, "nlp") == 0)
		snprintf(page, sizeof(page), "nlp.1");
	else
		snprintf(page, sizeof(page), "nlp-%s.1", stage);
	snprintf(name, sizeof(name), "%.*s", (int)(strlen(page) - 2), page);
	path = man_file(page);
	/* no page here and no such program: not a stage, as `nlp NAME` says, rather than man's
	 * "No manual entry" and its exit status 16; a stage found on PATH is left to man */
	if (!path && stage && strcmp(stage, "nlp") != 0) {
		char *prog = stage_path(name);

		if (!prog)
			return not_a_stage(stage);
		free(prog);
	}
	fflush(stdout);
	if (path) {
		execlp("man", "man", "-l", path, (char *)NULL);
		execlp("mandoc", "mandoc", path, (char *)NULL);
		eprintf("cannot run man or mandoc to show %s:", path);
	}
	execlp("man", "man", page + strlen(page) - 1, name, (char *)NULL);
	eprintf("no manual page for %s, and man cannot be run:", name);
}

static int run_stage(const char *stage, char **argv)
{
	char *name, *full;

	if (!valid_stage(stage))
		return not_a_stage(stage);
	name = join3("nlp-", stage, "");
	full = stage_path(name);
	free(name);
	if (!full)
		return not_a_stage(stage);
	argv[0] = full;
	execv(full, argv);
	eprintf("exec %s:", full);
}

int main(int argc, char **argv)
{
	prog_init("nlp");
	if (argc < 2)
		return list_stages();
	if (strcmp(argv[1], "--version") == 0)
		print_version();
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		return list_stages();
	if (argv[1][0] == '-')
		usage_error(synopsis);
	if (strcmp(argv[1], "help") == 0) {
		if (argc > 3)
			usage_error(synopsis);
		return help(argc == 3 ? argv[2] : NULL);
	}
	return run_stage(argv[1], argv + 1);
}
