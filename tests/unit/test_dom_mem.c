/* Unit tests of a domain's memory: admission control, populate on first
 * touch, the XENMEM operations and their bad inputs, swap out/in, a domain
 * paying for faults above its target with its own victims, the reclaimer
 * honouring reservations, scrubbing between owners, a swapped page
 * changed behind atoll's back (that domain crashes), a swap file that
 * breaks, and (dom_mem_churn.c) all of it at once on several threads.  The
 * accounting invariant is checked after every step. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dom_mem_util.h"
#include "io/io_dom.h"
#include "check.h"

static struct mem_host mh;
static unsigned sd_calls, sd_pages;
/* The test thread is the domain's one vCPU: it holds vcpu_lock while it
 * uses a page pointer, so a shootdown (which takes the lock) returns only
 * once the "vCPU" forgot it. */
static pthread_mutex_t vcpu_lock = PTHREAD_MUTEX_INITIALIZER;

static void count_shootdown(void *ctx, const uint64_t *pages, unsigned n)
{
	pthread_mutex_lock(&vcpu_lock);
	sd_calls++;
	sd_pages += n;
	pthread_mutex_unlock(&vcpu_lock);
}

/* dom_mem_page as a vCPU does it; returns with vcpu_lock held (the
 * caller unlocks when done with the page), or NULL without. */
static void *vtouch(struct dom_mem *d, uint64_t gpa, bool write)
{
	pthread_mutex_lock(&vcpu_lock);
	for (int k = 0; k < 10000; k++) {
		void *p = dom_mem_page(d, gpa, write);

		if (p != PAGE_RETRY) {
			if (!p)
				pthread_mutex_unlock(&vcpu_lock);
			return p;
		}
		pthread_mutex_unlock(&vcpu_lock);
		dom_mem_wait(d);
		pthread_mutex_lock(&vcpu_lock);
	}
	pthread_mutex_unlock(&vcpu_lock);
	return NULL;
}

static struct dom_mem *mkdom(domid_t id, uint64_t maxmem, uint64_t memory,
			     uint64_t res)
{
	struct dom_mem_config c = {
		.domid = id,
		.name = "t",
		.base_gfn = BASE_GFN,
		.memory = memory,
		.maxmem = maxmem,
		.reservation = res,
		.shootdown = count_shootdown,
	};
	struct dom_mem *d = NULL;

	CHECK_EQ(dom_mem_create(&mh, &c, &d), 0);
	return d;
}

static void test_admission(void)
{
	struct dom_mem_config c = { .domid = 3,
				    .name = "big",
				    .base_gfn = BASE_GFN,
				    .memory = 500,
				    .maxmem = 2048,
				    .reservation = 500 };
	struct dom_mem *a = mkdom(1, 2048, 600, 600), *b = NULL;

	printf("(two admission lines and one config line are expected)\n");
	CHECK_EQ(dom_mem_create(&mh, &c, &b), -ENOMEM);
	c.reservation = 424;
	c.domid = 1;
	CHECK_EQ(dom_mem_create(&mh, &c, &b), -EEXIST);
	c.domid = 3;
	c.memory = 4096;
	CHECK_EQ(dom_mem_create(&mh, &c, &b), -EINVAL);
	c.memory = 500;
	CHECK_EQ(dom_mem_create(&mh, &c, &b), 0);
	CHECK_EQ(mh.reserved, 1024);
	dom_mem_destroy(b);
	dom_mem_destroy(a);
	CHECK_EQ(mh.reserved, 0);
	CHECK_EQ(mem_host_check(&mh), 0);
}

static void test_touch(void)
{
	struct dom_mem *d = mkdom(1, 256, 256, 16);
	struct dom_mem_stats st;
	uint64_t *p, *q;

	CHECK(dom_mem_page(d, GUEST_RAM - 4096, false) == NULL);
	CHECK(dom_mem_page(d, GUEST_RAM + 256 * 4096, true) == NULL);
	p = dom_mem_page(d, GUEST_RAM + 5 * 4096, true);
	CHECK(p && p != PAGE_RETRY && *p == 0);
	*p = 42;
	q = dom_mem_page(d, GUEST_RAM + 5 * 4096, false);
	CHECK(p == q);
	CHECK_EQ(p2m_get(&d->p2m, gfn(BASE_GFN + 5)).type, P2M_PRESENT);
	dom_mem_get_stats(d, &st);
	CHECK_EQ(st.populated, 1);
	CHECK_EQ(st.populate_faults, 1);
	CHECK(dom_mem_contains(d, GUEST_RAM, 256 * 4096));
	CHECK(!dom_mem_contains(d, GUEST_RAM, 256 * 4096 + 1));
	CHECK(!dom_mem_contains(d, GUEST_RAM - 1, 2));
	CHECK_EQ(dom_mem_write(d, GUEST_RAM + 4090, "abcdefghijkl", 12), 0);
	{
		char buf[13] = { 0 };

		CHECK_EQ(dom_mem_read(d, GUEST_RAM + 4090, buf, 12), 0);
		CHECK(!strcmp(buf, "abcdefghijkl"));
		CHECK_EQ(dom_mem_read(d, GUEST_RAM + 256 * 4096 - 4, buf, 8),
			 -EFAULT);
	}
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(d);
	CHECK_EQ(mpool_nfree(&mh.pool), mh.pool.nframes);
}

/* Frame placement: pages first touched out of order (as a program's
 * data, then its stack, then its bss) get frames at one fixed offset from
 * their gfns, so contiguous guest pages are contiguous in the host; a
 * frame another domain took first is not given again (the page gets any
 * other). */
static void test_placement(void)
{
	struct dom_mem *a = mkdom(1, 256, 256, 16), *b;
	static const unsigned order[] = { 0, 40, 4, 3, 2, 1 };
	uint8_t *p0, *pb, *q;
	long k;

	for (unsigned i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		CHECK(dom_mem_page(a, GUEST_RAM + order[i] * 4096ull, true));
	p0 = dom_mem_page(a, GUEST_RAM, false);
	for (unsigned i = 1; i < sizeof(order) / sizeof(order[0]); i++)
		CHECK(dom_mem_page(a, GUEST_RAM + order[i] * 4096ull, false) ==
		      p0 + order[i] * 4096ull);
	/* b's first page takes a free frame: one a would want for a page
	 * it has not touched (the pool hands out low frames first). */
	b = mkdom(2, 256, 256, 16);
	pb = dom_mem_page(b, GUEST_RAM + 7 * 4096, true);
	k = (pb - p0) / 4096;
	CHECK(k > 4 && k < 256 && k != 40);
	if (k > 4 && k < 256 && k != 40) {
		q = dom_mem_page(a, GUEST_RAM + (uint64_t)k * 4096, true);
		CHECK(q && q != PAGE_RETRY && q != pb);
	}
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(b);
	dom_mem_destroy(a);
	CHECK_EQ(mpool_nfree(&mh.pool), mh.pool.nframes);
}

static void test_xenmem(void)
{
	struct dom_mem *d = mkdom(1, 256, 64, 16);
	uint64_t g[8] = { BASE_GFN, BASE_GFN + 4, BASE_GFN + 8, BASE_GFN + 12 };
	uint64_t bad[2] = { BASE_GFN + 256, BASE_GFN - 4 };
	uint64_t odd[1] = { BASE_GFN + 2 };
	uint64_t big[1] = { BASE_GFN + 128 };

	CHECK_EQ(dom_mem_populate(d, g, 4, DOM_MEM_MAX_ORDER + 1), -EINVAL);
	CHECK_EQ(dom_mem_populate(d, bad, 1, 0), 0);
	CHECK_EQ(dom_mem_populate(d, bad + 1, 1, 2), 0);
	CHECK_EQ(dom_mem_populate(d, odd, 1, 2), 0); /* misaligned */
	CHECK_EQ(dom_mem_populate(d, g, 4, 2), 4);
	CHECK_EQ(d->populated, 16);
	CHECK_EQ(dom_mem_populate(d, g, 4, 2), 4); /* already backed */
	CHECK_EQ(d->populated, 16);
	/* Order 7 = 128 frames: above the target of 64, refused whole. */
	CHECK_EQ(dom_mem_populate(d, big, 1, 7), 0);
	CHECK_EQ(d->populated, 16);
	CHECK_EQ(mem_host_check(&mh), 0);
	/* Give two extents back and a third never populated (no frame);
	 * a ballooned one stops it. */
	g[2] = BASE_GFN + 64;
	CHECK_EQ(dom_mem_decrease(d, g, 3, 2), 3);
	CHECK_EQ(d->populated, 8);
	CHECK_EQ(d->ballooned, 12);
	CHECK_EQ(dom_mem_decrease(d, g + 2, 1, 2), 0);
	CHECK_EQ(dom_mem_decrease(d, bad, 2, 0), 0);
	CHECK_EQ(dom_mem_decrease(d, g, 1, DOM_MEM_MAX_ORDER + 1), -EINVAL);
	CHECK_EQ(mem_host_check(&mh), 0);
	/* Ballooned gfns come back zeroed on populate. */
	CHECK_EQ(dom_mem_populate(d, g, 3, 2), 3);
	CHECK_EQ(d->ballooned, 0);
	CHECK(*(uint64_t *)dom_mem_page(d, GUEST_RAM, false) == 0);
	/* Asking for more: the target grows within the limit (256). */
	CHECK_EQ(dom_mem_request_more(d, 100), 100);
	CHECK_EQ(d->target, 164);
	CHECK_EQ(dom_mem_request_more(d, 1000), 92);
	CHECK_EQ(dom_mem_request_more(d, 1), -ENOMEM); /* at its limit */
	CHECK_EQ(dom_mem_populate(d, big, 1, 7), 1);
	CHECK_EQ(dom_mem_set_target(d, 8), -EINVAL); /* below reservation */
	CHECK_EQ(dom_mem_set_target(d, 257), -EINVAL);
	CHECK_EQ(dom_mem_set_target(d, 64), 0);
	CHECK_EQ(mem_host_check(&mh), 0);
	/* A whole 2 MiB extent of order 9 is out of a 256-frame domain. */
	CHECK_EQ(dom_mem_decrease(d, big, 1, 9), 0);
	CHECK(sd_calls > 0);
	dom_mem_destroy(d);
	CHECK_EQ(mem_host_check(&mh), 0);
}

/* Fill n pages with their own gfn as a pattern, retrying as a vCPU does. */
static void fill(struct dom_mem *d, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint64_t *p = vtouch(d, GUEST_RAM + k * 4096ull, true);

		CHECK(p != NULL);
		if (p) {
			p[0] = BASE_GFN + k;
			p[511] = ~(BASE_GFN + k);
			pthread_mutex_unlock(&vcpu_lock);
		}
	}
}

/* Check the patterns of fill through the faulting path. */
static void verify(struct dom_mem *d, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint64_t *p = vtouch(d, GUEST_RAM + k * 4096ull, false);
		bool ok;

		CHECK(p != NULL);
		if (!p)
			continue;
		ok = p[0] == BASE_GFN + k && p[511] == ~(BASE_GFN + k);
		pthread_mutex_unlock(&vcpu_lock);
		if (!ok) {
			printf("gfn %#llx: pattern lost\n",
			       (unsigned long long)(BASE_GFN + k));
			check_failures++;
			return;
		}
	}
}

static void test_swap_roundtrip(void)
{
	struct dom_mem *d = mkdom(1, 256, 256, 16);
	struct dom_mem_stats st;

	fill(d, 64);
	sd_calls = sd_pages = 0;
	CHECK_EQ(dom_mem_swap_out(d, 32), 32);
	CHECK_EQ(sd_pages, 32); /* every victim shot down */
	CHECK_EQ(sd_calls, 2); /* in batches of 16 */
	CHECK_EQ(d->populated, 32);
	CHECK_EQ(d->swapped, 32);
	CHECK_EQ(mem_host_check(&mh), 0);
	verify(d, 64);
	dom_mem_get_stats(d, &st);
	CHECK_EQ(st.swap_outs, 32);
	CHECK_EQ(st.swap_ins, 32);
	CHECK_EQ(st.swapped, 0);
	/* Host copies see swapped pages too (swapped in on the way). */
	CHECK_EQ(dom_mem_swap_out(d, 64), 64);
	{
		uint64_t v;

		CHECK_EQ(dom_mem_read(d, GUEST_RAM + 7 * 4096, &v, 8), 0);
		CHECK_EQ(v, BASE_GFN + 7);
	}
	/* Ballooning a swapped page frees its slot. */
	{
		uint64_t g = BASE_GFN + 9;

		CHECK_EQ(dom_mem_decrease(d, &g, 1, 0), 1);
	}
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(d);
	CHECK_EQ(mem_host_check(&mh), 0);
	CHECK_EQ(swap_nfree(&mh.swap), mh.swap.nslots);
}

/* Target 32 frames, 200 touched: the domain pays with its own victims. */
static void test_self_steal(void)
{
	struct dom_mem *d = mkdom(1, 256, 32, 16);
	struct dom_mem_stats st;

	fill(d, 200);
	CHECK(d->populated <= 32);
	verify(d, 200);
	dom_mem_get_stats(d, &st);
	CHECK(st.swap_outs >= 168);
	CHECK(st.retries > 0);
	printf("self-steal: 200 pages in a target of 32: %llu swap-outs, "
	       "%llu swap-ins, %llu retries\n",
	       (unsigned long long)st.swap_outs,
	       (unsigned long long)st.swap_ins, (unsigned long long)st.retries);
	pthread_mutex_lock(&mh.reclaim_lock);
	CHECK_EQ(mem_host_check(&mh), 0);
	pthread_mutex_unlock(&mh.reclaim_lock);
	dom_mem_destroy(d);
	CHECK_EQ(mem_host_check(&mh), 0);
}

/* A holds most of the pool above its reservation; B's touches make the
 * reclaimer steal from A, never below A's reservation. */
static void test_reclaim(void)
{
	struct dom_mem *a = mkdom(1, 1024, 1024, 300);
	struct dom_mem *b = mkdom(2, 1024, 1024, 300);
	struct mem_host_stats hs;

	fill(a, 1000);
	CHECK(a->populated <= 724); /* b's reservation is set aside */
	fill(b, 600);
	CHECK(a->populated >= 300);
	CHECK(b->populated >= 300);
	CHECK_EQ(b->populated + b->swapped, 600);
	verify(a, 1000);
	verify(b, 600);
	CHECK(a->populated >= 300);
	mem_host_get_stats(&mh, &hs);
	CHECK(hs.reclaim_runs > 0);
	CHECK(hs.swap_outs > 0);
	pthread_mutex_lock(&mh.reclaim_lock);
	CHECK_EQ(mem_host_check(&mh), 0);
	pthread_mutex_unlock(&mh.reclaim_lock);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
	CHECK_EQ(mem_host_check(&mh), 0);
}

/* A writes a pattern in every frame of the pool and is destroyed; B then
 * gets every frame, and sees only zeros. */
static void test_isolation(void)
{
	/* Reservations of the whole pool: the reclaimer keeps off. */
	struct dom_mem *a = mkdom(1, 1024, 1024, 1024), *b;
	uint64_t all[1024], nz = 0;

	for (unsigned k = 0; k < 1024; k++)
		all[k] = BASE_GFN + k;
	CHECK_EQ(dom_mem_populate(a, all, 1024, 0), 1024);
	CHECK_EQ(mpool_nfree(&mh.pool), 0);
	for (unsigned k = 0; k < 1024; k++)
		memset(dom_mem_page(a, GUEST_RAM + k * 4096ull, true), 0xa5,
		       PAGE_SIZE);
	dom_mem_destroy(a);
	b = mkdom(2, 1024, 1024, 1024);
	CHECK_EQ(dom_mem_populate(b, all, 1024, 0), 1024);
	for (unsigned k = 0; k < 1024; k++) {
		const uint64_t *p =
			dom_mem_page(b, GUEST_RAM + k * 4096ull, false);

		for (unsigned i = 0; i < 512; i++)
			nz += p[i] != 0;
	}
	CHECK_EQ(nz, 0);
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(b);
}

/* A swap file that stops taking writes: the victims stay with the domain,
 * one line is printed, and the domain keeps running past its target. */
static void test_swap_broken(void)
{
	struct dom_mem *d = mkdom(1, 256, 64, 16);
	int ro = open(mh.swap.path, O_RDONLY);

	fill(d, 64);
	CHECK(ro >= 0);
	dup2(ro, mh.swap.fd);
	close(ro);
	printf("(one 'write failed' line is expected)\n");
	CHECK(dom_mem_swap_out(d, 16) < 0);
	CHECK_EQ(d->populated, 64);
	CHECK_EQ(dom_mem_swap_out(d, 16), -ENODEV);
	fill(d, 128); /* above its target of 64: nothing can be stolen */
	CHECK_EQ(d->populated, 128);
	verify(d, 128);
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(d);
	CHECK_EQ(mem_host_check(&mh), 0);
}

static unsigned crashes;

static void count_crash(void *ctx)
{
	crashes++;
}

/* Overwrite the slot behind a's gfn k in the swap file, through a
 * descriptor of its own (as another process would). */
static void corrupt_slot(struct dom_mem *a, unsigned k)
{
	struct p2m_entry e = p2m_get(&a->p2m, gfn(BASE_GFN + k));
	static uint8_t junk[PAGE_SIZE];
	char name[64];
	int fd;

	CHECK_EQ(e.type, P2M_SWAPPED);
	snprintf(name, sizeof(name), "/proc/self/fd/%d", mh.swap.fd);
	fd = open(name, O_RDWR);
	CHECK(fd >= 0);
	memset(junk, 0x5a, sizeof(junk));
	CHECK_EQ(pwrite(fd, junk, 64, (off_t)e.val * PAGE_SIZE + 8), 64);
	close(fd);
}

/* A swapped page of a changed in the file behind atoll's back: a crashes
 * (once, one line) instead of reading wrong data; b, swapped in the same
 * file, reads all its pages back intact. */
static void test_swap_corrupt(void)
{
	struct dom_mem_config c = {
		.domid = 1,
		.name = "victim",
		.base_gfn = BASE_GFN,
		.memory = 256,
		.maxmem = 256,
		.reservation = 16,
		.shootdown = count_shootdown,
		.crash = count_crash,
	};
	struct dom_mem *a = NULL, *b = mkdom(2, 256, 256, 16);
	uint64_t v;

	CHECK_EQ(dom_mem_create(&mh, &c, &a), 0);
	fill(a, 64);
	fill(b, 64);
	CHECK_EQ(dom_mem_swap_out(a, 64), 64);
	CHECK_EQ(dom_mem_swap_out(b, 64), 64);
	corrupt_slot(a, 5);
	verify(a, 5); /* the pages before it are fine */
	CHECK_EQ(crashes, 0);
	printf("(one 'fails its checksum' line about domain victim is "
	       "expected)\n");
	/* The vCPU is told to retry (its stop is posted), never given the
	 * page; host copies fault. */
	CHECK(dom_mem_page(a, GUEST_RAM + 5 * 4096ull, false) == PAGE_RETRY);
	CHECK_EQ(crashes, 1);
	CHECK_EQ(mh.swap.stat_corrupt, 1);
	CHECK(dom_mem_page(a, GUEST_RAM + 6 * 4096ull, false) == PAGE_RETRY);
	CHECK_EQ(dom_mem_read(a, GUEST_RAM + 5 * 4096, &v, 8), -EFAULT);
	CHECK_EQ(crashes, 1);
	verify(b, 64);
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
	CHECK_EQ(mem_host_check(&mh), 0);
	CHECK_EQ(swap_nfree(&mh.swap), mh.swap.nslots);
}

struct pin_arg {
	struct dom_mem *d;
	void *page;
	uint32_t mfn;
	int rc;
	_Atomic bool done;
};

static void *pin_thread(void *v)
{
	struct pin_arg *a = v;

	a->rc = io_pin(a->d, BASE_GFN + 3, true, &a->page, &a->mfn);
	atomic_store(&a->done, true);
	return NULL;
}

/* A device's pin waits for a frame as long as a busy host takes to free
 * one (io_pin: up to 10 s), not a count of wake-ups: here the pool is dry,
 * without swap, for 1.5 s (the old count gave up after about 0.5 s and
 * the guest's I/O failed), then a frame comes back and the pin gets it. */
static void test_pin_waits(void)
{
	const struct mem_host_config hc = { .machine_memory = 256 * PAGE_SIZE };
	struct dom_mem_config ca = { .domid = 1,
				     .name = "full",
				     .base_gfn = BASE_GFN,
				     .memory = 256,
				     .maxmem = 256 },
			      cb = ca;
	struct pin_arg arg = { 0 };
	struct dom_mem *a = NULL;
	uint64_t gone = BASE_GFN;
	pthread_t t;

	cb.domid = 2;
	cb.name = "waits";
	if (mem_host_init(&mh, &hc)) { /* no swap_path: no swap */
		CHECK(!"a host without swap");
		return;
	}
	CHECK_EQ(dom_mem_create(&mh, &ca, &a), 0);
	CHECK_EQ(dom_mem_create(&mh, &cb, &arg.d), 0);
	if (!a || !arg.d)
		return;
	for (uint64_t i = 0; i < 256; i++)
		CHECK(util_touch(a, GUEST_RAM + i * PAGE_SIZE, true));
	CHECK(!pthread_create(&t, NULL, pin_thread, &arg));
	usleep(1500 * 1000); /* the shortage under test, not a wait */
	CHECK(!atomic_load(&arg.done));
	CHECK_EQ(dom_mem_decrease(a, &gone, 1, 0), 1);
	pthread_join(t, NULL);
	CHECK_EQ(arg.rc, 0);
	if (!arg.rc)
		io_unpin(arg.d, arg.mfn);
	dom_mem_destroy(arg.d);
	dom_mem_destroy(a);
	mem_host_destroy(&mh);
}

int main(void)
{
	if (util_host(&mh, 1024, 2048)) {
		printf("cannot create the memory host\n");
		return 1;
	}
	test_admission();
	test_touch();
	test_placement();
	test_xenmem();
	test_swap_roundtrip();
	test_self_steal();
	test_reclaim();
	test_isolation();
	test_swap_corrupt();
	test_swap_broken();
	util_host_done(&mh);
	test_pin_waits();
	check_failures += churn_run();
	return check_done("test_dom_mem");
}
