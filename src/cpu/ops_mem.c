/* Loads and stores.  The fast path is tlb_hit (tlb.h: one soft-TLB
 * compare of page, context and natural alignment at once) and a host access; everything else (miss,
 * misaligned, MMIO, fault) goes to mmu_load/mmu_store out of line. */
#include <stdint.h>
#include <string.h>

#include "cpu/mmu.h"
#include "cpu/ops.h"

static inline uint64_t sext_bits(uint64_t v, unsigned size)
{
	unsigned sh = 64 - 8 * size;

	return (uint64_t)((int64_t)(v << sh) >> sh);
}

/* Load through mmu_load into rd; traps with tval = va. */
static __attribute__((noinline, cold)) struct insn *load_mmu(
	struct hart *h, struct insn *i, uint64_t va, unsigned size, int sext,
	unsigned len)
{
	uint64_t v;
	int cause = mmu_load(h, va, size, &v);

	if (cause)
		return insn_trap(h, i, cause, va);
	RD = sext && size < 8 ? sext_bits(v, size) : v;
	return insn_next(i, len);
}

/* The slow path of a load handler, which tail-calls it.  Separate from
 * load_mmu (whose &v forbids a tail call) so that the dispatch below is a
 * jump and the chain does not grow a frame per slow load. */
static __attribute__((noinline, cold)) struct insn *load_slow(
	struct hart *h, struct insn *i, uint64_t va, unsigned size, int sext,
	unsigned len)
{
	return op_dispatch(h, load_mmu(h, i, va, size, sext, len));
}

/* Store through mmu_store.  It may have invalidated pre-decoded code
 * (perhaps this very page), so the loop is left in every case. */
static __attribute__((noinline, cold)) struct insn *store_slow(
	struct hart *h, struct insn *i, uint64_t va, unsigned size,
	uint64_t val, unsigned len)
{
	int cause = mmu_store(h, va, size, val);

	if (cause)
		return insn_trap(h, i, cause, va);
	return insn_exit(h, insn_pc(h, i) + len);
}

#define OP_LOAD(name, type, size, sext)                                        \
	OP_DEFINE2_SELF(name)                                                  \
	{                                                                      \
		uint64_t va = RS1 + (uint64_t)(int64_t)i->imm;                 \
		const struct tlb_entry *e =                                    \
			tlb_hit(h->tlb.load, h->ctx_data, va, size);           \
		type v;                                                        \
		if (!e)                                                        \
			return load_slow(h, i, va, size, sext, len);           \
		memcpy(&v, (const void *)(uintptr_t)(va + e->addend), size);   \
		RD = (uint64_t)v;                                              \
		return op_dispatch(h, insn_next(i, len));                      \
	}

OP_LOAD(op_lb, int8_t, 1, 1)
OP_LOAD(op_lh, int16_t, 2, 1)
OP_LOAD(op_lw, int32_t, 4, 1)
OP_LOAD(op_ld, uint64_t, 8, 0)
OP_LOAD(op_lbu, uint8_t, 1, 0)
OP_LOAD(op_lhu, uint16_t, 2, 0)
OP_LOAD(op_lwu, uint32_t, 4, 0)

#define OP_STORE(name, type, size)                                             \
	OP_DEFINE2_SELF(name)                                                  \
	{                                                                      \
		uint64_t va = RS1 + (uint64_t)(int64_t)i->imm;                 \
		const struct tlb_entry *e =                                    \
			tlb_hit(h->tlb.store, h->ctx_data, va, size);          \
		type v = (type)RS2;                                            \
		if (!e)                                                        \
			return store_slow(h, i, va, size, RS2, len);           \
		memcpy((void *)(uintptr_t)(va + e->addend), &v, size);         \
		return op_dispatch(h, insn_next(i, len));                      \
	}

OP_STORE(op_sb, uint8_t, 1)
OP_STORE(op_sh, uint16_t, 2)
OP_STORE(op_sw, uint32_t, 4)
OP_STORE(op_sd, uint64_t, 8)
