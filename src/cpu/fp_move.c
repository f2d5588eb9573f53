/* Handlers of the F/D instructions that never round: sign injection,
 * min/max, comparisons, classification and raw moves between register
 * files.  None has a rounding mode; all are illegal with mstatus.FS Off. */
#include "cpu/fp_impl.h"

#define SIGN_S 0x80000000ULL
#define SIGN_D 0x8000000000000000ULL

enum fp_sgnj { SGNJ, SGNJN, SGNJX };

/* Sign of b (as the variant says) on the magnitude of a. */
static inline uint64_t fp_sgnj(uint64_t a, uint64_t b, uint64_t sign,
			       enum fp_sgnj op)
{
	if (op == SGNJN)
		b = ~b;
	else if (op == SGNJX)
		b ^= a;
	return (a & ~sign) | (b & sign);
}

/* One body per instruction for both formats (FP_BOTH, fp_impl.h).
 * Singles read through the boxing rule; the result is boxed again, so a
 * badly boxed input reads (and moves) as the canonical NaN. */
#define FP_SGNJ(F, f, name, op)                                                \
	FP_HANDLER(fp_##name##_##f)                                            \
	{                                                                      \
		if (csr_fs_off(h))                                             \
			return insn_illegal(h, i);                             \
		uint64_t r = fp_sgnj(FP_GET_##F(h, i->rs1),                    \
				     FP_GET_##F(h, i->rs2), SIGN_##F, op);     \
		fp_write(h, i->rd, FP_PUT_##F(r), 0);                          \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_SGNJ, fsgnj, SGNJ)
FP_BOTH(FP_SGNJ, fsgnjn, SGNJN)
FP_BOTH(FP_SGNJ, fsgnjx, SGNJX)

/* fmin, fmax: f-register results. */
#define FP_MINMAX(F, f, name, op)                                              \
	FP_HANDLER(fp_##name##_##f)                                            \
	{                                                                      \
		uint8_t fl = 0;                                                \
		if (csr_fs_off(h))                                             \
			return insn_illegal(h, i);                             \
		uint64_t r = op(FP_##F, FP_GET_##F(h, i->rs1),                 \
				FP_GET_##F(h, i->rs2), &fl);                   \
		fp_write(h, i->rd, FP_PUT_##F(r), fl);                         \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_MINMAX, fmin, fp_min)
FP_BOTH(FP_MINMAX, fmax, fp_max)

/* feq, flt, fle: 0/1 into an integer register. */
#define FP_CMP(F, f, name, op)                                                 \
	FP_HANDLER(fp_##name##_##f)                                            \
	{                                                                      \
		uint8_t fl = 0;                                                \
		if (csr_fs_off(h))                                             \
			return insn_illegal(h, i);                             \
		bool r = op(FP_##F, FP_GET_##F(h, i->rs1),                     \
			    FP_GET_##F(h, i->rs2), &fl);                       \
		fp_write_x(h, i->rd, r, fl);                                   \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_CMP, feq, fp_eq)
FP_BOTH(FP_CMP, flt, fp_lt)
FP_BOTH(FP_CMP, fle, fp_le)

#define FP_CLASS(F, f, unused)                                                 \
	FP_HANDLER(fp_fclass_##f)                                              \
	{                                                                      \
		if (csr_fs_off(h))                                             \
			return insn_illegal(h, i);                             \
		h->x[i->rd] = fp_class(FP_##F, FP_GET_##F(h, i->rs1));         \
		return insn_next(i, 4);                                        \
	}

FP_BOTH(FP_CLASS, 0)

/* fmv.x.w moves the low 32 bits as they are (no boxing check),
 * sign-extended. */
FP_HANDLER(fp_fmv_x_w)
{
	if (csr_fs_off(h))
		return insn_illegal(h, i);
	h->x[i->rd] = (uint64_t)(int64_t)(int32_t)h->f[i->rs1];
	return insn_next(i, 4);
}

FP_HANDLER(fp_fmv_x_d)
{
	if (csr_fs_off(h))
		return insn_illegal(h, i);
	h->x[i->rd] = h->f[i->rs1];
	return insn_next(i, 4);
}

FP_HANDLER(fp_fmv_w_x)
{
	if (csr_fs_off(h))
		return insn_illegal(h, i);
	fp_write(h, i->rd, fp_box_s((uint32_t)h->x[i->rs1]), 0);
	return insn_next(i, 4);
}

FP_HANDLER(fp_fmv_d_x)
{
	if (csr_fs_off(h))
		return insn_illegal(h, i);
	fp_write(h, i->rd, h->x[i->rs1], 0);
	return insn_next(i, 4);
}
