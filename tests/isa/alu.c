/* RV64I computational instructions: register and immediate forms, the
 * 32-bit W forms (results sign-extended from bit 31), shift amounts at and
 * past their limits, comparisons at the signed/unsigned boundary, LUI and
 * AUIPC.  Expected values are constants, not computed by the CPU under test. */
#include "lib.h"

#define RR(op, a, b)                                                           \
	({                                                                     \
		uint64_t _r;                                                   \
		__asm__ volatile(op " %0, %1, %2"                              \
				 : "=r"(_r)                                    \
				 : "r"((uint64_t)(a)), "r"((uint64_t)(b)));    \
		_r;                                                            \
	})
#define RI(op, a, imm)                                                         \
	({                                                                     \
		uint64_t _r;                                                   \
		__asm__ volatile(op " %0, %1, %2"                              \
				 : "=r"(_r)                                    \
				 : "r"((uint64_t)(a)), "i"(imm));              \
		_r;                                                            \
	})

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES 0xffffffffffffffffUL

static void test_add_sub(void)
{
	lib_section("add/sub");
	check_eq("add 1+2", RR("add", 1, 2), 3);
	check_eq("add wrap", RR("add", ONES, 1), 0);
	check_eq("add max+1", RR("add", MAX64, 1), MIN64);
	check_eq("sub 0-1", RR("sub", 0, 1), ONES);
	check_eq("sub min-1", RR("sub", MIN64, 1), MAX64);
	check_eq("addi -1", RI("addi", 5, -1), 4);
	check_eq("addi -2048", RI("addi", 0, -2048), 0xfffffffffffff800UL);
	check_eq("addi 2047", RI("addi", 1, 2047), 2048);
	check_eq("addw wrap", RR("addw", 0x7fffffff, 1), 0xffffffff80000000UL);
	check_eq("addw high ignored", RR("addw", 0x123456780000000fUL, 1), 16);
	check_eq("subw", RR("subw", 0, 1), ONES);
	check_eq("subw min", RR("subw", 0x80000000UL, 1), 0x7fffffff);
	check_eq("addiw sext", RI("addiw", 0x7ffffff0, 0x10),
		 0xffffffff80000000UL);
	check_eq("addiw 0 = sext.w", RI("addiw", 0x00000000ffffffffUL, 0),
		 ONES);
	check_eq("addiw -1", RI("addiw", 0, -1), ONES);
}

static void test_logic(void)
{
	lib_section("logic");
	uint64_t a = 0xf0f0f0f00ff00ff0UL, b = 0x3333cccc5555aaaaUL;
	check_eq("and", RR("and", a, b), 0x3030c0c005500aa0UL);
	check_eq("or", RR("or", a, b), 0xf3f3fcfc5ff5affaUL);
	check_eq("xor", RR("xor", a, b), 0xc3c33c3c5aa5a55aUL);
	check_eq("andi -1", RI("andi", a, -1), a);
	check_eq("andi 0x7ff", RI("andi", a, 0x7ff), 0x7f0);
	check_eq("andi -2048 sext", RI("andi", a, -2048), 0xf0f0f0f00ff00800UL);
	check_eq("ori sext", RI("ori", 0, -1), ONES);
	check_eq("xori -1 = not", RI("xori", a, -1), ~a);
	check_eq("xori 0x555", RI("xori", 0, 0x555), 0x555);
}

static void test_shifts(void)
{
	lib_section("shifts");
	uint64_t v = 0x8000000000000001UL;
	check_eq("sll 1", RR("sll", v, 1), 2);
	check_eq("sll 63", RR("sll", 1, 63), MIN64);
	check_eq("sll 64 = 0", RR("sll", 3, 64), 3);
	check_eq("sll 65 = 1", RR("sll", 3, 65), 6);
	check_eq("srl 63", RR("srl", v, 63), 1);
	check_eq("srl 127 = 63", RR("srl", v, 127), 1);
	check_eq("sra 63", RR("sra", v, 63), ONES);
	check_eq("sra 4", RR("sra", v, 4), 0xf800000000000000UL);
	check_eq("sra -1 = 63", RR("sra", MAX64, ONES), 0);
	check_eq("slli 63", RI("slli", 1, 63), MIN64);
	check_eq("srli 32", RI("srli", v, 32), 0x80000000UL);
	check_eq("srai 32", RI("srai", v, 32), 0xffffffff80000000UL);
	check_eq("srai 0", RI("srai", v, 0), v);
	/* W forms: 5-bit shift amounts, 32-bit sources, sign-extended. */
	check_eq("sllw 31", RR("sllw", 1, 31), 0xffffffff80000000UL);
	check_eq("sllw 32 = 0", RR("sllw", 5, 32), 5);
	check_eq("sllw drops high", RR("sllw", 0xffffffff00000001UL, 4), 0x10);
	check_eq("srlw 0 sext", RR("srlw", 0x80000000UL, 0),
		 0xffffffff80000000UL);
	check_eq("srlw 1", RR("srlw", 0xffffffff80000000UL, 1), 0x40000000);
	check_eq("srlw 31", RR("srlw", 0x80000000UL, 31), 1);
	check_eq("srlw 33 = 1", RR("srlw", 0x80000000UL, 33), 0x40000000);
	check_eq("sraw 31", RR("sraw", 0x80000000UL, 31), ONES);
	check_eq("sraw 4", RR("sraw", 0x00000000f0000000UL, 4),
		 0xffffffffff000000UL);
	check_eq("sraw ignores high", RR("sraw", 0xffffffff7fffffffUL, 1),
		 0x3fffffff);
	check_eq("slliw 31", RI("slliw", 3, 31), 0xffffffff80000000UL);
	check_eq("srliw 0 sext", RI("srliw", 0x80000000UL, 0),
		 0xffffffff80000000UL);
	check_eq("srliw 4", RI("srliw", 0xffffffff80000000UL, 4), 0x08000000);
	check_eq("sraiw 4", RI("sraiw", 0x80000000UL, 4), 0xfffffffff8000000UL);
}

static void test_compare(void)
{
	lib_section("compare");
	check_eq("slt -1<0", RR("slt", ONES, 0), 1);
	check_eq("slt 0<-1", RR("slt", 0, ONES), 0);
	check_eq("slt min<max", RR("slt", MIN64, MAX64), 1);
	check_eq("slt eq", RR("slt", 7, 7), 0);
	check_eq("sltu -1<0", RR("sltu", ONES, 0), 0);
	check_eq("sltu 0<-1", RR("sltu", 0, ONES), 1);
	check_eq("sltu min<max", RR("sltu", MIN64, MAX64), 0);
	check_eq("slti -1<0", RI("slti", ONES, 0), 1);
	check_eq("slti 0<-2048", RI("slti", 0, -2048), 0);
	check_eq("sltiu imm sext (seqz)", RI("sltiu", 0, 1), 1);
	check_eq("sltiu x<-1", RI("sltiu", 0xfffffffffffffffeUL, -1), 1);
	check_eq("sltiu -1<-1", RI("sltiu", ONES, -1), 0);
	check_eq("sltiu 2047", RI("sltiu", 2046, 2047), 1);
}

static void test_upper(void)
{
	lib_section("lui/auipc");
	uint64_t r;
	__asm__ volatile("lui %0, 0x80000" : "=r"(r));
	check_eq("lui sext", r, 0xffffffff80000000UL);
	__asm__ volatile("lui %0, 0x7ffff" : "=r"(r));
	check_eq("lui max", r, 0x7ffff000);
	__asm__ volatile("lui %0, 0xfffff" : "=r"(r));
	check_eq("lui -1", r, 0xfffffffffffff000UL);
	uint64_t a, here;
	__asm__ volatile("1: auipc %0, 0\n\tla %1, 1b" : "=r"(a), "=r"(here));
	check_eq("auipc 0 = pc", a - here, 0);
	__asm__ volatile("1: auipc %0, 0x1\n\tla %1, 1b" : "=r"(a), "=r"(here));
	check_eq("auipc 1", a - here, 0x1000);
	__asm__ volatile("1: auipc %0, 0xfffff\n\tla %1, 1b"
			 : "=r"(a), "=r"(here));
	check_eq("auipc -1", a - here, (uint64_t)-0x1000);
	__asm__ volatile("1: auipc %0, 0x80000\n\tla %1, 1b"
			 : "=r"(a), "=r"(here));
	check_eq("auipc sext", a - here, 0xffffffff80000000UL);
}

static void test_x0(void)
{
	lib_section("x0");
	uint64_t r;
	__asm__ volatile("addi x0, x0, 5\n\tmv %0, x0" : "=r"(r));
	check_eq("addi to x0 discarded", r, 0);
	__asm__ volatile("lui x0, 0x12345\n\tadd %0, x0, x0" : "=r"(r));
	check_eq("lui to x0 discarded", r, 0);
	__asm__ volatile("li t0, 9\n\tsub x0, t0, x0\n\taddi %0, x0, 1"
			 : "=r"(r)::"t0");
	check_eq("x0 reads 0", r, 1);
}

int main(void)
{
	lib_start("isa-alu");
	test_add_sub();
	test_logic();
	test_shifts();
	test_compare();
	test_upper();
	test_x0();
	return lib_done();
}
