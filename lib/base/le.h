/* le.h: integers and doubles as little-endian bytes, whatever the machine's order: the binary
 * file formats (the matrix format, nlp-w2v's model) read and write their headers with them. */
#ifndef NLP_LE_H
#define NLP_LE_H

#include <stdint.h>
#include <string.h>

static inline void le_put_u32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline void le_put_u64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t le_get_u32(const unsigned char *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline uint64_t le_get_u64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/* An IEEE double by its bits. */
static inline void le_put_f64(unsigned char *p, double x)
{
	uint64_t u;

	memcpy(&u, &x, 8);
	le_put_u64(p, u);
}

static inline double le_get_f64(const unsigned char *p)
{
	uint64_t u = le_get_u64(p);
	double x;

	memcpy(&x, &u, 8);
	return x;
}

#endif
