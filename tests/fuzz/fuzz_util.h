/* Shared by the fuzz targets: reading the input as a stream of hostile
 * values; the invariant checks are tests/unit/check.h's CHECK macros,
 * which abort here (libFuzzer reports a crash with the input). */
#ifndef ATOLL_TESTS_FUZZ_UTIL_H
#define ATOLL_TESTS_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A failed CHECK (tests/unit/check.h) aborts: libFuzzer keeps the input. */
#define CHECK_ABORTS
#include "check.h"

/* The rest of the input; reads past its end give zeros. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline void fz_bytes(struct fz_in *in, void *buf, size_t len)
{
	size_t k = len < in->n ? len : in->n;

	memcpy(buf, in->p, k);
	memset((uint8_t *)buf + k, 0, len - k);
	in->p += k;
	in->n -= k;
}

static inline uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v;

	fz_bytes(in, &v, sizeof(v));
	return v;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t v;

	fz_bytes(in, &v, sizeof(v));
	return v;
}

static inline uint32_t fz_u32(struct fz_in *in)
{
	uint32_t v;

	fz_bytes(in, &v, sizeof(v));
	return v;
}

static inline uint64_t fz_u64(struct fz_in *in)
{
	uint64_t v;

	fz_bytes(in, &v, sizeof(v));
	return v;
}

#endif
