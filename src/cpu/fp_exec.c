/* Handlers of the F/D instructions that round: arithmetic, fused
 * multiply-add and conversions.  Each checks mstatus.FS and the rounding
 * mode (both illegal-instruction conditions), unboxes single operands,
 * computes (on the host FPU when fp_hard.h allows, else in the soft-float
 * core) and retires with boxed results.  One body per instruction serves
 * both formats (FP_BOTH, fp_impl.h). */
#include "cpu/fp_hard.h"
#include "cpu/fp_impl.h"

/* Two-operand arithmetic: fadd, fsub, fmul, fdiv. */
#define FP_ARITH2(F, f, name, soft, hard)                                      \
	FP_HANDLER(fp_##name##_##f)                                            \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		uint64_t r;                                                    \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t a = FP_GET_##F(h, i->rs1), b = FP_GET_##F(h, i->rs2); \
		if (!fp_hard_mode(h, rm) || !fp_hard2_##f(hard, a, b, &r))     \
			r = soft(FP_##F, a, b, (unsigned)rm, &fl);             \
		fp_write(h, i->rd, FP_PUT_##F(r), fl);                         \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_ARITH2, fadd, fp_add, FH_ADD)
FP_BOTH(FP_ARITH2, fsub, fp_sub, FH_SUB)
FP_BOTH(FP_ARITH2, fmul, fp_mul, FH_MUL)
FP_BOTH(FP_ARITH2, fdiv, fp_div, FH_DIV)

#define FP_SQRT(F, f, unused)                                                  \
	FP_HANDLER(fp_fsqrt_##f)                                               \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		uint64_t r;                                                    \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t a = FP_GET_##F(h, i->rs1);                            \
		if (!fp_hard_mode(h, rm) || !fp_hard_sqrt_##f(a, &r))          \
			r = fp_sqrt(FP_##F, a, (unsigned)rm, &fl);             \
		fp_write(h, i->rd, FP_PUT_##F(r), fl);                         \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_SQRT, 0)

/* fmadd, fmsub, fnmsub, fnmadd: the negations ride in imm above rm. */
#define FP_FMA(F, f, unused)                                                   \
	FP_HANDLER(fp_fma_##f)                                                 \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		uint64_t r;                                                    \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t a = FP_GET_##F(h, i->rs1), b = FP_GET_##F(h, i->rs2); \
		uint64_t c = FP_GET_##F(h, i->rs3);                            \
		unsigned neg = (unsigned)i->imm;                               \
		if (!fp_hard_mode(h, rm) ||                                    \
		    !fp_hard_fma_##f(a, b, c, neg, &r))                        \
			r = fp_fma(FP_##F, a, b, c, neg, (unsigned)rm, &fl);   \
		fp_write(h, i->rd, FP_PUT_##F(r), fl);                         \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_FMA, 0)

FP_HANDLER(fp_fcvt_s_d)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t r = fp_d_to_s(h->f[i->rs1], (unsigned)rm, &fl);
	fp_write(h, i->rd, fp_box_s(r), fl);
	return insn_next(i, 4);
}

/* Exact, but rm is still checked: a reserved rm is illegal here too. */
FP_HANDLER(fp_fcvt_d_s)
{
	uint8_t fl = 0;
	if (csr_fs_off(h) || fp_rm(h, i) < 0)
		return insn_illegal(h, i);
	uint64_t r = fp_s_to_d(FP_GET_S(h, i->rs1), &fl);
	fp_write(h, i->rd, r, fl);
	return insn_next(i, 4);
}

/* fcvt.{w,wu,l,lu}.{s,d}: the integer type is in rs2 (enum fp_int). */
#define FP_CVT_TO_INT(F, f, unused)                                            \
	FP_HANDLER(fp_fcvt_int_##f)                                            \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t v =                                                   \
			fp_to_int(FP_##F, FP_GET_##F(h, i->rs1),               \
				  (enum fp_int)i->rs2, (unsigned)rm, &fl);     \
		fp_write_x(h, i->rd, v, fl);                                   \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_CVT_TO_INT, 0)

/* fcvt.{s,d}.{w,wu,l,lu}: the integer type is in rs2. */
#define FP_CVT_FROM_INT(F, f, unused)                                          \
	FP_HANDLER(fp_fcvt_##f##_int)                                          \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t r =                                                   \
			fp_from_int(FP_##F, h->x[i->rs1], (enum fp_int)i->rs2, \
				    (unsigned)rm, &fl);                        \
		fp_write(h, i->rd, FP_PUT_##F(r), fl);                         \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_CVT_FROM_INT, 0)
