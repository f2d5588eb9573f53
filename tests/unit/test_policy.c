/* Unit tests of the memory policy's arithmetic (docs/policy.md), without
 * its manager thread: requests for more served from the pool and then by
 * shares per page (a requester never takes from a domain that pays more
 * per page than it would), the 2:1 split two contenders settle at, and
 * live SLA changes that are refused whole (no change) or applied, and a
 * guest that lies in its pressure reports. */
#include <errno.h>
#include <stdlib.h>

#include "mem/mem_internal.h"
#include "mem/policy.h"
#include "check.h"

#define BASE_GFN 0x80000ull
#define POOL_FRAMES 1024ull

static struct mem_host mh;

static struct dom_mem *mkdom(domid_t id, uint64_t memory, uint64_t res,
			     uint32_t shares)
{
	struct dom_mem_config c = {
		.domid = id,
		.name = id == 1 ? "one" : "two",
		.base_gfn = BASE_GFN,
		.memory = memory,
		.maxmem = POOL_FRAMES,
		.reservation = res,
		.shares = shares,
	};
	struct dom_mem *d = NULL;

	CHECK_EQ(dom_mem_create(&mh, &c, &d), 0);
	return d;
}

/* Populate gfns [0, n) of d. */
static void hold(struct dom_mem *d, uint64_t n)
{
	uint64_t *g = malloc(n * sizeof(*g));

	for (uint64_t i = 0; i < n; i++)
		g[i] = BASE_GFN + i;
	CHECK_EQ(dom_mem_populate(d, g, n, 0), (long)n);
	free(g);
}

static void test_requests(void)
{
	struct dom_mem *a = mkdom(1, 400, 0, 1000);
	struct dom_mem *b = mkdom(2, 400, 0, 2000);

	hold(a, 400);
	hold(b, 400);
	/* The free pool first (224 frames); b pays 2000/400 per page, more
	 * than a would after the grant: nothing taken from b. */
	CHECK_EQ(dom_mem_request_more(a, 300), 224);
	CHECK_EQ(a->target, 624);
	/* The pool is promised to a now.  b's request takes from a, whose
	 * 224 untouched frames count as idle (taxed 4x). */
	CHECK_EQ(dom_mem_request_more(b, 100), 100);
	CHECK_EQ(a->target, 524);
	CHECK_EQ(b->target, 500);
	/* Both report no free page: all active.  b asks for everything;
	 * the split settles where shares per page are equal: b = 2 a. */
	atomic_store(&a->guest_reports, 1);
	atomic_store(&b->guest_reports, 1);
	CHECK(dom_mem_request_more(b, 1000) > 0);
	printf("targets after contention: a %llu, b %llu\n",
	       (unsigned long long)a->target, (unsigned long long)b->target);
	CHECK(a->target * 2 * 90 <= b->target * 100 &&
	      b->target * 100 <= a->target * 2 * 110);
	CHECK(a->target + b->target <= POOL_FRAMES);
	/* Nothing left to give a at b's expense: refused at once. */
	CHECK_EQ(dom_mem_request_more(a, 500), -ENOMEM);
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
}

static void test_sla(void)
{
	struct dom_mem *a = mkdom(1, 200, 100, 1000);
	struct dom_mem *b = mkdom(2, 400, 400, 0);
	struct dom_mem_sla s = { 0 };
	char why[200];

	CHECK_EQ(b->shares, POLICY_SHARES_DEFAULT);
	s.has_shares = true; /* 0 */
	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), -EINVAL);
	s = (struct dom_mem_sla){ .has_target = true, .target = 50 };
	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), -EINVAL);
	s = (struct dom_mem_sla){ .has_limit = true, .limit = 2000 };
	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), -EINVAL);
	/* 400 + 700 > 1024: admission control refuses, nothing changes. */
	s = (struct dom_mem_sla){ .has_reservation = true,
				  .reservation = 700,
				  .has_shares = true,
				  .shares = 7 };
	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), -ENOSPC);
	printf("refused: %s\n", why);
	CHECK_EQ(a->reservation, 100);
	CHECK_EQ(a->shares, 1000);
	CHECK_EQ(mh.reserved, 500);
	/* 400 + 600 fits; the target follows the reservation up. */
	s.reservation = 600;
	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), 0);
	CHECK_EQ(a->reservation, 600);
	CHECK_EQ(a->target, 600);
	CHECK_EQ(a->shares, 7);
	CHECK_EQ(mh.reserved, 1000);
	/* A lower limit pulls the target down with it. */
	s = (struct dom_mem_sla){ .has_reservation = true,
				  .reservation = 10,
				  .has_limit = true,
				  .limit = 300 };
	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), 0);
	CHECK_EQ(a->target, 300);
	CHECK_EQ(a->limit, 300);
	CHECK_EQ(mh.reserved, 410);
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
}

/* A guest that lies in its reports (all pressure, nothing free, asking
 * again and again) gets no more than its limit and never dips into what
 * another domain has reserved. */
static void test_liar(void)
{
	struct dom_mem *a = mkdom(1, 100, 0, 1000000);
	struct dom_mem *b = mkdom(2, 300, 300, 1);
	struct dom_mem_sla s = { .has_limit = true, .limit = 600 };
	char why[200];
	uint64_t *g = malloc(POOL_FRAMES * sizeof(*g));

	CHECK_EQ(dom_mem_set_sla(a, &s, why, sizeof(why)), 0);
	hold(b, 300);
	atomic_store(&a->guest_reports, 1);
	atomic_store(&a->guest_pressure, 100);
	atomic_store(&a->guest_free_frames, 0);
	for (int i = 0; i < 50; i++)
		dom_mem_request_more(a, 1000000);
	CHECK(a->target <= 600);
	CHECK(b->target >= 300);
	/* Populating everything it has: held up to the limit, no more. */
	for (uint64_t i = 0; i < POOL_FRAMES; i++)
		g[i] = BASE_GFN + i;
	dom_mem_populate(a, g, POOL_FRAMES, 0);
	printf("liar: target %llu, holds %llu (limit 600)\n",
	       (unsigned long long)a->target,
	       (unsigned long long)atomic_load(&a->populated));
	CHECK(atomic_load(&a->populated) <= 600);
	CHECK_EQ(atomic_load(&b->populated), 300);
	CHECK_EQ(mem_host_check(&mh), 0);
	free(g);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
}

int main(void)
{
	struct mem_host_config hc = { .machine_memory = POOL_FRAMES * 4096 };

	if (mem_host_init(&mh, &hc))
		return 1;
	test_requests();
	test_sla();
	test_liar();
	mem_host_destroy(&mh);
	return check_done("test_policy");
}
