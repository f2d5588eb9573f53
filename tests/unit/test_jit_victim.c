/* The soft TLB's victim entries under the translator (tlb.h, "Victims";
 * jit_ops.c's jt_tlb): a translated loop that loads from and stores to two
 * pages sharing a TLB index runs without leaving translated code (before,
 * each access evicted the other page's entry and left for the
 * interpreter: four times per iteration), with the right values; a third
 * page at the same index still works; and when a page's mapping changes
 * while its entry is the victim, the flushes a shootdown (tlb_flush_gpa)
 * and sfence.vma (tlb_flush_va) do drop it: the loop then reads and
 * writes the new host page, never the old one.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/tlb.h"

#include "check.h"
#include "lib/jit_harness.h"

#define PROG 0x1000u
/* Four data pages 4 MiB apart: the same index of every array. */
#define PAGE_A (JH_RAM_BASE + 0x2000)
#define PAGE_B (PAGE_A + ((uint64_t)TLB_SIZE << 12))
#define PAGE_C (PAGE_B + ((uint64_t)TLB_SIZE << 12))
#define PAGE_D (PAGE_C + ((uint64_t)TLB_SIZE << 12))
#define ITERS 100000u

struct vm {
	struct jh j;
	uint8_t prog[4096] __attribute__((aligned(4096)));
	/* host pages: A, B, C, D, then A's replacements */
	uint8_t page[6][4096] __attribute__((aligned(4096)));
	int a_is; /* which page[] backs PAGE_A */
};

static void *vm_page(struct jh *jm, uint64_t gpa_page, bool write)
{
	struct vm *m = jm->user;

	if (gpa_page == JH_RAM_BASE + PROG)
		return m->prog;
	if (gpa_page == PAGE_A)
		return m->page[m->a_is];
	if (gpa_page == PAGE_B)
		return m->page[1];
	if (gpa_page == PAGE_C)
		return m->page[2];
	if (gpa_page == PAGE_D)
		return m->page[3];
	return NULL;
}

static uint32_t ld(unsigned rd, unsigned rs1, int off)
{
	return (uint32_t)off << 20 | rs1 << 15 | 3u << 12 | rd << 7 | 0x03;
}

static uint32_t sd(unsigned rs2, unsigned rs1, int off)
{
	return ((uint32_t)off >> 5) << 25 | rs2 << 20 | rs1 << 15 | 3u << 12 |
	       ((uint32_t)off & 31) << 7 | 0x23;
}

static uint64_t get(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static void put(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Run the program from its start with x12 = iterations. */
static int run(struct vm *m, uint64_t iters)
{
	m->j.h.x[12] = iters;
	return jh_run(&m->j, JH_RAM_BASE + PROG);
}

int main(void)
{
	static struct vm m;
	/* x10 = A, x11 = B, x13 = C, x16 = D; x12 counts down. */
	const uint32_t prog[] = {
		ld(5, 10, 0), /* x5 = A[0] */
		ld(6, 11, 0), /* x6 = B[0] */
		0x006283b3, /* add x7, x5, x6 */
		sd(7, 10, 8), /* A[8] = x7 */
		sd(12, 11, 8), /* B[8] = x12 */
		0xfff60613, /* addi x12, x12, -1 */
		0xfe0614e3, /* bnez x12, the first ld (-24) */
		/* Two more pages at the index, then A and B: whatever the
		 * loop left, A is the victim of both arrays at the end. */
		ld(8, 13, 0), /* x8 = C[0] */
		ld(15, 16, 0), /* x15 = D[0] */
		ld(9, 10, 16), /* x9 = A[16] */
		ld(14, 11, 16), /* x14 = B[16] */
		sd(8, 13, 8), /* C[8] = x8 */
		sd(15, 16, 8), /* D[8] = x15 */
		sd(9, 10, 24), /* A[24] = x9 */
		sd(14, 11, 24), /* B[24] = x14 */
		26u << 15 | 3u << 12 | 0x23, /* sd x0, 0(x26): stop */
	};
	struct jit_stats s0, s;

	if (jh_no_jit("test_jit_victim"))
		return 0;
	jh_init(&m.j, 0, CPU_ENGINE_JIT);
	m.j.page = vm_page;
	m.j.user = &m;
	jit_hot = 1;
	memcpy(m.prog, prog, sizeof(prog));
	put(m.page[0], 5);
	put(m.page[0] + 16, 50);
	put(m.page[1], 7);
	put(m.page[1] + 16, 70);
	put(m.page[2], 9);
	put(m.page[3], 10);
	put(m.page[4], 11);
	put(m.page[4] + 16, 110);
	put(m.page[5], 13);
	put(m.page[5] + 16, 130);
	m.j.h.x[10] = PAGE_A;
	m.j.h.x[11] = PAGE_B;
	m.j.h.x[13] = PAGE_C;
	m.j.h.x[16] = PAGE_D;
	m.j.h.x[26] = JH_STOP;

	s0 = (struct jit_stats){ 0 };
	CHECK(run(&m, ITERS) == HART_EXIT_STOP);
	CHECK(jit_get_stats(&m.j.h, &s));
	CHECK(m.j.h.x[7] == 12);
	CHECK(get(m.page[0] + 8) == 12);
	CHECK(get(m.page[1] + 8) == 1);
	CHECK(m.j.h.x[8] == 9);
	CHECK(m.j.h.x[15] == 10);
	CHECK(m.j.h.x[9] == 50);
	CHECK(get(m.page[0] + 24) == 50);
	CHECK(get(m.page[1] + 24) == 70);
	CHECK(get(m.page[2] + 8) == 9);
	CHECK(get(m.page[3] + 8) == 10);
	CHECK(m.j.h.tlb.load[TLB_SIZE + ((PAGE_A >> 12) & TLB_MASK)].tag ==
	      PAGE_A);
	CHECK(m.j.h.tlb.store[TLB_SIZE + ((PAGE_A >> 12) & TLB_MASK)].tag ==
	      PAGE_A);
	/* Only the first touch of each page and array (and the stop) went
	 * to the interpreter, not 4 * ITERS evictions. */
	CHECK(s.steps - s0.steps < 50);

	/* A's page changes while A is the victim: a shootdown's flush. */
	m.a_is = 4;
	tlb_flush_gpa(&m.j.h.tlb, PAGE_A);
	s0 = s;
	CHECK(run(&m, ITERS) == HART_EXIT_STOP);
	CHECK(jit_get_stats(&m.j.h, &s));
	CHECK(m.j.h.x[7] == 18);
	CHECK(get(m.page[4] + 8) == 18);
	CHECK(get(m.page[0] + 8) == 12); /* the old page is left alone */
	CHECK(m.j.h.x[9] == 110);
	CHECK(get(m.page[4] + 24) == 110);
	CHECK(get(m.page[0] + 24) == 50);
	CHECK(s.steps - s0.steps < 50);

	/* Again, dropped by sfence.vma's address form. */
	m.a_is = 5;
	tlb_flush_va(&m.j.h.tlb, PAGE_A);
	CHECK(run(&m, 3) == HART_EXIT_STOP);
	CHECK(m.j.h.x[7] == 20);
	CHECK(get(m.page[5] + 8) == 20);
	CHECK(get(m.page[4] + 8) == 18);
	CHECK(m.j.h.x[9] == 130);

	jh_destroy(&m.j);
	return check_done("test_jit_victim");
}
