/* test-cls.c: the classifiers of lib/cls, one subcommand a piece, for the references of the bats
 * files (tests/cls-*.bats):
 *   test-cls metrics [--text] FILE LABEL...
 *                           cls/metrics.h over the lines `true<TAB>predicted` of FILE ("-":
 *                           the standard input), the model's classes being LABEL... in that
 *                           order (a predicted label must be one of them; a true label need
 *                           not): prints the JSON object, or with --text the text report.
 * Exits 0, 1 on a failure (with a message on the standard error), 2 on a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/strtab.h"
#include "cls/metrics.h"

static int usage(void)
{
	fputs("usage: test-cls metrics [--text] FILE LABEL...\n", stderr);
	return 2;
}

static int fail(const struct error *e)
{
	char b[512];

	fprintf(stderr, "test-cls: %s\n", error_str(e, b, sizeof(b)));
	return 1;
}

static int metrics(int argc, char **argv)
{
	struct cls_metrics m;
	struct strtab labels;
	struct reader r;
	struct writer w;
	struct error e;
	uint64_t lineno = 0;
	int text = 0, ret = 0;
	ssize_t n = 0;
	char *line;

	if (argc > 0 && !strcmp(argv[0], "--text")) {
		text = 1;
		argc--;
		argv++;
	}
	if (argc < 2)
		return usage();
	if (strtab_init(&labels, 16) < 0)
		return perror("test-cls"), 1;
	for (int i = 1; i < argc; i++)
		if (strtab_intern(&labels, argv[i], strlen(argv[i])) != i - 1) {
			fprintf(stderr, "test-cls: label %s given twice\n", argv[i]);
			return 2;
		}
	if (cls_metrics_init(&m, &labels, &e) < 0)
		return fail(&e);
	if (reader_open(&r, argv[0]) < 0) {
		perror(argv[0]);
		return 1;
	}
	while (ret == 0 && (n = reader_line(&r, &line)) >= 0) {
		char *tab = memchr(line, '\t', (size_t)n);
		int64_t p;

		lineno++;
		if (!tab) {
			fprintf(stderr, "test-cls: %s: line %llu: no tab\n", argv[0],
			        (unsigned long long)lineno);
			ret = 1;
			break;
		}
		p = strtab_find(&labels, tab + 1, (size_t)(line + n - tab - 1));
		if (p < 0) {
			fprintf(stderr, "test-cls: %s: line %llu: predicted %s is no class\n", argv[0],
			        (unsigned long long)lineno, tab + 1);
			ret = 1;
			break;
		}
		if (cls_metrics_add(&m, line, (size_t)(tab - line), (uint32_t)p, &e) < 0)
			ret = fail(&e);
	}
	if (n == -2) {
		perror(argv[0]);
		ret = 1;
	}
	reader_close(&r);
	if (ret == 0) {
		writer_init(&w, STDOUT_FILENO);
		if (text)
			cls_metrics_text(&m, &w);
		else
			cls_metrics_json(&m, &w);
		if (writer_flush(&w) < 0)
			ret = 1;
		writer_free(&w);
	}
	cls_metrics_free(&m);
	strtab_free(&labels);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "metrics"))
		return metrics(argc - 2, argv + 2);
	return usage();
}
