/* Differential program: every RV64I/M register-register op, the immediate
 * forms with a spread of immediates, and the compressed ALU ops, each run
 * over random and boundary operands.  Prints one checksum per op plus its
 * first results, so a mismatch against QEMU names the op and the operands.
 * There is no expected output here: QEMU is the oracle. */
#include "lib.h"
#include "rng.h"

#define N_RAND 300
#define N_SHOW 2

#define RNG_SEED 0x9e3779b97f4a7c15UL

static const uint64_t edges[] = {
	0,
	1,
	2,
	0xffffffffffffffffUL,
	0xfffffffffffffffeUL,
	0x8000000000000000UL,
	0x7fffffffffffffffUL,
	0x80000000UL,
	0x7fffffffUL,
	0xffffffffUL,
	0xffffffff80000000UL,
	0x100000000UL,
	63,
	64,
	31,
	32,
};
#define N_EDGE (sizeof(edges) / sizeof(edges[0]))

/* Operand i of a run: all edge pairs first, then random (with random
 * widths so small values and sign boundaries are common). */
static uint64_t operand(unsigned i, int which)
{
	if (i < N_EDGE * N_EDGE)
		return edges[which ? i % N_EDGE : i / N_EDGE];
	uint64_t v = rng();
	switch (rng() & 3) {
	case 0: return v & 0xff;
	case 1: return (uint64_t)(int64_t)(int32_t)v;
	case 2: return v | 0x8000000000000000UL;
	default: return v;
	}
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdUL;
}

typedef uint64_t (*op_fn)(uint64_t, uint64_t);

#define OPRR(name, insn)                                                       \
	static uint64_t name(uint64_t a, uint64_t b)                           \
	{                                                                      \
		uint64_t r;                                                    \
		__asm__ volatile(insn " %0, %1, %2"                            \
				 : "=r"(r)                                     \
				 : "r"(a), "r"(b));                            \
		return r;                                                      \
	}
#define OPRI(name, insn, imm)                                                  \
	static uint64_t name(uint64_t a, uint64_t b)                           \
	{                                                                      \
		uint64_t r;                                                    \
		__asm__ volatile(insn " %0, %1, " #imm : "=r"(r) : "r"(a));    \
		return r;                                                      \
	}
/* Compressed two-operand op on a5/a4 (forced 16-bit encodings). */
#define OPC(name, insn)                                                        \
	static uint64_t name(uint64_t a, uint64_t b)                           \
	{                                                                      \
		uint64_t r;                                                    \
		__asm__ volatile(".option push\n\t.option rvc\n\t"             \
				 "mv a5, %1\n\tmv a4, %2\n\t" insn "\n\t"      \
				 "mv %0, a5\n\t.option pop"                    \
				 : "=r"(r)                                     \
				 : "r"(a), "r"(b)                              \
				 : "a4", "a5");                                \
		return r;                                                      \
	}

/* clang-format off: one op per line, which its layout rules would undo. */
OPRR(op_add, "add")
OPRR(op_sub, "sub")
OPRR(op_sll, "sll")
OPRR(op_slt, "slt")
OPRR(op_sltu, "sltu")
OPRR(op_xor, "xor")
OPRR(op_srl, "srl")
OPRR(op_sra, "sra")
OPRR(op_or, "or")
OPRR(op_and, "and")
OPRR(op_addw, "addw")
OPRR(op_subw, "subw")
OPRR(op_sllw, "sllw")
OPRR(op_srlw, "srlw")
OPRR(op_sraw, "sraw")
OPRR(op_mul, "mul")
OPRR(op_mulh, "mulh")
OPRR(op_mulhsu, "mulhsu")
OPRR(op_mulhu, "mulhu")
OPRR(op_div, "div")
OPRR(op_divu, "divu")
OPRR(op_rem, "rem")
OPRR(op_remu, "remu")
OPRR(op_mulw, "mulw")
OPRR(op_divw, "divw")
OPRR(op_divuw, "divuw")
OPRR(op_remw, "remw")
OPRR(op_remuw, "remuw")
OPRI(op_addi_n, "addi", -2048)
OPRI(op_addi_p, "addi", 2047)
OPRI(op_slti, "slti", -1)
OPRI(op_sltiu, "sltiu", -2048)
OPRI(op_xori, "xori", -1365)
OPRI(op_ori, "ori", 1365)
OPRI(op_andi, "andi", -16)
OPRI(op_slli, "slli", 37)
OPRI(op_srli, "srli", 63)
OPRI(op_srai, "srai", 17)
OPRI(op_addiw, "addiw", -1)
OPRI(op_slliw, "slliw", 31)
OPRI(op_srliw, "srliw", 1)
OPRI(op_sraiw, "sraiw", 19)
OPC(op_c_add, "c.add a5, a4")
OPC(op_c_sub, "c.sub a5, a4")
OPC(op_c_addw, "c.addw a5, a4")
OPC(op_c_subw, "c.subw a5, a4")
OPC(op_c_and, "c.and a5, a4")
OPC(op_c_or, "c.or a5, a4")
OPC(op_c_xor, "c.xor a5, a4")
OPC(op_c_srai, "c.srai a5, 13")
OPC(op_c_srli, "c.srli a5, 41")
OPC(op_c_slli, "c.slli a5, 7")
OPC(op_c_addiw, "c.addiw a5, -7")
OPC(op_c_andi, "c.andi a5, -3")

static const struct {
	const char *name;
	op_fn fn;
} ops[] = {
	{ "add", op_add },
	{ "sub", op_sub },
	{ "sll", op_sll },
	{ "slt", op_slt },
	{ "sltu", op_sltu },
	{ "xor", op_xor },
	{ "srl", op_srl },
	{ "sra", op_sra },
	{ "or", op_or },
	{ "and", op_and },
	{ "addw", op_addw },
	{ "subw", op_subw },
	{ "sllw", op_sllw },
	{ "srlw", op_srlw },
	{ "sraw", op_sraw },
	{ "mul", op_mul },
	{ "mulh", op_mulh },
	{ "mulhsu", op_mulhsu },
	{ "mulhu", op_mulhu },
	{ "div", op_div },
	{ "divu", op_divu },
	{ "rem", op_rem },
	{ "remu", op_remu },
	{ "mulw", op_mulw },
	{ "divw", op_divw },
	{ "divuw", op_divuw },
	{ "remw", op_remw },
	{ "remuw", op_remuw },
	{ "addi -2048", op_addi_n },
	{ "addi 2047", op_addi_p },
	{ "slti -1", op_slti },
	{ "sltiu -2048", op_sltiu },
	{ "xori -1365", op_xori },
	{ "ori 1365", op_ori },
	{ "andi -16", op_andi },
	{ "slli 37", op_slli },
	{ "srli 63", op_srli },
	{ "srai 17", op_srai },
	{ "addiw -1", op_addiw },
	{ "slliw 31", op_slliw },
	{ "srliw 1", op_srliw },
	{ "sraiw 19", op_sraiw },
	{ "c.add", op_c_add },
	{ "c.sub", op_c_sub },
	{ "c.addw", op_c_addw },
	{ "c.subw", op_c_subw },
	{ "c.and", op_c_and },
	{ "c.or", op_c_or },
	{ "c.xor", op_c_xor },
	{ "c.srai 13", op_c_srai },
	{ "c.srli 41", op_c_srli },
	{ "c.slli 7", op_c_slli },
	{ "c.addiw -7", op_c_addiw },
	{ "c.andi -3", op_c_andi },
};
/* clang-format on */

int main(void)
{
	rng_state = RNG_SEED;
	lib_start("diff-alu");
	unsigned total = N_EDGE * N_EDGE + N_RAND;
	for (unsigned k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		uint64_t h = 0;
		rng_state = 0x9e3779b97f4a7c15UL + k;
		rt_printf("%-12s", ops[k].name);
		for (unsigned i = 0; i < total; i++) {
			uint64_t a = operand(i, 0), b = operand(i, 1);
			uint64_t r = ops[k].fn(a, b);
			h = mix(h, r);
			if (i >= N_EDGE * N_EDGE &&
			    i < N_EDGE * N_EDGE + N_SHOW)
				rt_printf(" %lx,%lx->%lx", a, b, r);
		}
		rt_printf(" sum %016lx\n", h);
	}
	return lib_done();
}
