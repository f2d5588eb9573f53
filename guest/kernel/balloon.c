/* The balloon driver: a thread that follows the target atoll sets for the
 * domain.  Balloon size wanted = maxmem - target.  Inflating takes pages
 * from the allocator (never below a floor of free pages) and gives their
 * gfns back (decrease_reservation); deflating takes gfns again
 * (populate_physmap) and frees the pages.  When the allocator runs low it
 * asks atoll for more (ATOLL_MEM_request_more); a refusal makes waiting
 * allocations give up (the workload degrades).  Free memory and pressure
 * go to atoll with ATOLL_MEM_report. */
#include <string.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/memory.h"
#include "kernel.h"

#define BALLOON_BATCH 512 /* frames per call, as Xen's balloon */
#define BALLOON_MAX_PAGES (1ul << 20)
#define BALLOON_POLL_TICKS 5
#define BALLOON_ASK 512 /* frames first asked for under pressure */
#define BALLOON_STEP_BATCHES 16 /* batches moved per round (32 MiB) */

static uint64_t ballooned[BALLOON_MAX_PAGES / 64]; /* 1 = given back */
static xen_pfn_t batch[BALLOON_BATCH];
static uint64_t nballoon, maxmem, floor_pages, last_fails;
static volatile int stop, kicked;
static struct thread *thr;
static int warned_max, refused;
static uint64_t ask = BALLOON_ASK; /* doubles while pressure lasts */

static long memop(long op, void *arg)
{
	return hypercall(__HYPERVISOR_memory_op, op, (long)(uintptr_t)arg);
}

/* A reservation call on batch[off..off+n). */
static long balloon_resv(long op, uint64_t n, uint64_t off)
{
	struct xen_memory_reservation r = {
		.extent_start = (uintptr_t)(batch + off),
		.nr_extents = n,
		.domid = DOMID_SELF,
	};
	return memop(op, &r);
}

static long balloon_query(long op)
{
	domid_t self = DOMID_SELF;

	return memop(op, &self);
}

/* A count of extents done as atoll answered it, no more than asked: a
 * larger answer is logged and not believed. */
static uint64_t balloon_clamp(long done, uint64_t asked)
{
	if ((uint64_t)done <= asked)
		return (uint64_t)done;
	printf("balloon: atoll says %ld extents done of %lu asked; "
	       "taking %lu\n",
	       done, (unsigned long)asked, (unsigned long)asked);
	return asked;
}

/* Frames the domain may still populate before reaching its target. */
static uint64_t balloon_headroom(void)
{
	long target = balloon_query(ATOLL_MEM_get_target);
	long held = balloon_query(XENMEM_current_reservation);

	return target > held && held >= 0 ? (uint64_t)(target - held) : 0;
}

/* Give batch[0..n) back.  Only held gfns can be given back, so a gfn
 * never touched stops the call: within the headroom (frames the domain may
 * still populate) touch a run of them and go on; without headroom, move
 * the gfn past the ones to give.  Returns how many were given back, a
 * prefix of batch (a permutation of what it was). */
static uint64_t balloon_give(uint64_t n)
{
	uint64_t off = 0, touched_to = 0;

	while (off < n) {
		long r =
			balloon_resv(XENMEM_decrease_reservation, n - off, off);
		uint64_t room;

		if (r > 0) {
			off += balloon_clamp(r, n - off);
			continue;
		}
		if (touched_to > off) {
			printf("balloon: gfn %#lx refused: %ld\n",
			       (unsigned long)batch[off], r);
			break;
		}
		room = balloon_headroom();
		if (!room) {
			/* Touching it would take the domain above its
			 * target (atoll would swap for it): leave this
			 * page to the allocator, after the prefix. */
			xen_pfn_t t = batch[off];

			batch[off] = batch[--n];
			batch[n] = t;
			continue;
		}
		room = room > n - off ? n - off : room;
		for (uint64_t k = off; k < off + room; k++)
			*(volatile uint64_t *)(uintptr_t)(batch[k]
							  << PAGE_SHIFT) = 0;
		touched_to = off + room;
	}
	return off;
}

/* Give up to n pages back; the number given. */
static uint64_t balloon_inflate(uint64_t n)
{
	uint64_t got = 0, done, base = page_base_gfn();

	for (; got < n; got++) {
		void *p = page_alloc();

		if (!p)
			break;
		batch[got] = (uintptr_t)p >> PAGE_SHIFT;
	}
	done = balloon_give(got);
	for (uint64_t i = 0; i < got; i++) {
		uint64_t k = batch[i] - base;

		if (i < done)
			ballooned[k / 64] |= 1ul << (k % 64);
		else
			page_free((void *)(uintptr_t)(batch[i] << PAGE_SHIFT));
	}
	nballoon += done;
	return done;
}

/* Take up to n ballooned pages again; the number taken. */
static uint64_t balloon_deflate(uint64_t n)
{
	uint64_t got = 0, base = page_base_gfn();
	long done;

	for (uint64_t w = 0; w < BALLOON_MAX_PAGES / 64 && got < n; w++) {
		for (uint64_t bits = ballooned[w]; bits && got < n;
		     bits &= bits - 1)
			batch[got++] =
				base + w * 64 + (uint64_t)__builtin_ctzl(bits);
	}
	done = got ? balloon_resv(XENMEM_populate_physmap, got, 0) : 0;
	done = done > 0 ? (long)balloon_clamp(done, got) : 0;
	for (long i = 0; i < done; i++) {
		uint64_t k = batch[i] - base;

		ballooned[k / 64] &= ~(1ul << (k % 64));
		page_free((void *)(uintptr_t)(batch[i] << PAGE_SHIFT));
	}
	nballoon -= (uint64_t)done;
	return (uint64_t)done;
}

/* Pressure 0..100: allocations failed since last time, or free pages
 * below the floor. */
static uint32_t balloon_pressure(void)
{
	uint64_t fails = page_fail_count(), free = page_free_count();
	uint32_t p = 0;

	if (fails != last_fails)
		p = 100;
	else if (free < floor_pages)
		p = (uint32_t)((floor_pages - free) * 100 / floor_pages);
	last_fails = fails;
	return p;
}

/* Under pressure: ask atoll for more; its answer raises the target.  The
 * amount asked doubles while the pressure lasts (a large working set is
 * served in a few rounds), never more than the balloon holds. */
static void balloon_ask(uint32_t pressure)
{
	struct atoll_mem_request rq = { .nr_frames = ask < nballoon
							     ? ask
							     : nballoon };
	long r = memop(ATOLL_MEM_request_more, &rq);

	if (r > 0) {
		if (!refused && ask == BALLOON_ASK)
			printf("balloon: pressure %u: atoll granted %ld "
			       "frames\n",
			       pressure, r);
		refused = 0;
		ask = ask < BALLOON_MAX_PAGES / 2 ? ask * 2 : ask;
		return;
	}
	ask = BALLOON_ASK;
	if (!refused++)
		printf("balloon: pressure %u: atoll refused more (%ld); "
		       "allocations will wait, then fail\n",
		       pressure, r);
}

/* The balloon size atoll wants for `target` frames: maxmem - target
 * (target clamped to maxmem, with one log line). */
static uint64_t balloon_want(long target)
{
	if (target < 0)
		return 0;
	if ((uint64_t)target > maxmem) {
		if (!warned_max++)
			printf("balloon: target %ld frames > maxmem %lu, "
			       "using maxmem\n",
			       target, (unsigned long)maxmem);
		target = (long)maxmem;
	}
	return maxmem - (uint64_t)target;
}

long balloon_plan(long target, uint64_t free, uint32_t pressure)
{
	uint64_t want = balloon_want(target), n;

	if (nballoon > want)
		return -(long)(nballoon - want);
	if (pressure || nballoon == want || free <= floor_pages)
		return 0;
	n = want - nballoon;
	return (long)(n < free - floor_pages ? n : free - floor_pages);
}

/* Move n pages with fn, a batch at a time, at most BALLOON_STEP_BATCHES
 * batches (then report and look at the target again); pages moved. */
static uint64_t balloon_move(uint64_t (*fn)(uint64_t), uint64_t n)
{
	uint64_t moved = 0;

	for (int b = 0; b < BALLOON_STEP_BATCHES && moved < n; b++) {
		uint64_t left = n - moved;
		uint64_t got = fn(left < BALLOON_BATCH ? left : BALLOON_BATCH);

		moved += got;
		if (got < (left < BALLOON_BATCH ? left : BALLOON_BATCH))
			break;
	}
	return moved;
}

/* One round: under pressure ask for more, then move toward the target
 * by one batch (never inflating under pressure), then report. */
static int balloon_step(void)
{
	struct atoll_mem_report rep = { 0 };
	uint64_t moved = 0, free = page_free_count();
	uint32_t pressure = balloon_pressure();
	long target, n;

	if (pressure && nballoon)
		balloon_ask(pressure);
	else if (!pressure)
		ask = BALLOON_ASK;
	target = balloon_query(ATOLL_MEM_get_target);
	if (target < 0)
		return 0;
	n = balloon_plan(target, free, pressure);
	if (n < 0)
		moved = balloon_move(balloon_deflate, (uint64_t)-n);
	else if (n > 0)
		moved = balloon_move(balloon_inflate, (uint64_t)n);
	rep.free_frames = page_free_count();
	rep.pressure = pressure;
	memop(ATOLL_MEM_report, &rep);
	return moved != 0;
}

static void balloon_thread(void *arg)
{
	uint64_t shown = ~0ul;

	(void)arg;
	while (!stop) {
		int busy = balloon_step();

		if (nballoon != shown && !busy) {
			printf("balloon: %lu frames given back, %lu free\n",
			       (unsigned long)nballoon,
			       (unsigned long)page_free_count());
			shown = nballoon;
		}
		if (!busy && !kicked)
			thread_sleep(BALLOON_POLL_TICKS);
		else
			thread_sleep(0);
		kicked = 0;
	}
}

void balloon_start(void)
{
	long mx = balloon_query(XENMEM_maximum_reservation);

	/* Touch the bitmap now: its pages written later, when the domain
	 * may be above its target, would be paid for by swapping. */
	for (uint64_t i = 0; i < BALLOON_MAX_PAGES / 64; i += 512)
		((volatile uint64_t *)ballooned)[i] = 0;
	maxmem = page_total();
	if (mx > 0 && (uint64_t)mx < maxmem)
		maxmem = (uint64_t)mx;
	floor_pages = page_total() / 32 > 256 ? page_total() / 32 : 256;
	last_fails = page_fail_count();
	/* Reach the first target before any workload allocates: pages
	 * above it may not be touched (the domain could go over its
	 * limit). */
	while (balloon_step())
		;
	printf("balloon: started, maxmem %lu frames, %lu given back, "
	       "%lu free\n",
	       (unsigned long)maxmem, (unsigned long)nballoon,
	       (unsigned long)page_free_count());
	thr = thread_create("balloon", balloon_thread, NULL);
	if (!thr)
		printf("balloon: no thread slot, not started\n");
}

void balloon_stop(void)
{
	if (!thr)
		return;
	stop = 1;
	thread_join(thr);
	thr = NULL;
}

/* An allocation failed: run a round now rather than at the next poll. */
void balloon_kick(void)
{
	kicked = 1;
	if (thr)
		thread_wake(thr);
}

uint64_t balloon_size(void)
{
	return nballoon;
}
