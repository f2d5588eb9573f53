/* RVC computational instructions, written with explicit c.* mnemonics so the
 * assembler must emit the 16-bit forms: immediates (sign-extended 6-bit,
 * c.lui's 18-bit, c.addi16sp/c.addi4spn scaled ones), the W forms, shifts
 * with 6-bit amounts, and the register-register ALU group. */
#include "lib.h"

/* Run one compressed instruction `insn` on a5 (preset to a), a4 = b. */
#define C2(insn, a, b)                                                         \
	({                                                                     \
		uint64_t _r;                                                   \
		__asm__ volatile(".option push\n\t.option rvc\n\t"             \
				 "mv a5, %1\n\tmv a4, %2\n\t" insn "\n\t"      \
				 "mv %0, a5\n\t.option pop"                    \
				 : "=r"(_r)                                    \
				 : "r"((uint64_t)(a)), "r"((uint64_t)(b))      \
				 : "a4", "a5");                                \
		_r;                                                            \
	})

#define ONES 0xffffffffffffffffUL

static void test_imm(void)
{
	lib_section("immediates");
	check_eq("c.li -32", C2("c.li a5, -32", 7, 0), (uint64_t)-32);
	check_eq("c.li 31", C2("c.li a5, 31", 7, 0), 31);
	check_eq("c.lui 1", C2("c.lui a5, 1", 0, 0), 0x1000);
	check_eq("c.lui sext", C2("c.lui a5, 0xfffe0", 0, 0),
		 0xfffffffffffe0000UL);
	check_eq("c.lui 0x1f", C2("c.lui a5, 0x1f", 0, 0), 0x1f000);
	check_eq("c.addi -32", C2("c.addi a5, -32", 0, 0), (uint64_t)-32);
	check_eq("c.addi 31", C2("c.addi a5, 31", 1, 0), 32);
	check_eq("c.addiw sext", C2("c.addiw a5, 1", 0x7fffffff, 0),
		 0xffffffff80000000UL);
	check_eq("c.addiw 0 = sext.w", C2("c.addiw a5, 0", 0x180000000UL, 0),
		 0xffffffff80000000UL);
	check_eq("c.andi -1", C2("c.andi a5, -1", 0x1234, 0), 0x1234);
	check_eq("c.andi 0x1f", C2("c.andi a5, 0x1f", 0xfff, 0), 0x1f);
	check_eq("c.andi -32", C2("c.andi a5, -32", 0xfff, 0), 0xfe0);
	uint64_t r, sp0;
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "mv %1, sp\n\tc.addi16sp sp, -64\n\tmv %0, sp\n\t"
			 "c.addi16sp sp, 64\n\t.option pop"
			 : "=r"(r), "=r"(sp0));
	check_eq("c.addi16sp -64", sp0 - r, 64);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "c.addi16sp sp, 496\n\tmv %0, sp\n\t"
			 "c.addi16sp sp, -496\n\tmv %1, sp\n\t.option pop"
			 : "=r"(r), "=r"(sp0));
	check_eq("c.addi16sp 496", r - sp0, 496);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "c.addi4spn a5, sp, 1020\n\tmv %0, a5\n\tmv %1, sp\n\t"
			 ".option pop"
			 : "=r"(r), "=r"(sp0)::"a5");
	check_eq("c.addi4spn 1020", r - sp0, 1020);
	check_eq("c.nop", C2("c.nop", 5, 0), 5);
}

static void test_shift(void)
{
	lib_section("shifts");
	check_eq("c.slli 63", C2("c.slli a5, 63", 1, 0), 0x8000000000000000UL);
	check_eq("c.slli 32", C2("c.slli a5, 32", 0xabcd, 0), 0xabcd00000000UL);
	check_eq("c.srli 63", C2("c.srli a5, 63", ONES, 0), 1);
	check_eq("c.srli 1", C2("c.srli a5, 1", 0x8000000000000000UL, 0),
		 0x4000000000000000UL);
	check_eq("c.srai 63", C2("c.srai a5, 63", 0x8000000000000000UL, 0),
		 ONES);
	check_eq("c.srai 33", C2("c.srai a5, 33", 0x8000000000000000UL, 0),
		 0xffffffffc0000000UL);
}

static void test_reg(void)
{
	lib_section("register-register");
	check_eq("c.mv", C2("c.mv a5, a4", 1, 0x77), 0x77);
	check_eq("c.add", C2("c.add a5, a4", ONES, 2), 1);
	check_eq("c.sub", C2("c.sub a5, a4", 0, 1), ONES);
	check_eq("c.and", C2("c.and a5, a4", 0xff00, 0x0ff0), 0x0f00);
	check_eq("c.or", C2("c.or a5, a4", 0xff00, 0x0ff0), 0xfff0);
	check_eq("c.xor", C2("c.xor a5, a4", 0xff00, 0x0ff0), 0xf0f0);
	check_eq("c.addw sext", C2("c.addw a5, a4", 0x7fffffff, 1),
		 0xffffffff80000000UL);
	check_eq("c.addw high ignored",
		 C2("c.addw a5, a4", 0x5555555500000001UL, 1), 2);
	check_eq("c.subw sext", C2("c.subw a5, a4", 0, 1), ONES);
	check_eq("c.subw min", C2("c.subw a5, a4", 0x80000000UL, 1),
		 0x7fffffff);
}

int main(void)
{
	lib_start("isa-rvc");
	test_imm();
	test_shift();
	test_reg();
	return lib_done();
}
