/* Host-FPU fast path for the common case of F/D arithmetic.
 *
 * The host's float and double are IEEE binary32/binary64 computed without
 * excess precision, and atoll never changes the host rounding mode, so a
 * host operation returns the correctly rounded RNE result.  What the host
 * cannot tell cheaply is which flags the operation raised.  So the fast
 * path is taken only where no flag can newly appear (the idea of QEMU's
 * "hardfloat"):
 *   - rm is RNE and the guest's NX is already set (programs rarely clear
 *     it), so an inexact result changes nothing;
 *   - every operand is zero or normal: no NaN (NV), no infinity
 *     (NV for inf - inf, inf * 0), no subnormal;
 *   - divisors are nonzero (DZ, 0/0), square roots non-negative (NV);
 *   - the result is normal and above the smallest normal: no overflow
 *     (RNE overflows to infinity), no tininess (UF).
 * Everything else returns false and the soft-float path decides. */
#ifndef ATOLL_CPU_FP_HARD_H
#define ATOLL_CPU_FP_HARD_H

#include <float.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu/fp_impl.h"

#if FLT_EVAL_METHOD == 0 && FLT_MANT_DIG == 24 && DBL_MANT_DIG == 53
#define FP_HARD 1
#else
#define FP_HARD 0
#endif

/* The fast path may run: RNE, and NX already accrued. */
static inline bool fp_hard_mode(const struct hart *h, int rm)
{
	return FP_HARD && rm == RM_RNE && (h->fflags & FFLAG_NX);
}

/* Zero or normal (biased exponent 1..emax-1). */
static inline bool fp_hard_in_s(uint32_t a)
{
	return ((a >> 23) & 0xff) - 1u < 0xfeu || (a << 1) == 0;
}

static inline bool fp_hard_in_d(uint64_t a)
{
	return ((a >> 52) & 0x7ff) - 1u < 0x7feu || (a << 1) == 0;
}

static inline float fp_f32(uint32_t a)
{
	float f;
	memcpy(&f, &a, 4);
	return f;
}

static inline double fp_f64(uint64_t a)
{
	double d;
	memcpy(&d, &a, 8);
	return d;
}

/* Accept a result only if it is finite and above the smallest normal. */
static inline bool fp_hard_out_s(float r, uint64_t *out)
{
	uint32_t u;
	if (!(__builtin_fabsf(r) > FLT_MIN && __builtin_fabsf(r) <= FLT_MAX))
		return false;
	memcpy(&u, &r, 4);
	*out = u;
	return true;
}

static inline bool fp_hard_out_d(double r, uint64_t *out)
{
	if (!(__builtin_fabs(r) > DBL_MIN && __builtin_fabs(r) <= DBL_MAX))
		return false;
	memcpy(out, &r, 8);
	return true;
}

enum fp_hard_op { FH_ADD, FH_SUB, FH_MUL, FH_DIV };

static inline bool fp_hard2_s(enum fp_hard_op op, uint64_t a, uint64_t b,
			      uint64_t *out)
{
	if (!fp_hard_in_s((uint32_t)a) || !fp_hard_in_s((uint32_t)b))
		return false;
	float x = fp_f32((uint32_t)a), y = fp_f32((uint32_t)b);
	switch (op) {
	case FH_ADD: return fp_hard_out_s(x + y, out);
	case FH_SUB: return fp_hard_out_s(x - y, out);
	case FH_MUL: return fp_hard_out_s(x * y, out);
	default: return y != 0 && fp_hard_out_s(x / y, out);
	}
}

static inline bool fp_hard2_d(enum fp_hard_op op, uint64_t a, uint64_t b,
			      uint64_t *out)
{
	if (!fp_hard_in_d(a) || !fp_hard_in_d(b))
		return false;
	double x = fp_f64(a), y = fp_f64(b);
	switch (op) {
	case FH_ADD: return fp_hard_out_d(x + y, out);
	case FH_SUB: return fp_hard_out_d(x - y, out);
	case FH_MUL: return fp_hard_out_d(x * y, out);
	default: return y != 0 && fp_hard_out_d(x / y, out);
	}
}

static inline bool fp_hard_sqrt_s(uint64_t a, uint64_t *out)
{
	return fp_hard_in_s((uint32_t)a) && !((a >> 31) & 1) &&
	       fp_hard_out_s(__builtin_sqrtf(fp_f32((uint32_t)a)), out);
}

static inline bool fp_hard_sqrt_d(uint64_t a, uint64_t *out)
{
	return fp_hard_in_d(a) && !(a >> 63) &&
	       fp_hard_out_d(__builtin_sqrt(fp_f64(a)), out);
}

/* Fused multiply-add with the negations applied to the operands (exact). */
static inline bool fp_hard_fma_s(uint64_t a, uint64_t b, uint64_t c,
				 unsigned neg, uint64_t *out)
{
	if (!fp_hard_in_s((uint32_t)a) || !fp_hard_in_s((uint32_t)b) ||
	    !fp_hard_in_s((uint32_t)c))
		return false;
	float x = fp_f32((uint32_t)a), y = fp_f32((uint32_t)b);
	float z = fp_f32((uint32_t)c);
	if (neg & FP_NEG_PROD)
		x = -x;
	if (neg & FP_NEG_ADDEND)
		z = -z;
	return fp_hard_out_s(__builtin_fmaf(x, y, z), out);
}

static inline bool fp_hard_fma_d(uint64_t a, uint64_t b, uint64_t c,
				 unsigned neg, uint64_t *out)
{
	if (!fp_hard_in_d(a) || !fp_hard_in_d(b) || !fp_hard_in_d(c))
		return false;
	double x = fp_f64(a), y = fp_f64(b), z = fp_f64(c);
	if (neg & FP_NEG_PROD)
		x = -x;
	if (neg & FP_NEG_ADDEND)
		z = -z;
	return fp_hard_out_d(__builtin_fma(x, y, z), out);
}

#endif
