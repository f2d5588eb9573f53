/* Edge cases of the F/D operations other than arithmetic: conversions
 * between the formats and to/from every integer type (saturation, NaN,
 * -0, ties), sign injection, min/max, compares, fclass, moves, and what a
 * badly NaN-boxed single reads as.  One line per operand; compared with
 * QEMU. */
#include "fp_ops.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Singles around every integer boundary, ties, specials. */
static const uint64_t cvt_s[] = {
	0x00000000, 0x80000000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40200000,
	0xc0200000, 0x3effffff, 0x3f800000, 0xbf800000, 0x4effffff, 0x4f000000,
	0xcf000000, 0xcf000001, 0x4f800000, 0x4f7fffff, 0x5effffff, 0x5f000000,
	0xdf000000, 0xdf000001, 0x5f7fffff, 0x5f800000, 0x7f800000, 0xff800000,
	0x7fc00000, 0x7f800001, 0xffc00001, 0x007fffff, 0x80000001, 0x3f7fffff,
	0xbf400000, 0x4b7fffff,
};

static const uint64_t cvt_d[] = {
	0x0000000000000000, 0x8000000000000000, 0x3fe0000000000000,
	0xbfe0000000000000, 0x3ff8000000000000, 0x4004000000000000,
	0xc004000000000000, 0x3fdfffffffffffff, 0x3ff0000000000000,
	0xbff0000000000000, 0x41dfffffffc00000, 0x41dfffffffe00000,
	0x41e0000000000000, 0xc1e0000000000000, 0xc1e0000000100000,
	0xc1e0000000200000, 0x41efffffffe00000, 0x41effffffff00000,
	0x41f0000000000000, 0x43dfffffffffffff, 0x43e0000000000000,
	0xc3e0000000000000, 0xc3e0000000000001, 0x43efffffffffffff,
	0x43f0000000000000, 0x7ff0000000000000, 0xfff0000000000000,
	0x7ff8000000000000, 0x7ff0000000000001, 0xfff8000000000001,
	0x000fffffffffffff, 0x8000000000000001, 0xbfe8000000000000,
	0x4330000000000001, 0x47efffffe0000000, 0x47efffffffffffff,
	0x36a0000000000000, 0x3690000000000000, 0x36a8000000000000,
	0x380fffffe0000000, 0x380fffffffffffff, 0x3810000000000000,
	0xc7effffff0000000, 0x3e70000000000001,
};

/* Integers: type limits, values that round in single or double. */
static const uint64_t ints[] = {
	0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff,
	0x000000007fffffff, 0x0000000080000000, 0x00000000ffffffff,
	0xffffffff80000000, 0x0000000001000001, 0x0000000001000003,
	0x0000000000ffffff, 0x0000000001000002, 0x0020000000000001,
	0x0020000000000003, 0x7fffffffffffffff, 0x8000000000000000,
	0x8000008000000000, 0x8000018000000000, 0xfffffffeffffff80,
	0x0000000123456789, 0xfedcba9876543210, 0x00000000fffffff0,
	0xfffffffffefffffd,
};

/* Operands for the unrounded two-operand ops. */
static const uint64_t pair_s[] = {
	0x00000000, 0x80000000, 0x00000001, 0x3f800000, 0xbf800000, 0x3f800001,
	0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffc00000, 0xff800001,
};

static const uint64_t pair_d[] = {
	0x0000000000000000, 0x8000000000000000, 0x0000000000000001,
	0x3ff0000000000000, 0xbff0000000000000, 0x3ff0000000000001,
	0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
	0x7ff0000000000001, 0xfff8000000000000, 0xfff0000000000001,
};

/* fclass gets one of everything. */
static const uint64_t class_s[] = {
	0xff800000, 0xbf800000, 0x807fffff, 0x80000000, 0x00000000, 0x00000001,
	0x3f800000, 0x7f800000, 0x7f800001, 0x7fc00000, 0xffffffff, 0x7fbfffff,
};

static const uint64_t class_d[] = {
	0xfff0000000000000, 0xbff0000000000000, 0x800fffffffffffff,
	0x8000000000000000, 0x0000000000000000, 0x0000000000000001,
	0x3ff0000000000000, 0x7ff0000000000000, 0x7ff0000000000001,
	0x7ff8000000000000, 0xffffffffffffffff, 0x7ff7ffffffffffff,
};

static void unary(const char *const *names, const uint64_t *v, unsigned n)
{
	for (; *names; names++)
		for (unsigned i = 0; i < n; i++)
			fp_run_line(fp_find(*names), v[i], 0, 0);
}

static void pairs(const char *const *names, const uint64_t *v, unsigned n)
{
	for (; *names; names++)
		for (unsigned i = 0; i < n; i++)
			for (unsigned j = 0; j < n; j++)
				fp_run_line(fp_find(*names), v[i], v[j], 0);
}

/* Single-precision ops fed registers whose upper half is not all ones:
 * every one must read the operand as the canonical NaN, except the raw
 * moves. */
static void boxing(void)
{
	static const char *const ops[] = { "fadd.s",	"fsqrt.s",  "fmadd.s",
					   "fsgnj.s",	"fsgnjn.s", "fsgnjx.s",
					   "fmin.s",	"fmax.s",   "feq.s",
					   "flt.s",	"fle.s",    "fclass.s",
					   "fmv.x.w",	"fcvt.d.s", "fcvt.w.s",
					   "fcvt.lu.s", 0 };
	static const uint64_t bad[] = {
		0x000000003f800000, 0x7fffffff3f800000, 0xfffffffe00000000,
		0x00000000ff800001, 0xffffffff3f800000,
	};
	for (const char *const *p = ops; *p; p++) {
		const struct fp_op *op = fp_find(*p);
		for (unsigned i = 0; i < N(bad); i++) {
			unsigned long fl;
			uint64_t r = op->fn[0](bad[i], bad[i],
					       0xffffffff3f800000, &fl);
			rt_printf("box %-9s %016lx : ", op->name,
				  (unsigned long)bad[i]);
			fp_print_val(op->out, r);
			rt_printf("/%02lx\n", fl);
		}
	}
}

int main(void)
{
	static const char *const to_int_s[] = { "fcvt.w.s", "fcvt.wu.s",
						"fcvt.l.s", "fcvt.lu.s",
						"fcvt.d.s", 0 };
	static const char *const to_int_d[] = { "fcvt.w.d", "fcvt.wu.d",
						"fcvt.l.d", "fcvt.lu.d",
						"fcvt.s.d", 0 };
	static const char *const from_int[] = {
		"fcvt.s.w", "fcvt.s.wu", "fcvt.s.l", "fcvt.s.lu",
		"fcvt.d.w", "fcvt.d.wu", "fcvt.d.l", "fcvt.d.lu",
		"fmv.w.x",  "fmv.d.x",	 0
	};
	static const char *const pair_ops_s[] = {
		"fsgnj.s", "fsgnjn.s", "fsgnjx.s", "fmin.s", "fmax.s",
		"feq.s",   "flt.s",    "fle.s",	   0
	};
	static const char *const pair_ops_d[] = {
		"fsgnj.d", "fsgnjn.d", "fsgnjx.d", "fmin.d", "fmax.d",
		"feq.d",   "flt.d",    "fle.d",	   0
	};
	static const char *const class_ops_s[] = { "fclass.s", "fmv.x.w", 0 };
	static const char *const class_ops_d[] = { "fclass.d", "fmv.x.d", 0 };

	fp_set_frm(2); /* dyn = RDN */
	unary(to_int_s, cvt_s, N(cvt_s));
	unary(to_int_d, cvt_d, N(cvt_d));
	unary(from_int, ints, N(ints));
	pairs(pair_ops_s, pair_s, N(pair_s));
	pairs(pair_ops_d, pair_d, N(pair_d));
	unary(class_ops_s, class_s, N(class_s));
	unary(class_ops_d, class_d, N(class_d));
	boxing();
	return 0;
}
