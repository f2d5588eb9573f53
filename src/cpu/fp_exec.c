/* Handlers of the F/D instructions that round: arithmetic, fused
 * multiply-add and conversions.  Each checks mstatus.FS and the rounding
 * mode (both illegal-instruction conditions), unboxes single operands,
 * computes (on the host FPU when fp_hard.h allows, else in the soft-float
 * core) and retires with boxed results. */
#include "cpu/fp_hard.h"
#include "cpu/fp_impl.h"

/* Single operand rs of slot i, NaN-boxing rule applied. */
static inline uint64_t fp_rs_s(const struct hart *h, unsigned rs)
{
	return fp_unbox_s(h->f[rs]);
}

/* Two-operand arithmetic (fadd, fsub, fmul, fdiv) in both formats. */
#define FP_ARITH2(name, soft, hard)                                            \
	FP_HANDLER(fp_##name##_s)                                              \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		uint64_t r;                                                    \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t a = fp_rs_s(h, i->rs1), b = fp_rs_s(h, i->rs2);       \
		if (!fp_hard_mode(h, rm) || !fp_hard2_s(hard, a, b, &r))       \
			r = soft(FP_S, a, b, (unsigned)rm, &fl);               \
		fp_write(h, i->rd, fp_box_s(r), fl);                           \
		return insn_next(i, 4);                                        \
	}                                                                      \
	FP_HANDLER(fp_##name##_d)                                              \
	{                                                                      \
		int rm = fp_rm(h, i);                                          \
		uint8_t fl = 0;                                                \
		uint64_t r;                                                    \
		if (csr_fs_off(h) || rm < 0)                                   \
			return insn_illegal(h, i);                             \
		uint64_t a = h->f[i->rs1], b = h->f[i->rs2];                   \
		if (!fp_hard_mode(h, rm) || !fp_hard2_d(hard, a, b, &r))       \
			r = soft(FP_D, a, b, (unsigned)rm, &fl);               \
		fp_write(h, i->rd, r, fl);                                     \
		return insn_next(i, 4);                                        \
	}

FP_ARITH2(fadd, fp_add, FH_ADD)
FP_ARITH2(fsub, fp_sub, FH_SUB)
FP_ARITH2(fmul, fp_mul, FH_MUL)
FP_ARITH2(fdiv, fp_div, FH_DIV)

FP_HANDLER(fp_fsqrt_s)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	uint64_t r;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t a = fp_rs_s(h, i->rs1);
	if (!fp_hard_mode(h, rm) || !fp_hard_sqrt_s(a, &r))
		r = fp_sqrt(FP_S, a, (unsigned)rm, &fl);
	fp_write(h, i->rd, fp_box_s(r), fl);
	return insn_next(i, 4);
}

FP_HANDLER(fp_fsqrt_d)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	uint64_t r;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t a = h->f[i->rs1];
	if (!fp_hard_mode(h, rm) || !fp_hard_sqrt_d(a, &r))
		r = fp_sqrt(FP_D, a, (unsigned)rm, &fl);
	fp_write(h, i->rd, r, fl);
	return insn_next(i, 4);
}

/* fmadd, fmsub, fnmsub, fnmadd: the negations ride in imm above rm. */
FP_HANDLER(fp_fma_s)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	uint64_t r;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t a = fp_rs_s(h, i->rs1), b = fp_rs_s(h, i->rs2);
	uint64_t c = fp_rs_s(h, i->rs3);
	unsigned neg = (unsigned)i->imm;
	if (!fp_hard_mode(h, rm) || !fp_hard_fma_s(a, b, c, neg, &r))
		r = fp_fma(FP_S, a, b, c, neg, (unsigned)rm, &fl);
	fp_write(h, i->rd, fp_box_s(r), fl);
	return insn_next(i, 4);
}

FP_HANDLER(fp_fma_d)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	uint64_t r;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t a = h->f[i->rs1], b = h->f[i->rs2], c = h->f[i->rs3];
	unsigned neg = (unsigned)i->imm;
	if (!fp_hard_mode(h, rm) || !fp_hard_fma_d(a, b, c, neg, &r))
		r = fp_fma(FP_D, a, b, c, neg, (unsigned)rm, &fl);
	fp_write(h, i->rd, r, fl);
	return insn_next(i, 4);
}

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
	uint64_t r = fp_s_to_d(fp_rs_s(h, i->rs1), &fl);
	fp_write(h, i->rd, r, fl);
	return insn_next(i, 4);
}

/* fcvt.{w,wu,l,lu}.s: the integer type is in rs2 (enum fp_int). */
FP_HANDLER(fp_fcvt_int_s)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t v = fp_to_int(FP_S, fp_rs_s(h, i->rs1), (enum fp_int)i->rs2,
			       (unsigned)rm, &fl);
	fp_write_x(h, i->rd, v, fl);
	return insn_next(i, 4);
}

FP_HANDLER(fp_fcvt_int_d)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t v = fp_to_int(FP_D, h->f[i->rs1], (enum fp_int)i->rs2,
			       (unsigned)rm, &fl);
	fp_write_x(h, i->rd, v, fl);
	return insn_next(i, 4);
}

/* fcvt.s.{w,wu,l,lu}: the integer type is in rs2. */
FP_HANDLER(fp_fcvt_s_int)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t r = fp_from_int(FP_S, h->x[i->rs1], (enum fp_int)i->rs2,
				 (unsigned)rm, &fl);
	fp_write(h, i->rd, fp_box_s(r), fl);
	return insn_next(i, 4);
}

FP_HANDLER(fp_fcvt_d_int)
{
	int rm = fp_rm(h, i);
	uint8_t fl = 0;
	if (csr_fs_off(h) || rm < 0)
		return insn_illegal(h, i);
	uint64_t r = fp_from_int(FP_D, h->x[i->rs1], (enum fp_int)i->rs2,
				 (unsigned)rm, &fl);
	fp_write(h, i->rd, r, fl);
	return insn_next(i, 4);
}
