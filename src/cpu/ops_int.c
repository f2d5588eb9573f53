/* RV64I and M: register and immediate arithmetic.  Each handler is a few
 * host instructions: operands were extracted, sign-extended and
 * specialized by the decoder (li, mv, nop forms; rd = x0 is the sink). */
#include <stdint.h>

#include "cpu/ops.h"

OP_DEFINE2(op_nop)
{
	return insn_next(i, len);
}

/* addi rd, x0, imm; lui rd, imm; c.li; c.lui. */
OP_DEFINE2(op_li)
{
	RD = (uint64_t)(int64_t)i->imm;
	return insn_next(i, len);
}

/* addi rd, rs1, 0; add rd, x0, rs2 (decoded with rs1 = rs2); c.mv. */
OP_DEFINE2(op_mv)
{
	RD = RS1;
	return insn_next(i, len);
}

/* Immediate forms: rd = rs1 OP imm. */
#define OP_IMM(name, expr)                                                     \
	OP_DEFINE2(name)                                                       \
	{                                                                      \
		uint64_t a = RS1, b = (uint64_t)(int64_t)i->imm;               \
		(void)b;                                                       \
		RD = (expr);                                                   \
		return insn_next(i, len);                                      \
	}

OP_IMM(op_addi, a + b)
OP_IMM(op_slti, (int64_t)a < (int64_t)b)
OP_IMM(op_sltiu, a < b)
OP_IMM(op_xori, a ^ b)
OP_IMM(op_ori, a | b)
OP_IMM(op_andi, a &b)
OP_IMM(op_slli, a << (b & 63))
OP_IMM(op_srli, a >> (b & 63))
OP_IMM(op_srai, (uint64_t)((int64_t)a >> (b & 63)))
OP_IMM(op_addiw, sext32(a + b))
OP_IMM(op_slliw, sext32(a << (b & 31)))
OP_IMM(op_srliw, sext32((uint32_t)a >> (b & 31)))
OP_IMM(op_sraiw, (uint64_t)(int64_t)((int32_t)(uint32_t)a >> (b & 31)))

OP_DEFINE2(op_auipc)
{
	RD = insn_pc(h, i) + (uint64_t)(int64_t)i->imm;
	return insn_next(i, len);
}

/* Register forms: rd = rs1 OP rs2. */
#define OP_REG(name, expr)                                                     \
	OP_DEFINE2(name)                                                       \
	{                                                                      \
		uint64_t a = RS1, b = RS2;                                     \
		RD = (expr);                                                   \
		return insn_next(i, len);                                      \
	}

OP_REG(op_add, a + b)
OP_REG(op_sub, a - b)
OP_REG(op_sll, a << (b & 63))
OP_REG(op_slt, (int64_t)a < (int64_t)b)
OP_REG(op_sltu, a < b)
OP_REG(op_xor, a ^ b)
OP_REG(op_srl, a >> (b & 63))
OP_REG(op_sra, (uint64_t)((int64_t)a >> (b & 63)))
OP_REG(op_or, a | b)
OP_REG(op_and, a &b)
OP_REG(op_addw, sext32(a + b))
OP_REG(op_subw, sext32(a - b))
OP_REG(op_sllw, sext32((uint32_t)a << (b & 31)))
OP_REG(op_srlw, sext32((uint32_t)a >> (b & 31)))
OP_REG(op_sraw, (uint64_t)(int64_t)((int32_t)(uint32_t)a >> (b & 31)))

typedef __int128 i128;
typedef unsigned __int128 u128;

OP_REG(op_mul, a *b)
OP_REG(op_mulh, (uint64_t)((u128)((i128)(int64_t)a *(i128)(int64_t)b) >> 64))
OP_REG(op_mulhsu, (uint64_t)((u128)((i128)(int64_t)a *(i128)b) >> 64))
OP_REG(op_mulhu, (uint64_t)(((u128)a * (u128)b) >> 64))
OP_REG(op_div, m_div((int64_t)a, (int64_t)b))
OP_REG(op_divu, b ? a / b : UINT64_MAX)
OP_REG(op_rem, m_rem((int64_t)a, (int64_t)b))
OP_REG(op_remu, b ? a % b : a)
OP_REG(op_mulw, sext32((uint32_t)a *(uint32_t)b))
OP_REG(op_divw, m_divw((int32_t)(uint32_t)a, (int32_t)(uint32_t)b))
OP_REG(op_divuw, (uint32_t)b ? sext32((uint32_t)a / (uint32_t)b) : UINT64_MAX)
OP_REG(op_remw, m_remw((int32_t)(uint32_t)a, (int32_t)(uint32_t)b))
OP_REG(op_remuw, (uint32_t)b ? sext32((uint32_t)a % (uint32_t)b) : sext32(a))
