/* rng.h: xoshiro256** seeded through splitmix64; the state is passed explicitly so that each
 * thread owns one and a seeded run repeats bit for bit. */
#ifndef NLP_RNG_H
#define NLP_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* Sets r's state from seed through splitmix64 (the same seed gives the same sequence). */
void rng_seed(struct rng *r, uint64_t seed);

/* x rotated left by k bits (0 < k < 64). */
static inline uint64_t rng_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* Returns the next 64 random bits and advances r. */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s, out = rng_rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rng_rotl(s[3], 45);
	return out;
}

/* Uniform in [0, 1) with 53 random bits. */
static inline double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire's method). */
uint64_t rng_below(struct rng *r, uint64_t n);

#endif
