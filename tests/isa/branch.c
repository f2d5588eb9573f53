/* Control transfer: the six conditional branches at the signed/unsigned
 * boundary, taken forward and backward, far offsets; JAL/JALR link values,
 * JALR clearing bit 0 and reading rs1 before writing rd; the compressed
 * forms c.beqz/c.bnez/c.j/c.jr/c.jalr (link = pc + 2). */
#include "lib.h"

#define BR(op, a, b)                                                           \
	({                                                                     \
		uint64_t _t;                                                   \
		__asm__ volatile(op " %1, %2, 1f\n\tli %0, 0\n\tj 2f\n"        \
				    "1:\tli %0, 1\n2:"                         \
				 : "=&r"(_t)                                   \
				 : "r"((uint64_t)(a)), "r"((uint64_t)(b)));    \
		_t;                                                            \
	})

#define NEG1 0xffffffffffffffffUL
#define MIN64 0x8000000000000000UL

static void test_cond(void)
{
	lib_section("conditional branches");
	check_eq("beq eq", BR("beq", 5, 5), 1);
	check_eq("beq ne", BR("beq", 5, 6), 0);
	check_eq("bne ne", BR("bne", 5, 6), 1);
	check_eq("bne eq", BR("bne", NEG1, NEG1), 0);
	check_eq("blt -1<0", BR("blt", NEG1, 0), 1);
	check_eq("blt 0<-1", BR("blt", 0, NEG1), 0);
	check_eq("blt eq", BR("blt", 3, 3), 0);
	check_eq("blt min<0", BR("blt", MIN64, 0), 1);
	check_eq("bge 0>=-1", BR("bge", 0, NEG1), 1);
	check_eq("bge eq", BR("bge", MIN64, MIN64), 1);
	check_eq("bge -1>=0", BR("bge", NEG1, 0), 0);
	check_eq("bltu 0<-1", BR("bltu", 0, NEG1), 1);
	check_eq("bltu -1<0", BR("bltu", NEG1, 0), 0);
	check_eq("bltu eq", BR("bltu", 9, 9), 0);
	check_eq("bgeu -1>=0", BR("bgeu", NEG1, 0), 1);
	check_eq("bgeu 0>=-1", BR("bgeu", 0, NEG1), 0);
	check_eq("bgeu eq", BR("bgeu", 0, 0), 1);
}

static void test_loops(void)
{
	lib_section("backward and far branches");
	uint64_t n;
	__asm__ volatile("li %0, 0\n\tli t0, 100\n"
			 "1:\taddi %0, %0, 3\n\taddi t0, t0, -1\n\t"
			 "bnez t0, 1b"
			 : "=&r"(n)::"t0");
	check_eq("backward loop", n, 300);
	/* Offsets near the 13-bit branch limit, both directions. */
	__asm__ volatile("li %0, 0\n\tj 3f\n"
			 "2:\taddi %0, %0, 10\n\tj 4f\n"
			 "\t.skip 1950\n"
			 "3:\taddi %0, %0, 1\n\tbeqz x0, 5f\n"
			 "\t.skip 1950\n"
			 "5:\tbnez %0, 2b\n"
			 "4:"
			 : "=&r"(n));
	check_eq("far forward + backward branch", n, 11);
	/* A far JAL (20-bit offset range, bit 11 and above). */
	__asm__ volatile("li %0, 0\n\tjal x0, 6f\n\tli %0, 99\n"
			 "\t.skip 70000\n"
			 "6:\taddi %0, %0, 7"
			 : "=&r"(n));
	check_eq("far jal", n, 7);
}

static void test_jumps(void)
{
	lib_section("jal/jalr");
	uint64_t link, lab;
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "jal %0, 1f\n1:\tla %1, 1b\n\t.option pop"
			 : "=r"(link), "=r"(lab));
	check_eq("jal link = pc+4", link - lab, 0);
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "la t0, 2f\n\tjalr %0, 0(t0)\n1:\tli %0, 0\n"
			 "2:\tla %1, 1b\n\t.option pop"
			 : "=&r"(link), "=r"(lab)::"t0");
	check_eq("jalr link = pc+4", link - lab, 0);
	uint64_t r;
	__asm__ volatile("la t0, 1f\n\taddi t0, t0, -8\n\t"
			 "jalr t1, 8(t0)\n\tli %0, 0\n\tj 2f\n"
			 "1:\tli %0, 1\n2:"
			 : "=r"(r)::"t0", "t1");
	check_eq("jalr offset", r, 1);
	__asm__ volatile("la t0, 1f\n\tjalr t0, 1(t0)\n\tli %0, 0\n\tj 2f\n"
			 "\t.align 2\n1:\tli %0, 1\n2:"
			 : "=r"(r)::"t0");
	check_eq("jalr clears bit 0", r, 1);
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "la %0, 1f\n\tjalr %0, 0(%0)\n1:\tla %1, 1b\n\t"
			 ".option pop"
			 : "=&r"(link), "=r"(lab));
	check_eq("jalr rd = rs1", link - lab, 0);
	__asm__ volatile("la t0, 1f\n\tjalr x0, 0(t0)\n\tli %0, 0\n\tj 2f\n"
			 "1:\tli %0, 1\n2:"
			 : "=r"(r)::"t0");
	check_eq("jalr x0 (jr)", r, 1);
}

static void test_compressed(void)
{
	lib_section("compressed control transfer");
	uint64_t r, link, lab;
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "li %0, 0\n\tli a5, 0\n\tc.beqz a5, 1f\n\tli %0, 9\n"
			 "1:\tc.bnez a5, 2f\n\taddi %0, %0, 1\n"
			 "2:\tli a5, 3\n\tc.bnez a5, 3f\n\tli %0, 9\n"
			 "3:\tc.beqz a5, 4f\n\taddi %0, %0, 2\n"
			 "4:\t.option pop"
			 : "=&r"(r)::"a5");
	check_eq("c.beqz/c.bnez", r, 3);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "li %0, 1\n\tc.j 1f\n\tli %0, 9\n1:\tli a5, 5\n"
			 "2:\taddi a5, a5, -1\n\taddi %0, %0, 1\n\t"
			 "c.bnez a5, 2b\n\t.option pop"
			 : "=&r"(r)::"a5");
	check_eq("c.j and backward c.bnez", r, 6);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "la a5, 1f\n\tc.jr a5\n\tli %0, 0\n\tj 2f\n"
			 "1:\tli %0, 1\n2:\t.option pop"
			 : "=r"(r)::"a5");
	check_eq("c.jr", r, 1);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "la a5, 2f\n\tmv t2, ra\n\tc.jalr a5\n"
			 "1:\tj 3f\n2:\tmv %0, ra\n\tla %1, 1b\n\tmv ra, t2\n\t"
			 "j 4f\n3:\tli %0, 0\n\tli %1, 1\n4:\t.option pop"
			 : "=&r"(link), "=&r"(lab)::"a5", "t2", "ra");
	check_eq("c.jalr link = pc+2", link - lab, 0);
}

int main(void)
{
	lib_start("isa-branch");
	test_cond();
	test_loops();
	test_jumps();
	test_compressed();
	return lib_done();
}
