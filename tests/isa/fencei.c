/* Zifencei and self-modifying code: code rewritten in a buffer and run again
 * after fence.i (many times), an instruction patched just ahead of the pc in
 * the page being executed, a compressed instruction patched in place, and
 * code written from S-mode through a second virtual alias of the page and
 * then run through the first one. */
#include "lib.h"

static uint8_t code[2][4096] __attribute__((aligned(4096)));

#define LI_A0(n) (0x00000513u | ((uint32_t)(n) << 20)) /* addi a0, x0, n */
#define RET 0x00008067u

typedef uint64_t (*fn_t)(uint64_t);

static void put(uint8_t *p, uint32_t insn0)
{
	((volatile uint32_t *)p)[0] = insn0;
	((volatile uint32_t *)p)[1] = RET;
}

static void test_buffer(void)
{
	lib_section("rewrite a buffer");
	unsigned bad = 0;
	for (unsigned i = 1; i <= 50; i++) {
		put(code[0], LI_A0(i));
		fence_i();
		uint64_t r = ((fn_t)code[0])(0);
		if (r != i) {
			bad++;
			rt_printf("     round %u: got %lu\n", i, r);
		}
	}
	check_eq("50 rewrites, wrong results", bad, 0);
	/* A longer routine: a loop that is rewritten between calls. */
	static const uint32_t loop[] = {
		0x00000513, /* li a0, 0 */
		0x00a00293, /* li t0, 10 */
		0x00350513, /* 1: addi a0, a0, 3 */
		0xfff28293, /* addi t0, t0, -1 */
		0xfe029ce3, /* bnez t0, 1b */
		0x00008067, /* ret */
	};
	memcpy(code[0] + 256, loop, sizeof(loop));
	fence_i();
	check_eq("loop runs", ((fn_t)(code[0] + 256))(0), 30);
	((volatile uint32_t *)(code[0] + 256))[2] = 0x00550513; /* addi 5 */
	fence_i();
	check_eq("patched loop body", ((fn_t)(code[0] + 256))(0), 50);
}

static void test_ahead(void)
{
	lib_section("patch the running page");
	uint64_t r;
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "la t0, 1f\n\tsw %1, 0(t0)\n\tfence.i\n"
			 "1:\tli a0, 1\n\tmv %0, a0\n\t.option pop"
			 : "=r"(r)
			 : "r"(LI_A0(77))
			 : "t0", "a0", "memory");
	check_eq("instruction just ahead", r, 77);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "la t0, 1f\n\tsh %1, 0(t0)\n\tfence.i\n"
			 "1:\tc.li a0, 1\n\tmv %0, a0\n\t.option pop"
			 : "=r"(r)
			 : "r"(0x4500u | (9u << 2) | 1u) /* c.li a0, 9 */
			 : "t0", "a0", "memory");
	check_eq("compressed instruction just ahead", r, 9);
}

#define VA_RUN 0x2000000000UL
#define VA_WRITE 0x2000100000UL

static uint64_t s_write_alias(uint64_t n)
{
	((volatile uint32_t *)VA_WRITE)[0] = LI_A0(n);
	((volatile uint32_t *)VA_WRITE)[1] = RET;
	fence_i();
	return ((fn_t)VA_RUN)(0);
}

static void test_alias(void)
{
	lib_section("write through an alias");
	static struct pt pt;
	pt_init(&pt, 3);
	pt_map(&pt, VA_RUN, (uintptr_t)code[1], 0, PTE_R | PTE_X | PTE_AD);
	pt_map(&pt, VA_WRITE, (uintptr_t)code[1], 0, PTE_R | PTE_W | PTE_AD);
	put(code[1], LI_A0(1));
	fence_i();
	pt_enable(&pt);
	unsigned bad = 0;
	for (unsigned i = 2; i < 12; i++)
		bad += lib_run(PRV_S, s_write_alias, i) != i;
	check_eq("S rewrites via alias, runs via other VA: wrong", bad, 0);
	pt_disable();
}

int main(void)
{
	lib_start("isa-fencei");
	test_buffer();
	test_ahead();
	test_alias();
	return lib_done();
}
