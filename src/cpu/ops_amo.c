/* A extension: LR/SC and AMOs, atomic across the host threads of all harts
 * (every access is a seq_cst __atomic on the host pointer, which covers any
 * aq/rl combination).  SC is a compare-and-swap against the value LR read.
 *
 * The fast path takes the host pointer from the soft TLB: the store array
 * for SC/AMOs (a store entry implies read and write rights and is never
 * filled for a page with pre-decoded code), the load array for LR.
 * Otherwise mmu_atomic_ptr walks, checks alignment and rights and may
 * invalidate code, so the loop is then left after the instruction. */
#include <stdint.h>

#include "cpu/mmu.h"
#include "cpu/ops.h"

/* Host pointer for an atomic access at va, or NULL with *cause set. */
static inline void *amo_ptr(struct hart *h, uint64_t va, unsigned size,
			    int is_lr, int *cause, int *slow)
{
	struct tlb_entry *arr = is_lr ? h->tlb.load : h->tlb.store;
	const struct tlb_entry *e = tlb_hit(arr, h->ctx_data, va, size);
	void *p;

	if (__builtin_expect(e != 0, 1))
		return (void *)(uintptr_t)(va + e->addend);
	*slow = 1;
	*cause = mmu_atomic_ptr(h, va, size, is_lr, &p);
	return *cause ? 0 : p;
}

/* Successor after an atomic that reached memory (slow = may have
 * invalidated code). */
static inline struct insn *amo_done(struct hart *h, struct insn *i, int slow)
{
	if (__builtin_expect(slow, 0))
		return insn_exit(h, insn_pc(h, i) + 4);
	return insn_next(i, 4);
}

#define OP_LR(name, type, size)                                                \
	OP_ATTR struct insn *name(struct hart *h, struct insn *i)              \
	{                                                                      \
		uint64_t va = RS1;                                             \
		int cause = 0, slow = 0;                                       \
		type *p = amo_ptr(h, va, size, 1, &cause, &slow);              \
		type v;                                                        \
		if (!p)                                                        \
			return insn_trap(h, i, cause, va);                     \
		v = __atomic_load_n(p, __ATOMIC_SEQ_CST);                      \
		h->lr_addr = va;                                               \
		h->lr_val = (uint64_t)v;                                       \
		h->lr_valid = true;                                            \
		RD = (uint64_t)v;                                              \
		return insn_next(i, 4);                                        \
	}

OP_LR(op_lr_w, int32_t, 4)
OP_LR(op_lr_d, int64_t, 8)

/* A misaligned SC always traps (the spec; QEMU does not).  Otherwise SC
 * fails without touching memory when there is no reservation for this
 * address (no page or access fault either, as QEMU), or is a CAS that may
 * fault like a store.  Either way the reservation is gone. */
#define OP_SC(name, type, size)                                                \
	OP_ATTR struct insn *name(struct hart *h, struct insn *i)              \
	{                                                                      \
		uint64_t va = RS1;                                             \
		type expect = (type)h->lr_val, val = (type)RS2;                \
		int cause = 0, slow = 0;                                       \
		type *p;                                                       \
		if (va & (size - 1))                                           \
			return insn_trap(h, i, EXC_STORE_MISALIGNED, va);      \
		if (!h->lr_valid || h->lr_addr != va) {                        \
			h->lr_valid = false;                                   \
			RD = 1;                                                \
			return insn_next(i, 4);                                \
		}                                                              \
		p = amo_ptr(h, va, size, 0, &cause, &slow);                    \
		if (!p)                                                        \
			return insn_trap(h, i, cause, va);                     \
		h->lr_valid = false;                                           \
		RD = !__atomic_compare_exchange_n(p, &expect, val, false,      \
						  __ATOMIC_SEQ_CST,            \
						  __ATOMIC_SEQ_CST);           \
		return amo_done(h, i, slow);                                   \
	}

OP_SC(op_sc_w, uint32_t, 4)
OP_SC(op_sc_d, uint64_t, 8)

/* Read-modify-write AMOs.  rs2 is read before rd is written (they may be
 * the same register); rd gets the old value, sign-extended for .W. */
#define OP_AMO(name, type, size, body)                                         \
	OP_ATTR struct insn *name(struct hart *h, struct insn *i)              \
	{                                                                      \
		uint64_t va = RS1;                                             \
		type src = (type)RS2, old;                                     \
		int cause = 0, slow = 0;                                       \
		type *p = amo_ptr(h, va, size, 0, &cause, &slow);              \
		if (!p)                                                        \
			return insn_trap(h, i, cause, va);                     \
		body;                                                          \
		RD = size == 4 ? (uint64_t)(int64_t)(int32_t)old               \
			       : (uint64_t)old;                                \
		return amo_done(h, i, slow);                                   \
	}

#define SC __ATOMIC_SEQ_CST
/* min/max: CAS loop; `better(new, cur)` says new replaces cur. */
#define AMO_CAS(better)                                                        \
	do {                                                                   \
		old = __atomic_load_n(p, SC);                                  \
		while (better(src, old) &&                                     \
		       !__atomic_compare_exchange_n(p, &old, src, true, SC,    \
						    SC))                       \
			;                                                      \
	} while (0)
#define LESS(a, b) ((a) < (b))
#define MORE(a, b) ((a) > (b))

#define OP_AMO_PAIR(op, body)                                                  \
	OP_AMO(op_amo##op##_w, int32_t, 4, body)                               \
	OP_AMO(op_amo##op##_d, int64_t, 8, body)

OP_AMO_PAIR(swap, old = __atomic_exchange_n(p, src, SC))
OP_AMO_PAIR(add, old = (__typeof__(old))__atomic_fetch_add(p, src, SC))
OP_AMO_PAIR(xor, old = __atomic_fetch_xor(p, src, SC))
OP_AMO_PAIR(and, old = __atomic_fetch_and(p, src, SC))
OP_AMO_PAIR(or, old = __atomic_fetch_or(p, src, SC))
OP_AMO_PAIR(min, AMO_CAS(LESS))
OP_AMO_PAIR(max, AMO_CAS(MORE))
OP_AMO(op_amominu_w, uint32_t, 4, AMO_CAS(LESS))
OP_AMO(op_amominu_d, uint64_t, 8, AMO_CAS(LESS))
OP_AMO(op_amomaxu_w, uint32_t, 4, AMO_CAS(MORE))
OP_AMO(op_amomaxu_d, uint64_t, 8, AMO_CAS(MORE))
