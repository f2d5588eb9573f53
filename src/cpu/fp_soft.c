/* Soft-float core: unpack IEEE bits into a normalized form and round a
 * result back, with all five rounding modes and RISC-V's flag rules.
 * Integer arithmetic only, so results never depend on the host FPU. */
#include "cpu/fp_impl.h"

const struct fp_fmt_info fp_fmts[2] = {
	[FP_S] = { .mbits = 23,
		   .signbit = 31,
		   .bias = 127,
		   .emax = 0xff,
		   .nan = FP_NAN_S },
	[FP_D] = { .mbits = 52,
		   .signbit = 63,
		   .bias = 1023,
		   .emax = 0x7ff,
		   .nan = FP_NAN_D },
};

/* v >> n, with every bit shifted out ORed into bit 0 (the sticky bit). */
uint64_t fp_shr_jam(uint64_t v, uint32_t n)
{
	if (n == 0)
		return v;
	if (n >= 64)
		return v != 0;
	return (v >> n) | ((v << (64 - n)) != 0);
}

bool fp_is_nan(enum fp_fmt fmt, uint64_t bits)
{
	const struct fp_fmt_info *f = &fp_fmts[fmt];
	uint64_t mag = bits & ((1ULL << f->signbit) - 1);
	return mag > (uint64_t)f->emax << f->mbits;
}

bool fp_is_snan(enum fp_fmt fmt, uint64_t bits)
{
	return fp_is_nan(fmt, bits) &&
	       !((bits >> (fp_fmts[fmt].mbits - 1)) & 1);
}

void fp_unpack(enum fp_fmt fmt, uint64_t bits, struct fp_num *n)
{
	const struct fp_fmt_info *f = &fp_fmts[fmt];
	uint32_t e = (uint32_t)(bits >> f->mbits) & f->emax;
	uint64_t m = bits & ((1ULL << f->mbits) - 1);

	n->sign = (bits >> f->signbit) & 1;
	n->sig = 0;
	n->exp = 0;
	if (e == f->emax) {
		if (m == 0)
			n->cls = FPC_INF;
		else if ((m >> (f->mbits - 1)) & 1)
			n->cls = FPC_QNAN;
		else
			n->cls = FPC_SNAN;
		return;
	}
	if (e == 0 && m == 0) {
		n->cls = FPC_ZERO;
		return;
	}
	n->cls = FPC_FINITE;
	if (e == 0) {
		/* Subnormal: no hidden bit; normalize so bit 62 is set. */
		unsigned k = (unsigned)__builtin_clzll(m) - 1;
		n->sig = m << k;
		n->exp = 1 - f->bias - (int32_t)(k - (62 - f->mbits));
		return;
	}
	n->sig = (m | 1ULL << f->mbits) << (62 - f->mbits);
	n->exp = (int32_t)e - f->bias;
}

/* Does rounding away `rest` (of `half` = one half unit) increment? */
bool fp_round_up(unsigned rm, unsigned sign, uint64_t rest, uint64_t half,
		 bool odd)
{
	switch (rm) {
	case RM_RNE: return rest > half || (rest == half && odd);
	case RM_RMM: return rest >= half;
	case RM_RDN: return rest && sign;
	case RM_RUP: return rest && !sign;
	default: return false; /* RM_RTZ */
	}
}

/* The result of an overflow: infinity or the largest finite number,
 * depending on which way the rounding mode points. */
static uint64_t fp_overflow(enum fp_fmt fmt, unsigned sign, unsigned rm,
			    uint8_t *fl)
{
	bool to_inf = rm == RM_RNE || rm == RM_RMM || (rm == RM_RDN && sign) ||
		      (rm == RM_RUP && !sign);
	*fl |= FFLAG_OF | FFLAG_NX;
	return fp_inf(fmt, sign) - !to_inf;
}

/* Round sign * sig * 2^(exp - 62) (sig != 0, any bit may lead; low bits
 * are sticky) to the format and pack it.  Raises NX, UF (tiny after
 * rounding and inexact) and OF. */
uint64_t fp_round_pack(enum fp_fmt fmt, unsigned sign, int32_t exp,
		       uint64_t sig, unsigned rm, uint8_t *fl)
{
	const struct fp_fmt_info *f = &fp_fmts[fmt];
	unsigned shift = 62 - f->mbits;
	uint64_t mask = (1ULL << shift) - 1, half = 1ULL << (shift - 1);
	bool tiny = false;
	int64_t e;

	if (sig >> 63) {
		sig = fp_shr_jam(sig, 1);
		exp++;
	} else {
		unsigned k = (unsigned)__builtin_clzll(sig) - 1;
		sig <<= k;
		exp -= (int32_t)k;
	}
	e = (int64_t)exp + f->bias; /* biased exponent of bit 62 */
	if (e >= (int64_t)f->emax)
		return fp_overflow(fmt, sign, rm, fl);
	if (e <= 0) {
		/* Tiny unless rounding at full precision with an unbounded
		 * exponent would carry up to the smallest normal number. */
		tiny = e < 0 || (sig >> shift) != (2ULL << f->mbits) - 1 ||
		       !fp_round_up(rm, sign, sig & mask, half, true);
		sig = fp_shr_jam(sig, (uint32_t)(1 - e));
		e = 0;
	}
	uint64_t rest = sig & mask, kept = sig >> shift;
	if (fp_round_up(rm, sign, rest, half, kept & 1))
		kept++;
	if (rest) {
		*fl |= FFLAG_NX;
		if (tiny)
			*fl |= FFLAG_UF;
	}
	/* kept carries the hidden bit into the exponent field; a rounding
	 * carry moves it up one binade (or from subnormal to normal). */
	uint64_t bits = e ? ((uint64_t)(e - 1) << f->mbits) + kept : kept;
	if ((bits >> f->mbits) >= f->emax)
		return fp_overflow(fmt, sign, rm, fl);
	return bits | fp_zero(fmt, sign);
}
