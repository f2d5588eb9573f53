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

#include "cpu/exec.h"
#include "cpu/hart.h"
#include "cpu/jit.h"
#include "cpu/jit_impl.h"

#include "check.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000u
#define STOP 0x10001000ULL
#define LOOP 0x1ff6u /* the loop; its store at 0x1ffe straddles */
#define DATA 0x8000u
#define ITERS 10000u

struct sm {
	struct hart h;
	uint8_t *ram;
};

static void *sm_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	struct sm *m = ctx;

	if (gpa_page < RAM_BASE || gpa_page >= RAM_BASE + RAM_SIZE)
		return NULL;
	return m->ram + (gpa_page - RAM_BASE);
}

static int sm_read(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
		   uint64_t *val)
{
	return -1;
}

static int sm_write(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
		    uint64_t val)
{
	if (gpa != STOP)
		return -1;
	hart_request(h, REQ_STOP);
	return 0;
}

static const struct cpu_bus_ops sm_ops = {
	.ram_page = sm_ram_page,
	.mmio_read = sm_read,
	.mmio_write = sm_write,
};

static uint32_t sd(unsigned rs2, unsigned rs1, int off)
{
	return ((uint32_t)off >> 5) << 25 | rs2 << 20 | rs1 << 15 | 3u << 12 |
	       ((uint32_t)off & 31) << 7 | 0x23;
}

static void put32(struct sm *m, uint32_t off, uint32_t w)
{
	memcpy(m->ram + off, &w, 4);
}

static uint64_t steps(struct sm *m)
{
	struct jit_stats s;

	CHECK(jit_get_stats(&m->h, &s));
	return s.steps;
}

/* Run the loop ITERS times. */
static void run(struct sm *m)
{
	m->h.pc = RAM_BASE + LOOP;
	m->h.x[12] = ITERS;
	CHECK(hart_run(&m->h) == HART_EXIT_STOP);
}

int main(void)
{
	static struct sm m;
	struct cpu_bus bus = { .ops = &sm_ops, .ctx = &m };
	uint64_t d, s0;

	if (!jit_supported()) {
		printf("test_jit_straddle: no translator on this host, "
		       "skipped\n");
		return 0;
	}
	m.ram = calloc(1, RAM_SIZE);
	if (!m.ram || hart_init(&m.h, 0, RAM_BASE, &bus) ||
	    hart_set_engine(&m.h, CPU_ENGINE_JIT)) {
		printf("FAIL setup\n");
		return 2;
	}
	/* Translated on the third visit: the first ones, interpreted,
	 * fetch the next page (a translation needs it in the fetch TLB). */
	jit_hot = 3;
	put32(&m, LOOP, 0x00128293); /* addi x5, x5, 1 */
	put32(&m, LOOP + 4, 0x00230313); /* addi x6, x6, 2 */
	put32(&m, LOOP + 8, sd(5, 10, 0)); /* sd x5, 0(x10): straddles */
	put32(&m, LOOP + 12, 0xfff60613); /* addi x12, x12, -1 */
	put32(&m, LOOP + 16, 0xfe0618e3); /* bnez x12, LOOP (-16) */
	put32(&m, LOOP + 20, 26u << 15 | 3u << 12 | 0x23); /* stop */
	m.h.x[10] = RAM_BASE + DATA;
	m.h.x[26] = STOP;

	run(&m);
	memcpy(&d, m.ram + DATA, 8);
	CHECK(d == ITERS && m.h.x[5] == ITERS);
	s0 = steps(&m);
	run(&m);
	memcpy(&d, m.ram + DATA, 8);
	CHECK(d == 2 * ITERS);
	CHECK(steps(&m) - s0 < 10); /* not one per iteration */

	/* The store's upper half (its rs2) becomes x6's in the next page;
	 * a store there would drop that page's decoded code only. */
	put32(&m, LOOP + 8, sd(6, 10, 0));
	code_cache_invalidate(&m.h, RAM_BASE + ((LOOP + 8) & ~0xfffu) + 4096);
	run(&m);
	memcpy(&d, m.ram + DATA, 8);
	CHECK(m.h.x[6] == 2 * 3 * ITERS);
	CHECK(d == m.h.x[6]);

	hart_destroy(&m.h);
	free(m.ram);
	return check_done("test_jit_straddle");
}
