/* tlbmiss: the cost of a guest TLB miss under Sv39 with 4 KiB pages.
 *
 * A 64 MiB region (16384 pages) is mapped page by page; S-mode code then
 * loads one doubleword per page, striding an odd number of pages through
 * the region, so consecutive accesses hit different TLB indices and a page
 * comes back only after all 16384 others: every access misses in any
 * direct-mapped or LRU TLB smaller than the region (atoll's and QEMU's
 * included).  A control run of the same loop stays on one page.  The
 * difference in time per access is the miss cost: page walk plus refill,
 * including the host cache misses a real walk incurs. */
#include "bench.h"

#define PAGE 4096ULL
#define NPAGES 16384ULL /* 64 MiB */
#define REGION_VA 0x100000000ULL /* root index 4, nothing else there */
/* Frames 32-96 MiB into RAM: past the image, below the device tree that
 * QEMU and atoll put near the top of their default 128 MiB. */
#define REGION_PA 0x82000000ULL
#ifndef STRIDE_PAGES
#define STRIDE_PAGES 521ULL /* odd: visits every page once a pass */
#endif
#ifndef TLB_ACCESSES
#define TLB_ACCESSES (NPAGES * 256)
#endif

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)
#define SATP_SV39 (8ULL << 60)

typedef uint64_t pte_t;

static pte_t pt_root[512] __attribute__((aligned(4096)));
static pte_t pt_mid[512] __attribute__((aligned(4096)));
static pte_t pt_leaf[NPAGES] __attribute__((aligned(4096)));

extern uint64_t smode_cause;
uint64_t tlb_touch(uint64_t base, uint64_t count, uint64_t stride,
		   uint64_t mask);
uint64_t smode_call(void *fn, uint64_t a, uint64_t b, uint64_t c, uint64_t d);

static pte_t pte_make(uint64_t pa, uint64_t flags)
{
	return (pa >> 12) << 10 | flags;
}

/* Identity gigapages for devices and RAM (code, stack, UART, CLINT stay
 * reachable), and the region with 4 KiB pages.  Virtual page i maps to
 * physical frame NPAGES-1-i, whose first doubleword holds i + 1, so the
 * loop's sum shows that the translation really happened. */
static void map_region(void)
{
	uint64_t i;

	pt_root[0] = pte_make(0, PTE_LEAF | PTE_X);
	pt_root[2] = pte_make(0x80000000ULL, PTE_LEAF | PTE_X);
	pt_root[REGION_VA >> 30] = pte_make((uintptr_t)pt_mid, PTE_V);
	for (i = 0; i < NPAGES / 512; i++)
		pt_mid[i] = pte_make((uintptr_t)&pt_leaf[i * 512], PTE_V);
	for (i = 0; i < NPAGES; i++) {
		uint64_t pa = REGION_PA + (NPAGES - 1 - i) * PAGE;
		pt_leaf[i] = pte_make(pa, PTE_LEAF);
		*(volatile uint64_t *)pa = i + 1;
	}
}

/* S-mode may touch all of memory (PMP entry 0 = everything, RWX), then
 * switch on Sv39 with the new tables. */
static void enable_sv39(void)
{
	rt_csr_write(pmpaddr0, ~0ULL >> 10);
	rt_csr_write(pmpcfg0, 0x1f);
	rt_csr_write(satp, SATP_SV39 | (uintptr_t)pt_root >> 12);
	__asm__ volatile("sfence.vma" ::: "memory");
}

/* Time `count` accesses in S-mode; returns 1 if the sum is as expected. */
static int run_touch(const char *name, uint64_t stride, uint64_t mask,
		     uint64_t expect)
{
	struct bench_mark a = bench_now();
	uint64_t sum = smode_call((void *)tlb_touch, REGION_VA, TLB_ACCESSES,
				  stride, mask);
	struct bench_mark b = bench_now();
	int ok = smode_cause == 9 && sum == expect;

	bench_line(name, a, b, ok);
	rt_printf(" accesses=%lu pages=%lu", (unsigned long)TLB_ACCESSES,
		  (unsigned long)((mask + 1) / PAGE));
	if (smode_cause != 9)
		rt_printf(" mcause=%lu", (unsigned long)smode_cause);
	rt_printf("\n");
	return ok;
}

int main(void)
{
	uint64_t passes __attribute__((unused)) = TLB_ACCESSES / NPAGES;
	int ok;

	map_region();
	enable_sv39();
	ok = 1;
	/* Whole passes: each page's value i + 1 is summed once a pass.
	 * TLB_NO_MISS and TLB_NO_CONTROL build one loop alone: the CPU-time
	 * measurement of bench/run.sh takes the difference of two runs. */
#ifndef TLB_NO_MISS
	ok = run_touch("tlbmiss", STRIDE_PAGES * PAGE, NPAGES * PAGE - 1,
		       passes * (NPAGES * (NPAGES + 1) / 2));
#endif
#ifndef TLB_NO_CONTROL
	ok &= run_touch("tlbhit", STRIDE_PAGES * PAGE, PAGE - 1,
			TLB_ACCESSES * 1);
#endif
	return ok ? 0 : 1;
}
