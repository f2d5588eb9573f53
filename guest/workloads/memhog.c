/* memhog: a working set that grows to `mib` MiB and shrinks to a quarter
 * of it, `phases` times, through the kernel's page allocator; every page
 * holds a pattern of (seed, page, generation) that is checked before the
 * page is freed and at the end of every phase.  `wait_ms` pauses between
 * phases (the balloon works meanwhile); with `step=1` it waits instead,
 * after every phase (the last too), for a line on the PV console ("next";
 * "end" skips the phases left), at most `ticks` ticks (default 60000): a
 * test then moves it on when what it checks has happened, not after a
 * time; `hold=1` waits so after the last phase only.  Running out of memory when atoll
 * refuses more is not a failure: memhog degrades (holds fewer pages);
 * wrong data is.
 *
 * With `active=PCT` it has a known working set instead (the sampled
 * working-set test, docs/working-set.md): it fills `mib` MiB once, then
 * for `hot_ms` milliseconds (with `step=1`: until a line comes on the PV
 * console, at most that long) reads one word of every page whose index
 * modulo 100 is below PCT, over and over, and never touches the others;
 * then it checks every page and frees them (`delay_ms`: sleep first). */
#include <string.h>

#include "kernel.h"

#define MEMHOG_MAX_PAGES 65536 /* 256 MiB */
#define WORDS (PAGE_SIZE / 8)

static uint64_t *pages[MEMHOG_MAX_PAGES];
static uint32_t gens[MEMHOG_MAX_PAGES];
static uint64_t seed, held, bad, degraded;

static uint64_t memhog_word(uint64_t i, uint64_t j, uint32_t gen)
{
	uint64_t x = seed ^ (i << 32) ^ (j << 12) ^ gen;

	x ^= x >> 31;
	x *= 0x9e3779b97f4a7c15ull;
	return x ^ x >> 29;
}

static void memhog_fill(uint64_t i)
{
	for (uint64_t j = 0; j < WORDS; j++)
		pages[i][j] = memhog_word(i, j, gens[i]);
}

/* Check page i; counts and reports (once per page) a mismatch. */
static void memhog_check(uint64_t i)
{
	for (uint64_t j = 0; j < WORDS; j++) {
		if (pages[i][j] != memhog_word(i, j, gens[i])) {
			if (bad++ < 8)
				printf("memhog: FAIL page %lu (%p) word %lu: "
				       "%#lx\n",
				       (unsigned long)i, (void *)pages[i],
				       (unsigned long)j,
				       (unsigned long)pages[i][j]);
			return;
		}
	}
}

/* Grow or shrink to goal pages; returns the pages held. */
static uint64_t memhog_resize(uint64_t goal)
{
	while (held > goal) {
		held--;
		memhog_check(held);
		page_free(pages[held]);
		pages[held] = NULL;
	}
	while (held < goal) {
		uint64_t *p = page_alloc_wait();

		if (!p) {
			degraded++;
			printf("memhog: degraded: holding %lu of %lu pages\n",
			       (unsigned long)held, (unsigned long)goal);
			break;
		}
		pages[held] = p;
		gens[held]++;
		memhog_fill(held);
		held++;
	}
	return held;
}

/* One read of every hot page held: PCT % of them, spread over all. */
static uint64_t memhog_hot_pass(long pct)
{
	uint64_t sum = 0;

	for (uint64_t i = 0; i < held; i++)
		if ((long)(i % 100) < pct)
			sum += *(volatile uint64_t *)pages[i];
	return sum;
}

/* A line has come on the PV console (read and dropped; no wait). */
static int memhog_told(void)
{
	int ch;

	while ((ch = consfront_getc()) >= 0)
		if (ch == '\n')
			return 1;
	return 0;
}

/* The known working set.  It grows 1 MiB at a time with a hot pass after
 * each step, as a program that uses what it holds (a growing domain is
 * busy, not idle), until it holds `mib` MiB or atoll refuses more. */
static int memhog_active(long mib, long pct, long hot_ms, long step)
{
	uint64_t end, hot = 0, passes = 0, sum = 0, goal = 0;
	long delay_ms = cmdline_long("delay_ms", 0);

	if (delay_ms > 0)
		thread_sleep((uint64_t)delay_ms * TICK_HZ / 1000 + 1);
	while (goal < (uint64_t)mib * 256 && held == goal) {
		goal += 256;
		memhog_resize(goal);
		sum += memhog_hot_pass(pct);
	}
	for (uint64_t i = 0; i < held; i++)
		hot += (long)(i % 100) < pct;
	printf("memhog: steady: %lu of %lu pages hot (%ld %%)\n",
	       (unsigned long)hot, (unsigned long)held, pct);
	/* step=1: hot until a console line says stop (hot_ms bounds it). */
	end = timer_now_us() + (uint64_t)hot_ms * 1000;
	while (timer_now_us() < end && !(step && memhog_told())) {
		sum += memhog_hot_pass(pct);
		passes++;
	}
	for (uint64_t i = 0; i < held; i++)
		memhog_check(i);
	printf("memhog: %lu passes over the hot pages (sum %lx)\n",
	       (unsigned long)passes, (unsigned long)sum);
	memhog_resize(0);
	if (bad) {
		printf("memhog: FAIL %lu corrupted pages\n",
		       (unsigned long)bad);
		return 1;
	}
	printf("memhog: ok\n");
	return 0;
}

int wl_memhog(void)
{
	long mib = cmdline_long("mib", 16), phases = cmdline_long("phases", 4);
	long wait_ms = cmdline_long("wait_ms", 0);
	long step = cmdline_long("step", 0), left = cmdline_long("ticks", 60000);
	long hold = cmdline_long("hold", 0);
	uint64_t max, t0 = timer_now_us(), i0, i1;
	char line[16] = "";

	long active = cmdline_long("active", 0);

	seed = (uint64_t)cmdline_long("seed", 1);
	if (active > 0 && active <= 100 && mib >= 1 && mib <= 256)
		return memhog_active(mib, active,
				     cmdline_long("hot_ms", 10000),
				     cmdline_long("step", 0));
	if (mib < 1 || mib > 256 || phases < 1 || phases > 1000 ||
	    wait_ms < 0) {
		printf("memhog: bad parameters, using mib=16 phases=4\n");
		mib = 16;
		phases = 4;
		wait_ms = 0;
	}
	max = (uint64_t)mib * 256;
	/* Instructions retired over the phases (this hart's, interrupts
	 * and other threads included): bench/policy.sh compares them. */
	__asm__ volatile("rdinstret %0" : "=r"(i0));
	for (long ph = 0; ph < phases; ph++) {
		uint64_t goal = ph % 2 ? max / 4 : max;

		memhog_resize(goal);
		/* Rewrite every other page: the working set is live. */
		for (uint64_t i = 0; i < held; i += 2) {
			memhog_check(i);
			gens[i]++;
			memhog_fill(i);
		}
		for (uint64_t i = 0; i < held; i++)
			memhog_check(i);
		printf("memhog: phase %ld: %lu pages held, %lu free, "
		       "balloon %lu\n",
		       ph, (unsigned long)held,
		       (unsigned long)page_free_count(),
		       (unsigned long)balloon_size());
		if ((step || (hold && ph == phases - 1)) &&
		    consfront_getline(line, sizeof(line), &left)) {
			printf("memhog: FAIL no 'next' within the ticks\n");
			return 1;
		}
		if (step && !strcmp(line, "end"))
			break;
		if (!step && wait_ms)
			thread_sleep((uint64_t)wait_ms * TICK_HZ / 1000 + 1);
	}
	memhog_resize(0);
	__asm__ volatile("rdinstret %0" : "=r"(i1));
	printf("memhog: %ld phases in %lu ms, %lu degraded allocations, "
	       "%lu instructions\n",
	       phases, (unsigned long)((timer_now_us() - t0) / 1000),
	       (unsigned long)degraded, (unsigned long)(i1 - i0));
	if (bad) {
		printf("memhog: FAIL %lu corrupted pages\n",
		       (unsigned long)bad);
		return 1;
	}
	printf("memhog: ok\n");
	return 0;
}
