/* Stubs for every F/D computational instruction in every rounding mode. */
#include "fp_ops.h"

unsigned long fp_preflags;

static int strcmp_(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

#define CLR "csrw fflags, %[pre]\n\t"
#define GET "csrr %1, fflags\n\t"

/* f3 = op(f0, f1[, f2]) with f sources and destination. */
#define R3(id, insn, rm)                                                       \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		__asm__ volatile(                                              \
			"fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t"               \
			"fmv.d.x ft2, %4\n\t" CLR insn                         \
			" ft3, ft0, ft1, ft2" rm "\n\t" GET "fmv.x.d %0, ft3"  \
			: "=&r"(r), "=&r"(*fl)                                 \
			: "r"(a), "r"(b), "r"(c), [pre] "r"(fp_preflags)       \
			: "ft0", "ft1", "ft2", "ft3");                         \
		return r;                                                      \
	}
#define R2(id, insn, rm)                                                       \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		(void)c;                                                       \
		__asm__ volatile(                                              \
			"fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" CLR insn      \
			" ft3, ft0, ft1" rm "\n\t" GET "fmv.x.d %0, ft3"       \
			: "=&r"(r), "=&r"(*fl)                                 \
			: "r"(a), "r"(b), [pre] "r"(fp_preflags)               \
			: "ft0", "ft1", "ft3");                                \
		return r;                                                      \
	}
#define R1(id, insn, rm)                                                       \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		(void)b, (void)c;                                              \
		__asm__ volatile("fmv.d.x ft0, %2\n\t" CLR insn " ft3, ft0" rm \
				 "\n\t" GET "fmv.x.d %0, ft3"                  \
				 : "=&r"(r), "=&r"(*fl)                        \
				 : "r"(a), [pre] "r"(fp_preflags)              \
				 : "ft0", "ft3");                              \
		return r;                                                      \
	}
/* x = op(f0[, f1]): conversions to integer, compares, fclass, fmv.x. */
#define FX2(id, insn, rm)                                                      \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		(void)c;                                                       \
		__asm__ volatile(                                              \
			"fmv.d.x ft0, %2\n\tfmv.d.x ft1, %3\n\t" CLR insn      \
			" %0, ft0, ft1" rm "\n\t" GET                          \
			: "=&r"(r), "=&r"(*fl)                                 \
			: "r"(a), "r"(b), [pre] "r"(fp_preflags)               \
			: "ft0", "ft1");                                       \
		return r;                                                      \
	}
#define FX1(id, insn, rm)                                                      \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		(void)b, (void)c;                                              \
		__asm__ volatile("fmv.d.x ft0, %2\n\t" CLR insn " %0, ft0" rm  \
				 "\n\t" GET                                    \
				 : "=&r"(r), "=&r"(*fl)                        \
				 : "r"(a), [pre] "r"(fp_preflags)              \
				 : "ft0");                                     \
		return r;                                                      \
	}
/* f = op(x): conversions from integer, fmv.w.x/fmv.d.x. */
#define XF1(id, insn, rm)                                                      \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		(void)b, (void)c;                                              \
		__asm__ volatile(CLR insn " ft3, %2" rm "\n\t" GET             \
					  "fmv.x.d %0, ft3"                    \
				 : "=&r"(r), "=&r"(*fl)                        \
				 : "r"(a), [pre] "r"(fp_preflags)              \
				 : "ft3");                                     \
		return r;                                                      \
	}

/* The assembler refuses a rounding mode on the exact conversions
 * (fcvt.d.s, fcvt.d.w, fcvt.d.wu), yet the field exists and is checked:
 * spell them with .insn.  args = "funct7, rd, rs1, rs2" after funct3. */
#define RAW1(id, src, args, rm)                                                \
	static uint64_t id(uint64_t a, uint64_t b, uint64_t c,                 \
			   unsigned long *fl)                                  \
	{                                                                      \
		uint64_t r;                                                    \
		(void)b, (void)c;                                              \
		__asm__ volatile("fmv.d.x ft0, %2\n\t" CLR ".insn r 0x53, " rm \
				 ", " args "\n\t" GET "fmv.x.d %0, ft3"        \
				 : "=&r"(r), "=&r"(*fl)                        \
				 : src(a), [pre] "r"(fp_preflags)              \
				 : "ft0", "ft3");                              \
		return r;                                                      \
	}
#define RAW_VARIANTS(id, src, args)                                            \
	RAW1(id##_rne, src, args, "0")                                         \
	RAW1(id##_rtz, src, args, "1")                                         \
	RAW1(id##_rdn, src, args, "2")                                         \
	RAW1(id##_rup, src, args, "3")                                         \
	RAW1(id##_rmm, src, args, "4")                                         \
	RAW1(id##_dyn, src, args, "7")

#define VARIANTS(SHAPE, id, insn)                                              \
	SHAPE(id##_rne, insn, ", rne")                                         \
	SHAPE(id##_rtz, insn, ", rtz")                                         \
	SHAPE(id##_rdn, insn, ", rdn")                                         \
	SHAPE(id##_rup, insn, ", rup")                                         \
	SHAPE(id##_rmm, insn, ", rmm")                                         \
	SHAPE(id##_dyn, insn, ", dyn")
#define ROUNDED(id, name, in, out, n)                                          \
	{                                                                      \
		name, in, out, n, 1,                                           \
		{                                                              \
			id##_rne, id##_rtz, id##_rdn, id##_rup, id##_rmm,      \
				id##_dyn                                       \
		}                                                              \
	}
#define PLAIN(id, name, in, out, n)                                            \
	{                                                                      \
		name, in, out, n, 0,                                           \
		{                                                              \
			id                                                     \
		}                                                              \
	}

VARIANTS(R2, fadd_s, "fadd.s")
VARIANTS(R2, fsub_s, "fsub.s")
VARIANTS(R2, fmul_s, "fmul.s")
VARIANTS(R2, fdiv_s, "fdiv.s")
VARIANTS(R1, fsqrt_s, "fsqrt.s")
VARIANTS(R3, fmadd_s, "fmadd.s")
VARIANTS(R3, fmsub_s, "fmsub.s")
VARIANTS(R3, fnmsub_s, "fnmsub.s")
VARIANTS(R3, fnmadd_s, "fnmadd.s")
VARIANTS(R2, fadd_d, "fadd.d")
VARIANTS(R2, fsub_d, "fsub.d")
VARIANTS(R2, fmul_d, "fmul.d")
VARIANTS(R2, fdiv_d, "fdiv.d")
VARIANTS(R1, fsqrt_d, "fsqrt.d")
VARIANTS(R3, fmadd_d, "fmadd.d")
VARIANTS(R3, fmsub_d, "fmsub.d")
VARIANTS(R3, fnmsub_d, "fnmsub.d")
VARIANTS(R3, fnmadd_d, "fnmadd.d")
VARIANTS(R1, fcvt_s_d, "fcvt.s.d")
RAW_VARIANTS(fcvt_d_s, "r", "0x21, ft3, ft0, x0")
VARIANTS(FX1, fcvt_w_s, "fcvt.w.s")
VARIANTS(FX1, fcvt_wu_s, "fcvt.wu.s")
VARIANTS(FX1, fcvt_l_s, "fcvt.l.s")
VARIANTS(FX1, fcvt_lu_s, "fcvt.lu.s")
VARIANTS(FX1, fcvt_w_d, "fcvt.w.d")
VARIANTS(FX1, fcvt_wu_d, "fcvt.wu.d")
VARIANTS(FX1, fcvt_l_d, "fcvt.l.d")
VARIANTS(FX1, fcvt_lu_d, "fcvt.lu.d")
VARIANTS(XF1, fcvt_s_w, "fcvt.s.w")
VARIANTS(XF1, fcvt_s_wu, "fcvt.s.wu")
VARIANTS(XF1, fcvt_s_l, "fcvt.s.l")
VARIANTS(XF1, fcvt_s_lu, "fcvt.s.lu")
RAW_VARIANTS(fcvt_d_w, "r", "0x69, ft3, %2, x0")
RAW_VARIANTS(fcvt_d_wu, "r", "0x69, ft3, %2, x1")
VARIANTS(XF1, fcvt_d_l, "fcvt.d.l")
VARIANTS(XF1, fcvt_d_lu, "fcvt.d.lu")

R2(fsgnj_s, "fsgnj.s", "")
R2(fsgnjn_s, "fsgnjn.s", "")
R2(fsgnjx_s, "fsgnjx.s", "")
R2(fmin_s, "fmin.s", "")
R2(fmax_s, "fmax.s", "")
FX2(feq_s, "feq.s", "")
FX2(flt_s, "flt.s", "")
FX2(fle_s, "fle.s", "")
FX1(fclass_s, "fclass.s", "")
FX1(fmv_x_w, "fmv.x.w", "")
XF1(fmv_w_x, "fmv.w.x", "")
R2(fsgnj_d, "fsgnj.d", "")
R2(fsgnjn_d, "fsgnjn.d", "")
R2(fsgnjx_d, "fsgnjx.d", "")
R2(fmin_d, "fmin.d", "")
R2(fmax_d, "fmax.d", "")
FX2(feq_d, "feq.d", "")
FX2(flt_d, "flt.d", "")
FX2(fle_d, "fle.d", "")
FX1(fclass_d, "fclass.d", "")
FX1(fmv_x_d, "fmv.x.d", "")
XF1(fmv_d_x, "fmv.d.x", "")

const struct fp_op fp_ops[] = {
	ROUNDED(fadd_s, "fadd.s", T_S, T_S, 2),
	ROUNDED(fsub_s, "fsub.s", T_S, T_S, 2),
	ROUNDED(fmul_s, "fmul.s", T_S, T_S, 2),
	ROUNDED(fdiv_s, "fdiv.s", T_S, T_S, 2),
	ROUNDED(fsqrt_s, "fsqrt.s", T_S, T_S, 1),
	ROUNDED(fmadd_s, "fmadd.s", T_S, T_S, 3),
	ROUNDED(fmsub_s, "fmsub.s", T_S, T_S, 3),
	ROUNDED(fnmsub_s, "fnmsub.s", T_S, T_S, 3),
	ROUNDED(fnmadd_s, "fnmadd.s", T_S, T_S, 3),
	ROUNDED(fadd_d, "fadd.d", T_D, T_D, 2),
	ROUNDED(fsub_d, "fsub.d", T_D, T_D, 2),
	ROUNDED(fmul_d, "fmul.d", T_D, T_D, 2),
	ROUNDED(fdiv_d, "fdiv.d", T_D, T_D, 2),
	ROUNDED(fsqrt_d, "fsqrt.d", T_D, T_D, 1),
	ROUNDED(fmadd_d, "fmadd.d", T_D, T_D, 3),
	ROUNDED(fmsub_d, "fmsub.d", T_D, T_D, 3),
	ROUNDED(fnmsub_d, "fnmsub.d", T_D, T_D, 3),
	ROUNDED(fnmadd_d, "fnmadd.d", T_D, T_D, 3),
	ROUNDED(fcvt_s_d, "fcvt.s.d", T_D, T_S, 1),
	ROUNDED(fcvt_d_s, "fcvt.d.s", T_S, T_D, 1),
	ROUNDED(fcvt_w_s, "fcvt.w.s", T_S, T_X, 1),
	ROUNDED(fcvt_wu_s, "fcvt.wu.s", T_S, T_X, 1),
	ROUNDED(fcvt_l_s, "fcvt.l.s", T_S, T_X, 1),
	ROUNDED(fcvt_lu_s, "fcvt.lu.s", T_S, T_X, 1),
	ROUNDED(fcvt_w_d, "fcvt.w.d", T_D, T_X, 1),
	ROUNDED(fcvt_wu_d, "fcvt.wu.d", T_D, T_X, 1),
	ROUNDED(fcvt_l_d, "fcvt.l.d", T_D, T_X, 1),
	ROUNDED(fcvt_lu_d, "fcvt.lu.d", T_D, T_X, 1),
	ROUNDED(fcvt_s_w, "fcvt.s.w", T_X, T_S, 1),
	ROUNDED(fcvt_s_wu, "fcvt.s.wu", T_X, T_S, 1),
	ROUNDED(fcvt_s_l, "fcvt.s.l", T_X, T_S, 1),
	ROUNDED(fcvt_s_lu, "fcvt.s.lu", T_X, T_S, 1),
	ROUNDED(fcvt_d_w, "fcvt.d.w", T_X, T_D, 1),
	ROUNDED(fcvt_d_wu, "fcvt.d.wu", T_X, T_D, 1),
	ROUNDED(fcvt_d_l, "fcvt.d.l", T_X, T_D, 1),
	ROUNDED(fcvt_d_lu, "fcvt.d.lu", T_X, T_D, 1),
	PLAIN(fsgnj_s, "fsgnj.s", T_S, T_S, 2),
	PLAIN(fsgnjn_s, "fsgnjn.s", T_S, T_S, 2),
	PLAIN(fsgnjx_s, "fsgnjx.s", T_S, T_S, 2),
	PLAIN(fmin_s, "fmin.s", T_S, T_S, 2),
	PLAIN(fmax_s, "fmax.s", T_S, T_S, 2),
	PLAIN(feq_s, "feq.s", T_S, T_X, 2),
	PLAIN(flt_s, "flt.s", T_S, T_X, 2),
	PLAIN(fle_s, "fle.s", T_S, T_X, 2),
	PLAIN(fclass_s, "fclass.s", T_S, T_X, 1),
	PLAIN(fmv_x_w, "fmv.x.w", T_S, T_X, 1),
	PLAIN(fmv_w_x, "fmv.w.x", T_X, T_S, 1),
	PLAIN(fsgnj_d, "fsgnj.d", T_D, T_D, 2),
	PLAIN(fsgnjn_d, "fsgnjn.d", T_D, T_D, 2),
	PLAIN(fsgnjx_d, "fsgnjx.d", T_D, T_D, 2),
	PLAIN(fmin_d, "fmin.d", T_D, T_D, 2),
	PLAIN(fmax_d, "fmax.d", T_D, T_D, 2),
	PLAIN(feq_d, "feq.d", T_D, T_X, 2),
	PLAIN(flt_d, "flt.d", T_D, T_X, 2),
	PLAIN(fle_d, "fle.d", T_D, T_X, 2),
	PLAIN(fclass_d, "fclass.d", T_D, T_X, 1),
	PLAIN(fmv_x_d, "fmv.x.d", T_D, T_X, 1),
	PLAIN(fmv_d_x, "fmv.d.x", T_X, T_D, 1),
};

const unsigned fp_nops = sizeof(fp_ops) / sizeof(fp_ops[0]);

const char *const fp_variant_names[NVARIANTS] = {
	"rne", "rtz", "rdn", "rup", "rmm", "dyn",
};

void fp_print_val(unsigned k, uint64_t v)
{
	if (k == T_S && (v >> 32) == 0xffffffffu)
		rt_printf("%08lx", (unsigned long)(uint32_t)v);
	else
		rt_printf(k == T_S ? "%016lx!" : "%016lx", (unsigned long)v);
}

static uint64_t fp_arg(unsigned k, uint64_t v)
{
	return k == T_S ? v | 0xffffffff00000000ULL : v;
}

void fp_run_line(const struct fp_op *op, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t in[3] = { fp_arg(op->in, a), fp_arg(op->in, b),
			   fp_arg(op->in, c) };
	unsigned nv = op->has_rm ? NVARIANTS : 1;

	rt_printf("%-9s", op->name);
	for (unsigned k = 0; k < op->nsrc; k++) {
		rt_putc(' ');
		fp_print_val(op->in, in[k]);
	}
	rt_puts(" :");
	for (unsigned v = 0; v < nv; v++) {
		unsigned long fl;
		uint64_t r = op->fn[v](in[0], in[1], in[2], &fl);
		rt_putc(' ');
		fp_print_val(op->out, r);
		rt_printf("/%02lx", fl);
	}
	rt_putc('\n');
}

const struct fp_op *fp_find(const char *name)
{
	for (unsigned k = 0; k < fp_nops; k++)
		if (!strcmp_(fp_ops[k].name, name))
			return &fp_ops[k];
	return 0;
}
