/* Shared by the grant-table and event-channel fuzz targets: one memory
 * host per process (its swap file unlinked at once), two fresh domains
 * with PV state per input (ids 1 and 2, as tests/unit/io_test_util.h),
 * the guest's choice of frames, and the end-of-input checks: accounting
 * adds up, and once the domains are gone every frame and swap slot is
 * free again (nothing leaked, nothing left pinned). */
#ifndef ATOLL_TESTS_FUZZ_IO_H
#define ATOLL_TESTS_FUZZ_IO_H

#include "atoll/abi/hypercall.h"
#include "fuzz_util.h"
#include "io_test_util.h"

#define FZ_HOST_FRAMES 512u

static struct mem_host fz_mh;
static struct dom_mem *fz_mem[2];
static struct io_dom *fz_dom[2];

/* The host, once per process. */
static inline void fz_host_once(void)
{
	static int done;

	if (done)
		return;
	if (it_host(&fz_mh, FZ_HOST_FRAMES)) {
		fprintf(stderr, "fuzz: cannot set up the memory host\n");
		abort();
	}
	/* The swap file stays open; nothing is left behind on exit. */
	unlink(it_path);
	rmdir(it_dir);
	done = 1;
}

/* Domains 1 and 2 with PV state; upcall may be NULL. */
static inline void fz_doms_create(io_upcall_fn upcall)
{
	fz_host_once();
	for (int k = 0; k < 2; k++) {
		fz_mem[k] = it_dom(&fz_mh, (domid_t)(k + 1));
		CHECK(fz_mem[k]);
		CHECK(!io_dom_attach(fz_mem[k], upcall,
				     (void *)(intptr_t)(k + 1), &fz_dom[k]));
	}
}

static inline void fz_check(void)
{
	CHECK(mem_host_check(&fz_mh) == 0);
}

/* Tear both domains down (every mapping already unmapped) and check that
 * the host is as it was. */
static inline void fz_doms_destroy(void)
{
	struct mem_host_stats st;

	fz_check();
	for (int k = 0; k < 2; k++)
		io_dom_detach((domid_t)(k + 1));
	for (int k = 0; k < 2; k++)
		dom_mem_destroy(fz_mem[k]);
	mem_host_get_stats(&fz_mh, &st);
	CHECK(st.free == st.frames);
	CHECK(st.swap_free == st.swap_slots);
	CHECK(mpool_check(&fz_mh.pool) == 0);
}

/* A gfn as a guest would pick it: mostly a few frames of its RAM (so
 * tables, grants and copies collide), sometimes any RAM frame or wild. */
static inline uint64_t fz_gfn(struct fz_in *in)
{
	uint8_t v = fz_u8(in);

	if (v < 192)
		return IT_BASE_GFN + v % 24;
	if (v < 240)
		return IT_BASE_GFN + fz_u8(in) % (IT_FRAMES + 4);
	return fz_u64(in);
}

/* A domain id as a guest would name one: mostly 0 (back-ends), 1, 2. */
static inline domid_t fz_domid(struct fz_in *in)
{
	uint8_t v = fz_u8(in);

	if (v < 240)
		return v % 4;
	return v == 255 ? DOMID_SELF : fz_u16(in);
}

/* A hypercall argument: an offset into the fake guest memory, filled with
 * len input bytes there, or (rarely) a wild address. */
static inline uint64_t fz_arg(struct fz_in *in, size_t len)
{
	uint8_t v = fz_u8(in);
	uint64_t va = (uint64_t)fz_u16(in) % sizeof(it_gmem);

	if (v >= 248)
		return v == 255 ? fz_u64(in) : sizeof(it_gmem) - (v & 7);
	if (len > sizeof(it_gmem) - va)
		len = sizeof(it_gmem) - va;
	fz_bytes(in, it_gmem + va, len);
	return va;
}

/* Back-end targets: domain 1's grant table at table_gfn, nr_refs entries
 * granting one of the 8 data frames from data_gfn to the back-ends
 * (read-only or not, by the input), or now and then anything at all. */
static inline void fz_backend_grants(struct fz_in *in, uint64_t table_gfn,
				     uint64_t data_gfn, grant_ref_t nr_refs)
{
	uint64_t t = table_gfn;

	CHECK(grant_set_table(fz_dom[0], &t, 1) == 0);
	for (grant_ref_t ref = 0; ref < nr_refs; ref++) {
		uint8_t v = fz_u8(in);
		struct grant_entry_v1 e = { GTF_permit_access |
						    (v & 1 ? GTF_readonly : 0),
					    DOMID_BACKEND,
					    (uint32_t)(data_gfn + v / 2 % 8) };

		if (v >= 240) {
			e.flags = fz_u16(in);
			e.domid = fz_domid(in);
			e.frame = (uint32_t)fz_gfn(in);
		}
		CHECK(!dom_mem_write(
			fz_mem[0], (table_gfn << PAGE_SHIFT) + ref * sizeof(e),
			&e, sizeof(e)));
	}
}

/* Between a back-end's passes only `want` frames stay pinned (the grant
 * table and the ring pages): no grant mapping leaks out of a pass. */
static inline void fz_check_pins(unsigned want)
{
	unsigned pinned = 0;

	for (uint32_t m = 0; m < fz_mh.pool.nframes; m++)
		pinned += atomic_load(&fz_mh.pool.ft[m].refs);
	CHECK(pinned == want);
	fz_check();
}

#endif
