/* Zicsr, Zifencei and the SYSTEM instructions.  The privilege and existence
 * rules of CSRs live in csr.c; here is only what each instruction does: which
 * accesses happen (csrrw with rd = x0 does not read, csrrs/c with rs1 = x0 or
 * uimm = 0 do not write) and that any write leaves the dispatch loop, since
 * it may change translation, interrupts or the instruction counters. */
#include <stdbool.h>
#include <stdint.h>

#include "cpu/csr.h"
#include "cpu/mmu.h"
#include "cpu/ops.h"

static inline struct insn *leave_next(struct hart *h, struct insn *i)
{
	return insn_exit(h, insn_pc(h, i) + 4);
}

/* csrrs/csrrc without a write: a plain read, staying in the loop. */
OP_ATTR struct insn *op_csrr(struct hart *h, struct insn *i)
{
	uint64_t v;

	if (csr_read(h, (unsigned)i->imm, &v))
		return insn_illegal(h, i);
	RD = v;
	return insn_next(i, 4);
}

int op_csr_apply(struct hart *h, unsigned csr, enum op_csr_kind kind,
		 uint64_t src, uint64_t *old)
{
	uint64_t val;

	*old = 0;
	if (kind != CSR_KIND_RW_NORD && kind != CSR_KIND_RWI_NORD &&
	    csr_read(h, csr, old))
		return EXC_ILLEGAL;
	switch (kind) {
	case CSR_KIND_READ: return 0;
	case CSR_KIND_RS:
	case CSR_KIND_RSI: val = *old | src; break;
	case CSR_KIND_RC:
	case CSR_KIND_RCI: val = *old & ~src; break;
	default: val = src; break;
	}
	return csr_write(h, csr, val);
}

/* Every form that writes: read (unless rd = x0 for csrrw/csrrwi), compute,
 * write, then rd, then leave the loop. */
static struct insn *csr_rmw(struct hart *h, struct insn *i,
			    enum op_csr_kind kind)
{
	uint64_t old;

	if (op_csr_apply(h, (unsigned)i->imm, kind,
			 kind >= CSR_KIND_RWI ? i->rs3 : RS1, &old))
		return insn_illegal(h, i);
	RD = old;
	return leave_next(h, i);
}

#define OP_CSR(name, kind)                                                     \
	OP_ATTR struct insn *name(struct hart *h, struct insn *i)              \
	{                                                                      \
		return csr_rmw(h, i, kind);                                    \
	}

OP_CSR(op_csrrw, CSR_KIND_RW)
OP_CSR(op_csrrw_nord, CSR_KIND_RW_NORD)
OP_CSR(op_csrrs, CSR_KIND_RS)
OP_CSR(op_csrrc, CSR_KIND_RC)
OP_CSR(op_csrrwi, CSR_KIND_RWI)
OP_CSR(op_csrrwi_nord, CSR_KIND_RWI_NORD)
OP_CSR(op_csrrsi, CSR_KIND_RSI)
OP_CSR(op_csrrci, CSR_KIND_RCI)

/* Any access to cycle/instret/mcycle/minstret (and hpm counters): the
 * dispatch loop counts retired instructions in a register, so the first
 * visit leaves the loop without retiring (the run loop then adds the
 * count to h->instret) and the second visit executes.  rs2 = the kind. */
OP_ATTR struct insn *op_csr_counter(struct hart *h, struct insn *i)
{
	unsigned csr = (unsigned)i->imm;
	struct insn *r;

	if (!h->counter_synced) {
		h->counter_synced = 1;
		h->pc = insn_pc(h, i);
		h->exit_retired = 0;
		return 0;
	}
	h->counter_synced = 0;
	if (i->rs2 == CSR_KIND_READ)
		return op_csrr(h, i);
	r = csr_rmw(h, i, (enum op_csr_kind)i->rs2);
	/* A counter write takes effect after the writing instruction: the
	 * next one reads exactly the value written. */
	if (!r && h->exit_retired && (csr == CSR_MCYCLE || csr == CSR_MINSTRET))
		h->exit_retired = 0;
	return r;
}

OP_ATTR struct insn *op_ecall(struct hart *h, struct insn *i)
{
	/* EXC_ECALL_U/S/M are 8 + priv. */
	return insn_trap(h, i, EXC_ECALL_U + h->priv, 0);
}

/* mtval = 0: the spec allows 0 or the pc, and QEMU 7.2 (the oracle)
 * writes 0. */
OP_ATTR struct insn *op_ebreak(struct hart *h, struct insn *i)
{
	return insn_trap(h, i, EXC_BREAKPOINT, 0);
}

/* xRET also drops an LR reservation (allowed by the spec, and QEMU does). */
OP_ATTR struct insn *op_mret(struct hart *h, struct insn *i)
{
	if (trap_mret(h))
		return insn_illegal(h, i);
	h->lr_valid = false;
	h->exit_retired = 1;
	return 0;
}

OP_ATTR struct insn *op_sret(struct hart *h, struct insn *i)
{
	if (trap_sret(h))
		return insn_illegal(h, i);
	h->lr_valid = false;
	h->exit_retired = 1;
	return 0;
}

/* WFI: illegal in U-mode, and in S-mode when mstatus.TW.  Retires, sleeps
 * (trap_wfi polls the timers before it returns) and leaves the loop. */
OP_ATTR struct insn *op_wfi(struct hart *h, struct insn *i)
{
	if (h->priv == PRIV_U ||
	    (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
		return insn_illegal(h, i);
	insn_exit(h, insn_pc(h, i) + 4);
	trap_wfi(h);
	return 0;
}

/* sfence.vma rs1, rs2: illegal in U-mode, and in S-mode when mstatus.TVM.
 * rs1 != x0 flushes one page (for every ASID: a superset is allowed). */
OP_ATTR struct insn *op_sfence_vma(struct hart *h, struct insn *i)
{
	if (h->priv == PRIV_U ||
	    (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM)))
		return insn_illegal(h, i);
	if (i->rs1 != 0)
		tlb_flush_va(&h->tlb, RS1);
	else if (i->rs2 != 0)
		tlb_flush_asid(&h->tlb, (uint16_t)RS2);
	else
		tlb_flush_all(&h->tlb);
	mmu_update_ctx(h);
	return leave_next(h, i);
}

/* A fence whose predecessor set has writes and successor set has reads:
 * the only order x86-TSO does not give for free. */
OP_ATTR struct insn *op_fence(struct hart *h, struct insn *i)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return insn_next(i, 4);
}

OP_ATTR struct insn *op_fence_nop(struct hart *h, struct insn *i)
{
	/* Loads and stores are handler calls: the compiler reorders nothing
	 * across them, and the host keeps the other orders. */
	return insn_next(i, 4);
}

OP_ATTR struct insn *op_fence_i(struct hart *h, struct insn *i)
{
	code_cache_flush(h);
	return leave_next(h, i);
}

OP_ATTR struct insn *op_illegal(struct hart *h, struct insn *i)
{
	return insn_illegal(h, i);
}
