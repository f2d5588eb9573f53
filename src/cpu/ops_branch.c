/* Branches and jumps.  Two variants of each, chosen by the decoder:
 *   _near  target in the same page: imm is the slot distance (insn_delta),
 *          so a branch is a compare and a conditional move;
 *   _far   target outside the page, or not known at decode time: imm is
 *          the pc offset and op_jump follows the fetch TLB.
 * Like every dispatching handler they spend budget, so a loop inside a page
 * still returns to the run loop to poll. */
#include <stdint.h>

#include "cpu/ops.h"

static inline uint64_t far_target(struct hart *h, struct insn *i)
{
	return insn_pc(h, i) + (uint64_t)(int64_t)i->imm;
}

#define OP_BRANCH(name, cond)                                                  \
	OP_DEFINE2(name##_near)                                                \
	{                                                                      \
		return (cond) ? insn_at_delta(i, i->imm) : insn_next(i, len);  \
	}                                                                      \
	OP_DEFINE2(name##_far)                                                 \
	{                                                                      \
		if (cond)                                                      \
			return op_jump(h, far_target(h, i));                   \
		return insn_next(i, len);                                      \
	}

OP_BRANCH(op_beq, RS1 == RS2)
OP_BRANCH(op_bne, RS1 != RS2)
OP_BRANCH(op_blt, (int64_t)RS1 < (int64_t)RS2)
OP_BRANCH(op_bge, (int64_t)RS1 >= (int64_t)RS2)
OP_BRANCH(op_bltu, RS1 < RS2)
OP_BRANCH(op_bgeu, RS1 >= RS2)
OP_BRANCH(op_beqz, RS1 == 0)
OP_BRANCH(op_bnez, RS1 != 0)
OP_BRANCH(op_j, 1)

/* jal rd (rd != x0): link, then jump like j. */
OP_DEFINE2(op_jal_near)
{
	RD = insn_pc(h, i) + len;
	return insn_at_delta(i, i->imm);
}

OP_DEFINE2(op_jal_far)
{
	uint64_t pc = insn_pc(h, i);

	RD = pc + len;
	return op_jump(h, pc + (uint64_t)(int64_t)i->imm);
}

/* jalr: the target is computed before rd is written (rd may be rs1).
 * With C always on, bit 0 cleared leaves every target 2-byte aligned. */
OP_DEFINE2(op_jalr)
{
	uint64_t target = (RS1 + (uint64_t)(int64_t)i->imm) & ~1ULL;

	RD = insn_pc(h, i) + len;
	return op_jump(h, target);
}

OP_DEFINE2(op_jr)
{
	return op_jump(h, (RS1 + (uint64_t)(int64_t)i->imm) & ~1ULL);
}
