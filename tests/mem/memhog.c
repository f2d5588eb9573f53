/* memhog: a working set that grows and shrinks in phases and checks that
 * every page it still owns kept its contents (populate on demand, swap out
 * and in, frames moving between domains must all be invisible to it).
 *
 *   cmdline: memhog mib=N phases=P seed=S [wait_ms=W] [hold_ms=H]
 *
 * Phase k owns the first n_k pages of its span, n_k cycling through 1/4,
 * 1/2, all and 1/2 of N MiB.  Each phase verifies what it owned (pattern of
 * phase k-1), writes pattern k over what it owns now, and verifies that.
 * A page's pattern depends on (gfn, seed, phase) and on each word's index.
 * The first phase also times the first touch of fresh pages and a second
 * touch of the same pages (10 MHz time CSR), for the benchmark.  wait_ms
 * spins that long first (so a test can start it after another domain);
 * hold_ms spins that long after "memhog: ok" (a domain that lives until a
 * test is done with it, whatever the engine's speed).  Exit 0 with
 * "memhog: ok", 1 on corruption (the page is printed), 2 on bad arguments. */
#include "lib_cmdline.h"
#include "rt.h"

#define WORDS_PER_PAGE (MEM_PAGE / 8)
#define GOLDEN 0x9e3779b97f4a7c15ull

struct hog {
	uint64_t lo; /* first page's address */
	uint64_t pages; /* N MiB in pages */
	uint64_t phases, seed, wait_ms, hold_ms;
};

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t page_base(const struct hog *h, uint64_t addr, uint64_t phase)
{
	return mix64((addr >> 12) ^ h->seed * GOLDEN ^ (phase + 1) << 52);
}

static uint64_t *page_at(const struct hog *h, uint64_t i)
{
	return (uint64_t *)(uintptr_t)(h->lo + i * MEM_PAGE);
}

static uint64_t phase_pages(const struct hog *h, uint64_t k)
{
	static const unsigned quarters[4] = { 1, 2, 4, 2 };
	uint64_t n = h->pages * quarters[k % 4] / 4;

	return n ? n : 1;
}

static void fill(const struct hog *h, uint64_t from, uint64_t to,
		 uint64_t phase)
{
	for (uint64_t i = from; i < to; i++) {
		volatile uint64_t *p = page_at(h, i);
		uint64_t v = page_base(h, (uint64_t)(uintptr_t)p, phase);

		for (unsigned w = 0; w < WORDS_PER_PAGE; w++, v += GOLDEN)
			p[w] = v;
	}
}

/* Check pages [0, n) against phase's pattern; exits 1 at the first bad
 * page, printing it. */
static void verify(const struct hog *h, uint64_t n, uint64_t phase)
{
	for (uint64_t i = 0; i < n; i++) {
		volatile uint64_t *p = page_at(h, i);
		uint64_t v = page_base(h, (uint64_t)(uintptr_t)p, phase);
		unsigned bad = 0, first = WORDS_PER_PAGE;

		for (unsigned w = 0; w < WORDS_PER_PAGE; w++, v += GOLDEN)
			if (p[w] != v && !bad++)
				first = w;
		if (!bad)
			continue;
		v = page_base(h, (uint64_t)(uintptr_t)p, phase) +
		    first * GOLDEN;
		rt_printf("memhog: CORRUPT page gfn %lx (phase %lu): %u bad "
			  "words, word %u is %lx, expected %lx\n",
			  (unsigned long)((uintptr_t)p >> 12),
			  (unsigned long)phase, bad, first,
			  (unsigned long)p[first], (unsigned long)v);
		rt_exit(1);
	}
}

/* One store per page on [from, to): ticks taken. */
static uint64_t touch(const struct hog *h, uint64_t from, uint64_t to)
{
	uint64_t t0 = wl_time();

	for (uint64_t i = from; i < to; i++)
		*(volatile uint64_t *)page_at(h, i) = i;
	return wl_time() - t0;
}

/* Phase 0's fresh pages: time a first touch and a second one. */
static void measure_first_touch(const struct hog *h, uint64_t n)
{
	uint64_t first = touch(h, 0, n);
	uint64_t again = touch(h, 0, n);

	rt_printf("BENCH name=firsttouch ticks=%lu pages=%lu "
		  "retouch_ticks=%lu check=ok\n",
		  (unsigned long)first, (unsigned long)n, (unsigned long)again);
	rt_printf("memhog: first touch %lu ns/page, second touch %lu "
		  "ns/page (%lu pages)\n",
		  (unsigned long)(first * 100 / n),
		  (unsigned long)(again * 100 / n), (unsigned long)n);
}

static int hog_setup(struct hog *h)
{
	struct boot_info bi;
	uint64_t mib;

	if (boot_info_read(rt_boot_dtb, &bi) < 0) {
		rt_printf("memhog: no usable device tree at %lx\n",
			  (unsigned long)rt_boot_dtb);
		return -1;
	}
	if (cmdline_get_u64(bi.cmdline, "mib", 16, &mib) < 0 ||
	    cmdline_get_u64(bi.cmdline, "phases", 4, &h->phases) < 0 ||
	    cmdline_get_u64(bi.cmdline, "seed", 1, &h->seed) < 0 ||
	    cmdline_get_u64(bi.cmdline, "wait_ms", 0, &h->wait_ms) < 0 ||
	    cmdline_get_u64(bi.cmdline, "hold_ms", 0, &h->hold_ms) < 0 ||
	    !mib || !h->phases || h->phases > 1000) {
		rt_printf("memhog: bad command line '%s' (want mib=N "
			  "phases=P seed=S)\n",
			  bi.cmdline);
		return -1;
	}
	h->lo = bi.free_lo;
	h->pages = mib * 256;
	if (mib > (bi.free_hi - bi.free_lo) / MEM_PAGE / 256) {
		rt_printf("memhog: mib=%lu does not fit: %lu KiB free at %lx\n",
			  (unsigned long)mib,
			  (unsigned long)((bi.free_hi - bi.free_lo) >> 10),
			  (unsigned long)bi.free_lo);
		return -1;
	}
	rt_printf("memhog: %lu MiB at %lx, %lu phases, seed %lu (RAM %lu "
		  "MiB)\n",
		  (unsigned long)mib, (unsigned long)h->lo,
		  (unsigned long)h->phases, (unsigned long)h->seed,
		  (unsigned long)(bi.ram_size >> 20));
	return 0;
}

int main(void)
{
	struct hog h;
	uint64_t owned = 0;

	if (hog_setup(&h) < 0)
		return 2;
	for (uint64_t end = wl_time() + h.wait_ms * 10000; wl_time() < end;)
		;
	for (uint64_t k = 0; k < h.phases; k++) {
		uint64_t n = phase_pages(&h, k), t0;

		if (k == 0)
			measure_first_touch(&h, n);
		t0 = wl_time();
		if (k > 0)
			verify(&h, owned, k - 1);
		fill(&h, 0, n, k);
		verify(&h, n, k);
		owned = n;
		rt_printf("memhog: phase %lu/%lu: %lu pages ok (%lu ms)\n",
			  (unsigned long)(k + 1), (unsigned long)h.phases,
			  (unsigned long)n,
			  (unsigned long)((wl_time() - t0) / 10000));
	}
	rt_puts("memhog: ok\n");
	for (uint64_t end = wl_time() + h.hold_ms * 10000; wl_time() < end;)
		;
	return 0;
}
