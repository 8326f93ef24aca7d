/* sentence.c: sentence boundaries from terminal punctuation, with abbreviations, initials,
 * decimals and lower-case continuations ruled out; Hangul after a terminal starts a sentence. */
#include <string.h>

#include "text/sentence.h"
#include "text/utf8.h"

/* Abbreviations after which a period never ends a sentence. */
static const char *abbrev_never[] = {
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Sr", "Jr", "St", "Gen", "Gov", "Sen", "Rep", "Rev", "Hon",
    "Capt", "Col", "Lt", "Sgt", "Mt", "Fig", "fig", "No", "no", "Nos", "vs", "v", "cf", "al",
    "approx", "ca", "Vol", "vol", "pp", "p", "Ch", "ch", "Sec", "sec", "Dept", "Univ", "Ave",
    "Blvd", "Rd", "Ft", "Messrs", "Mme", "Mlle", "Op", "op", "ed", "eds", "Ed", "Eds", NULL};
/* Abbreviations that end a sentence only when a capitalised word follows. */
static const char *abbrev_maybe[] = {
    "etc", "Inc", "Ltd", "Co", "Corp", "Bros", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug",
    "Sep", "Sept", "Oct", "Nov", "Dec", "est", "Esq", NULL};

static int in_list(const char **list, const char *w, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return 1;
	return 0;
}

static int is_terminal(int32_t c)
{
	return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == 0x3002 || c == 0xFF01 ||
	       c == 0xFF1F || c == 0xFF0E || c == 0x203C || (c >= 0x2047 && c <= 0x2049);
}

static int is_closer(int32_t c)
{
	utf8proc_category_t k;

	if (c == '"' || c == '\'')
		return 1;
	k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_PE || k == UTF8PROC_CATEGORY_PF;
}

static void put_trimmed(struct buf *out, const char *s, size_t n)
{
	size_t a = 0, b;

	while (a < n) {
		int32_t c;
		int k = utf8_decode(s + a, &c);

		if (!utf8_is_space(c))
			break;
		a += (size_t)k;
	}
	b = a + utf8_trim_end(s + a, n - a, utf8_is_space);
	if (b > a) {
		buf_put(out, s + a, b - a);
		buf_putc(out, '\n');
	}
}

/* "U.S", "e.g": single letters joined by periods (the final period is not included). */
static int is_acronym(const char *w, size_t n)
{
	size_t i = 0;
	int parts = 0;

	while (i < n) {
		int32_t c;
		int k = utf8_decode(w + i, &c);
		utf8proc_category_t cat = utf8proc_category(c);

		if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_LO)
			return 0;
		i += (size_t)k;
		parts++;
		if (i < n && w[i] != '.')
			return 0;
		i++;
	}
	return parts >= 2;
}

/* Full stops of CJK scripts end a sentence without a following space. */
static int is_cjk_terminal(int32_t c)
{
	return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E;
}

/* Decides whether the terminal run s[t..e) (followed by whitespace) ends a sentence. */
static int ends_sentence(const char *s, size_t n, size_t from, size_t t, size_t e)
{
	size_t w = t, j = e;
	int32_t next = -1;
	int dots = 0;
	utf8proc_category_t nk;

	for (size_t i = t; i < e; i++)
		dots += s[i] == '.';
	while (j < n) {
		int32_t c;
		int k = utf8_decode(s + j, &c);

		if (!utf8_is_space(c)) {
			next = c;
			break;
		}
		j += (size_t)k;
	}
	if (next < 0)
		return 1;
	while (next == '"' || next == '\'' || next == '(' || next == 0x201C || next == 0x2018) {
		j++;
		if (next > 0x7F)
			j += 2;
		if (j >= n)
			return 1;
		utf8_decode(s + j, &next);
	}
	nk = utf8proc_category(next);
	if (nk == UTF8PROC_CATEGORY_LL)
		return 0; /* sentences do not start in lower case */
	if (!(dots == 1 && s[t] == '.' && e - t >= 1))
		return 1;
	/* the word before a single period */
	while (w > from && s[w - 1] != ' ' && s[w - 1] != '(' && s[w - 1] != '"')
		w--;
	if (t - w == 1 && s[w] >= 'A' && s[w] <= 'Z')
		return 0; /* an initial: J. Smith */
	if (in_list(abbrev_never, s + w, t - w))
		return 0;
	if (is_acronym(s + w, t - w))
		return nk != UTF8PROC_CATEGORY_LU; /* U.S. Army, but U.S. 한국 */
	if (in_list(abbrev_maybe, s + w, t - w))
		return nk == UTF8PROC_CATEGORY_LU;
	return 1;
}

void sentence_split(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, start = 0;

	while (i < n) {
		int32_t c;
		int k = utf8_decode(s + i, &c);
		size_t e;

		if (!is_terminal(c)) {
			i += (size_t)k;
			continue;
		}
		e = i + (size_t)k;
		while (e < n) {
			int32_t d;
			int dk = utf8_decode(s + e, &d);

			if (!is_terminal(d) && !is_closer(d))
				break;
			e += (size_t)dk;
		}
		if (e < n && !is_cjk_terminal(c)) {
			int32_t d;

			utf8_decode(s + e, &d);
			if (!utf8_is_space(d)) {
				i = e;
				continue;
			}
		}
		if (ends_sentence(s, n, start, i, e)) {
			put_trimmed(out, s + start, e - start);
			start = e;
		}
		i = e;
	}
	put_trimmed(out, s + start, n - start);
}
