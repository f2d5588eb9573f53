/* Internals of the execution engine, shared by decode.c, exec.c and the
 * handler files ops_*.c: how handlers are defined, their names, and the
 * inline helpers on the dispatch path.
 *
 * Threaded dispatch.  insn.h's contract is that a handler returns the next
 * slot to the dispatch loop.  The hot handlers here go one step further:
 * they run the next slot themselves, as a tail call (a jump, with -O2), so
 * straight-line code and branches never return to the loop.  Each of
 * them spends one unit of h->budget; when it is exhausted the handler
 * returns the next slot to the loop instead, which polls.  Handlers that do
 * not dispatch (F/D, CSRs, AMOs) simply return, and the loop spends their
 * unit.  So the budget spent is the count of retired instructions.
 * Without tail calls (-O0/-O1 builds) the chain nests at most budget
 * frames deep.
 *
 * A handler's successor depends on the instruction's length (insn_next(i, 2)
 * or 4), so every handler that can come from a compressed instruction exists
 * twice, NAME_4 and NAME_2, generated from one body that sees a constant
 * `len`.
 *
 * In-page control transfers are resolved at decode time: for a branch or jal
 * whose target lies in the same page, imm holds the distance in bytes between
 * the two slots (insn_delta), so the handler needs no pc at all.
 */
#ifndef ATOLL_CPU_OPS_H
#define ATOLL_CPU_OPS_H

#include <stdint.h>

#include "cpu/exec.h"
#include "cpu/insn.h"
#include "cpu/tlb.h"

#define OP_ATTR __attribute__((hot))
#define OP_INLINE static inline __attribute__((always_inline))

/* Declare NAME_4 and NAME_2. */
#define OP_DECL2(name)                                                         \
	struct insn *name##_4(struct hart *h, struct insn *i);                 \
	struct insn *name##_2(struct hart *h, struct insn *i)
#define OP_DECL(name) struct insn *name(struct hart *h, struct insn *i)

/* The instruction that returned n retired: count it by spending one unit
 * of budget, and run n now unless the budget is exhausted (< 0): then n
 * goes back to the loop, which sees the negative budget, does not count
 * the instruction again, and polls. */
static inline struct insn *op_dispatch(struct hart *h, struct insn *n)
{
	if (__builtin_expect(n != 0, 1) &&
	    __builtin_expect(--h->budget >= 0, 1))
		return n->fn(h, n);
	return n;
}

/* Define NAME_4 and NAME_2 from the body that follows the macro; both
 * dispatch the slot the body returns. */
#define OP_DEFINE2(name)                                                       \
	OP_INLINE struct insn *name##_body(struct hart *h, struct insn *i,     \
					   const unsigned len);                \
	OP_ATTR struct insn *name##_4(struct hart *h, struct insn *i)          \
	{                                                                      \
		return op_dispatch(h, name##_body(h, i, 4));                   \
	}                                                                      \
	OP_ATTR struct insn *name##_2(struct hart *h, struct insn *i)          \
	{                                                                      \
		return op_dispatch(h, name##_body(h, i, 2));                   \
	}                                                                      \
	OP_INLINE struct insn *name##_body(struct hart *h, struct insn *i,     \
					   const unsigned len)

/* Like OP_DEFINE2, but the body dispatches itself (op_dispatch, or a tail
 * call to a function that does): handlers with an out-of-line slow path
 * then need no stack frame on the fast path. */
#define OP_DEFINE2_SELF(name)                                                  \
	OP_INLINE struct insn *name##_body(struct hart *h, struct insn *i,     \
					   const unsigned len);                \
	OP_ATTR struct insn *name##_4(struct hart *h, struct insn *i)          \
	{                                                                      \
		return name##_body(h, i, 4);                                   \
	}                                                                      \
	OP_ATTR struct insn *name##_2(struct hart *h, struct insn *i)          \
	{                                                                      \
		return name##_body(h, i, 2);                                   \
	}                                                                      \
	OP_INLINE struct insn *name##_body(struct hart *h, struct insn *i,     \
					   const unsigned len)

/* The handler of a pair for an instruction of length len. */
#define OP_PICK(name, len) ((len) == 2 ? name##_2 : name##_4)

/* Register operands of slot i. */
#define RD (h->x[i->rd])
#define RS1 (h->x[i->rs1])
#define RS2 (h->x[i->rs2])

/* Slot-to-slot distance in bytes for a pc distance of `bytes`. */
static inline int32_t insn_delta(int32_t bytes)
{
	return bytes / 2 * (int32_t)sizeof(struct insn);
}

static inline struct insn *insn_at_delta(struct insn *i, int32_t delta)
{
	return (struct insn *)((char *)i + delta);
}

/* Enter the pre-decoded page that holds va if the fetch TLB maps it and
 * the page is decoded: set the hart's current page and return va's slot.
 * NULL otherwise (the caller leaves the loop; exec.c does the slow path). */
static inline struct insn *exec_follow(struct hart *h, uint64_t va)
{
	struct tlb_entry *e = tlb_hit(h->tlb.fetch, h->ctx_fetch, va, 1);
	struct code_page *cp = e ? e->code : 0;

	if (__builtin_expect(!cp, 0))
		return 0;
	h->cur_va = va & ~0xfffULL;
	h->cur_slots = cp->slot;
	h->cur_host = (uint8_t *)(uintptr_t)(h->cur_va + e->addend);
	return &cp->slot[(va & 0xfff) >> 1];
}

/* A taken transfer to a target known only at run time (jalr, or any jump
 * decoded without its page offset).  Follows the fetch TLB into another
 * page without leaving the loop when it can.  With no budget left (also
 * the mark of exec.c's one-slot context for page-straddling instructions)
 * it leaves: the loop is about to poll anyway. */
static inline struct insn *op_jump(struct hart *h, uint64_t target)
{
	if (__builtin_expect(h->budget > 0, 1)) {
		struct insn *n;

		if (((target ^ h->cur_va) >> 12) == 0)
			return &h->cur_slots[(target & 0xfff) >> 1];
		n = exec_follow(h, target);
		if (n)
			return n;
	}
	return insn_exit(h, target);
}

/* Arithmetic shared by the interpreter's handlers and the translator's
 * helpers (jit_translate.c). */
static inline uint64_t sext32(uint64_t v)
{
	return (uint64_t)(int64_t)(int32_t)(uint32_t)v;
}

/* M extension.  Division never traps: by zero gives all ones (quotient) or
 * the dividend (remainder); the one signed overflow gives the dividend and
 * remainder 0. */
static inline uint64_t m_div(int64_t a, int64_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if (b == -1)
		return 0 - (uint64_t)a; /* INT64_MIN / -1 wraps to itself */
	return (uint64_t)(a / b);
}

static inline uint64_t m_rem(int64_t a, int64_t b)
{
	if (b == 0)
		return (uint64_t)a;
	if (b == -1)
		return 0;
	return (uint64_t)(a % b);
}

static inline uint64_t m_divw(int32_t a, int32_t b)
{
	if (b == 0)
		return UINT64_MAX;
	if (b == -1)
		return sext32(0u - (uint32_t)a);
	return (uint64_t)(int64_t)(a / b);
}

static inline uint64_t m_remw(int32_t a, int32_t b)
{
	if (b == 0)
		return (uint64_t)(int64_t)a;
	if (b == -1)
		return 0;
	return (uint64_t)(int64_t)(a % b);
}

/* decode.c: decode the instruction at byte offset `off` of a code page;
 * like decode_insn() but resolves in-page branch and jal targets. */
void decode_insn_at(uint32_t raw, unsigned len, unsigned off, struct insn *out);

/* ---- ops_int.c: RV64I and M ---------------------------------------- */
OP_DECL2(op_nop);
OP_DECL2(op_li);
OP_DECL2(op_mv);
OP_DECL2(op_addi);
OP_DECL2(op_slti);
OP_DECL2(op_sltiu);
OP_DECL2(op_xori);
OP_DECL2(op_ori);
OP_DECL2(op_andi);
OP_DECL2(op_slli);
OP_DECL2(op_srli);
OP_DECL2(op_srai);
OP_DECL2(op_addiw);
OP_DECL2(op_slliw);
OP_DECL2(op_srliw);
OP_DECL2(op_sraiw);
OP_DECL2(op_auipc);
OP_DECL2(op_add);
OP_DECL2(op_sub);
OP_DECL2(op_sll);
OP_DECL2(op_slt);
OP_DECL2(op_sltu);
OP_DECL2(op_xor);
OP_DECL2(op_srl);
OP_DECL2(op_sra);
OP_DECL2(op_or);
OP_DECL2(op_and);
OP_DECL2(op_addw);
OP_DECL2(op_subw);
OP_DECL2(op_sllw);
OP_DECL2(op_srlw);
OP_DECL2(op_sraw);
OP_DECL2(op_mul);
OP_DECL2(op_mulh);
OP_DECL2(op_mulhsu);
OP_DECL2(op_mulhu);
OP_DECL2(op_div);
OP_DECL2(op_divu);
OP_DECL2(op_rem);
OP_DECL2(op_remu);
OP_DECL2(op_mulw);
OP_DECL2(op_divw);
OP_DECL2(op_divuw);
OP_DECL2(op_remw);
OP_DECL2(op_remuw);

/* ops_branch.c: branches and jumps.  _near: in-page target, imm = slot
 * distance; _far: imm = pc offset, target checked at run time. */
#define OP_DECL_BRANCH(name)                                                   \
	OP_DECL2(name##_near);                                                 \
	OP_DECL2(name##_far)
OP_DECL_BRANCH(op_beq);
OP_DECL_BRANCH(op_bne);
OP_DECL_BRANCH(op_blt);
OP_DECL_BRANCH(op_bge);
OP_DECL_BRANCH(op_bltu);
OP_DECL_BRANCH(op_bgeu);
OP_DECL_BRANCH(op_beqz);
OP_DECL_BRANCH(op_bnez);
OP_DECL_BRANCH(op_j); /* jal x0 */
OP_DECL_BRANCH(op_jal); /* jal rd, rd != x0 */
OP_DECL2(op_jalr); /* jalr rd, rd != x0 */
OP_DECL2(op_jr); /* jalr x0 */

/* ops_mem.c: loads and stores. */
OP_DECL2(op_lb);
OP_DECL2(op_lh);
OP_DECL2(op_lw);
OP_DECL2(op_ld);
OP_DECL2(op_lbu);
OP_DECL2(op_lhu);
OP_DECL2(op_lwu);
OP_DECL2(op_sb);
OP_DECL2(op_sh);
OP_DECL2(op_sw);
OP_DECL2(op_sd);

/* ops_amo.c: A extension (32-bit encodings only). */
OP_DECL(op_lr_w);
OP_DECL(op_lr_d);
OP_DECL(op_sc_w);
OP_DECL(op_sc_d);
#define OP_DECL_AMO(name)                                                      \
	OP_DECL(op_amo##name##_w);                                             \
	OP_DECL(op_amo##name##_d)
OP_DECL_AMO(swap);
OP_DECL_AMO(add);
OP_DECL_AMO(xor);
OP_DECL_AMO(and);
OP_DECL_AMO(or);
OP_DECL_AMO(min);
OP_DECL_AMO(max);
OP_DECL_AMO(minu);
OP_DECL_AMO(maxu);

/* ops_sys.c: Zicsr, Zifencei, system.  CSR slots: imm = CSR number, rs1 =
 * source register, rs3 = uimm; rs2 = kind (enum op_csr_kind) for the
 * counter variant. */
enum op_csr_kind {
	CSR_KIND_RW,
	CSR_KIND_RW_NORD,
	CSR_KIND_RS,
	CSR_KIND_RC,
	CSR_KIND_READ,
	CSR_KIND_RWI,
	CSR_KIND_RWI_NORD,
	CSR_KIND_RSI,
	CSR_KIND_RCI,
};
/* What a CSR instruction of kind does to csr with source value src (x[rs1]
 * or the uimm): the read (unless a NORD kind), the write (unless READ);
 * *old = the value read (0 if none).  0, or EXC_ILLEGAL with nothing
 * written.  The interpreter's handlers and the translator's share it. */
int op_csr_apply(struct hart *h, unsigned csr, enum op_csr_kind kind,
		 uint64_t src, uint64_t *old);
OP_DECL(op_csrrw);
OP_DECL(op_csrrw_nord);
OP_DECL(op_csrrs);
OP_DECL(op_csrrc);
OP_DECL(op_csrr);
OP_DECL(op_csrrwi);
OP_DECL(op_csrrwi_nord);
OP_DECL(op_csrrsi);
OP_DECL(op_csrrci);
OP_DECL(op_csr_counter);
OP_DECL(op_ecall);
OP_DECL(op_ebreak);
OP_DECL(op_mret);
OP_DECL(op_sret);
OP_DECL(op_wfi);
OP_DECL(op_sfence_vma);
OP_DECL(op_fence); /* orders earlier stores before later loads */
OP_DECL(op_fence_nop); /* a fence that x86's TSO already provides */
OP_DECL(op_fence_i);
OP_DECL(op_illegal);

#endif
