/* mix.h: splitmix64's finalizer, the one mixing of 64-bit hashes (string table, tables of
 * 64-bit keys): every bit of the result depends on every bit of x. */
#ifndef NLP_MIX_H
#define NLP_MIX_H

#include <stdint.h>

static inline uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

#endif
