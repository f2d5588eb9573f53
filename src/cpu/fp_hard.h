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
 * Everything else returns false and the soft-float path decides.
 *
 * Both formats come from one template (FP_HARD_FORMAT below), so single
 * and double cannot drift apart. */
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

enum fp_hard_op { FH_ADD, FH_SUB, FH_MUL, FH_DIV };

/* The fast path of one format f: host type T, bit pattern U of BITS bits
 * with EBITS exponent bits, smallest normal and largest finite MIN and
 * MAX, and the host's fabs, sqrt and fma for T.  Defines
 *   fp_hard_in_f(a)        a is zero or normal (biased exponent 1..emax-1)
 *   fp_hard_out_f(r, out)  accept r only if finite and above MIN
 *   fp_hard2_f(op, a, b, out), fp_hard_sqrt_f(a, out),
 *   fp_hard_fma_f(a, b, c, neg, out)  (negations applied, exactly, to the
 *                          product and the addend) */
#define FP_HARD_FORMAT(f, T, U, BITS, EBITS, MIN, MAX, FABS, SQRT, FMA)        \
	static inline bool fp_hard_in_##f(uint64_t a)                          \
	{                                                                      \
		const unsigned emax = (1u << (EBITS)) - 1;                     \
		U u = (U)a;                                                    \
		return ((u >> ((BITS)-1 - (EBITS))) & emax) - 1u <             \
			       emax - 1u ||                                    \
		       (U)(u << 1) == 0;                                       \
	}                                                                      \
	static inline T fp_host_##f(uint64_t a)                                \
	{                                                                      \
		U u = (U)a;                                                    \
		T x;                                                           \
		memcpy(&x, &u, sizeof(x));                                     \
		return x;                                                      \
	}                                                                      \
	static inline bool fp_hard_out_##f(T r, uint64_t *out)                 \
	{                                                                      \
		U u;                                                           \
		if (!(FABS(r) > (MIN) && FABS(r) <= (MAX)))                    \
			return false;                                          \
		memcpy(&u, &r, sizeof(u));                                     \
		*out = u;                                                      \
		return true;                                                   \
	}                                                                      \
	static inline bool fp_hard2_##f(enum fp_hard_op op, uint64_t a,        \
					uint64_t b, uint64_t *out)             \
	{                                                                      \
		if (!fp_hard_in_##f(a) || !fp_hard_in_##f(b))                  \
			return false;                                          \
		T x = fp_host_##f(a), y = fp_host_##f(b);                      \
		switch (op) {                                                  \
		case FH_ADD: return fp_hard_out_##f(x + y, out);               \
		case FH_SUB: return fp_hard_out_##f(x - y, out);               \
		case FH_MUL: return fp_hard_out_##f(x * y, out);               \
		default: return y != 0 && fp_hard_out_##f(x / y, out);         \
		}                                                              \
	}                                                                      \
	static inline bool fp_hard_sqrt_##f(uint64_t a, uint64_t *out)         \
	{                                                                      \
		return fp_hard_in_##f(a) && !(((U)a >> ((BITS)-1)) & 1) &&     \
		       fp_hard_out_##f(SQRT(fp_host_##f(a)), out);             \
	}                                                                      \
	static inline bool fp_hard_fma_##f(uint64_t a, uint64_t b, uint64_t c, \
					   unsigned neg, uint64_t *out)        \
	{                                                                      \
		if (!fp_hard_in_##f(a) || !fp_hard_in_##f(b) ||                \
		    !fp_hard_in_##f(c))                                        \
			return false;                                          \
		T x = fp_host_##f(a), y = fp_host_##f(b);                      \
		T z = fp_host_##f(c);                                          \
		if (neg & FP_NEG_PROD)                                         \
			x = -x;                                                \
		if (neg & FP_NEG_ADDEND)                                       \
			z = -z;                                                \
		return fp_hard_out_##f(FMA(x, y, z), out);                     \
	}

FP_HARD_FORMAT(s, float, uint32_t, 32, 8, FLT_MIN, FLT_MAX, __builtin_fabsf,
	       __builtin_sqrtf, __builtin_fmaf)
FP_HARD_FORMAT(d, double, uint64_t, 64, 11, DBL_MIN, DBL_MAX, __builtin_fabs,
	       __builtin_sqrt, __builtin_fma)

#endif
