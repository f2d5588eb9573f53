/* Unit tests of the working-set sampler (src/mem/wss.c), driven period by
 * period on a domain without vCPUs (the test thread is its "vCPU" and
 * reaches its pages through dom_mem_page, as a TLB miss does): a marked
 * page leaves the lock-free path and its next access is counted once;
 * host copies are not guest accesses; the estimate is exact when the
 * whole domain is sampled and close to the truth when 100 pages are; the
 * averages follow an increase at once and a decrease slowly; a page
 * swapped out while sampled counts as idle; the invariants hold. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "mem/mem_internal.h"

#define BASE_GFN 0x80000ull
#define NPAGES 800u

static struct mem_host mh;
static unsigned sd_pages;
static char dir[64], path[96];

static void count_shootdown(void *ctx, const uint64_t *pages, unsigned n)
{
	sd_pages += n;
}

static uint64_t gpa(unsigned i)
{
	return (BASE_GFN + i) << PAGE_SHIFT;
}

static struct dom_mem *mkdom(void)
{
	struct dom_mem_config c = {
		.domid = 1,
		.name = "t",
		.base_gfn = BASE_GFN,
		.memory = NPAGES,
		.maxmem = NPAGES,
		.reservation = NPAGES,
		.shootdown = count_shootdown,
	};
	struct dom_mem *d = NULL;

	CHECK_EQ(dom_mem_create(&mh, &c, &d), 0);
	for (unsigned i = 0; d && i < NPAGES; i++)
		CHECK(dom_mem_page(d, gpa(i), true) != NULL);
	return d;
}

/* Touch pages 0..n-1 as the guest (twice: only the first counts). */
static void touch(struct dom_mem *d, unsigned n)
{
	for (int k = 0; k < 2; k++)
		for (unsigned i = 0; i < n; i++)
			CHECK(dom_mem_page(d, gpa(i), false) != NULL);
}

static unsigned marked(struct dom_mem *d)
{
	unsigned n = 0;

	for (unsigned i = 0; i < NPAGES; i++)
		n += p2m_word(&d->p2m, gfn(BASE_GFN + i)) >> 56 & P2M_SAMPLED
			     ? 1
			     : 0;
	return n;
}

/* Sampling all 800 pages: the estimate is the number touched, exactly. */
static void test_exact(struct dom_mem *d)
{
	uint8_t buf[8];
	void *p0 = dom_mem_page(d, gpa(0), false);

	sd_pages = 0;
	wss_period_dom(d, WSS_SAMPLE_MAX);
	CHECK_EQ(marked(d), NPAGES);
	CHECK_EQ(sd_pages, NPAGES); /* every sampled page shot down */
	CHECK_EQ(mem_host_check(&mh), 0); /* a mark is still PRESENT */
	/* A host copy is not the guest's access: the mark stays. */
	CHECK_EQ(dom_mem_read(d, gpa(5), buf, sizeof(buf)), 0);
	CHECK_EQ(marked(d), NPAGES);
	touch(d, 300);
	CHECK_EQ(marked(d), NPAGES - 300);
	CHECK(dom_mem_page(d, gpa(0), false) == p0); /* same frame */
	wss_period_dom(d, WSS_SAMPLE_MAX);
	CHECK_EQ(atomic_load(&d->wss.periods), 1);
	CHECK_EQ(atomic_load(&d->wss.last), 300);
	CHECK_EQ(atomic_load(&d->wss.active), 300);
	/* An increase shows at once in the fast average (3/4 of it)... */
	touch(d, 700);
	wss_period_dom(d, WSS_SAMPLE_MAX);
	CHECK_EQ(atomic_load(&d->wss.last), 700);
	CHECK_EQ(atomic_load(&d->wss.active), 600);
	/* ... a decrease only slowly (the slow average holds it up). */
	for (int k = 0; k < 3; k++) {
		touch(d, 100);
		wss_period_dom(d, WSS_SAMPLE_MAX);
	}
	CHECK_EQ(atomic_load(&d->wss.last), 100);
	/* slow: 350, then 1/8 of the way to 100 each period */
	CHECK_EQ(atomic_load(&d->wss.active), 267);
	CHECK_EQ(mem_host_check(&mh), 0);
}

/* A page swapped out while sampled loses its mark uncounted (idle). */
static void test_swapped(struct dom_mem *d)
{
	uint64_t before;

	wss_period_dom(d, WSS_SAMPLE_MAX); /* a fresh sample of all */
	CHECK_EQ(dom_mem_set_target(d, NPAGES), 0);
	CHECK(dom_mem_swap_out(d, 50) == 50);
	CHECK_EQ(marked(d), NPAGES - 50);
	CHECK_EQ(mem_host_check(&mh), 0);
	before = atomic_load(&d->wss.periods);
	wss_period_dom(d, WSS_SAMPLE_MAX);
	CHECK_EQ(atomic_load(&d->wss.periods), before + 1);
	CHECK_EQ(atomic_load(&d->wss.last), 0);
}

/* 100 pages of 800, 25 % touched: within 4 standard deviations. */
static void test_sampled(struct dom_mem *d)
{
	touch(d, NPAGES); /* swap everything back in */
	for (int k = 0; k < 20; k++) {
		uint64_t last;

		wss_period_dom(d, 100);
		touch(d, NPAGES / 4);
		wss_period_dom(d, 100);
		last = atomic_load(&d->wss.last);
		/* sd = sqrt(100 * .25 * .75) / 100 * 800 ~ 35 frames */
		CHECK_MSG(last >= 60 && last <= 340, "estimate %lu, truth 200",
			  (unsigned long)last);
	}
	CHECK_EQ(mem_host_check(&mh), 0);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	struct mem_host_config cfg = {
		.machine_memory = 1024 * PAGE_SIZE,
		.swap_path = path,
		.swap_size = 1024 * PAGE_SIZE,
	};
	struct dom_mem *d;

	snprintf(dir, sizeof(dir), "%s/atoll-wss-XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/swap", dir);
	if (mem_host_init(&mh, &cfg))
		return 1;
	d = mkdom();
	if (d) {
		test_exact(d);
		test_swapped(d);
		test_sampled(d);
		dom_mem_destroy(d);
	}
	mem_host_destroy(&mh);
	unlink(path);
	rmdir(dir);
	return check_done("test_wss");
}
