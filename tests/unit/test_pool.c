/* Unit tests of the machine memory pool: all-or-nothing batches, owners,
 * scrubbing (a freed frame reads zero), host RSS following what is held,
 * the accounting invariant, O(1) per frame. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mem/pool.h"
#include "check.h"

#define POOL_BYTES (8u << 20) /* 2048 frames */

/* Resident bytes of this process (from /proc/self/statm). */
static long rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

static void test_init_bad(void)
{
	struct mpool p;

	CHECK_EQ(mpool_init(&p, 4096), -EINVAL);
	CHECK_EQ(mpool_init(&p, (1u << 20) + 1), -EINVAL);
	mpool_destroy(&p); /* harmless after a failed init */
}

static void test_alloc_free(void)
{
	static mfn_t m[2048];
	struct mpool p;

	CHECK_EQ(mpool_init(&p, POOL_BYTES), 0);
	CHECK_EQ(p.nframes, 2048);
	CHECK_EQ(mpool_nfree(&p), 2048);
	CHECK_EQ(mpool_alloc(&p, 1, 2049, m), -ENOMEM);
	CHECK_EQ(mpool_nfree(&p), 2048); /* nothing taken */
	CHECK_EQ(mpool_alloc(&p, 1, 1000, m), 0);
	CHECK_EQ(mpool_alloc(&p, 2, 1048, m + 1000), 0);
	CHECK_EQ(mpool_nfree(&p), 0);
	CHECK_EQ(mpool_alloc(&p, 3, 1, m), -ENOMEM);
	CHECK_EQ(mpool_owned_by(&p, 1), 1000);
	CHECK_EQ(mpool_owned_by(&p, 2), 1048);
	CHECK_EQ(mpool_check(&p), 0);
	for (int k = 0; k < 2048; k++)
		CHECK(*(uint64_t *)mpool_ptr(&p, m[k]) == 0);
	/* Dirty every frame, give half back, take them again: zeros. */
	for (int k = 0; k < 2048; k++)
		memset(mpool_ptr(&p, m[k]), 0xa5, PAGE_SIZE);
	mpool_free(&p, m, 1024);
	CHECK_EQ(mpool_nfree(&p), 1024);
	CHECK_EQ(mpool_check(&p), 0);
	CHECK_EQ(mpool_alloc(&p, 3, 1024, m), 0);
	for (int k = 0; k < 1024; k++) {
		const uint8_t *b = mpool_ptr(&p, m[k]);

		for (unsigned i = 0; i < PAGE_SIZE; i += 512)
			if (b[i]) {
				CHECK(b[i] == 0);
				break;
			}
	}
	CHECK_EQ(mpool_owned_by(&p, 3), 1024);
	mpool_free(&p, m, 2048);
	CHECK_EQ(mpool_nfree(&p), 2048);
	CHECK_EQ(mpool_owned_by(&p, 0), 2048);
	CHECK_EQ(mpool_check(&p), 0);
	mpool_destroy(&p);
}

/* Host RSS rises with touched frames and falls again when they are freed
 * (MADV_DONTNEED really gives them back). */
static void test_rss(void)
{
	static mfn_t m[2048];
	struct mpool p;
	long before, held, after;

	CHECK_EQ(mpool_init(&p, POOL_BYTES), 0);
	before = rss_bytes();
	CHECK_EQ(mpool_alloc(&p, 1, 2048, m), 0);
	for (int k = 0; k < 2048; k++)
		memset(mpool_ptr(&p, m[k]), 1, PAGE_SIZE);
	held = rss_bytes();
	mpool_free(&p, m, 2048);
	after = rss_bytes();
	CHECK(held - before >= (long)POOL_BYTES * 9 / 10);
	CHECK(held - after >= (long)POOL_BYTES * 9 / 10);
	mpool_destroy(&p);
}

/* Warm frees: zeroed, kept backed (RSS stays) up to warm_max; ordinary
 * allocations take cold frames first, mpool_alloc_warm warm ones. */
static void test_warm(void)
{
	static mfn_t m[2048], w[2048];
	struct mpool p;
	long held, after;
	uint32_t cap;

	CHECK_EQ(mpool_init(&p, POOL_BYTES), 0);
	cap = p.warm_max;
	CHECK(cap > 0 && cap < 2048);
	CHECK_EQ(mpool_alloc(&p, 1, 2048, m), 0);
	for (int k = 0; k < 2048; k++)
		memset(mpool_ptr(&p, m[k]), 0x5a, PAGE_SIZE);
	held = rss_bytes();
	mpool_free_warm(&p, m, 2048);
	after = rss_bytes();
	CHECK_EQ(mpool_nwarm(&p), cap);
	CHECK_EQ(mpool_nfree(&p), 2048);
	CHECK_EQ(mpool_check(&p), 0);
	/* The cap's worth stayed backed, the rest went back to the host. */
	CHECK(held - after >= (long)(2048 - cap) * PAGE_SIZE * 9 / 10);
	CHECK(held - after <= (long)(2048 - cap) * PAGE_SIZE * 11 / 10);
	/* Warm first: exactly the frames kept, all zero. */
	CHECK_EQ(mpool_alloc_warm(&p, 2, cap, w), 0);
	CHECK_EQ(mpool_nwarm(&p), 0);
	for (uint32_t k = 0; k < cap; k++) {
		const uint8_t *q = mpool_ptr(&p, w[k]);

		CHECK(q[0] == 0 && q[PAGE_SIZE - 1] == 0 && q[2000] == 0);
	}
	mpool_free_warm(&p, w, cap);
	/* Cold first: the warm ones are left for copy-on-write breaks. */
	CHECK_EQ(mpool_alloc(&p, 3, 2048 - cap, m), 0);
	CHECK_EQ(mpool_nwarm(&p), cap);
	CHECK_EQ(mpool_alloc(&p, 3, cap, m + (2048 - cap)), 0);
	CHECK_EQ(mpool_nwarm(&p), 0);
	CHECK_EQ(mpool_owned_by(&p, 3), 2048);
	CHECK_EQ(mpool_check(&p), 0);
	mpool_free(&p, m, 2048);
	CHECK_EQ(mpool_check(&p), 0);
	mpool_destroy(&p);
}

/* Scattered frees: runs of one and of many; the invariant after each. */
static void test_scattered(void)
{
	static mfn_t m[2048], odd[1024];
	struct mpool p;
	int n = 0;

	CHECK_EQ(mpool_init(&p, POOL_BYTES), 0);
	CHECK_EQ(mpool_alloc(&p, 7, 2048, m), 0);
	for (int k = 1; k < 2048; k += 2)
		odd[n++] = m[k];
	mpool_free(&p, odd, (uint32_t)n);
	CHECK_EQ(mpool_owned_by(&p, 7), 1024);
	CHECK_EQ(mpool_check(&p), 0);
	mpool_wait_free(&p, 1, 1000); /* returns at once */
	CHECK_EQ(mpool_alloc(&p, 8, 1024, odd), 0);
	CHECK_EQ(mpool_nfree(&p), 0);
	CHECK_EQ(mpool_check(&p), 0);
	mpool_destroy(&p);
}

/* A chosen frame comes out of the middle of the cold or the warm stack
 * (the invariant holds after each), a frame already owned is not given
 * twice (any free one is), and an empty pool refuses. */
static void test_alloc_at(void)
{
	static mfn_t all[2048];
	mfn_t m, w[4];
	struct mpool p;

	CHECK_EQ(mpool_init(&p, POOL_BYTES), 0);
	CHECK_EQ(mpool_alloc_at(&p, 1, 700, &m), 0);
	CHECK_EQ(m.v, 700);
	CHECK_EQ(mpool_check(&p), 0);
	CHECK_EQ(mpool_alloc_at(&p, 1, 700, &m), 0); /* taken: any other */
	CHECK(m.v != 700);
	CHECK_EQ(mpool_alloc_at(&p, 1, 5000, &m), 0); /* out of range */
	CHECK(m.v < 2048 && m.v != 700);
	CHECK_EQ(mpool_check(&p), 0);
	/* Into the warm stack, then one taken out of its middle. */
	CHECK_EQ(mpool_alloc(&p, 2, 4, w), 0);
	mpool_free_warm(&p, w, 4);
	CHECK_EQ(mpool_nwarm(&p), 4);
	CHECK_EQ(mpool_alloc_at(&p, 1, w[1].v, &m), 0);
	CHECK_EQ(m.v, w[1].v);
	CHECK_EQ(mpool_nwarm(&p), 3);
	CHECK_EQ(mpool_check(&p), 0);
	CHECK_EQ(mpool_owned_by(&p, 1), 4);
	/* The rest, then nothing left. */
	CHECK_EQ(mpool_alloc(&p, 3, mpool_nfree(&p), all), 0);
	CHECK_EQ(mpool_alloc_at(&p, 1, 701, &m), -ENOMEM);
	CHECK_EQ(mpool_check(&p), 0);
	mpool_destroy(&p);
}

/* Cost per frame of alloc+free in batches of 512 (untouched frames). */
static void test_speed(void)
{
	static mfn_t m[512];
	struct mpool p;
	struct timespec t0, t1;
	double ns;

	CHECK_EQ(mpool_init(&p, POOL_BYTES), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < 2000; r++) {
		CHECK_EQ(mpool_alloc(&p, 1, 512, m), 0);
		mpool_free(&p, m, 512);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) /
	     (2000.0 * 512);
	printf("pool: alloc+free %.1f ns per frame (batches of 512)\n", ns);
	CHECK(ns < 5000);
	mpool_destroy(&p);
}

int main(void)
{
	test_init_bad();
	test_alloc_free();
	test_rss();
	test_warm();
	test_scattered();
	test_alloc_at();
	test_speed();
	return check_done("test_pool");
}
