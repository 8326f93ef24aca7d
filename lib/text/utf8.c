/* utf8.c: validation and repair of UTF-8 input under a policy, and encoding. */
#include <stdint.h>
#include <string.h>

#include "text/utf8.h"

const char *const utf8_policy_names[] = {
    [UTF8_REPLACE] = "replace", [UTF8_SKIP] = "skip", [UTF8_FAIL] = "fail", NULL};

/* Length of the valid sequence at s[0..n), or 0 when s does not start one. */
static size_t valid_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned char lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;

		return n >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned char lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;

		return n >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		               (s[3] & 0xC0) == 0x80
		           ? 4
		           : 0;
	}
	return 0;
}

size_t utf8_valid_prefix(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < n) {
		size_t k;

		/* ASCII eight bytes at a time */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, u + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		k = valid_seq(u + i, n - i);
		if (k == 0)
			return i;
		i += k;
	}
	return n;
}

const char *utf8_clean(const char *s, size_t n, enum utf8_policy policy, struct buf *tmp,
                       size_t *len, uint64_t *nbad)
{
	size_t i = utf8_valid_prefix(s, n);

	if (i == n) {
		*len = n;
		return s;
	}
	if (policy == UTF8_FAIL) {
		(*nbad)++;
		*len = i; /* offset of the first bad byte, for the message */
		return NULL;
	}
	tmp->len = 0;
	buf_put(tmp, s, i);
	while (i < n) {
		size_t k = valid_seq((const unsigned char *)s + i, n - i);

		if (k == 0) {
			(*nbad)++;
			if (policy == UTF8_REPLACE)
				buf_put(tmp, "\xEF\xBF\xBD", 3);
			i++;
		} else {
			size_t j = i + utf8_valid_prefix(s + i, n - i);

			if (j == i)
				j = i + k;
			buf_put(tmp, s + i, j - i);
			i = j;
		}
	}
	buf_reserve(tmp, 1);
	tmp->p[tmp->len] = '\0';
	*len = tmp->len;
	return tmp->p;
}

int utf8_encode(int32_t cp, char *s)
{
	unsigned char *u = (unsigned char *)s;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | (cp >> 6));
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | (cp >> 12));
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | (cp >> 18));
	u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}
