/* A 32-bit instruction straddling a page end under the translator
 * (jit_scan.c's jt_decode, jit_translate.c's jt_straddle): once hot, a
 * loop whose store straddles the end of its page runs it translated (the
 * interpreter's count stays near zero: before, every pass left for the
 * interpreter); and when the upper half, in the next page, is rewritten
 * (a store there drops only that page's decoded code, not the block,
 * which belongs to the first page), the block notices and the new
 * instruction runs, never the old translation.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/jit_harness.h"

#define RAM_SIZE 0x10000u
#define LOOP 0x1ff6u /* the loop; its store at 0x1ffe straddles */
#define DATA 0x8000u
#define ITERS 10000u

static uint32_t sd(unsigned rs2, unsigned rs1, int off)
{
	return ((uint32_t)off >> 5) << 25 | rs2 << 20 | rs1 << 15 | 3u << 12 |
	       ((uint32_t)off & 31) << 7 | 0x23;
}

/* Run the loop ITERS times. */
static int run(struct jh *m)
{
	m->h.x[12] = ITERS;
	return jh_run(m, JH_RAM_BASE + LOOP);
}

int main(void)
{
	static struct jh m;
	uint64_t d, s0;

	if (jh_no_jit("test_jit_straddle"))
		return 0;
	jh_init(&m, RAM_SIZE, CPU_ENGINE_JIT);
	/* Translated on the third visit: the first ones, interpreted,
	 * fetch the next page (a translation needs it in the fetch TLB). */
	jit_hot = 3;
	jh_put32(&m, LOOP, 0x00128293); /* addi x5, x5, 1 */
	jh_put32(&m, LOOP + 4, 0x00230313); /* addi x6, x6, 2 */
	jh_put32(&m, LOOP + 8, sd(5, 10, 0)); /* sd x5, 0(x10): straddles */
	jh_put32(&m, LOOP + 12, 0xfff60613); /* addi x12, x12, -1 */
	jh_put32(&m, LOOP + 16, 0xfe0618e3); /* bnez x12, LOOP (-16) */
	jh_put32(&m, LOOP + 20, 26u << 15 | 3u << 12 | 0x23); /* stop */
	m.h.x[10] = JH_RAM_BASE + DATA;
	m.h.x[26] = JH_STOP;

	CHECK(run(&m) == HART_EXIT_STOP);
	memcpy(&d, m.ram + DATA, 8);
	CHECK(d == ITERS && m.h.x[5] == ITERS);
	s0 = jh_steps(&m);
	CHECK(run(&m) == HART_EXIT_STOP);
	memcpy(&d, m.ram + DATA, 8);
	CHECK(d == 2 * ITERS);
	CHECK(jh_steps(&m) - s0 < 10); /* not one per iteration */

	/* The store's upper half (its rs2) becomes x6's in the next page;
	 * a store there would drop that page's decoded code only. */
	jh_put32(&m, LOOP + 8, sd(6, 10, 0));
	code_cache_invalidate(&m.h,
			      JH_RAM_BASE + ((LOOP + 8) & ~0xfffu) + 4096);
	CHECK(run(&m) == HART_EXIT_STOP);
	memcpy(&d, m.ram + DATA, 8);
	CHECK(m.h.x[6] == 2 * 3 * ITERS);
	CHECK(d == m.h.x[6]);

	jh_destroy(&m);
	return check_done("test_jit_straddle");
}
