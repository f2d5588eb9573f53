/* Fuzz target: memory_op hypercalls (src/mem/memop.c) on a real domain.
 * The input is a sequence of hostile calls: XENMEM reservation operations
 * (extent lists, counts, orders, flags, domain ids from the input, the
 * argument pages readable or writable as the input says) and atoll's own
 * (request_more, get_target, report), mixed with the guest touching its
 * memory and the memory manager swapping frames out.
 *
 * Invariants, after every call: the result is an error code or at most
 * the extents asked for; XENMEM_current_reservation agrees with the
 * domain's statistics (present + swapped + shared) and stays within
 * maxmem; the accounting adds up (mem_host_check); at the
 * end, once the domains are gone, every frame and swap slot is free.  The
 * pool is large enough never to run dry, so the reclaimer thread stays
 * idle and the checks see a still host. */
#include <errno.h>
#include <unistd.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/memory.h"
#include "fuzz_util.h"
#include "mem/memhost.h"
#include "mem/memop.h"

#define BASE_GFN 0x80000ULL
#define MAXMEM 1024 /* frames of domain 1: 4 MiB of guest RAM */
#define HOST_FRAMES 2048
#define FZ_OPS 32

/* The fake guest: VAs [VA0, VA0 + NPAGES * 4096) with rights per page. */
#define VA0 0x10000ULL
#define NPAGES 4
enum { P_R = 1, P_W = 2 };
static uint8_t gmem[NPAGES][4096];
static uint8_t gprot[NPAGES];

static struct mem_host mh;
static struct dom_mem *dom, *other;

static int fake_access(uint64_t va, size_t len, unsigned need)
{
	if (va < VA0 || va >= VA0 + sizeof(gmem) ||
	    len > VA0 + sizeof(gmem) - va)
		return -EFAULT;
	for (uint64_t a = va & ~0xfffULL; a < va + len; a += 4096)
		if ((gprot[(a - VA0) / 4096] & need) != need)
			return -EFAULT;
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

static void host_once(void)
{
	static char dir[64], path[96];
	const char *tmp = getenv("TMPDIR");
	struct mem_host_config hc = {
		.machine_memory = HOST_FRAMES * PAGE_SIZE,
		.swap_path = path,
		.swap_size = HOST_FRAMES * PAGE_SIZE,
	};

	if (mh.pool.nframes)
		return;
	snprintf(dir, sizeof(dir), "%s/atoll-fz-XXXXXX", tmp ? tmp : "/tmp");
	CHECK(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/swap", dir);
	CHECK(mem_host_init(&mh, &hc) == 0);
	unlink(path); /* stays open; nothing left behind */
	rmdir(dir);
}

static void doms_create(void)
{
	struct dom_mem_config c = {
		.domid = 1,
		.name = "one",
		.base_gfn = BASE_GFN,
		.memory = MAXMEM / 2,
		.maxmem = MAXMEM,
		.reservation = 64,
	};

	host_once();
	CHECK(dom_mem_create(&mh, &c, &dom) == 0);
	c.domid = 2;
	c.name = "two";
	c.memory = c.maxmem = 128;
	c.reservation = 16;
	CHECK(dom_mem_create(&mh, &c, &other) == 0);
}

/* A gfn the guest names: mostly in its RAM, sometimes wild. */
static uint64_t fz_gfn(struct fz_in *in)
{
	uint8_t v = fz_u8(in);

	if (v < 160)
		return BASE_GFN + v % 32;
	if (v < 250)
		return BASE_GFN + fz_u16(in) % (MAXMEM + 16);
	return fz_u64(in);
}

/* The guest's argument pages: rights and contents from the input. */
static void set_pages(struct fz_in *in)
{
	uint8_t prot = fz_u8(in);

	for (unsigned p = 0; p < NPAGES; p++)
		gprot[p] = prot & 0x80 ? (prot >> (2 * p)) & 3 : P_R | P_W;
}

/* A reservation operation with an extent list of up to 64 gfns (or a
 * long run of consecutive ones). */
static void op_reservation(struct fz_in *in)
{
	static const uint64_t cmds[] = { XENMEM_increase_reservation,
					 XENMEM_decrease_reservation,
					 XENMEM_populate_physmap };
	xen_pfn_t *list = (xen_pfn_t *)(void *)gmem[1];
	struct xen_memory_reservation r;
	uint8_t c = fz_u8(in), n = fz_u8(in) % 65;
	uint64_t cmd = cmds[c % 3];
	long rc;

	if (c & 0x80) { /* a run: list[i] = first + i << order */
		uint64_t g = fz_gfn(in);

		for (unsigned i = 0; i < 1024; i++)
			list[i] = g + ((uint64_t)i << (c >> 2 & 3));
	} else {
		for (unsigned i = 0; i < n; i++)
			list[i] = fz_gfn(in);
	}
	r.extent_start = fz_u8(in) < 240 ? VA0 + 4096 : fz_u64(in);
	r.nr_extents = c & 0x80 ? fz_u16(in) % 1100 : n;
	if (fz_u8(in) >= 240)
		r.nr_extents = fz_u64(in);
	r.extent_order = fz_u8(in) % 12;
	r.mem_flags = fz_u8(in) < 248 ? 0 : fz_u32(in);
	r.domid = fz_u8(in) < 224 ? DOMID_SELF : fz_u16(in);
	memcpy(gmem[0], &r, sizeof(r));
	set_pages(in);
	rc = memop_call(dom, &guest, cmd,
			fz_u8(in) < 248 ? VA0 : fz_u64(in) % (VA0 * 2));
	CHECK(rc < 0 || (uint64_t)rc <= r.nr_extents);
	CHECK(rc < 0 || rc <= ATOLL_MEMOP_MAX_EXTENTS);
}

/* The queries and atoll's own operations, on raw argument bytes. */
static void op_other(struct fz_in *in)
{
	static const uint64_t cmds[] = {
		XENMEM_current_reservation, XENMEM_maximum_reservation,
		ATOLL_MEM_get_target,	    ATOLL_MEM_request_more,
		ATOLL_MEM_report,
	};
	uint8_t c = fz_u8(in);
	uint64_t cmd = c < 250 ? cmds[c % 5] : fz_u64(in);

	fz_bytes(in, gmem[2], 16);
	if (fz_u8(in) & 1) { /* a plausible domid */
		domid_t id = fz_u8(in) % 4;

		memcpy(gmem[2], &id, sizeof(id));
	}
	set_pages(in);
	memop_call(dom, &guest, cmd,
		   fz_u8(in) < 240 ? VA0 + 2 * 4096 : fz_u64(in));
}

/* The guest touches its RAM; the memory manager steals frames. */
static void op_memory(struct fz_in *in)
{
	uint8_t what = fz_u8(in);
	uint64_t g = fz_gfn(in);

	if (what & 1)
		dom_mem_swap_out(dom, fz_u8(in) % 64);
	else
		dom_mem_write(dom, g << PAGE_SHIFT, &what, 1);
}

static void check(void)
{
	struct dom_mem_stats st;
	domid_t self = DOMID_SELF;

	dom_mem_get_stats(dom, &st);
	memcpy(gmem[3], &self, sizeof(self));
	gprot[3] = P_R;
	CHECK(memop_call(dom, &guest, XENMEM_current_reservation,
			 VA0 + 3 * 4096) ==
	      (long)(st.populated + st.swapped + st.shared));
	CHECK(st.populated + st.swapped + st.shared <= st.maxmem);
	CHECK(mem_host_check(&mh) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct mem_host_stats st;

	doms_create();
	for (unsigned k = 0; k < FZ_OPS && in.n; k++) {
		uint8_t op = fz_u8(&in) % 4;

		if (op < 2)
			op_reservation(&in);
		else if (op == 2)
			op_other(&in);
		else
			op_memory(&in);
		check();
	}
	dom_mem_destroy(other);
	dom_mem_destroy(dom);
	mem_host_get_stats(&mh, &st);
	CHECK(st.free == st.frames && st.swap_free == st.swap_slots);
	CHECK(mpool_check(&mh.pool) == 0);
	return 0;
}
