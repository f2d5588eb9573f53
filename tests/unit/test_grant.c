/* Grant tables (src/io/grant.c, grant_hcall.c): registration, map/unmap
 * with the busy bits and pinning (a mapped frame is neither swapped nor
 * ballooned), copies, GNTTABOP_copy, and a hostile granter's entries. */
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "atoll/abi/hypercall.h"
#include "io/grant.h"
#include "mem_test.h"

#include "io_test_util.h"

#define TBL0 0x80010ull /* table frames of domain 1 */
#define TBL1 0x80011ull
#define DATA 0x80020ull /* granted frame */
#define GPA(g) ((g) << PAGE_SHIFT)

static struct mem_host mh;
static struct io_dom *da, *db;

/* Write entry ref of da's table as its guest would. */
static void put_entry(grant_ref_t ref, uint16_t flags, domid_t dom,
		      uint32_t frame)
{
	struct grant_entry_v1 e = { flags, dom, frame };
	uint64_t gpa = GPA(TBL0) + ref * sizeof(e);

	if (ref >= GRANT_PER_FRAME)
		gpa = GPA(TBL1) + (ref - GRANT_PER_FRAME) * sizeof(e);
	CHECK_EQ(dom_mem_write(da->mem, gpa, &e, sizeof(e)), 0);
}

static uint16_t entry_flags(grant_ref_t ref)
{
	struct grant_entry_v1 e;

	dom_mem_read(da->mem, GPA(TBL0) + ref * sizeof(e), &e, sizeof(e));
	return e.flags;
}

static void test_set_table(void)
{
	uint64_t bad[2] = { TBL0, TBL0 }, out[1] = { 0x1234 };
	uint64_t good[2] = { TBL0, TBL1 };
	struct grant_mapping m;

	CHECK_EQ(grant_map(da, DOMID_BACKEND, 8, false, &m), -ENOENT);
	CHECK_EQ(grant_set_table(da, good, 0), -EINVAL);
	CHECK_EQ(grant_set_table(da, good, ATOLL_GNTTAB_MAX_FRAMES + 1),
		 -EINVAL);
	CHECK_EQ(grant_set_table(da, bad, 2), -EINVAL);
	CHECK_EQ(grant_set_table(da, out, 1), -EINVAL);
	CHECK_EQ(grant_set_table(da, good, 2), 0);
	CHECK_EQ(grant_set_table(da, good, 2), -EBUSY);
	CHECK(atomic_load(&mh.pool.ft[it_p2m(da->mem, TBL0).val].refs) == 1);
}

/* A mapped frame: busy bits, pinned, survives swapping and ballooning. */
static void test_map_pins(void)
{
	uint64_t g = DATA;
	struct grant_mapping m;
	struct frame *f;
	char buf[8] = { 0 };

	put_entry(8, GTF_permit_access, DOMID_BACKEND, DATA);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 8, false, &m), 0);
	CHECK_EQ(m.gfn, DATA);
	memcpy(m.ptr, "hello", 6);
	CHECK_EQ(entry_flags(8), GTF_permit_access | GTF_reading | GTF_writing);
	f = &mh.pool.ft[m.mfn];
	CHECK_EQ(atomic_load(&f->refs), 1);
	CHECK(atomic_load(&f->flags) & FRAME_PINNED);
	/* Steal everything: the others go, the pinned frames stay. */
	for (uint64_t k = 0; k < 8; k++)
		dom_mem_write(da->mem, GPA(0x80040ull + k), "x", 1);
	CHECK_EQ(dom_mem_swap_out(da->mem, IT_FRAMES), 8);
	CHECK_EQ(it_p2m(da->mem, DATA).type, P2M_PRESENT);
	CHECK_EQ(it_p2m(da->mem, TBL0).type, P2M_PRESENT);
	CHECK_EQ(it_p2m(da->mem, DATA).val, m.mfn);
	CHECK_EQ(dom_mem_decrease(da->mem, &g, 1, 0), 0);
	CHECK_EQ(it_p2m(da->mem, DATA).type, P2M_PRESENT);
	dom_mem_read(da->mem, GPA(DATA), buf, 6);
	CHECK(!strcmp(buf, "hello"));
	grant_unmap(&m);
	CHECK_EQ(entry_flags(8), GTF_permit_access);
	CHECK_EQ(atomic_load(&f->refs), 0);
	CHECK(!(atomic_load(&f->flags) & FRAME_PINNED));
	CHECK_EQ(dom_mem_decrease(da->mem, &g, 1, 0), 1);
}

/* Two readers and a writer share a ref; bits go when the last one does. */
static void test_counts(void)
{
	struct grant_mapping r1, r2, w;

	put_entry(12, GTF_permit_access, DOMID_BACKEND, DATA + 1);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 12, true, &r1), 0);
	CHECK_EQ(entry_flags(12), GTF_permit_access | GTF_reading);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 12, true, &r2), 0);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 12, false, &w), 0);
	grant_unmap(&w);
	CHECK_EQ(entry_flags(12), GTF_permit_access | GTF_reading);
	grant_unmap(&r1);
	CHECK_EQ(entry_flags(12), GTF_permit_access | GTF_reading);
	grant_unmap(&r2);
	CHECK_EQ(entry_flags(12), GTF_permit_access);
}

/* Every way an entry or a request can be wrong. */
static void test_refusals(void)
{
	struct grant_mapping m;
	uint16_t busy = GTF_reading | GTF_writing;

	put_entry(9, GTF_permit_access | GTF_readonly, 2, DATA + 2);
	put_entry(10, GTF_permit_access, 2, 0x1234); /* not guest RAM */
	put_entry(11, 2 /* transfer: not served */, DOMID_BACKEND, DATA);
	CHECK_EQ(grant_map(da, 3, 9, true, &m), -EPERM);
	CHECK_EQ(grant_map(da, 2, 9, false, &m), -EPERM);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 11, true, &m), -EPERM);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 2 * GRANT_PER_FRAME, true, &m),
		 -EINVAL);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 0xffffffffu, true, &m), -EINVAL);
	CHECK_EQ(grant_map(da, 2, 10, true, &m), -EINVAL);
	CHECK_EQ(entry_flags(10) & busy, 0); /* the failed claim is undone */
	CHECK_EQ(grant_map(da, 2, 9, true, &m), 0);
	grant_unmap(&m);
	/* Entry in the second table frame. */
	put_entry(GRANT_PER_FRAME + 3, GTF_permit_access, DOMID_BACKEND, DATA);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, GRANT_PER_FRAME + 3, false, &m),
		 0);
	grant_unmap(&m);
}

/* A granter that overwrites a mapped entry changes nothing for atoll. */
static void test_hostile_entry(void)
{
	struct grant_mapping m;
	struct frame *f;

	put_entry(13, GTF_permit_access, DOMID_BACKEND, DATA + 3);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 13, false, &m), 0);
	f = &mh.pool.ft[m.mfn];
	put_entry(13, 0, 0, 0x99999); /* revoke with a plain store */
	CHECK(dom_mem_swap_out(da->mem, IT_FRAMES) >= 0);
	CHECK_EQ(it_p2m(da->mem, DATA + 3).type, P2M_PRESENT);
	CHECK_EQ(atomic_load(&f->refs), 1);
	grant_unmap(&m);
	CHECK_EQ(atomic_load(&f->refs), 0);
	CHECK_EQ(entry_flags(13), 0);
	CHECK_EQ(grant_map(da, DOMID_BACKEND, 13, true, &m), -EPERM);
}

static void test_copy(void)
{
	char buf[16] = { 0 };

	put_entry(14, GTF_permit_access | GTF_readonly, DOMID_BACKEND,
		  DATA + 4);
	CHECK_EQ(dom_mem_write(da->mem, GPA(DATA + 4) + 4090, "abcdef", 6), 0);
	CHECK_EQ(grant_copy_from(da, DOMID_BACKEND, 14, 4090, buf, 6), 0);
	CHECK(!memcmp(buf, "abcdef", 6));
	CHECK_EQ(grant_copy_from(da, DOMID_BACKEND, 14, 4091, buf, 6), -EINVAL);
	CHECK_EQ(grant_copy_from(da, DOMID_BACKEND, 14, 0xffffffffu, buf, 2),
		 -EINVAL);
	CHECK_EQ(grant_copy_to(da, DOMID_BACKEND, 14, 0, "x", 1), -EPERM);
	put_entry(15, GTF_permit_access, DOMID_BACKEND, DATA + 5);
	CHECK_EQ(grant_copy_to(da, DOMID_BACKEND, 15, 100, "xyz", 3), 0);
	CHECK_EQ(dom_mem_read(da->mem, GPA(DATA + 5) + 100, buf, 3), 0);
	CHECK(!memcmp(buf, "xyz", 3));
}

/* GNTTABOP_copy from domain 2, with one op per struct. */
static int16_t hcall_copy(struct gnttab_copy op)
{
	memcpy(it_gmem, &op, sizeof(op));
	CHECK_EQ(grant_hcall(db, &it_guest, GNTTABOP_copy, 0, 1), 0);
	memcpy(&op, it_gmem, sizeof(op));
	return op.status;
}

static void test_hcall_copy(void)
{
	struct gnttab_copy op = { 0 };
	char buf[8] = { 0 };

	put_entry(16, GTF_permit_access | GTF_readonly, 2, DATA + 6);
	dom_mem_write(da->mem, GPA(DATA + 6) + 8, "granted", 8);
	op.source.u.ref = 16;
	op.source.domid = 1;
	op.source.offset = 8;
	op.dest.u.gmfn = 0x80005;
	op.dest.domid = DOMID_SELF;
	op.dest.offset = 16;
	op.len = 8;
	op.flags = GNTCOPY_source_gref;
	CHECK_EQ(hcall_copy(op), GNTST_okay);
	dom_mem_read(db->mem, GPA(0x80005ull) + 16, buf, 8);
	CHECK(!strcmp(buf, "granted"));
	op.len = 4096 - 15;
	CHECK_EQ(hcall_copy(op), GNTST_bad_copy_arg);
	op.len = 8;
	op.source.u.ref = 4000;
	CHECK_EQ(hcall_copy(op), GNTST_bad_gntref);
	op.source.u.ref = 16;
	op.source.domid = 77;
	CHECK_EQ(hcall_copy(op), GNTST_bad_domain);
	op.source.domid = 1; /* into the read-only grant */
	op.flags = GNTCOPY_source_gref | GNTCOPY_dest_gref;
	op.dest = op.source;
	CHECK_EQ(hcall_copy(op), GNTST_permission_denied);
	op.flags = 0; /* another domain's gfn without a grant */
	op.source.u.gmfn = DATA + 6;
	CHECK_EQ(hcall_copy(op), GNTST_permission_denied);
	op.flags = 0x80;
	CHECK_EQ(hcall_copy(op), GNTST_bad_copy_arg);
	CHECK_EQ(grant_hcall(db, &it_guest, GNTTABOP_copy, 0, 100000), -EINVAL);
	CHECK_EQ(grant_hcall(db, &it_guest, GNTTABOP_copy, 65530, 1), -EFAULT);
	CHECK_EQ(grant_hcall(db, &it_guest, 77, 0, 1), -ENOSYS);
	CHECK_EQ(entry_flags(16), GTF_permit_access | GTF_readonly);
}

/* Concurrency: a back-end maps and unmaps while a hostile granter keeps
 * rewriting the entry and a swapper steals frames; every mapping must
 * find its frame present and pinned, and nothing may stay pinned. */
#define RACE_REF 20
#define RACE_ROUNDS 20000

static _Atomic int race_done;

static double elapsed_s(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) +
	       (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}
static _Atomic unsigned race_bad, race_maps;

static void *race_backend(void *arg)
{
	/* Rounds, and more while none mapped: a descheduled granter or
	 * swapper may leave the entry unmappable for a long time on a loaded
	 * host, so the extra rounds are bounded by a generous deadline, not
	 * a count, and a failed map yields to them. */
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned k = 0; k < RACE_ROUNDS ||
			     (!atomic_load(&race_maps) && elapsed_s(&t0) < 60);
	     k++) {
		struct grant_mapping m;
		struct p2m_entry e;

		if (grant_map(da, DOMID_BACKEND, RACE_REF, k & 1, &m)) {
			if (k >= RACE_ROUNDS)
				sched_yield();
			continue;
		}
		e = it_p2m(da->mem, m.gfn);
		if (e.type != P2M_PRESENT || e.val != m.mfn ||
		    !atomic_load(&mh.pool.ft[m.mfn].refs))
			atomic_fetch_add(&race_bad, 1);
		if (!(k & 1))
			((volatile uint8_t *)m.ptr)[k % PAGE_SIZE] = (uint8_t)k;
		grant_unmap(&m);
		atomic_fetch_add(&race_maps, 1);
	}
	atomic_store(&race_done, 1);
	return NULL;
}

static void *race_guest(void *arg)
{
	uint32_t *w = (uint32_t *)(da->gt.page[0] + RACE_REF * 8);
	const uint32_t vals[] = {
		GTF_permit_access,
		0,
		GTF_permit_access | GTF_readonly,
		GTF_permit_access | 3u << 16,
		GTF_permit_access | GTF_writing,
	};

	for (unsigned k = 0; !atomic_load(&race_done); k++) {
		uint32_t want = GTF_permit_access;

		/* frame: any of 4 */
		__atomic_store_n(&w[1], (uint32_t)(DATA + 8 + k % 4),
				 __ATOMIC_RELAXED);
		if (k % 3 == 0) /* a well-behaved revoke attempt */
			__atomic_compare_exchange_n(w, &want, 0, false,
						    __ATOMIC_SEQ_CST,
						    __ATOMIC_SEQ_CST);
		else
			__atomic_store_n(w, vals[k % 5], __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void *race_swapper(void *arg)
{
	while (!atomic_load(&race_done))
		dom_mem_swap_out(da->mem, 4);
	return NULL;
}

static void test_race(void)
{
	pthread_t t[3];

	for (uint64_t k = 0; k < 4; k++)
		dom_mem_write(da->mem, GPA(DATA + 8 + k), "r", 1);
	put_entry(RACE_REF, GTF_permit_access, DOMID_BACKEND, DATA + 8);
	pthread_create(&t[1], NULL, race_guest, NULL);
	pthread_create(&t[2], NULL, race_swapper, NULL);
	pthread_create(&t[0], NULL, race_backend, NULL);
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	CHECK_EQ(atomic_load(&race_bad), 0);
	CHECK(atomic_load(&race_maps) > 0);
	CHECK_EQ(da->gt.readers[RACE_REF] + da->gt.writers[RACE_REF], 0);
	for (uint64_t k = 0; k < 4; k++) {
		struct p2m_entry e = it_p2m(da->mem, DATA + 8 + k);

		if (e.type == P2M_PRESENT)
			CHECK_EQ(atomic_load(&mh.pool.ft[e.val].refs), 0);
	}
	printf("grant race: %u maps under a hostile granter and a swapper\n",
	       atomic_load(&race_maps));
}

int main(void)
{
	struct dom_mem *ma, *mb;

	if (it_host(&mh, 512))
		return 1;
	ma = it_dom(&mh, 1);
	mb = it_dom(&mh, 2);
	CHECK(ma && mb);
	if (!ma || !mb || io_dom_attach(ma, NULL, NULL, &da) ||
	    io_dom_attach(mb, NULL, NULL, &db))
		return 1;
	test_set_table();
	test_map_pins();
	test_counts();
	test_refusals();
	test_hostile_entry();
	test_copy();
	test_hcall_copy();
	test_race();
	io_dom_detach(1);
	io_dom_detach(2);
	CHECK_EQ(io_dom_get(1), 0);
	dom_mem_destroy(ma);
	dom_mem_destroy(mb);
	CHECK_EQ(mpool_check(&mh.pool), 0);
	it_host_done(&mh);
	return mt_finish("grant");
}
