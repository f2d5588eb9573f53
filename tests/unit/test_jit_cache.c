/* The translator's lookup structures (jit_cache.c, jit_map.c): a
 * translated block stays reachable when other pcs share its slot of the
 * lookup table, cold (a pc counted on its way to being translated) or hot
 * (another translated block), and is never translated again until its
 * page is dropped or the cache flushed; after either, the old code is
 * never run.
 *
 * Two small programs, at pcs A and B chosen so that they share a slot of
 * the table: each adds to a register and stores to a device that stops
 * the hart (at the end, four more sharing a set of the cold counts).  Each hart_run enters the dispatcher once at h->pc, so the
 * test decides exactly which pc the dispatcher sees, in what order.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lib/jit_harness.h"

#define RAM_SIZE 0x40000u
#define HOT 3 /* visits before a pc is translated */

/* At pc: addi rd, rd, add; sd x0, 0(x26) (stop); j . */
static void put_prog(struct jh *m, uint64_t pc, unsigned rd, int add)
{
	uint32_t w[3] = {
		(uint32_t)add << 20 | rd << 15 | rd << 7 | 0x13,
		26u << 15 | 3u << 12 | 0x23,
		0x6f,
	};

	jh_put(m, pc - JH_RAM_BASE, w, sizeof(w));
}

/* The dispatcher comes to pc once; the program there runs. */
static void visit(struct jh *m, uint64_t pc)
{
	CHECK(jh_run(m, pc) == HART_EXIT_STOP);
}

static struct jit_stats stats(struct jh *m)
{
	struct jit_stats s;

	CHECK(jit_get_stats(&m->h, &s));
	return s;
}

/* A pc in another page sharing a's slot of the lookup table. */
static uint64_t same_slot(struct jh *m, uint64_t a)
{
	for (uint64_t b = a + 0x1000; b + 16 < JH_RAM_BASE + RAM_SIZE; b += 4)
		if (jit_slot(m->h.jit, b) == jit_slot(m->h.jit, a))
			return b;
	FAIL("no pc shares a slot with %#llx", (unsigned long long)a);
	exit(1);
}

/* n pcs at least 16 bytes apart, from JH_RAM_BASE + 0x2000 up, that share
 * one set of the cold counts (jit_cold_set). */
static void same_cold_set(struct jh *m, uint64_t *pc, unsigned n)
{
	uint64_t end = JH_RAM_BASE + RAM_SIZE;

	for (uint64_t a = JH_RAM_BASE + 0x2000; a + 16 < end; a += 4) {
		unsigned k = 1;

		pc[0] = a;
		for (uint64_t b = a + 16; k < n && b + 16 < end; b += 4)
			if (jit_cold_set(m->h.jit, b) ==
				    jit_cold_set(m->h.jit, a) &&
			    b >= pc[k - 1] + 16)
				pc[k++] = b;
		if (k == n)
			return;
	}
	FAIL("no %u pcs share a set of the cold counts", n);
	exit(1);
}

static void tm_init(struct jh *m)
{
	jh_init(m, RAM_SIZE, CPU_ENGINE_JIT);
	jit_hot = HOT; /* after hart_set_engine: ATOLL_JIT_HOT is ignored */
	m->h.x[26] = JH_STOP;
}

/* Cold pcs sharing a set of the cold counts and running in turn are all
 * translated after a few rounds: direct-mapped, two of them would reset
 * each other's count at every visit and never be (in a Linux guest, 45
 * visits of 32 interpreted instructions per block request). */
static void cold_turns(void)
{
	static struct jh m;
	uint64_t pc[4];
	struct jit_stats s0, s;

	tm_init(&m);
	same_cold_set(&m, pc, 4);
	for (unsigned k = 0; k < 4; k++)
		put_prog(&m, pc[k], 5 + k, 1);

	/* Three in turn: each translated within a few rounds. */
	for (int r = 0; r < 3 * HOT; r++)
		for (unsigned k = 0; k < 3; k++)
			visit(&m, pc[k]);
	s0 = stats(&m);
	CHECK(s0.blocks == 3);
	for (unsigned k = 0; k < 3; k++)
		visit(&m, pc[k]);
	s = stats(&m);
	CHECK(s.cold == s0.cold); /* none interpreted any more */
	CHECK(m.h.x[5] == 3 * HOT + 1 && m.h.x[7] == 3 * HOT + 1);

	/* A fresh hart: a count that stops short of HOT (code that ran a
	 * few times, then no more) holds a way until it is stale; two pcs
	 * taking turns in the other way are translated after that. */
	jh_destroy(&m);
	tm_init(&m);
	for (unsigned k = 0; k < 4; k++)
		put_prog(&m, pc[k], 5 + k, 1);
	for (int r = 0; r < HOT - 1; r++)
		visit(&m, pc[3]);
	for (unsigned r = 0; r < JIT_COLD_IDLE / 2 + 4 * HOT; r++) {
		visit(&m, pc[0]);
		visit(&m, pc[1]);
	}
	s = stats(&m);
	CHECK(s.blocks == 2);
	CHECK(s.cold < JIT_COLD_IDLE + 8 * HOT);
	jh_destroy(&m);
}

int main(void)
{
	static struct jh m;
	uint64_t a = JH_RAM_BASE + 0x1000, b;
	struct jit_stats s0, s;

	if (jh_no_jit("test_jit_cache"))
		return 0;
	tm_init(&m);
	b = same_slot(&m, a);
	put_prog(&m, a, 5, 1);
	put_prog(&m, b, 6, 1);

	/* A becomes hot and is translated. */
	for (int k = 0; k < HOT; k++)
		visit(&m, a);
	s0 = stats(&m);
	CHECK(s0.blocks == 1);
	CHECK(s0.cold == HOT - 1);

	/* A cold pc sharing A's slot leaves A where it was. */
	visit(&m, b);
	visit(&m, a);
	s = stats(&m);
	CHECK(s.cold == s0.cold + 1); /* b's visit only */
	CHECK(s.hits == s0.hits + 1); /* a found at once */
	CHECK(s.refills == s0.refills);
	CHECK(jit_slot(m.h.jit, a)->pc == a);

	/* B becomes hot too: both stay translated, neither translated
	 * again however often they take turns. */
	for (int k = 0; k < HOT; k++)
		visit(&m, b);
	s0 = stats(&m);
	for (int k = 0; k < 10; k++) {
		visit(&m, a);
		visit(&m, b);
	}
	s = stats(&m);
	CHECK(s.cold == s0.cold); /* never interpreted again */
	CHECK(s.blocks == 2);
	CHECK(s.retrans == 0);
	CHECK(s.refills == 20);
	CHECK(m.h.x[5] == HOT + 1 + 10);
	CHECK(m.h.x[6] == 1 + HOT + 10);

	/* A rewritten and its page dropped (what a store there does) while
	 * its old block is the one in the slot: the new code runs,
	 * translated again once hot, never the old block. */
	visit(&m, a);
	put_prog(&m, a, 5, 2);
	code_cache_invalidate(&m.h, a & ~0xfffULL);
	m.h.x[5] = 0;
	for (int k = 0; k < HOT + 2; k++)
		visit(&m, a);
	s0 = stats(&m);
	CHECK(m.h.x[5] == 2 * (HOT + 2));
	CHECK(s0.blocks == 3);
	CHECK(s0.retrans == 1);

	/* fence.i: every block dropped; B's new code runs. */
	put_prog(&m, b, 6, 3);
	code_cache_flush(&m.h);
	m.h.x[6] = 0;
	for (int k = 0; k < HOT + 2; k++)
		visit(&m, b);
	s = stats(&m);
	CHECK(m.h.x[6] == 3 * (HOT + 2));
	CHECK(s.blocks == s0.blocks + 1);
	CHECK(s.retrans == s0.retrans); /* a flush starts the count again */
	CHECK(s.flushes == s0.flushes + 1);

	jh_destroy(&m);
	cold_turns();
	return check_done("test_jit_cache");
}
