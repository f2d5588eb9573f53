/* The translator's system instructions: CSR accesses and fences.
 *
 * A CSR instruction calls the interpreter's own code (op_csr_apply, so the
 * privilege and existence rules and every CSR's meaning stay in csr.c)
 * and stays in the block when nothing the block or hart_run depends on
 * changed: a read, a write of a scratch, exception pc, cause or value
 * register, or an sstatus/mstatus write that only toggles SIE and enables
 * no interrupt already pending.  Any other write leaves the block after
 * it (JIT_EXIT_OUT: hart_run looks outside first, as after the
 * interpreter's write), and an access the rules refuse leaves before it
 * (STEP: the interpreter takes the trap, nothing was changed).
 *
 * Before, each of them left the block for the interpreter: a Linux guest
 * toggles SIE in every irqsave spinlock and reads and writes the scratch,
 * status, cause and exception-pc registers in every trap entry and exit,
 * about 130 trips to the dispatcher per 1 MiB block request
 * (docs/jit.md, "Linux's block I/O path").
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu/csr.h"
#include "cpu/jit_block.h"
#include "cpu/ops.h"

#if defined(__x86_64__)

/* What jh_csr did: went on (val: the value read), or not at all
 * (STEP), or wrote something that makes the block leave after it
 * (OUT). */
enum { JH_CSR_ON, JH_CSR_OUT, JH_CSR_STEP };
struct jh_csr_res {
	uint64_t val; /* rax */
	uint64_t how; /* rdx */
};

/* May the block go on after csr was written (mstatus was ms before)? */
static bool jh_csr_stays(struct hart *h, unsigned csr, uint64_t ms)
{
	uint64_t d;

	switch (csr) {
	case CSR_SSCRATCH:
	case CSR_SEPC:
	case CSR_SCAUSE:
	case CSR_STVAL:
	case CSR_MSCRATCH:
	case CSR_MEPC:
	case CSR_MCAUSE:
	case CSR_MTVAL: return true;
	case CSR_SSTATUS:
	case CSR_MSTATUS:
		d = ms ^ h->mstatus;
		if (d & ~MSTATUS_SIE) /* translation, FP state, MIE... */
			return false;
		/* SIE just set with an interrupt pending: take it now */
		return !(d & h->mstatus) ||
		       !(atomic_load_explicit(&h->mip, memory_order_relaxed) &
			 h->mie);
	default: return false;
	}
}

/* The CSR instruction op = csr | kind << 12 with source value src. */
static struct jh_csr_res jh_csr(struct hart *h, uint64_t src, uint64_t op)
{
	unsigned csr = (unsigned)(op & 0xfff);
	enum op_csr_kind kind = (enum op_csr_kind)(op >> 12);
	uint64_t ms = h->mstatus, old;

	if (op_csr_apply(h, csr, kind, src, &old))
		return (struct jh_csr_res){ 0, JH_CSR_STEP };
	if (kind == CSR_KIND_READ || jh_csr_stays(h, csr, ms))
		return (struct jh_csr_res){ old, JH_CSR_ON };
	return (struct jh_csr_res){ old, JH_CSR_OUT };
}

void jt_csr(struct jt *t, const struct insn *in, unsigned aux, uint64_t pc,
	    uint32_t retired)
{
	struct xbuf *b = &t->b;
	int saved[ALLOC_N + 1], n;

	jt_save_caller(t, saved, &n);
	if (aux < CSR_KIND_READ) /* first: rs1 may live in rdi */
		jt_get(t, RSI, in->rs1);
	else
		x_mov_imm(b, RSI, aux == CSR_KIND_READ ? 0 : in->rs3);
	x_lea(b, RDI, RBP, -JIT_HART_BIAS);
	x_mov_imm(b, RDX, (uint64_t)(uint32_t)in->imm | (uint64_t)aux << 12);
	x_call(b, (const void *)jh_csr);
	jt_restore_caller(t, saved, n);
	x_alu_ri(b, 0, ALU_CMP, RDX, JH_CSR_STEP);
	jt_stub(t, x_jcc(b, CC_E), pc, retired, STUB_STEP);
	jt_put(t, RAX, in->rd);
	x_test_rr(b, RDX);
	jt_stub(t, x_jcc(b, CC_NE), pc + 4, retired + 1, STUB_OUT);
}

/* lock or [rsp], 0: a full barrier on ordinary memory, as mfence, and
 * cheaper on most hosts (the stack line is the thread's own). */
void jt_fence(struct jt *t)
{
	static const uint8_t lock_or[] = { 0xf0, 0x83, 0x0c, 0x24, 0x00 };

	for (size_t k = 0; k < sizeof(lock_or); k++)
		x_b(&t->b, lock_or[k]);
}

#endif
