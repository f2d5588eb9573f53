/* memory_op from inside a guest: the calling convention, every bad input
 * (each must give Xen's error with nothing done, and leave
 * current_reservation where it was), short counts that stop at the failing
 * extent, and atoll's own operations.  Runs on atoll only (QEMU has no
 * atoll hypercalls); needs at least 64 MiB of guest RAM. */
#include "hcall_lib.h"
#include "lib_cmdline.h"
#include "rt.h"

#define EPERM 1
#define ESRCH 3
#define EFAULT 14
#define ENOMEM 12
#define EINVAL 22
#define ENOSYS 38

/* Test gfns: 32 MiB into RAM, far from this image and the device tree. */
#define T_GFN (HC_RAM_GFN + 0x2000)

static xen_pfn_t list[8];

static void test_convention(void)
{
	long err, v;

	v = hc_call(__HYPERVISOR_memory_op, 0x3f, 0, &err);
	hc_check("unknown memory_op -> -ENOSYS", v, -ENOSYS);
	hc_check("memory_op SBI error 0", err, 0);
	hc_check("console_io -> -ENOSYS",
		 hc_call(__HYPERVISOR_console_io, 0, 0, &err), -ENOSYS);
	hc_check("grant_table_op -> -ENOSYS",
		 hc_call(__HYPERVISOR_grant_table_op, 0, 0, &err), -ENOSYS);
	hc_check("sched_op -> -ENOSYS",
		 hc_call(__HYPERVISOR_sched_op, 0, 0, &err), -ENOSYS);
	hc_check("unknown event_channel_op -> -ENOSYS",
		 hc_call(__HYPERVISOR_event_channel_op, 77, 0, &err), -ENOSYS);
	hc_call(99, 0, 0, &err);
	hc_check("unknown hypercall -> SBI_ERR_NOT_SUPPORTED", err, -2);
	hc_check("probe_extension(ATOLL_SBI_EXT)",
		 rt_sbi(0x10, 3, ATOLL_SBI_EXT, 0, 0, &v) == 0 ? v : -1, 1);
}

/* Every call here must fail with `want` and change nothing. */
static void bad(const char *what, long got, long want, long held)
{
	hc_check(what, got, want);
	if (hc_query(XENMEM_current_reservation) != held)
		hc_check("  current_reservation unchanged",
			 hc_query(XENMEM_current_reservation), held);
}

static void test_bad_input(long max)
{
	long held = hc_query(XENMEM_current_reservation);
	uint16_t domid_ro_va = 0;
	long r;

	hc_fill(list, 1, T_GFN, 1);
	bad("gfn past the end of RAM -> -EINVAL",
	    (hc_fill(list, 1, HC_RAM_GFN + max, 1),
	     hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 0, 0,
		    DOMID_SELF)),
	    -EINVAL, held);
	bad("gfn below RAM -> -EINVAL",
	    (hc_fill(list, 1, HC_RAM_GFN - 1, 1),
	     hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 0, 0,
		    DOMID_SELF)),
	    -EINVAL, held);
	bad("decrease of a gfn past the end -> -EINVAL",
	    (hc_fill(list, 1, HC_RAM_GFN + max + 512, 1),
	     hc_res(XENMEM_decrease_reservation, (uintptr_t)list, 1, 0, 0,
		    DOMID_SELF)),
	    -EINVAL, held);
	hc_fill(list, 1, T_GFN, 1);
	bad("nr_extents 2^40 -> -EINVAL",
	    hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1ul << 40, 0, 0,
		   DOMID_SELF),
	    -EINVAL, held);
	bad("order above ATOLL_MEMOP_MAX_ORDER -> -EINVAL",
	    hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1,
		   ATOLL_MEMOP_MAX_ORDER + 1, 0, DOMID_SELF),
	    -EINVAL, held);
	bad("unaligned order-9 extent -> -EINVAL",
	    (hc_fill(list, 1, T_GFN + 1, 1),
	     hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 9, 0,
		    DOMID_SELF)),
	    -EINVAL, held);
	hc_fill(list, 1, T_GFN, 1);
	bad("mem_flags != 0 -> -EINVAL",
	    hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 0, 4,
		   DOMID_SELF),
	    -EINVAL, held);
	bad("domid of no domain -> -ESRCH",
	    hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 0, 0, 0x7000),
	    -ESRCH, held);
	bad("extent_start NULL -> -EFAULT",
	    hc_res(XENMEM_populate_physmap, 0, 1, 0, 0, DOMID_SELF), -EFAULT,
	    held);
	bad("extent_start unmapped -> -EFAULT",
	    hc_res(XENMEM_populate_physmap, HC_UNMAPPED_VA, 1, 0, 0,
		   DOMID_SELF),
	    -EFAULT, held);
	bad("extent_start at MMIO -> -EFAULT",
	    hc_res(XENMEM_populate_physmap, HC_MMIO_VA, 1, 0, 0, DOMID_SELF),
	    -EFAULT, held);
	hc_fill(hc_ro_page, 4, T_GFN, 1);
	bad("increase_reservation, read-only list -> -EFAULT",
	    hc_res(XENMEM_increase_reservation, HC_RO_VA, 4, 0, 0, DOMID_SELF),
	    -EFAULT, held);
	bad("reservation struct NULL -> -EFAULT",
	    hc_memory_op(XENMEM_populate_physmap, 0), -EFAULT, held);
	bad("reservation struct unmapped -> -EFAULT",
	    hc_memory_op(XENMEM_decrease_reservation, HC_UNMAPPED_VA), -EFAULT,
	    held);
	bad("current_reservation, domid NULL -> -EFAULT",
	    hc_memory_op(XENMEM_current_reservation, 0), -EFAULT, held);
	bad("maximum_reservation, domid at MMIO -> -EFAULT",
	    hc_memory_op(XENMEM_maximum_reservation, HC_MMIO_VA), -EFAULT,
	    held);
	domid_ro_va = 0x7000;
	bad("current_reservation of no domain -> -ESRCH",
	    hc_memory_op(XENMEM_current_reservation, (uintptr_t)&domid_ro_va),
	    -ESRCH, held);
	/* The same read-only list is fine for an operation that only reads
	 * it. */
	r = hc_res(XENMEM_populate_physmap, HC_RO_VA, 4, 0, 0, DOMID_SELF);
	hc_check("populate_physmap, read-only list", r, 4);
	hc_check("decrease_reservation, read-only list",
		 hc_res(XENMEM_decrease_reservation, HC_RO_VA, 4, 0, 0,
			DOMID_SELF),
		 4);
	hc_check("current_reservation after the bad calls",
		 hc_query(XENMEM_current_reservation), held);
}

/* A list that goes bad part-way stops there: the extents before are done,
 * the failing one and those after it are untouched. */
static void test_short_counts(long max)
{
	long held = hc_query(XENMEM_current_reservation);

	hc_fill(list, 3, T_GFN + 16, 1);
	list[3] = HC_RAM_GFN + max; /* outside */
	list[4] = T_GFN + 19;
	hc_check("populate stops at a gfn outside (short count 3)",
		 hc_res(XENMEM_populate_physmap, (uintptr_t)list, 5, 0, 0,
			DOMID_SELF),
		 3);
	hc_check("current_reservation + 3",
		 hc_query(XENMEM_current_reservation), held + 3);
	hc_check("decrease stops at the same gfn",
		 hc_res(XENMEM_decrease_reservation, (uintptr_t)list, 5, 0, 0,
			DOMID_SELF),
		 3);
	hc_check("current_reservation back",
		 hc_query(XENMEM_current_reservation), held);
	/* The list runs from the read-only page into the unmapped one. */
	hc_fill(hc_ro_page + 510, 2, T_GFN + 24, 1);
	hc_check("populate stops at an unmapped list page (short count 2)",
		 hc_res(XENMEM_populate_physmap, HC_RO_VA + 510 * 8, 4, 0, 0,
			DOMID_SELF),
		 2);
	hc_check("decrease stops there too",
		 hc_res(XENMEM_decrease_reservation, HC_RO_VA + 510 * 8, 4, 0,
			0, DOMID_SELF),
		 2);
	hc_check("current_reservation back again",
		 hc_query(XENMEM_current_reservation), held);
}

static void test_atoll_ops(long max)
{
	static struct atoll_mem_request req;
	static struct atoll_mem_report rep;
	long target = hc_query(ATOLL_MEM_get_target), got;

	hc_check("get_target within maxmem", target > 0 && target <= max, 1);
	req.nr_frames = 16;
	req.granted = 77;
	got = hc_memory_op(ATOLL_MEM_request_more, (uintptr_t)&req);
	/* A grant, or -ENOMEM (nothing to give now, e.g. at its limit)
	 * with 0 written back. */
	hc_check("request_more returns what it wrote back",
		 got == -ENOMEM ? req.granted == 0
				: got > 0 && (uint64_t)got == req.granted,
		 1);
	hc_check("get_target raised by the grant",
		 hc_query(ATOLL_MEM_get_target), target + (got > 0 ? got : 0));
	hc_check("request_more, NULL -> -EFAULT",
		 hc_memory_op(ATOLL_MEM_request_more, 0), -EFAULT);
	hc_check("request_more, read-only -> -EFAULT",
		 hc_memory_op(ATOLL_MEM_request_more, HC_RO_VA), -EFAULT);
	rep.free_frames = 100;
	rep.pressure = 30;
	hc_check("report", hc_memory_op(ATOLL_MEM_report, (uintptr_t)&rep), 0);
	rep.pressure = 101;
	hc_check("report, pressure 101 -> -EINVAL",
		 hc_memory_op(ATOLL_MEM_report, (uintptr_t)&rep), -EINVAL);
	hc_check("report, unmapped -> -EFAULT",
		 hc_memory_op(ATOLL_MEM_report, HC_UNMAPPED_VA), -EFAULT);
}

/* Which domain ids exist, seen from here: self (>= 0), others (-EPERM),
 * none (-ESRCH).  With "peers=N" on the command line (atoll run), exactly
 * N others must be seen, and a reservation operation on one is -EPERM. */
static void scan_domids(void)
{
	static uint16_t id;
	struct boot_info bi;
	uint64_t peers = ~0ul;
	unsigned self = 0, others = 0, other = 0;

	if (boot_info_read(rt_boot_dtb, &bi) == 0)
		cmdline_get_u64(bi.cmdline, "peers", ~0ul, &peers);
	for (id = 1; id <= 32; id++) {
		long r = hc_memory_op(XENMEM_current_reservation,
				      (uintptr_t)&id);

		if (r >= 0)
			self = id;
		else if (r == -EPERM)
			other = id, others++;
		else if (r != -ESRCH)
			hc_check("domid scan: -EPERM or -ESRCH", r, -ESRCH);
	}
	rt_printf("domid scan: own id %u, %u other domain(s)\n", self, others);
	hc_check("own domid is accepted", self != 0, 1);
	if (peers == ~0ul)
		return;
	hc_check("other domains seen (peers=)", others, (long)peers);
	if (other) {
		hc_fill(list, 1, T_GFN, 1);
		hc_check("populate for another domain -> -EPERM",
			 hc_res(XENMEM_populate_physmap, (uintptr_t)list, 1, 0,
				0, other),
			 -EPERM);
	}
}

int main(void)
{
	long max;

	test_convention();
	max = hc_query(XENMEM_maximum_reservation);
	rt_printf("maximum_reservation %ld frames, current %ld, target %ld\n",
		  max, hc_query(XENMEM_current_reservation),
		  hc_query(ATOLL_MEM_get_target));
	if (max < 16384) {
		hc_check("guest RAM of 64 MiB or more", max, 16384);
		return hc_finish("mem-hcall");
	}
	scan_domids();
	hc_paging_on();
	test_bad_input(max);
	test_short_counts(max);
	test_atoll_ops(max);
	return hc_finish("mem-hcall");
}
