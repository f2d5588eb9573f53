/* Pre-decoded instructions and the contract every instruction handler keeps.
 *
 * A guest-physical code page is decoded lazily into 2048 slots, one per
 * halfword, plus one sentinel.  Each slot holds a handler and its operands.
 * The dispatch loop is
 *
 *     while ((i = i->fn(h, i)) != NULL) n++;
 *
 * A handler does its work and returns the next slot to run:
 *   - straight-line:  return insn_next(i, 4)   (or 2 for a compressed insn)
 *   - taken branch/jump inside the page: insn_jump(h, i, target)
 *   - anything else leaves the loop with h->pc set:
 *       insn_exit(h, pc)            the insn retired, continue at pc
 *       insn_trap(h, i, cause, tval) the insn did not retire, trap taken
 * The pc of a slot is not stored; insn_pc() computes it.  Registers: x[0]
 * reads as 0; the decoder turns rd = 0 into 32 (a sink).
 * (The integer handlers go further and run their successor themselves;
 * see ops.h.  Either way each retired instruction spends one unit of
 * h->budget, which counts them and bounds the time between polls.)
 */
#ifndef ATOLL_CPU_INSN_H
#define ATOLL_CPU_INSN_H

#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/trap.h"

struct insn;
typedef struct insn *(*insn_fn)(struct hart *h, struct insn *i);

struct insn {
	insn_fn fn;
	uint8_t rd, rs1, rs2,
		rs3; /* rs3 doubles as rm for F/D, uimm for CSRs */
	int32_t imm; /* immediate; CSR number for Zicsr */
};

#define CODE_PAGE_SLOTS 2048

/* One pre-decoded guest-physical page.  slot[CODE_PAGE_SLOTS] is a
 * sentinel whose handler leaves the page (straight-line fall-through). */
struct code_page {
	uint64_t gpa_page;
	uint64_t gen; /* unique per allocation: keys translations (jit) */
	uint8_t *host;
	struct code_page *hash_next;
	struct insn slot[CODE_PAGE_SLOTS + 1];
};

static inline uint64_t insn_pc(const struct hart *h, const struct insn *i)
{
	return h->cur_va + ((uint64_t)(i - h->cur_slots) << 1);
}

static inline struct insn *insn_next(struct insn *i, unsigned len)
{
	return i + (len >> 1);
}

static inline struct insn *insn_exit(struct hart *h, uint64_t pc)
{
	h->pc = pc;
	h->exit_retired = 1;
	return 0;
}

static inline struct insn *insn_trap(struct hart *h, struct insn *i,
				     uint64_t cause, uint64_t tval)
{
	trap_raise(h, cause, tval, insn_pc(h, i));
	return 0; /* trap_raise set h->pc and h->exit_retired = 0 */
}

/* The raw bits of the instruction in slot i (for mtval on illegal insns).
 * Instructions that straddle a page are never in a slot (see exec.c). */
static inline uint32_t insn_raw(const struct hart *h, const struct insn *i)
{
	const uint8_t *p = h->cur_host + ((i - h->cur_slots) << 1);
	uint32_t lo = (uint32_t)p[0] | (uint32_t)p[1] << 8;
	if ((lo & 3) != 3)
		return lo;
	return lo | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline struct insn *insn_illegal(struct hart *h, struct insn *i)
{
	return insn_trap(h, i, EXC_ILLEGAL, insn_raw(h, i));
}

/* Taken control transfer.  Stays in the loop while the target is in the
 * same page and the poll budget lasts; otherwise exit with pc = target
 * (exec.c then follows the fetch TLB to the next page).  The budget is
 * only looked at: the loop spends it (it counts instructions, not jumps). */
static inline struct insn *insn_jump(struct hart *h, struct insn *i,
				     uint64_t target)
{
	(void)i;
	if (__builtin_expect(((target ^ h->cur_va) >> 12) == 0 && h->budget > 0,
			     1))
		return &h->cur_slots[(target & 0xfff) >> 1];
	return insn_exit(h, target);
}

#endif
