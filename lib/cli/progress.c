/* progress.c: the progress line and the summary (progress.h says where they go). */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/runs.h"
#include "cli/err.h"
#include "cli/progress.h"

enum mode { OFF, TTY, PLAIN };

#define PLAIN_EVERY 10.0 /* seconds between the lines of a stderr that is not a terminal */
#define TTY_EVERY 0.25   /* seconds between redraws on a terminal */
#define UNKNOWN_WAIT 1.0 /* more seconds before a phase of unknown total first draws */
#define LINE_MAX_BYTES 512

static struct {
	enum mode mode;
	int force;
	int quiet_line; /* stdout is the same terminal: the summary only */
	double delay;   /* seconds before the first draw on a terminal */
	double t0, last;
	const char *phase;
	const char *unit;
	uint64_t total;
	double phase_t0;
	int lockfd;     /* the terminal opened anew, flock()ed while this process draws; -1 */
	int held;       /* holds the lock */
	int drawn;      /* the line on the terminal is ours */
	int ever_drawn;
} p = {.lockfd = -1};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void hook_begin(const char *name, uint64_t total, const char *unit)
{
	progress_phase(name, total, unit);
}

static void hook_step(uint64_t done)
{
	progress_update(done);
}

static const struct phase_hook hook = {hook_begin, hook_step};

/* Whether stdout is the terminal stderr is. */
static int same_terminal(void)
{
	struct stat a, b;

	return isatty(1) && fstat(1, &a) == 0 && fstat(2, &b) == 0 && a.st_rdev == b.st_rdev;
}

void progress_init(int force)
{
	const char *env = getenv("NLP_PROGRESS");
	const char *delay = getenv("NLP_PROGRESS_DELAY");
	int tty = isatty(2);

	if (env && (!strcmp(env, "always") || !strcmp(env, "1")))
		force = 1;
	p.force = force;
	p.mode = tty ? TTY : force ? PLAIN : OFF;
	if (env && (!strcmp(env, "never") || !strcmp(env, "0")))
		p.mode = OFF;
	p.quiet_line = p.mode == TTY && same_terminal();
	p.delay = 0.5;
	if (delay) {
		char *end;
		double d = strtod(delay, &end);

		if (end != delay && *end == '\0' && d >= 0 && d < 1e6)
			p.delay = d;
	}
	p.t0 = p.phase_t0 = now();
	p.last = 0;
	p.phase = "reading";
	p.unit = PHASE_BYTES;
	p.total = 0;
	if (p.mode != OFF)
		phase_install(&hook);
}

void progress_phase(const char *name, uint64_t total, const char *unit)
{
	p.phase = name;
	p.total = total;
	p.unit = unit ? unit : PHASE_BYTES;
	p.phase_t0 = now();
	p.last = 0;
	progress_update(0); /* shows the new phase, if it is time to draw */
}

/* n as an integer with units[0] below plain, else divided by 1000 until below it (or out of
 * units), with one decimal, two from units[two]: "123.5 kB", "4.56M". */
static char *scaled(char *buf, size_t size, uint64_t n, uint64_t plain, const char *sep,
                    const char *const *units, int two)
{
	double x = (double)n;
	int i = 0;

	if (n < plain) {
		snprintf(buf, size, "%llu%s%s", (unsigned long long)n, sep, units[0]);
		return buf;
	}
	while (x >= 1000 && units[i + 1]) {
		x /= 1000;
		i++;
	}
	snprintf(buf, size, "%.*f%s%s", i >= two ? 2 : 1, x, sep, units[i]);
	return buf;
}

char *progress_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = {"B", "kB", "MB", "GB", "TB", NULL};

	return scaled(buf, size, n, 1000, " ", units, 3);
}

char *progress_count(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = {"", "k", "M", "G", "T", NULL};

	return scaled(buf, size, n, 10000, "", units, 2);
}

/* An amount in the phase's unit: bytes scaled, other units as counts. */
static char *amount(char *buf, size_t size, uint64_t n)
{
	return !strcmp(p.unit, PHASE_BYTES) ? progress_bytes(buf, size, n)
	                                                            : progress_count(buf, size, n);
}

/* Seconds as "42 s", "3:07" or "1:02:03". */
static char *duration(char *buf, size_t size, double t)
{
	unsigned s = t < 0 ? 0 : t > 3.6e7 ? 36000000u : (unsigned)(t + 0.5);

	if (s < 60)
		snprintf(buf, size, "%u s", s);
	else if (s < 3600)
		snprintf(buf, size, "%u:%02u", s / 60, s % 60);
	else
		snprintf(buf, size, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
	return buf;
}

/* Appends printf's output to line[0..*n), cut at size. */
static void vadd(char *line, size_t size, size_t *n, const char *fmt, va_list ap)
{
	int k;

	if (*n + 1 >= size)
		return;
	k = vsnprintf(line + *n, size - *n, fmt, ap);
	if (k > 0)
		*n = *n + (size_t)k < size ? *n + (size_t)k : size - 1;
}

static void add(char *line, size_t size, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void add(char *line, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(line, size, n, fmt, ap);
	va_end(ap);
}

/* The line for done and the caller's figures: "nlp-cooccur: reading 45% (46.3 MB of 102.9 MB),
 * 3 s left, 15.4 MB/s, 136.4k lines". */
static size_t format(char *line, size_t size, double t, uint64_t done, const char *fmt,
                     va_list ap)
{
	char a[32], b[32], c[32];
	double el = t - p.phase_t0;
	double rate = el > 0 ? (double)done / el : 0;
	size_t n = 0;

	add(line, size, &n, "%s: %s", argv0, p.phase);
	int bytes = !strcmp(p.unit, PHASE_BYTES);

	if (!*p.unit) { /* a phase that counts nothing */
	} else if (p.total) {
		double f = done >= p.total ? 1.0 : (double)done / (double)p.total;

		add(line, size, &n, " %.0f%% (%s of %s%s%s)", 100 * f, amount(a, sizeof(a), done),
		    amount(b, sizeof(b), p.total), bytes ? "" : " ", bytes ? "" : p.unit);
	} else {
		add(line, size, &n, " %s%s%s", amount(a, sizeof(a), done), bytes ? "" : " ",
		    bytes ? "" : p.unit);
	}
	if (*p.unit && el >= 1 && done > 0) { /* the time left first: a narrow line keeps it */
		if (p.total && done < p.total)
			add(line, size, &n, ", %s left",
			    duration(c, sizeof(c), (double)(p.total - done) / rate));
		if (rate >= 1)
			add(line, size, &n, ", %s/s", amount(c, sizeof(c), (uint64_t)rate));
	}
	if (fmt) {
		add(line, size, &n, ", ");
		vadd(line, size, &n, fmt, ap);
	}
	return n;
}

/* Writes all of s[0..n) to stderr in one call where it can. */
static void put(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t k = write(2, s, n);

		if (k <= 0)
			return;
		s += k;
		n -= (size_t)k;
	}
}

static unsigned columns(void)
{
	struct winsize ws;

	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col;
	return 80;
}

/* Takes the terminal's lock if it is free; returns whether this process holds it. */
static int take_lock(void)
{
	char *name;

	if (p.held)
		return 1;
	if (p.lockfd < 0) {
		name = ttyname(2);
		if (!name || (p.lockfd = open(name, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0) {
			p.lockfd = -2; /* no lock to be had: draw anyway */
			return p.held = 1;
		}
	}
	if (p.lockfd == -2)
		return 1;
	if (flock(p.lockfd, LOCK_EX | LOCK_NB) == 0)
		p.held = 1;
	return p.held;
}

static void release_lock(void)
{
	if (p.lockfd >= 0)
		close(p.lockfd); /* ends the flock */
	p.lockfd = -1;
	p.held = 0;
}

int progress_due(void)
{
	double t, el;

	if (p.mode == OFF || p.quiet_line)
		return 0;
	t = now();
	if (t - p.last < (p.mode == TTY ? TTY_EVERY : PLAIN_EVERY))
		return 0;
	el = t - p.t0;
	if (p.mode == TTY && el < p.delay + (p.total ? 0 : UNKNOWN_WAIT))
		return 0;
	if (p.mode == PLAIN && el < PLAIN_EVERY)
		return 0;
	p.last = t;
	return p.mode == PLAIN || take_lock();
}

void progress_show(uint64_t done, const char *fmt, ...)
{
	char line[LINE_MAX_BYTES + 16];
	va_list ap;
	size_t n;

	if (p.mode == OFF)
		return;
	va_start(ap, fmt);
	n = format(line + 1, LINE_MAX_BYTES, now(), done, fmt, ap);
	va_end(ap);
	if (p.mode == PLAIN) {
		line[1 + n] = '\n';
		put(line + 1, n + 1);
		return;
	}
	if (n > columns() - 1) /* the fields are ASCII, one column a byte */
		n = columns() - 1;
	line[0] = '\r';
	memcpy(line + 1 + n, "\033[K", 3);
	put(line, n + 4);
	p.drawn = p.ever_drawn = 1;
}

void progress_update(uint64_t done)
{
	if (progress_due())
		progress_show(done, NULL);
}

void progress_clear(void)
{
	if (p.mode == TTY && !p.quiet_line) { /* another stage's line too */
		put("\r\033[K", 4);
		p.drawn = 0;
		p.last = 0;
	}
}

void progress_note(const char *fmt, ...)
{
	char line[LINE_MAX_BYTES + 16];
	size_t n = 0;
	va_list ap;

	if (p.mode == OFF)
		return;
	progress_clear();
	add(line, sizeof(line), &n, "%s: ", argv0);
	va_start(ap, fmt);
	vadd(line, sizeof(line), &n, fmt, ap);
	va_end(ap);
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	put(line, n);
}

void progress_abort(void)
{
	if (p.drawn)
		progress_clear();
	release_lock();
	phase_install(NULL);
	p.mode = OFF;
}

void progress_done(const char *fmt, ...)
{
	char line[LINE_MAX_BYTES + 16], a[32], b[32];
	double t = now() - p.t0;
	uint64_t runs, bytes;
	struct rusage ru;
	size_t n = 0;
	va_list ap;

	if (p.mode == OFF || (!p.force && !p.ever_drawn && t < 1.0)) {
		progress_abort();
		return;
	}
	if (p.mode == TTY)
		add(line, sizeof(line), &n, "\r\033[K");
	add(line, sizeof(line), &n, "%s: ", argv0);
	if (fmt) {
		va_start(ap, fmt);
		vadd(line, sizeof(line), &n, fmt, ap);
		va_end(ap);
		add(line, sizeof(line), &n, ", ");
	}
	runs_stats(&runs, &bytes);
	if (runs)
		add(line, sizeof(line), &n, "%llu runs spilled (%s), ", (unsigned long long)runs,
		    progress_bytes(a, sizeof(a), bytes));
	else if (bytes)
		add(line, sizeof(line), &n, "%s spooled, ", progress_bytes(a, sizeof(a), bytes));
	add(line, sizeof(line), &n, "%s", t < 60 ? "" : duration(b, sizeof(b), t));
	if (t < 60)
		add(line, sizeof(line), &n, "%.1f s", t);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		add(line, sizeof(line), &n, ", peak %s",
		    progress_bytes(a, sizeof(a), (uint64_t)ru.ru_maxrss * 1024));
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	put(line, n);
	p.drawn = 0;
	progress_abort();
}

int progress_epoch(char *phase, size_t size, unsigned epoch, unsigned epochs, uint64_t total,
                   const char *unit)
{
	if (phase[0] == '\0') {
		snprintf(phase, size, "epoch %u/%u", epoch, epochs);
		progress_phase(phase, total, unit);
	}
	return progress_due();
}
