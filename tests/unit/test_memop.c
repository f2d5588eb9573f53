/* memory_op on the real memory manager, without a CPU: a fake guest
 * address space (pages with read/write rights) stands in for the calling
 * hart's MMU.  Checks the Xen semantics (extents done, short counts with
 * the failing extent untouched, error codes), the bounds, and that the
 * accounting still adds up after every bad call. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/memory.h"
#include "check.h"
#include "mem/memhost.h"
#include "mem/memop.h"

#define BASE_GFN 0x80000ULL
#define MAXMEM 8192 /* frames: 32 MiB of guest RAM */

/* The fake guest: VAs [VA0, VA0 + NPAGES * 4096) with rights per page. */
#define VA0 0x10000ULL
#define NPAGES 12
enum { P_NONE = 0, P_R = 1, P_W = 2, P_RW = 3 };
static uint8_t gmem[NPAGES][4096];
static uint8_t gprot[NPAGES];

static int fake_access(uint64_t va, size_t len, unsigned need)
{
	for (uint64_t a = va & ~0xfffULL; a < va + len; a += 4096) {
		if (a < VA0 || a >= VA0 + NPAGES * 4096ULL)
			return -EFAULT;
		if ((gprot[(a - VA0) / 4096] & need) != need)
			return -EFAULT;
	}
	return 0;
}

static int fake_read(void *ctx, uint64_t va, void *buf, size_t len)
{
	int rc = fake_access(va, len, P_R);

	if (!rc)
		memcpy(buf, &gmem[0][0] + (va - VA0), len);
	return rc;
}

static int fake_write(void *ctx, uint64_t va, const void *buf, size_t len)
{
	int rc = fake_access(va, len, P_W);

	if (!rc)
		memcpy(&gmem[0][0] + (va - VA0), buf, len);
	return rc;
}

static const struct guest_access guest = { fake_read, fake_write, NULL };
static struct mem_host mh;
static struct dom_mem *dom, *other;

static void no_shootdown(void *ctx, const uint64_t *pages, unsigned n)
{
}

/* The reservation struct at VA0, the extent list at VA0 + 4096. */
#define RES_VA VA0
#define LIST_VA (VA0 + 4096)

static long call_res(uint64_t cmd, uint64_t list, uint64_t nr, uint32_t order,
		     uint32_t flags, domid_t domid)
{
	struct xen_memory_reservation r = { list, nr, order, flags, domid };

	memcpy(gmem[0], &r, sizeof(r));
	return memop_call(dom, &guest, cmd, RES_VA);
}

static void set_list(unsigned first, uint64_t gfn, unsigned n, unsigned stride)
{
	xen_pfn_t *l = (xen_pfn_t *)(void *)gmem[1];

	for (unsigned i = 0; i < n; i++)
		l[first + i] = gfn + (uint64_t)i * stride;
}

static long query(uint64_t cmd, domid_t id)
{
	memcpy(gmem[0] + 2048, &id, sizeof(id));
	return memop_call(dom, &guest, cmd, RES_VA + 2048);
}

static long held(void)
{
	return query(XENMEM_current_reservation, DOMID_SELF);
}

/* The pool's invariant and the domain's count agree. */
static void check_accounting(const char *when)
{
	struct dom_mem_stats st;

	dom_mem_get_stats(dom, &st);
	CHECK_MSG(mpool_check(&mh.pool) == 0, "pool invariant after %s", when);
	CHECK_MSG(mpool_owned_by(&mh.pool, dom->domid) == st.populated,
		  "owned %llu vs populated %llu after %s",
		  (unsigned long long)mpool_owned_by(&mh.pool, dom->domid),
		  (unsigned long long)st.populated, when);
}

static void test_queries(void)
{
	CHECK_MSG(query(XENMEM_maximum_reservation, DOMID_SELF) == MAXMEM,
		  "maximum_reservation");
	CHECK_MSG(held() == 0, "nothing held at start: %ld", held());
	CHECK_MSG(query(ATOLL_MEM_get_target, DOMID_SELF) == MAXMEM, "target");
	CHECK_MSG(query(XENMEM_current_reservation, dom->domid) == 0, "own id");
	CHECK_MSG(query(XENMEM_current_reservation, other->domid) == -EPERM,
		  "other domain -> EPERM");
	CHECK_MSG(query(XENMEM_current_reservation, 77) == -ESRCH,
		  "no domain -> ESRCH");
	CHECK_MSG(memop_call(dom, &guest, XENMEM_current_reservation, 0) ==
			  -EFAULT,
		  "NULL domid pointer");
	CHECK_MSG(memop_call(dom, &guest, 5, RES_VA) == -ENOSYS, "unknown op");
}

static void test_batches(void)
{
	set_list(0, BASE_GFN, 512, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 512, 0, 0,
			   DOMID_SELF) == 512,
		  "populate 512");
	CHECK_MSG(held() == 512, "held 512: %ld", held());
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 512, 0, 0,
			   DOMID_SELF) == 512,
		  "decrease 512");
	CHECK_MSG(held() == 0, "held 0 after decrease: %ld", held());
	/* 4096 extents: the list spans 8 pages. */
	set_list(0, BASE_GFN, 4096, 1);
	CHECK_MSG(call_res(XENMEM_increase_reservation, LIST_VA, 4096, 0, 0,
			   DOMID_SELF) == 4096,
		  "increase 4096");
	CHECK_MSG(held() == 4096, "held 4096: %ld", held());
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 4096, 0, 0,
			   DOMID_SELF) == 4096,
		  "decrease 4096");
	/* Order 9: two 2 MiB extents. */
	set_list(0, BASE_GFN + 512, 2, 512);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 2, 9, 0,
			   DOMID_SELF) == 2,
		  "populate 2 x order 9");
	CHECK_MSG(held() == 1024, "held 1024: %ld", held());
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 2, 9, 0,
			   DOMID_SELF) == 2,
		  "decrease 2 x order 9");
	CHECK_MSG(held() == 0, "held 0: %ld", held());
	check_accounting("batches");
}

static void test_bad_args(void)
{
	set_list(0, BASE_GFN, 4, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1ULL << 40, 0, 0,
			   DOMID_SELF) == -EINVAL,
		  "nr_extents 2^40");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA,
			   ATOLL_MEMOP_MAX_EXTENTS + 1, 0, 0,
			   DOMID_SELF) == -EINVAL,
		  "nr_extents above the bound");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1,
			   ATOLL_MEMOP_MAX_ORDER + 1, 0, DOMID_SELF) == -EINVAL,
		  "order 10");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 0, 1,
			   DOMID_SELF) == -EINVAL,
		  "mem_flags");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 0, 0,
			   other->domid) == -EPERM,
		  "other domain");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 0, 0, 77) ==
			  -ESRCH,
		  "no such domain");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 0, 0, 0,
			   DOMID_SELF) == 0,
		  "nr_extents 0");
	CHECK_MSG(memop_call(dom, &guest, XENMEM_populate_physmap, 0) ==
			  -EFAULT,
		  "NULL reservation");
	CHECK_MSG(call_res(XENMEM_populate_physmap, 0, 1, 0, 0, DOMID_SELF) ==
			  -EFAULT,
		  "NULL extent_start");
	CHECK_MSG(call_res(XENMEM_populate_physmap, VA0 + NPAGES * 4096ULL, 1,
			   0, 0, DOMID_SELF) == -EFAULT,
		  "unmapped extent_start");
	set_list(0, BASE_GFN + 1, 1, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 9, 0,
			   DOMID_SELF) == -EINVAL,
		  "unaligned order-9 extent");
	set_list(0, BASE_GFN + MAXMEM, 1, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 0, 0,
			   DOMID_SELF) == -EINVAL,
		  "gfn past the end");
	set_list(0, BASE_GFN + MAXMEM - 512, 1, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 9, 0,
			   DOMID_SELF) == 1,
		  "last order-9 extent");
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 1, 9, 0,
			   DOMID_SELF) == 1,
		  "decrease last extent");
	set_list(0, BASE_GFN - 1, 1, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 0, 0,
			   DOMID_SELF) == -EINVAL,
		  "gfn below the base");
	CHECK_MSG(held() == 0, "nothing held after bad calls: %ld", held());
	check_accounting("bad arguments");
}

static void test_short_counts(void)
{
	/* Two good gfns, then one outside: 2 done, the third untouched. */
	set_list(0, BASE_GFN + 100, 2, 1);
	set_list(2, 0x90000000ULL, 1, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 3, 0, 0,
			   DOMID_SELF) == 2,
		  "short count at a gfn outside");
	CHECK_MSG(held() == 2, "held 2: %ld", held());
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 3, 0, 0,
			   DOMID_SELF) == 2,
		  "decrease short count");
	CHECK_MSG(held() == 0, "held 0: %ld", held());
	/* A list whose second page is unmapped: stops exactly there, also
	 * for an entry straddling the two pages. */
	gprot[2] = P_NONE;
	set_list(512 - 3, BASE_GFN + 200, 3, 1);
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA + (512 - 3) * 8, 5,
			   0, 0, DOMID_SELF) == 3,
		  "short count at an unmapped page");
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA + (512 - 3) * 8,
			   5, 0, 0, DOMID_SELF) == 3,
		  "decrease short count at an unmapped page");
	for (unsigned k = 0; k < 2; k++) {
		uint64_t g = BASE_GFN + 300 + k;

		memcpy(gmem[1] + 4076 + 8 * k, &g, 8);
	}
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA + 4076, 3, 0, 0,
			   DOMID_SELF) == 2,
		  "short count at a straddling entry");
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA + 4076, 3, 0, 0,
			   DOMID_SELF) == 2,
		  "decrease up to the straddling entry");
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA + 4092, 1, 0, 0,
			   DOMID_SELF) == -EFAULT,
		  "straddling entry alone");
	gprot[2] = P_RW;
	CHECK_MSG(held() == 0, "held 0: %ld", held());
	/* increase_reservation writes the list back: a read-only list fails
	 * with nothing done; populate_physmap only reads it. */
	gprot[1] = P_R;
	set_list(0, BASE_GFN + 300, 8, 1);
	CHECK_MSG(call_res(XENMEM_increase_reservation, LIST_VA, 8, 0, 0,
			   DOMID_SELF) == -EFAULT,
		  "increase with a read-only list");
	CHECK_MSG(held() == 0, "nothing populated: %ld", held());
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 8, 0, 0,
			   DOMID_SELF) == 8,
		  "populate with a read-only list");
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 8, 0, 0,
			   DOMID_SELF) == 8,
		  "decrease with a read-only list");
	gprot[1] = P_RW;
	check_accounting("short counts");
}

/* A page given back and taken again reads zeros. */
static void test_scrub(void)
{
	uint64_t gpa = (BASE_GFN + 42) << 12;
	uint8_t page[4096];
	int dirty = 0;

	memset(page, 0xa5, sizeof(page));
	CHECK_MSG(dom_mem_write(dom, gpa, page, sizeof(page)) == 0, "write");
	set_list(0, BASE_GFN + 42, 1, 1);
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 1, 0, 0,
			   DOMID_SELF) == 1,
		  "balloon out");
	CHECK_MSG(call_res(XENMEM_populate_physmap, LIST_VA, 1, 0, 0,
			   DOMID_SELF) == 1,
		  "populate again");
	CHECK_MSG(dom_mem_read(dom, gpa, page, sizeof(page)) == 0, "read");
	for (unsigned i = 0; i < sizeof(page); i++)
		dirty |= page[i];
	CHECK_MSG(!dirty, "repopulated page is not zero");
	CHECK_MSG(call_res(XENMEM_decrease_reservation, LIST_VA, 1, 0, 0,
			   DOMID_SELF) == 1,
		  "balloon out again");
	check_accounting("scrub");
}

static void test_atoll_ops(void)
{
	struct atoll_mem_request req = { 100, 12345 };
	struct atoll_mem_report rep = { 10, 50, 0 };
	long got;

	memset(gmem[2], 0, sizeof(gmem[2]));
	CHECK_MSG(dom_mem_set_target(dom, MAXMEM / 2) == 0, "set_target");
	CHECK_MSG(query(ATOLL_MEM_get_target, DOMID_SELF) == MAXMEM / 2,
		  "get_target after set_target");
	memcpy(gmem[2], &req, sizeof(req));
	got = memop_call(dom, &guest, ATOLL_MEM_request_more, VA0 + 8192);
	memcpy(&req, gmem[2], sizeof(req));
	CHECK_MSG(got >= 0 && (uint64_t)got == req.granted, "request_more: %ld",
		  got);
	CHECK_MSG(query(ATOLL_MEM_get_target, DOMID_SELF) == MAXMEM / 2 + got,
		  "target raised by what was granted");
	gprot[2] = P_R;
	CHECK_MSG(memop_call(dom, &guest, ATOLL_MEM_request_more, VA0 + 8192) ==
			  -EFAULT,
		  "request_more into a read-only page");
	CHECK_MSG(query(ATOLL_MEM_get_target, DOMID_SELF) == MAXMEM / 2 + got,
		  "target unchanged by the failed request");
	CHECK_MSG(memop_call(dom, &guest, ATOLL_MEM_report, VA0 + 8192 + 16) ==
			  0,
		  "report from a read-only page");
	gprot[2] = P_RW;
	memcpy(gmem[2] + 16, &rep, sizeof(rep));
	CHECK_MSG(memop_call(dom, &guest, ATOLL_MEM_report, VA0 + 8192 + 16) ==
			  0,
		  "report");
	CHECK_MSG(dom->guest_pressure == 50 && dom->guest_free_frames == 10,
		  "report stored");
	rep.pressure = 101;
	memcpy(gmem[2] + 16, &rep, sizeof(rep));
	CHECK_MSG(memop_call(dom, &guest, ATOLL_MEM_report, VA0 + 8192 + 16) ==
			  -EINVAL,
		  "report pressure 101");
	CHECK_MSG(memop_call(dom, &guest, ATOLL_MEM_report, 0) == -EFAULT,
		  "report NULL");
}

static int setup(void)
{
	struct mem_host_config hc = { 64ULL << 20, NULL, 0 };
	struct dom_mem_config c = { 1,	 "one", BASE_GFN,     MAXMEM, MAXMEM,
				    256, 0,	no_shootdown, NULL };
	int rc = mem_host_init(&mh, &hc);

	if (rc)
		return rc;
	rc = dom_mem_create(&mh, &c, &dom);
	if (rc)
		return rc;
	c.domid = 2;
	c.name = "two";
	c.memory = c.maxmem = 1024;
	return dom_mem_create(&mh, &c, &other);
}

int main(void)
{
	int rc = setup();

	if (rc) {
		printf("FAIL: setup: %s\n", strerror(-rc));
		return 1;
	}
	memset(gprot, P_RW, sizeof(gprot));
	test_queries();
	test_batches();
	test_bad_args();
	test_short_counts();
	test_scrub();
	test_atoll_ops();
	dom_mem_destroy(other);
	dom_mem_destroy(dom);
	mem_host_destroy(&mh);
	return check_done("memop");
}
