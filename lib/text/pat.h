/* pat.h: recognizers for URLs, e-mail addresses, dates, phone numbers and numbers in valid
 * UTF-8 text. Each returns the byte length of the match that starts at s[0] (n bytes available),
 * or 0. They do not check what precedes s: callers try them only at a token start. */
#ifndef NLP_PAT_H
#define NLP_PAT_H

#include <stddef.h>

size_t pat_url(const char *s, size_t n);
size_t pat_email(const char *s, size_t n);
/* Length of the run of e-mail local-part characters at s: no address starts inside it once one
 * starting at s has failed, which keeps scans over such runs linear. */
size_t pat_email_span(const char *s, size_t n);
size_t pat_date(const char *s, size_t n);
size_t pat_phone(const char *s, size_t n);
size_t pat_number(const char *s, size_t n);

/* True for an ASCII letter or digit. */
static inline int pat_ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* True when the code point at s (or the end) may follow a match: not a letter, digit or mark. */
int pat_ends_token(const char *s, size_t n);
/* True when the code point ending at s[-1] (or the start) may precede a match. */
int pat_starts_token(const char *line, size_t at);

#endif
