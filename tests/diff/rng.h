/* xorshift64: the deterministic operand stream of the differential tests.
 * Each program seeds rng_state itself; same seed, same stream on atoll and
 * QEMU. */
#ifndef ATOLL_DIFF_RNG_H
#define ATOLL_DIFF_RNG_H

#include <stdint.h>

static uint64_t rng_state;

static inline uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

#endif
