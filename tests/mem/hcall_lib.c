/* Helpers of the memory-hypercall guest tests (hcall_lib.h). */
#include "hcall_lib.h"
#include "rt.h"

#define PTE_V 0x01ul
#define PTE_R 0x02ul
#define PTE_W 0x04ul
#define PTE_X 0x08ul
#define PTE_A 0x40ul
#define PTE_D 0x80ul
#define PTE_LEAF_RW (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D)

static uint64_t pt_root[512] __attribute__((aligned(4096)));
static uint64_t pt_l1[512] __attribute__((aligned(4096)));
static uint64_t pt_l0[512] __attribute__((aligned(4096)));
xen_pfn_t hc_ro_page[512] __attribute__((aligned(4096)));
static struct xen_memory_reservation res;
static uint16_t query_domid;
static unsigned checks, failed;

long hc_call(long nr, long a0, long a1, long *sbi_err)
{
	long ret = 0, err = rt_sbi(ATOLL_SBI_EXT, nr, a0, a1, 0, &ret);

	if (sbi_err)
		*sbi_err = err;
	else if (err)
		rt_printf("FAIL hypercall %ld: SBI error %ld\n", nr, err);
	return ret;
}

long hc_res(long cmd, uint64_t list, uint64_t nr, uint32_t order,
	    uint32_t flags, uint16_t domid)
{
	res.extent_start = list;
	res.nr_extents = nr;
	res.extent_order = order;
	res.mem_flags = flags;
	res.domid = domid;
	return hc_memory_op(cmd, (uint64_t)(uintptr_t)&res);
}

long hc_query(long cmd)
{
	query_domid = DOMID_SELF;
	return hc_memory_op(cmd, (uint64_t)(uintptr_t)&query_domid);
}

void hc_fill(xen_pfn_t *list, uint64_t n, uint64_t gfn, uint64_t stride)
{
	for (uint64_t i = 0; i < n; i++)
		list[i] = gfn + i * stride;
}

void hc_check(const char *what, long got, long want)
{
	checks++;
	if (got == want) {
		rt_printf("%s ok\n", what);
		return;
	}
	failed++;
	rt_printf("FAIL %s: got %ld, want %ld\n", what, got, want);
}

int hc_finish(const char *prog)
{
	rt_printf("%s: %u checks, %u failed\n", prog, checks, failed);
	return failed ? 1 : 0;
}

static uint64_t hc_pte(const void *pa, uint64_t flags)
{
	return ((uint64_t)(uintptr_t)pa >> 12) << 10 | flags;
}

void hc_paging_on(void)
{
	/* GiB 0 (devices) and GiB 2 (RAM) at their own addresses; GiB 1 not
	 * mapped; GiB 3 holds the read-only alias of hc_ro_page. */
	pt_root[0] = hc_pte(0, PTE_LEAF_RW);
	pt_root[2] = hc_pte((void *)0x80000000ul, PTE_LEAF_RW | PTE_X);
	pt_root[3] = hc_pte(pt_l1, PTE_V);
	pt_l1[0] = hc_pte(pt_l0, PTE_V);
	pt_l0[0] = hc_pte(hc_ro_page, PTE_V | PTE_R | PTE_A);
	__asm__ volatile("sfence.vma" ::: "memory");
	rt_csr_write(satp, (8ul << 60) | ((uintptr_t)pt_root >> 12));
	__asm__ volatile("sfence.vma" ::: "memory");
}
