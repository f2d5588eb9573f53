/* flw, fld, fsw, fsd and their compressed forms.  The soft TLB serves the
 * common case; a miss goes to the MMU, whose exception cause becomes the
 * trap with tval = the faulting address. */
#include "cpu/fp_impl.h"
#include "cpu/mmu.h"
#include "cpu/tlb.h"

/* Load `size` bytes at x[rs1] + imm into f[rd]; a word is NaN-boxed. */
static inline __attribute__((always_inline)) struct insn *fp_load(
	struct hart *h, struct insn *i, unsigned size, unsigned len)
{
	uint64_t va = h->x[i->rs1] + (uint64_t)(int64_t)i->imm, v;

	if (csr_fs_off(h))
		return insn_illegal(h, i);
	if (!tlb_load(&h->tlb, h->ctx_data, va, size, &v)) {
		int cause = mmu_load(h, va, size, &v);
		if (cause)
			return insn_trap(h, i, (uint64_t)cause, va);
	}
	fp_write(h, i->rd, size == 4 ? fp_box_s(v) : v, 0);
	return insn_next(i, len);
}

/* Store the low `size` bytes of f[rs2] as they are (no boxing check).
 * After a slow-path store the loop is left: it may have hit code. */
static inline __attribute__((always_inline)) struct insn *fp_store(
	struct hart *h, struct insn *i, unsigned size, unsigned len)
{
	uint64_t va = h->x[i->rs1] + (uint64_t)(int64_t)i->imm;
	uint64_t v = h->f[i->rs2];

	if (csr_fs_off(h))
		return insn_illegal(h, i);
	if (tlb_store(&h->tlb, h->ctx_data, va, size, v))
		return insn_next(i, len);
	int cause = mmu_store(h, va, size, v);
	if (cause)
		return insn_trap(h, i, (uint64_t)cause, va);
	return insn_exit(h, insn_pc(h, i) + len);
}

FP_HANDLER(fp_flw)
{
	return fp_load(h, i, 4, 4);
}

FP_HANDLER(fp_fld)
{
	return fp_load(h, i, 8, 4);
}

FP_HANDLER(fp_fsw)
{
	return fp_store(h, i, 4, 4);
}

FP_HANDLER(fp_fsd)
{
	return fp_store(h, i, 8, 4);
}

FP_HANDLER(fp_flw_c)
{
	return fp_load(h, i, 4, 2);
}

FP_HANDLER(fp_fld_c)
{
	return fp_load(h, i, 8, 2);
}

FP_HANDLER(fp_fsw_c)
{
	return fp_store(h, i, 4, 2);
}

FP_HANDLER(fp_fsd_c)
{
	return fp_store(h, i, 8, 2);
}
