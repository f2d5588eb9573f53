/* Conversions (float <-> integer, single <-> double), comparisons, min/max
 * and classification, with RISC-V's saturation and NaN rules. */
#include "cpu/fp_impl.h"

/* Limits of each integer type: the largest magnitude a positive or a
 * negative value may have, and the saturated results as the 64-bit values
 * the register gets (W and WU sign-extended). */
static const struct {
	uint64_t pos_limit, neg_limit;
	uint64_t sat_max, sat_min;
} fp_int_info[4] = {
	[FP_W] = { 0x7fffffffULL, 1ULL << 31, 0x7fffffffULL,
		   0xffffffff80000000ULL },
	[FP_WU] = { 0xffffffffULL, 0, ~0ULL, 0 },
	[FP_L] = { 0x7fffffffffffffffULL, 1ULL << 63, 0x7fffffffffffffffULL,
		   1ULL << 63 },
	[FP_LU] = { ~0ULL, 0, ~0ULL, 0 },
};

/* Round the finite x to an integer magnitude.  Returns false if it does
 * not fit in 64 bits; *inexact tells if anything was rounded away. */
static bool fp_round_int(const struct fp_num *x, unsigned rm, uint64_t *mag,
			 bool *inexact)
{
	int32_t shift = 62 - x->exp;
	uint64_t ip, rest, half;

	if (x->exp >= 64)
		return false;
	if (shift <= 0) {
		*mag = x->sig << -shift;
		*inexact = false;
		return true;
	}
	if (shift >= 64) { /* |x| < 1/2 */
		ip = 0;
		rest = 1;
		half = 2;
	} else {
		ip = x->sig >> shift;
		rest = x->sig & ((1ULL << shift) - 1);
		half = 1ULL << (shift - 1);
	}
	*mag = ip + fp_round_up(rm, x->sign, rest, half, ip & 1);
	*inexact = rest != 0;
	return true;
}

uint64_t fp_to_int(enum fp_fmt fmt, uint64_t a, enum fp_int to, unsigned rm,
		   uint8_t *fl)
{
	struct fp_num x;
	uint64_t mag = 0;
	bool inexact;
	fp_unpack(fmt, a, &x);

	if (x.cls >= FPC_QNAN) {
		*fl |= FFLAG_NV; /* NaN converts to the largest integer */
		return fp_int_info[to].sat_max;
	}
	if (x.cls == FPC_ZERO)
		return 0;
	if (x.cls == FPC_INF || !fp_round_int(&x, rm, &mag, &inexact))
		goto invalid;
	if (x.sign && mag) {
		if (mag > fp_int_info[to].neg_limit)
			goto invalid;
		mag = 0 - mag;
	} else if (mag > fp_int_info[to].pos_limit) {
		goto invalid;
	}
	if (inexact)
		*fl |= FFLAG_NX;
	if (to == FP_W || to == FP_WU)
		return (uint64_t)(int64_t)(int32_t)mag;
	return mag;

invalid:
	*fl |= FFLAG_NV;
	return x.sign ? fp_int_info[to].sat_min : fp_int_info[to].sat_max;
}

uint64_t fp_from_int(enum fp_fmt fmt, uint64_t v, enum fp_int from, unsigned rm,
		     uint8_t *fl)
{
	unsigned sign = 0;

	switch (from) {
	case FP_W: v = (uint64_t)(int64_t)(int32_t)v; /* fall through */
	case FP_L:
		sign = v >> 63;
		if (sign)
			v = 0 - v;
		break;
	case FP_WU: v = (uint32_t)v; break;
	case FP_LU: break;
	}
	if (v == 0)
		return fp_zero(fmt, 0);
	return fp_round_pack(fmt, sign, 62, v, rm, fl);
}

/* Convert between formats: NaNs become the target's canonical NaN. */
static uint64_t fp_convert(enum fp_fmt from, enum fp_fmt to, uint64_t a,
			   unsigned rm, uint8_t *fl)
{
	struct fp_num x;
	fp_unpack(from, a, &x);

	switch (x.cls) {
	case FPC_SNAN: *fl |= FFLAG_NV; /* fall through */
	case FPC_QNAN: return fp_fmts[to].nan;
	case FPC_INF: return fp_inf(to, x.sign);
	case FPC_ZERO: return fp_zero(to, x.sign);
	default: return fp_round_pack(to, x.sign, x.exp, x.sig, rm, fl);
	}
}

uint64_t fp_s_to_d(uint64_t a, uint8_t *fl)
{
	return fp_convert(FP_S, FP_D, a, RM_RNE, fl);
}

uint64_t fp_d_to_s(uint64_t a, unsigned rm, uint8_t *fl)
{
	return fp_convert(FP_D, FP_S, a, rm, fl);
}

/* a < b for non-NaN a, b with -0 < +0 (a total order on the bits). */
static bool fp_bits_lt(enum fp_fmt fmt, uint64_t a, uint64_t b)
{
	unsigned sb = fp_fmts[fmt].signbit;
	unsigned sa = (a >> sb) & 1, sbb = (b >> sb) & 1;

	if (sa != sbb)
		return sa;
	return sa ? a > b : a < b;
}

static bool fp_both_zero(enum fp_fmt fmt, uint64_t a, uint64_t b)
{
	return ((a | b) & ((1ULL << fp_fmts[fmt].signbit) - 1)) == 0;
}

/* minimumNumber/maximumNumber (F/D 2.2): a NaN loses to a number. */
static uint64_t fp_minmax(enum fp_fmt fmt, uint64_t a, uint64_t b, bool max,
			  uint8_t *fl)
{
	bool an = fp_is_nan(fmt, a), bn = fp_is_nan(fmt, b);

	if (fp_is_snan(fmt, a) || fp_is_snan(fmt, b))
		*fl |= FFLAG_NV;
	if (an && bn)
		return fp_fmts[fmt].nan;
	if (an)
		return b;
	if (bn)
		return a;
	return fp_bits_lt(fmt, a, b) != max ? a : b;
}

uint64_t fp_min(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl)
{
	return fp_minmax(fmt, a, b, false, fl);
}

uint64_t fp_max(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl)
{
	return fp_minmax(fmt, a, b, true, fl);
}

/* Quiet equality: only signaling NaNs raise NV. */
bool fp_eq(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl)
{
	if (fp_is_nan(fmt, a) || fp_is_nan(fmt, b)) {
		if (fp_is_snan(fmt, a) || fp_is_snan(fmt, b))
			*fl |= FFLAG_NV;
		return false;
	}
	return a == b || fp_both_zero(fmt, a, b);
}

/* Signaling comparisons: any NaN raises NV. */
bool fp_lt(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl)
{
	if (fp_is_nan(fmt, a) || fp_is_nan(fmt, b)) {
		*fl |= FFLAG_NV;
		return false;
	}
	return !fp_both_zero(fmt, a, b) && fp_bits_lt(fmt, a, b);
}

bool fp_le(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl)
{
	if (fp_is_nan(fmt, a) || fp_is_nan(fmt, b)) {
		*fl |= FFLAG_NV;
		return false;
	}
	return fp_both_zero(fmt, a, b) || !fp_bits_lt(fmt, b, a);
}

/* fclass: one bit of ten (-inf, -normal, -subnormal, -0, +0, +subnormal,
 * +normal, +inf, sNaN, qNaN). */
unsigned fp_class(enum fp_fmt fmt, uint64_t a)
{
	const struct fp_fmt_info *f = &fp_fmts[fmt];
	unsigned sign = (a >> f->signbit) & 1;
	uint32_t e = (uint32_t)(a >> f->mbits) & f->emax;
	uint64_t m = a & ((1ULL << f->mbits) - 1);

	if (e == f->emax) {
		if (m)
			return fp_is_snan(fmt, a) ? 1u << 8 : 1u << 9;
		return sign ? 1u << 0 : 1u << 7;
	}
	if (e == 0)
		return m ? (sign ? 1u << 2 : 1u << 5)
			 : (sign ? 1u << 3 : 1u << 4);
	return sign ? 1u << 1 : 1u << 6;
}
