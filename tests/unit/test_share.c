/* Unit tests of content-based sharing (src/mem/share*.c): identical pages
 * of two domains merge into one frame and the duplicate goes back to the
 * pool scrubbed; zero pages merge into the zero frame; a write breaks the share
 * (each domain reads back its own data); a page seen changing is not
 * merged; `sharing = no` is respected; pins, ballooning and destroy with
 * shared frames; a dry pool makes a break wait; bad rates are refused; the
 * scanner thread at its rate; and a random differential run against a
 * model of every page's contents.  The table and accounting invariants
 * (mem_host_check) are checked after every step. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "mem/mem_internal.h"
#include "mem/memhost.h"
#include "check.h"

#define BASE_GFN 0x80000ull
#define GPA(i) ((BASE_GFN + (i)) << PAGE_SHIFT)

static struct mem_host mh;
static unsigned sd_calls;

static void count_shootdown(void *ctx, const uint64_t *pages, unsigned n)
{
	sd_calls++;
}

/* Domain id of `frames` frames, `res` of them reserved. */
static struct dom_mem *mkdom_res(domid_t id, uint64_t frames, uint64_t res,
				 bool share)
{
	struct dom_mem_config c = {
		.domid = id,
		.name = id == 1	  ? "one"
			: id == 2 ? "two"
				  : "other",
		.base_gfn = BASE_GFN,
		.memory = frames,
		.maxmem = frames,
		.reservation = res,
		.shootdown = count_shootdown,
		.no_sharing = !share,
	};
	struct dom_mem *d = NULL;

	CHECK_EQ(dom_mem_create(&mh, &c, &d), 0);
	return d;
}

static struct dom_mem *mkdom(domid_t id, uint64_t frames, bool share)
{
	return mkdom_res(id, frames, 1, share);
}

/* Page i of d filled with byte v (0: zeros). */
static void fill(struct dom_mem *d, uint64_t i, uint8_t v)
{
	uint8_t buf[PAGE_SIZE];

	memset(buf, v, sizeof(buf));
	buf[0] = v ? (uint8_t)(v ^ 0x5a) : 0; /* not a one-byte page */
	CHECK_EQ(dom_mem_write(d, GPA(i), buf, sizeof(buf)), 0);
}

/* Does page i of d hold what fill(v) wrote? */
static bool holds(struct dom_mem *d, uint64_t i, uint8_t v)
{
	uint8_t buf[PAGE_SIZE], want[PAGE_SIZE];

	memset(want, v, sizeof(want));
	want[0] = v ? (uint8_t)(v ^ 0x5a) : 0;
	return !dom_mem_read(d, GPA(i), buf, sizeof(buf)) &&
	       !memcmp(buf, want, sizeof(buf));
}

static enum p2m_type type_of(struct dom_mem *d, uint64_t i)
{
	return p2m_get(&d->p2m, gfn(BASE_GFN + i)).type;
}

static uint32_t mfn_of(struct dom_mem *d, uint64_t i)
{
	return p2m_get(&d->p2m, gfn(BASE_GFN + i)).val;
}

/* Frames not held by anyone (free, cold or warm). */
static uint64_t unused(void)
{
	return mpool_nfree(&mh.pool);
}

/* Is frame m all zero? */
static bool frame_zero(uint32_t m)
{
	const uint8_t *p = mpool_ptr(&mh.pool, mfn(m));

	for (unsigned k = 0; k < PAGE_SIZE; k++)
		if (p[k])
			return false;
	return true;
}

/* Two looks: the first notes each page's hash, the second merges. */
static void scan2(struct dom_mem *d)
{
	share_scan_domain(&mh, d, 1u << 20);
	share_scan_domain(&mh, d, 1u << 20);
}

static void test_merge_and_break(void)
{
	struct dom_mem *a = mkdom(1, 64, true), *b = mkdom(2, 64, true);
	uint32_t free0, dup;
	struct share_stats st;
	uint8_t *p;
	uint32_t put;

	for (uint64_t i = 0; i < 8; i++) {
		fill(a, i, (uint8_t)(0x10 + i));
		fill(b, i, (uint8_t)(0x10 + i));
	}
	fill(a, 8, 0x77); /* only in a */
	fill(b, 8, 0x78); /* only in b */
	free0 = unused();
	dup = mfn_of(b, 3);
	share_scan_domain(&mh, a, 1000);
	CHECK_EQ(type_of(a, 0), P2M_PRESENT); /* seen once: not yet */
	share_scan_domain(&mh, a, 1000);
	scan2(b);
	for (uint64_t i = 0; i < 8; i++) {
		CHECK_EQ(type_of(a, i), P2M_SHARED);
		CHECK_EQ(type_of(b, i), P2M_SHARED);
		CHECK_EQ(mfn_of(a, i), mfn_of(b, i));
		CHECK_EQ(share_refs(&mh, mfn(mfn_of(a, i))), 2);
	}
	CHECK(mfn_of(a, 8) != mfn_of(b, 8));
	CHECK(holds(a, 8, 0x77) && holds(b, 8, 0x78));
	CHECK_EQ(unused(), free0 + 8);
	CHECK(atomic_load(&mh.pool.ft[dup].owner) != b->domid);
	CHECK(frame_zero(dup)); /* scrubbed, spare or free */
	share_get_stats(&mh, &st);
	CHECK_EQ(st.saved, 8);
	CHECK_EQ(st.merged, 8);
	CHECK_EQ(mem_host_check(&mh), 0);

	/* a writes page 3: its own copy; b still reads the original. */
	p = dom_mem_page(a, GPA(3), true);
	CHECK(p && p != PAGE_RETRY);
	CHECK_EQ(type_of(a, 3), P2M_PRESENT);
	memset(p, 0xaa, PAGE_SIZE);
	CHECK(holds(b, 3, 0x13));
	/* b writes it too: the last sharer takes the frame back. */
	pthread_mutex_lock(&b->lock);
	p = share_break(b, BASE_GFN + 3, mfn_of(b, 3), &put, NULL);
	pthread_mutex_unlock(&b->lock);
	CHECK_EQ(put, MFN_NONE);
	memset(p, 0xbb, PAGE_SIZE);
	p = dom_mem_page(a, GPA(3), false);
	CHECK(p && p[0] == 0xaa && p[4095] == 0xaa);
	p = dom_mem_page(b, GPA(3), false);
	CHECK(p && p[0] == 0xbb && p[4095] == 0xbb);
	CHECK_EQ(atomic_load(&a->cow_breaks), 1);
	/* Host copies break the share too. */
	fill(b, 5, 0x99);
	CHECK(holds(b, 5, 0x99) && holds(a, 5, 0x15));
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	CHECK_EQ(mem_host_check(&mh), 0);
	for (uint64_t i = 0; i < 8; i++)
		CHECK(i == 3 || i == 5 || holds(b, i, (uint8_t)(0x10 + i)));
	dom_mem_destroy(b);
	CHECK_EQ(mem_host_check(&mh), 0);
	CHECK_EQ(unused(), mh.pool.nframes);
}

static void test_zero_and_opt_out(void)
{
	struct dom_mem *a = mkdom(1, 64, true), *c = mkdom(3, 64, false);
	struct dom_mem_stats ds;

	for (uint64_t i = 0; i < 16; i++) {
		fill(a, i, 0);
		fill(c, i, 0);
	}
	share_scan_domain(&mh, a, 1000); /* the first look notes them */
	CHECK_EQ(type_of(a, 0), P2M_PRESENT);
	share_scan_domain(&mh, a, 1000);
	scan2(c);
	for (uint64_t i = 0; i < 16; i++) {
		CHECK_EQ(type_of(a, i), P2M_SHARED);
		CHECK_EQ(mfn_of(a, i), mfn_of(a, 0));
		CHECK_EQ(type_of(c, i), P2M_PRESENT); /* sharing = no */
	}
	dom_mem_get_stats(a, &ds);
	CHECK_EQ(ds.share_zero, 16);
	CHECK_EQ(ds.shared, 16);
	CHECK_EQ(ds.share_saved, 15);
	CHECK_EQ(ds.populated, 16);
	CHECK(!holds(a, 0, 1) && holds(a, 0, 0));
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	dom_mem_destroy(c);
	CHECK_EQ(mem_host_check(&mh), 0);
}

/* A page that changes between two looks is not merged. */
static void test_volatile(void)
{
	struct dom_mem *a = mkdom(1, 16, true), *b = mkdom(2, 16, true);

	fill(a, 0, 0x31);
	fill(b, 0, 0x31);
	share_scan_domain(&mh, a, 1000);
	fill(a, 0, 0x32);
	share_scan_domain(&mh, a, 1000);
	CHECK_EQ(type_of(a, 0), P2M_PRESENT);
	CHECK(holds(a, 0, 0x32));
	dom_mem_destroy(a);
	dom_mem_destroy(b);
}

/* The duplicate frame is scrubbed before a new owner sees it. */
static void test_scrub(void)
{
	struct dom_mem *a = mkdom(1, 16, true), *b = mkdom(2, 16, true), *c;
	uint32_t dup;
	bool seen = false;

	fill(a, 0, 0x41);
	fill(b, 0, 0x41);
	dup = mfn_of(b, 0);
	scan2(a);
	scan2(b);
	CHECK_EQ(type_of(b, 0), P2M_SHARED);
	CHECK(mfn_of(b, 0) != dup);
	CHECK(frame_zero(dup));
	/* A warm free frame now: the next break gets it, for the copy. */
	CHECK_EQ(atomic_load(&mh.pool.ft[dup].owner), DOMID_NONE);
	CHECK(mpool_nwarm(&mh.pool) > 0);
	CHECK(dom_mem_page(b, GPA(0), true) != PAGE_RETRY);
	CHECK_EQ(mfn_of(b, 0), dup);
	CHECK(holds(b, 0, 0x41) && holds(a, 0, 0x41));
	dup = mfn_of(a, 0); /* the shared frame, b's copy elsewhere */
	c = mkdom(3, mh.pool.nframes - 40, true);
	fill(a, 0, 0x42); /* the last sharer takes it back */
	CHECK_EQ(mfn_of(a, 0), dup);
	dom_mem_destroy(a); /* now it is freed (scrubbed) */
	for (uint64_t i = 0; i < mh.pool.nframes - 40 && !seen; i++) {
		const uint8_t *p = dom_mem_page(c, GPA(i), false);

		CHECK(p && p != PAGE_RETRY);
		if (mfn_of(c, i) != dup)
			continue;
		seen = true;
		for (unsigned k = 0; k < PAGE_SIZE; k++)
			if (p[k]) {
				FAIL("byte %u of the reused frame is 0x%x", k,
				     p[k]);
				break;
			}
	}
	CHECK(seen);
	dom_mem_destroy(b);
	dom_mem_destroy(c);
}

/* Pins, the balloon and a dry pool. */
static void test_pins_balloon_dry(void)
{
	struct dom_mem *a = mkdom(1, 16, true), *b = mkdom(2, 16, true), *big;
	uint64_t g;
	uint32_t s;
	mfn_t m;
	void *ptr, *p;

	for (uint64_t i = 0; i < 4; i++) {
		fill(a, i, 0x51);
		fill(b, i, 0x51);
	}
	scan2(a);
	scan2(b);
	s = mfn_of(a, 0);
	CHECK_EQ(share_refs(&mh, mfn(s)), 8);
	/* A write pin needs a private page; a read pin may hold the
	 * shared frame, which then outlives its sharers. */
	CHECK_EQ(dom_mem_pin(a, gfn(BASE_GFN), true, &m, &ptr), -EAGAIN);
	CHECK_EQ(dom_mem_pin(b, gfn(BASE_GFN + 1), false, &m, &ptr), 0);
	CHECK_EQ(m.v, s);
	/* Balloon out a's four pages: references drop, nothing freed. */
	g = BASE_GFN;
	CHECK_EQ(dom_mem_decrease(a, &g, 1, 2), 1);
	CHECK_EQ(share_refs(&mh, mfn(s)), 4);
	CHECK_EQ(type_of(a, 0), P2M_BALLOONED);
	CHECK_EQ(mem_host_check(&mh), 0);
	/* Its last sharer gone, the pinned frame stays until unpinned. */
	dom_mem_destroy(b);
	CHECK_EQ(atomic_load(&mh.pool.ft[s].owner), DOMID_COW);
	CHECK(((uint8_t *)ptr)[100] == 0x51);
	dom_mem_unpin(a, m); /* any domain's lock does */
	CHECK_EQ(atomic_load(&mh.pool.ft[s].owner), DOMID_NONE);
	CHECK_EQ(mem_host_check(&mh), 0);

	/* Dry pool: a break waits (PAGE_RETRY), then succeeds. */
	b = mkdom(2, 16, true);
	fill(a, 8, 0x61);
	fill(b, 8, 0x61);
	scan2(a);
	scan2(b);
	CHECK_EQ(type_of(b, 8), P2M_SHARED);
	big = mkdom(3, mpool_nfree(&mh.pool), true);
	for (uint64_t i = 0; i < big->maxmem; i++)
		if (dom_mem_page(big, GPA(i), true) == PAGE_RETRY)
			break;
	CHECK_EQ(mem_host_available(&mh, b), 0);
	CHECK(dom_mem_page(b, GPA(8), true) == PAGE_RETRY);
	CHECK_EQ(type_of(b, 8), P2M_SHARED);
	dom_mem_destroy(big);
	p = dom_mem_page(b, GPA(8), true);
	CHECK(p && p != PAGE_RETRY);
	CHECK(holds(a, 8, 0x61) && holds(b, 8, 0x61));
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
	CHECK_EQ(unused(), mh.pool.nframes);
}

/* A pass over all of d whose end runs the storm check now (as if a
 * second had gone by since the last one). */
static void pass_checked(struct dom_mem *d)
{
	d->sh.window_ns = 0;
	d->sh.cursor = 0;
	share_scan_domain(&mh, d, d->p2m.nr);
}

/* A COW storm (the bad input) slows only its writer: its breaks
 * wait rather than take another domain's unheld reservation, they are
 * charged to its own allowance (its populated count does not move,
 * nobody else's does), and the scanner backs off it, doubling, until a
 * calm second. */
static void test_storm(void)
{
	enum { N = 128, RES = 24 };
	struct dom_mem *s = mkdom(1, N, true),
		       *r = mkdom_res(4, RES, RES, true);
	struct dom_mem *big;
	uint64_t t;

	for (uint64_t i = 0; i < N; i++)
		fill(s, i, 0x71);
	scan2(s);
	CHECK_EQ(share_refs(&mh, mfn(mfn_of(s, 0))), N);
	CHECK_EQ(atomic_load(&s->populated), N);
	pass_checked(s); /* merges outnumber breaks: calm */
	CHECK_EQ(s->sh.backoff, 0);
	/* Every free frame beyond r's unheld reservation is taken. */
	big = mkdom(3, mpool_nfree(&mh.pool), true);
	for (uint64_t i = 0; i < big->maxmem; i++)
		if (dom_mem_page(big, GPA(i), true) == PAGE_RETRY)
			break;
	CHECK_EQ(mem_host_available(&mh, s), 0);
	CHECK_EQ(mpool_nfree(&mh.pool), RES);
	/* The storm: its breaks wait, r's reservation stays r's. */
	for (uint64_t i = 0; i < 8; i++)
		CHECK(dom_mem_page(s, GPA(i), true) == PAGE_RETRY);
	CHECK_EQ(mpool_nfree(&mh.pool), RES);
	for (uint64_t i = 0; i < RES; i++) {
		void *p = dom_mem_page(r, GPA(i), true);

		CHECK(p && p != PAGE_RETRY);
	}
	CHECK_EQ(atomic_load(&r->populated), RES);
	/* Frames come back: every page of s is written, out of its own
	 * allowance (N gfns held before and after). */
	dom_mem_destroy(big);
	for (uint64_t i = 0; i < N; i++) {
		uint8_t *p = dom_mem_page(s, GPA(i), true);

		CHECK(p && p != PAGE_RETRY);
		if (p && p != PAGE_RETRY)
			memset(p, (int)(i + 1), 64); /* each its own */
	}
	CHECK_EQ(atomic_load(&s->cow_breaks), N);
	CHECK_EQ(atomic_load(&s->populated), N);
	CHECK_EQ(atomic_load(&s->shared), 0);
	CHECK_EQ(atomic_load(&r->populated), RES);
	CHECK_EQ(mem_host_check(&mh), 0);
	/* The scanner backs off: 1 s, then 2 s after another storm. */
	t = policy_now_ns();
	pass_checked(s);
	CHECK_EQ(s->sh.backoff, 1);
	CHECK(s->sh.skip_until_ns > t + 900000000u);
	for (uint64_t i = 0; i < N; i++)
		fill(s, i, 0x72);
	scan2(s);
	CHECK_EQ(atomic_load(&s->shared), N);
	for (uint64_t i = 0; i < N; i++)
		CHECK(dom_mem_page(s, GPA(i), true) != PAGE_RETRY);
	s->sh.pass_merged = 0; /* the merges were a window ago */
	pass_checked(s);
	CHECK_EQ(s->sh.backoff, 2);
	CHECK(s->sh.skip_until_ns > policy_now_ns() + 1900000000u);
	pass_checked(s); /* a calm second: back to normal */
	CHECK_EQ(s->sh.backoff, 0);
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(s);
	dom_mem_destroy(r);
	CHECK_EQ(unused(), mh.pool.nframes);
}

/* Random writes, scans and breaks on three domains against a model of
 * every page: a domain only ever reads what it wrote. */
static void test_differential(void)
{
	enum { ND = 3, NP = 48, STEPS = 4000 };
	struct dom_mem *d[ND];
	uint8_t model[ND][NP];
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int k = 0; k < ND; k++) {
		d[k] = mkdom((domid_t)(k + 1), NP, true);
		for (int i = 0; i < NP; i++) {
			model[k][i] = (uint8_t)(i % 4);
			fill(d[k], (uint64_t)i, model[k][i]);
		}
	}
	for (int s = 0; s < STEPS; s++) {
		int k, i;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % ND);
		i = (int)((x >> 8) % NP);
		switch ((x >> 16) % 8) {
		case 0: share_scan_domain(&mh, d[k], 1 + (x >> 24) % 64); break;
		case 1:
			model[k][i] = (uint8_t)((x >> 32) % 5);
			fill(d[k], (uint64_t)i, model[k][i]);
			break;
		case 2: {
			/* As a vCPU writes: through the page pointer. */
			uint8_t v = (uint8_t)((x >> 32) % 5), *p;

			p = dom_mem_page(d[k], GPA(i), true);
			CHECK(p && p != PAGE_RETRY);
			if (!p || p == PAGE_RETRY)
				break;
			memset(p, v, PAGE_SIZE);
			p[0] = v ? (uint8_t)(v ^ 0x5a) : 0;
			model[k][i] = v;
			break;
		}
		default:
			CHECK_MSG(holds(d[k], (uint64_t)i, model[k][i]),
				  "step %d: domain %d page %d", s, k, i);
		}
		if (s % 500 == 0)
			CHECK_EQ(mem_host_check(&mh), 0);
	}
	for (int k = 0; k < ND; k++)
		for (int i = 0; i < NP; i++)
			CHECK(holds(d[k], (uint64_t)i, model[k][i]));
	CHECK_EQ(mem_host_check(&mh), 0);
	for (int k = 0; k < ND; k++)
		dom_mem_destroy(d[k]);
	CHECK_EQ(mem_host_check(&mh), 0);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The thread at its rate, a bad rate refused, and the cost of a break. */
static void test_scanner_and_cost(void)
{
	enum { N = 256 };
	struct dom_mem *a = mkdom(1, N, true), *b = mkdom(2, N, true);
	struct share_stats st;
	unsigned spares;
	double t0, t;

	CHECK(share_rate_check(SHARE_RATE_MAX + 1) != NULL);
	CHECK(share_rate_check(0) == NULL);
	for (uint64_t i = 0; i < N; i++) {
		fill(a, i, (uint8_t)(1 + i % 200));
		fill(b, i, (uint8_t)(1 + i % 200));
	}
	CHECK_EQ(share_set_rate(&mh, 20000), 0);
	CHECK_EQ(share_set_rate(&mh, SHARE_RATE_MAX + 1), -EINVAL);
	share_get_stats(&mh, &st);
	CHECK_EQ(st.rate, 20000);
	t0 = now_s();
	do {
		struct timespec ts = { 0, 10000000 };

		nanosleep(&ts, NULL);
		share_get_stats(&mh, &st);
	} while (st.mappings < 2 * N && now_s() - t0 < 60);
	CHECK_EQ(st.mappings, 2 * N);
	CHECK_EQ(st.saved, N + (N - 200)); /* 200 kinds of page */
	share_scan_stop(&mh);
	printf("scanner: %d pages shared in %.3f s, %.2f ms CPU\n", 2 * N,
	       now_s() - t0, st.cpu_ns / 1e6);
	/* Break pages of a (it takes the copies, b keeps the frames): one
	 * fault, one frame, one copy, one (null) shootdown; warm frames
	 * first (the merges' duplicates: no host page fault), then cold
	 * ones from the pool. */
	spares = mpool_nwarm(&mh.pool);
	CHECK(spares > 0 && spares < N);
	t0 = now_s();
	for (uint64_t i = 0; i < N; i++) {
		CHECK(dom_mem_page(a, GPA(i), true) != PAGE_RETRY);
		if (i + 1 == spares) {
			t = now_s() - t0;
			printf("copy-on-write break into a warm frame: %.2f us "
			       "per page (%u)\n",
			       t / spares * 1e6, spares);
			t0 = now_s();
		}
	}
	t = (now_s() - t0) / (N - spares);
	printf("copy-on-write break into a cold frame: %.2f us per page\n",
	       t * 1e6);
	/* Each copying break was timed on this thread, in parts. */
	share_get_stats(&mh, &st);
	{
		struct dom_mem_stats ds;

		dom_mem_get_stats(a, &ds);
		CHECK_EQ(ds.cow_time.n, N);
		CHECK(st.cow_time.n >= N); /* the earlier tests' too */
		CHECK(ds.cow_time.p10 > 0 &&
		      ds.cow_time.p10 <= ds.cow_time.p50);
		CHECK(ds.cow_time.p50 <= ds.cow_time.p90 &&
		      ds.cow_time.p90 <= ds.cow_time.p99);
		CHECK(ds.cow_time.copy_p50 > 0 &&
		      ds.cow_time.copy_p50 <= ds.cow_time.locked_p90);
		printf("copy-on-write break, timed by atoll: median %.2f us "
		       "(p25 %.2f, p75 %.2f; copy %.2f, shootdown %.2f)\n",
		       ds.cow_time.p50 / 1e3, ds.cow_time.p25 / 1e3,
		       ds.cow_time.p75 / 1e3, ds.cow_time.copy_p50 / 1e3,
		       ds.cow_time.shootdown_p50 / 1e3);
	}
	CHECK_EQ(mem_host_check(&mh), 0);
	dom_mem_destroy(a);
	dom_mem_destroy(b);
}

/* The break-time histogram's quantiles: 12.5 % buckets. */
static void test_time_quantiles(void)
{
	static struct share_times dom, host;
	struct share_time_stats st;

	share_time_get(&dom, &st);
	CHECK_EQ(st.n, 0);
	CHECK_EQ(st.p50, 0);
	/* Breaks of 1000..1999 ns, waits of 5, copies of 300. */
	for (uint64_t v = 1000; v < 2000; v++)
		share_time_add(&dom, &host, 0, 5, v - 400, v, 300);
	share_time_get(&dom, &st);
	CHECK_EQ(st.n, 1000);
	CHECK_MSG(st.p50 >= 1400 && st.p50 <= 1600, "p50 %llu",
		  (unsigned long long)st.p50);
	CHECK_MSG(st.p10 >= 1000 && st.p10 <= 1200, "p10 %llu",
		  (unsigned long long)st.p10);
	CHECK_MSG(st.p99 >= 1850 && st.p99 <= 2100, "p99 %llu",
		  (unsigned long long)st.p99);
	CHECK_EQ(st.mean, 1499);
	CHECK_EQ(st.wait_p50, 5);
	CHECK(st.copy_p50 >= 270 && st.copy_p50 <= 330);
	CHECK(st.shootdown_p50 >= 360 && st.shootdown_p50 <= 440);
	share_time_get(&host, &st);
	CHECK_EQ(st.n, 1000);
	/* One outlier does not move the median. */
	share_time_add(&dom, &host, 0, 0, 0, 50000000, 0);
	share_time_get(&dom, &st);
	CHECK(st.p50 >= 1400 && st.p50 <= 1600);
}

int main(void)
{
	struct mem_host_config cfg = { .machine_memory = 4u << 20 };

	CHECK_EQ(mem_host_init(&mh, &cfg), 0);
	test_merge_and_break();
	test_zero_and_opt_out();
	test_volatile();
	test_scrub();
	test_pins_balloon_dry();
	test_storm();
	test_differential();
	test_time_quantiles();
	test_scanner_and_cost();
	CHECK(sd_calls > 0);
	CHECK_EQ(mem_host_check(&mh), 0);
	mem_host_destroy(&mh);
	return check_done("share");
}
