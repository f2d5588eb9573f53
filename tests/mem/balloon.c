/* Ballooning from inside a guest: batches of 512 and 4096 extents, order-9
 * extents, current_reservation following every step, and the isolation
 * promise for one domain: a page given back and taken again reads zeros
 * (its frame was scrubbed), never what the guest wrote before.  Runs on
 * atoll only; needs at least 64 MiB of guest RAM. */
#include "hcall_lib.h"
#include "rt.h"

/* Test gfns: 32 MiB into RAM, far from this image and the device tree. */
#define T_GFN (HC_RAM_GFN + 0x2000)
#define T_ORDER9_GFN (HC_RAM_GFN + 0x3000) /* 2 MiB aligned */

static xen_pfn_t list[4096];

static long held(void)
{
	return hc_query(XENMEM_current_reservation);
}

/* Populate then decrease n extents of 2^order frames from gfn. */
static void batch(const char *name, long cmd, uint64_t n, unsigned order,
		  uint64_t gfn)
{
	long before = held(), frames = (long)(n << order);

	rt_printf("-- %s: %lu extents of order %u\n", name, (unsigned long)n,
		  order);
	uint64_t t0, t1, t2;
	long pop, dec;

	hc_fill(list, n, gfn, 1ul << order);
	t0 = rt_mtime();
	pop = hc_res(cmd, (uintptr_t)list, n, order, 0, DOMID_SELF);
	t1 = rt_mtime();
	hc_check("  populate", pop, (long)n);
	hc_check("  current_reservation grew", held(), before + frames);
	t2 = rt_mtime();
	dec = hc_res(XENMEM_decrease_reservation, (uintptr_t)list, n, order, 0,
		     DOMID_SELF);
	hc_check("  decrease", dec, (long)n);
	hc_check("  current_reservation back", held(), before);
	/* mtime counts 10 MHz ticks: 100 ns each. */
	rt_printf("  %ld frames: populate %lu us, decrease %lu us\n", frames,
		  (unsigned long)(t1 - t0) / 10,
		  (unsigned long)(rt_mtime() - t2) / 10);
}

/* Write a pattern to a page, balloon it out, take it back: zeros. */
static void scrub(uint64_t gfn)
{
	volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(gfn << 12);
	long before;
	uint64_t nonzero = 0;

	for (unsigned i = 0; i < 512; i++)
		p[i] = 0x5ca1ab1e00000000ul | i;
	before = held();
	list[0] = gfn;
	hc_check("scrub: decrease the written page",
		 hc_res(XENMEM_decrease_reservation, (uintptr_t)list, 1, 0, 0,
			DOMID_SELF),
		 1);
	hc_check("scrub: one frame fewer", held(), before - 1);
	hc_check("scrub: populate it again",
		 hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 0, 0,
			DOMID_SELF),
		 1);
	hc_check("scrub: held as before", held(), before);
	for (unsigned i = 0; i < 512; i++)
		nonzero += p[i] != 0;
	hc_check("scrub: repopulated page reads zeros", (long)nonzero, 0);
}

int main(void)
{
	long max = hc_query(XENMEM_maximum_reservation);

	rt_printf("maximum_reservation %ld frames, current %ld\n", max, held());
	if (max < 16384) {
		hc_check("guest RAM of 64 MiB or more", max, 16384);
		return hc_finish("mem-balloon");
	}
	batch("populate_physmap", XENMEM_populate_physmap, 512, 0, T_GFN);
	batch("increase_reservation", XENMEM_increase_reservation, 512, 0,
	      T_GFN);
	batch("populate_physmap", XENMEM_populate_physmap, 4096, 0, T_GFN);
	batch("populate_physmap", XENMEM_populate_physmap, 4, 9, T_ORDER9_GFN);
	batch("increase_reservation", XENMEM_increase_reservation, 1, 9,
	      T_ORDER9_GFN);
	scrub(T_GFN + 5);
	scrub(T_ORDER9_GFN + 700);
	return hc_finish("mem-balloon");
}
