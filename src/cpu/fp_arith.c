/* IEEE 754-2008 add, subtract, multiply, divide, square root and fused
 * multiply-add in integer arithmetic, for singles and doubles alike.  Each
 * computes the exact result (or its truncation plus a sticky bit) and
 * rounds once in fp_round_pack(). */
#include "cpu/fp_impl.h"

typedef unsigned __int128 u128;

/* Canonical NaN for an operation with NaN operands; NV if one signals. */
static uint64_t fp_nan_result(enum fp_fmt fmt, const struct fp_num *a,
			      const struct fp_num *b, uint8_t *fl)
{
	if (a->cls == FPC_SNAN || b->cls == FPC_SNAN)
		*fl |= FFLAG_NV;
	return fp_fmts[fmt].nan;
}

static uint64_t fp_invalid(enum fp_fmt fmt, uint8_t *fl)
{
	*fl |= FFLAG_NV;
	return fp_fmts[fmt].nan;
}

static bool fp_any_nan(const struct fp_num *a, const struct fp_num *b)
{
	return a->cls >= FPC_QNAN || b->cls >= FPC_QNAN;
}

static u128 shr_jam128(u128 v, uint32_t n)
{
	if (n == 0)
		return v;
	if (n >= 128)
		return v != 0;
	return (v >> n) | ((v << (128 - n)) != 0);
}

/* Exact finite value unchanged (x is representable: no flags). */
static uint64_t fp_repack(enum fp_fmt fmt, const struct fp_num *x, unsigned rm,
			  uint8_t *fl)
{
	return fp_round_pack(fmt, x->sign, x->exp, x->sig, rm, fl);
}

/* x + y for unpacked operands (subtraction flips y's sign first). */
static uint64_t fp_add_num(enum fp_fmt fmt, struct fp_num *x, struct fp_num *y,
			   unsigned rm, uint8_t *fl)
{
	if (fp_any_nan(x, y))
		return fp_nan_result(fmt, x, y, fl);
	if (x->cls == FPC_INF || y->cls == FPC_INF) {
		if (x->cls == y->cls && x->sign != y->sign)
			return fp_invalid(fmt, fl);
		return fp_inf(fmt, x->cls == FPC_INF ? x->sign : y->sign);
	}
	if (y->cls == FPC_ZERO) {
		if (x->cls == FPC_ZERO)
			return fp_zero(fmt, x->sign == y->sign ? x->sign
							       : rm == RM_RDN);
		return fp_repack(fmt, x, rm, fl);
	}
	if (x->cls == FPC_ZERO)
		return fp_repack(fmt, y, rm, fl);

	/* Order by magnitude so the result takes x's sign.  y is aligned
	 * with a sticky bit; x's low bits are zero, so a subtraction can
	 * never land exactly on a rounding boundary it should not. */
	if (x->exp < y->exp || (x->exp == y->exp && x->sig < y->sig)) {
		struct fp_num *t = x;
		x = y;
		y = t;
	}
	uint64_t ys = fp_shr_jam(y->sig, (uint32_t)(x->exp - y->exp));
	uint64_t sig;
	if (x->sign == y->sign) {
		sig = x->sig + ys;
	} else {
		sig = x->sig - ys;
		if (sig == 0)
			return fp_zero(fmt, rm == RM_RDN);
	}
	return fp_round_pack(fmt, x->sign, x->exp, sig, rm, fl);
}

uint64_t fp_add(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl)
{
	struct fp_num x, y;
	fp_unpack(fmt, a, &x);
	fp_unpack(fmt, b, &y);
	return fp_add_num(fmt, &x, &y, rm, fl);
}

uint64_t fp_sub(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl)
{
	struct fp_num x, y;
	fp_unpack(fmt, a, &x);
	fp_unpack(fmt, b, &y);
	y.sign ^= 1;
	return fp_add_num(fmt, &x, &y, rm, fl);
}

uint64_t fp_mul(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl)
{
	struct fp_num x, y;
	fp_unpack(fmt, a, &x);
	fp_unpack(fmt, b, &y);
	unsigned sign = x.sign ^ y.sign;

	if (fp_any_nan(&x, &y))
		return fp_nan_result(fmt, &x, &y, fl);
	if (x.cls == FPC_INF || y.cls == FPC_INF) {
		if (x.cls == FPC_ZERO || y.cls == FPC_ZERO)
			return fp_invalid(fmt, fl);
		return fp_inf(fmt, sign);
	}
	if (x.cls == FPC_ZERO || y.cls == FPC_ZERO)
		return fp_zero(fmt, sign);

	/* 2^124 <= p < 2^126: keep 64 bits and a sticky bit. */
	u128 p = (u128)x.sig * y.sig;
	uint64_t sig = (uint64_t)shr_jam128(p, 62);
	return fp_round_pack(fmt, sign, x.exp + y.exp, sig, rm, fl);
}

uint64_t fp_div(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl)
{
	struct fp_num x, y;
	fp_unpack(fmt, a, &x);
	fp_unpack(fmt, b, &y);
	unsigned sign = x.sign ^ y.sign;

	if (fp_any_nan(&x, &y))
		return fp_nan_result(fmt, &x, &y, fl);
	if (x.cls == FPC_INF)
		return y.cls == FPC_INF ? fp_invalid(fmt, fl)
					: fp_inf(fmt, sign);
	if (y.cls == FPC_INF)
		return fp_zero(fmt, sign);
	if (y.cls == FPC_ZERO) {
		if (x.cls == FPC_ZERO)
			return fp_invalid(fmt, fl);
		*fl |= FFLAG_DZ;
		return fp_inf(fmt, sign);
	}
	if (x.cls == FPC_ZERO)
		return fp_zero(fmt, sign);

	/* 2^61 < q < 2^63: 62+ quotient bits, the remainder is sticky. */
	u128 n = (u128)x.sig << 62;
	uint64_t q = (uint64_t)(n / y.sig);
	if ((uint64_t)(n % y.sig))
		q |= 1;
	return fp_round_pack(fmt, sign, x.exp - y.exp, q, rm, fl);
}

/* floor(sqrt(n)) for 2^124 <= n < 2^126; *exact says if it was exact.
 * A double gives ~53 good bits, one Newton step the rest, and integer
 * checks make the result exact whatever the host's rounding. */
static uint64_t isqrt128(u128 n, bool *exact)
{
	uint64_t r = (uint64_t)__builtin_sqrt((double)n);

	r = (uint64_t)(((u128)r + (uint64_t)(n / r)) >> 1);
	while ((u128)r * r > n)
		r--;
	while ((u128)(r + 1) * (r + 1) <= n)
		r++;
	*exact = (u128)r * r == n;
	return r;
}

uint64_t fp_sqrt(enum fp_fmt fmt, uint64_t a, unsigned rm, uint8_t *fl)
{
	struct fp_num x;
	fp_unpack(fmt, a, &x);

	if (x.cls >= FPC_QNAN)
		return fp_nan_result(fmt, &x, &x, fl);
	if (x.cls == FPC_ZERO)
		return a; /* sqrt(-0) = -0 */
	if (x.sign)
		return fp_invalid(fmt, fl);
	if (x.cls == FPC_INF)
		return a;

	/* Make the exponent even; then sqrt(sig * 2^62) has bit 62 set. */
	int32_t e = x.exp;
	u128 n = (u128)x.sig << 62;
	if (e & 1) {
		n <<= 1;
		e -= 1;
	}
	bool exact;
	uint64_t r = isqrt128(n, &exact);
	return fp_round_pack(fmt, 0, e / 2, r | !exact, rm, fl);
}

/* Sum of the exact product p * 2^(pe - 124) and z, rounded once. */
static uint64_t fp_fma_sum(enum fp_fmt fmt, unsigned psign, u128 p, int32_t pe,
			   const struct fp_num *z, unsigned rm, uint8_t *fl)
{
	u128 c = (u128)z->sig << 62; /* z = c * 2^(z->exp - 124) */
	int32_t e;
	unsigned sign = psign;

	/* Whichever is shifted has low zero bits to spare (the product 20,
	 * the addend 62), so sticky bits appear only far below the other
	 * operand's leading bit: cancellation stays exact. */
	if (pe >= z->exp) {
		c = shr_jam128(c, (uint32_t)(pe - z->exp));
		e = pe;
	} else {
		p = shr_jam128(p, (uint32_t)(z->exp - pe));
		e = z->exp;
	}
	u128 r;
	if (psign == z->sign) {
		r = p + c;
	} else if (p >= c) {
		r = p - c;
	} else {
		r = c - p;
		sign = z->sign;
	}
	if (r == 0)
		return fp_zero(fmt, rm == RM_RDN);

	uint64_t hi = (uint64_t)(r >> 64);
	int msb = hi ? 127 - __builtin_clzll(hi)
		     : 63 - __builtin_clzll((uint64_t)r);
	uint64_t sig = msb >= 62 ? (uint64_t)shr_jam128(r, (uint32_t)(msb - 62))
				 : (uint64_t)r << (62 - msb);
	return fp_round_pack(fmt, sign, e + msb - 124, sig, rm, fl);
}

uint64_t fp_fma(enum fp_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
		unsigned neg, unsigned rm, uint8_t *fl)
{
	struct fp_num x, y, z;
	fp_unpack(fmt, a, &x);
	fp_unpack(fmt, b, &y);
	fp_unpack(fmt, c, &z);
	bool infzero = (x.cls == FPC_INF && y.cls == FPC_ZERO) ||
		       (x.cls == FPC_ZERO && y.cls == FPC_INF);

	/* RISC-V: inf * 0 is invalid even when the addend is a quiet NaN. */
	if (fp_any_nan(&x, &y) || z.cls >= FPC_QNAN) {
		if (infzero || z.cls == FPC_SNAN)
			*fl |= FFLAG_NV;
		return fp_nan_result(fmt, &x, &y, fl);
	}
	if (infzero)
		return fp_invalid(fmt, fl);

	unsigned psign = x.sign ^ y.sign ^ !!(neg & FP_NEG_PROD);
	z.sign ^= !!(neg & FP_NEG_ADDEND);
	if (x.cls == FPC_INF || y.cls == FPC_INF) {
		if (z.cls == FPC_INF && z.sign != psign)
			return fp_invalid(fmt, fl);
		return fp_inf(fmt, psign);
	}
	if (z.cls == FPC_INF)
		return fp_inf(fmt, z.sign);
	if (x.cls == FPC_ZERO || y.cls == FPC_ZERO) {
		if (z.cls == FPC_ZERO)
			return fp_zero(fmt,
				       psign == z.sign ? psign : rm == RM_RDN);
		return fp_repack(fmt, &z, rm, fl);
	}

	u128 p = (u128)x.sig * y.sig; /* 2^124 <= p < 2^126, exact */
	int32_t pe = x.exp + y.exp;
	if (z.cls == FPC_ZERO)
		return fp_round_pack(fmt, psign, pe,
				     (uint64_t)shr_jam128(p, 62), rm, fl);
	return fp_fma_sum(fmt, psign, p, pe, &z, rm, fl);
}
