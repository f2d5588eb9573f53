/* Edge cases of the rounded F/D arithmetic: add, sub, mul, div, sqrt and
 * the fused multiply-adds on zeros, subnormals, the normal boundaries,
 * infinities and NaNs, in all five rounding modes plus dynamic (frm =
 * RMM).  Prints one line per operand tuple; compared with QEMU. */
#include "fp_ops.h"

static const uint64_t vals_s[] = {
	0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x3f800000,
	0xbf800000, 0x3f800001, 0x3fc00000, 0x34000000, 0x7f7fffff, 0xff7fffff,
	0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001,
};

static const uint64_t vals_d[] = {
	0x0000000000000000, 0x8000000000000000, 0x0000000000000001,
	0x800fffffffffffff, 0x0010000000000000, 0x3ff0000000000000,
	0xbff0000000000000, 0x3ff0000000000001, 0x3ff8000000000000,
	0x3cb0000000000000, 0x7fefffffffffffff, 0xffefffffffffffff,
	0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
	0x7ff0000000000001,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Hand-picked fused multiply-add triples: invalid inf*0 (+ qNaN),
 * exact cancellation to +-0, results that round to subnormal or overflow,
 * and ties that only a single rounding gets right. */
static const uint64_t fma_s[][3] = {
	{ 0x7f800000, 0x00000000, 0x7fc00000 },
	{ 0x00000000, 0xff800000, 0x3f800000 },
	{ 0x7f800000, 0x3f800000, 0xff800000 },
	{ 0x3f800001, 0x3f800001, 0xbf800002 },
	{ 0x3f800000, 0x3f800000, 0xbf800000 },
	{ 0x00000000, 0x3f800000, 0x80000000 },
	{ 0x80000000, 0x3f800000, 0x00000000 },
	{ 0x00800000, 0x3f000000, 0x00000000 },
	{ 0x00800001, 0x3effffff, 0x80000001 },
	{ 0x7f7fffff, 0x40000000, 0xff7fffff },
	{ 0x7f7fffff, 0x3f800001, 0x00000001 },
	{ 0x3f800001, 0x3f7fffff, 0xbf800000 },
	{ 0x45800001, 0x45800001, 0xcb800000 },
	{ 0x3fffffff, 0x3fffffff, 0xc0800000 },
	{ 0x1f800001, 0x1f800001, 0x00000001 },
	{ 0x00000001, 0x00000001, 0x00000000 },
	{ 0x7f800001, 0x00000000, 0x7f800000 },
	{ 0x3f800000, 0x7fc00000, 0x7f800001 },
};

static const uint64_t fma_d[][3] = {
	{ 0x7ff0000000000000, 0x0000000000000000, 0x7ff8000000000000 },
	{ 0x0000000000000000, 0xfff0000000000000, 0x3ff0000000000000 },
	{ 0x7ff0000000000000, 0x3ff0000000000000, 0xfff0000000000000 },
	{ 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002 },
	{ 0x3ff0000000000000, 0x3ff0000000000000, 0xbff0000000000000 },
	{ 0x0000000000000000, 0x3ff0000000000000, 0x8000000000000000 },
	{ 0x0010000000000000, 0x3fe0000000000000, 0x0000000000000000 },
	{ 0x0010000000000001, 0x3fefffffffffffff, 0x8000000000000001 },
	{ 0x7fefffffffffffff, 0x4000000000000000, 0xffefffffffffffff },
	{ 0x7fefffffffffffff, 0x3ff0000000000001, 0x0000000000000001 },
	{ 0x3ff0000000000001, 0x3fefffffffffffff, 0xbff0000000000000 },
	{ 0x41a0000000000001, 0x41a0000000000001, 0x4350000000000000 },
	{ 0x3fffffffffffffff, 0x3fffffffffffffff, 0xc010000000000000 },
	{ 0x1ff0000000000001, 0x1ff0000000000001, 0x0000000000000001 },
	{ 0x0000000000000001, 0x0000000000000001, 0x8000000000000000 },
	{ 0x7ff0000000000001, 0x0000000000000000, 0x7ff0000000000000 },
	{ 0x3ff0000000000000, 0x7ff8000000000000, 0x7ff0000000000001 },
};

static void binary_ops(const char *const *names, const uint64_t *vals,
		       unsigned n)
{
	for (; *names; names++) {
		const struct fp_op *op = fp_find(*names);
		for (unsigned i = 0; i < n; i++)
			for (unsigned j = 0; j < n; j++)
				fp_run_line(op, vals[i], vals[j], 0);
	}
}

static void fma_ops(const char *const *names, const uint64_t (*t)[3],
		    unsigned n)
{
	for (; *names; names++) {
		const struct fp_op *op = fp_find(*names);
		for (unsigned i = 0; i < n; i++)
			fp_run_line(op, t[i][0], t[i][1], t[i][2]);
	}
}

int main(void)
{
	static const char *const bin_s[] = { "fadd.s", "fsub.s", "fmul.s",
					     "fdiv.s", 0 };
	static const char *const bin_d[] = { "fadd.d", "fsub.d", "fmul.d",
					     "fdiv.d", 0 };
	static const char *const fma_names_s[] = { "fmadd.s", "fmsub.s",
						   "fnmsub.s", "fnmadd.s", 0 };
	static const char *const fma_names_d[] = { "fmadd.d", "fmsub.d",
						   "fnmsub.d", "fnmadd.d", 0 };

	fp_set_frm(4);
	binary_ops(bin_s, vals_s, N(vals_s));
	binary_ops(bin_d, vals_d, N(vals_d));
	for (unsigned i = 0; i < N(vals_s); i++)
		fp_run_line(fp_find("fsqrt.s"), vals_s[i], 0, 0);
	for (unsigned i = 0; i < N(vals_d); i++)
		fp_run_line(fp_find("fsqrt.d"), vals_d[i], 0, 0);
	fma_ops(fma_names_s, fma_s, N(fma_s));
	fma_ops(fma_names_d, fma_d, N(fma_d));
	/* fflags accrue across instructions until cleared. */
	fp_set_frm(0);
	rt_printf("fcsr %lx\n", rt_csr_read(fcsr));
	return 0;
}
