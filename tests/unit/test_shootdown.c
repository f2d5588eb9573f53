/* Unit tests of the shootdown mailbox (src/cpu/shootdown.c) on a real hart
 * with its real code cache: a request forgets exactly the pages it names,
 * translations always and decoded code only where SHOOTDOWN_CODE says the
 * content may change; a second request posted before the hart served the
 * first is added to it, not widened to everything; only a list that does
 * not fit the mailbox wipes the TLB, and even then decoded code stays
 * unless the request named code.  Then initiators on two threads against a
 * hart serving on its own. */
#include <pthread.h>
#include <stdlib.h>

#include "cpu/exec.h"
#include "cpu/hart.h"
#include "cpu/mmu.h"
#include "cpu/shootdown.h"
#include "cpu/tlb.h"

#include "check.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (4ULL << 20)
#define NPAGES (RAM_SIZE >> 12)

static uint8_t *ram;

static void *ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	(void)ctx;
	(void)write;
	if (gpa_page < RAM_BASE || gpa_page >= RAM_BASE + RAM_SIZE)
		return NULL;
	return ram + (gpa_page - RAM_BASE);
}

static const struct cpu_bus_ops ops = { .ram_page = ram_page };

static uint64_t page(unsigned i)
{
	return RAM_BASE + (uint64_t)i * 4096;
}

/* Page i has a translation (M-mode: untranslated entries) and decoded
 * code, as after the hart fetched from it and loaded from it. */
static void fill(struct hart *h, unsigned i)
{
	uint64_t v;

	CHECK_EQ(mmu_load(h, page(i), 8, &v), 0);
	CHECK(code_cache_get(h, page(i), ram + (uint64_t)i * 4096) != NULL);
}

static bool mapped(struct hart *h, unsigned i)
{
	uint64_t v;

	return tlb_load(&h->tlb, h->ctx_data, page(i), 8, &v);
}

static bool decoded(struct hart *h, unsigned i)
{
	return code_cache_find(h, page(i)) != NULL;
}

static struct hart *hart_new(void)
{
	struct hart *h = malloc(sizeof(*h));
	struct cpu_bus bus = { .ops = &ops };

	if (!h || hart_init(h, 0, RAM_BASE, &bus)) {
		printf("FAIL hart_init\n");
		exit(2);
	}
	return h;
}

static void hart_free(struct hart *h)
{
	hart_destroy(h);
	free(h);
}

/* 40 pages without SHOOTDOWN_CODE (more than the 16 the mailbox used to
 * hold): exactly those translations go; every decoded page stays. */
static void test_precise(void)
{
	struct hart *h = hart_new();
	uint64_t pages[40];
	uint64_t flushes;

	for (unsigned i = 0; i < 48; i++)
		fill(h, i);
	flushes = h->stat_icache_flushes;
	for (unsigned i = 0; i < 40; i++)
		pages[i] = page(i);
	hart_shootdown_post(h, pages, 40, false);
	hart_shootdown_service(h);
	for (unsigned i = 0; i < 48; i++) {
		CHECK_MSG(mapped(h, i) == (i >= 40), "page %u translation", i);
		CHECK_MSG(decoded(h, i), "page %u decoded code dropped", i);
	}
	CHECK_EQ(h->stat_icache_flushes, flushes);
	hart_free(h);
}

/* Two requests before the hart serves: both lists, nothing else. */
static void test_merge(void)
{
	struct hart *h = hart_new();
	uint64_t a[10], b[10];
	uint32_t t1, t2;

	for (unsigned i = 0; i < 30; i++)
		fill(h, i);
	for (unsigned i = 0; i < 10; i++) {
		a[i] = page(i);
		b[i] = page(10 + i);
	}
	t1 = hart_shootdown_post(h, a, 10, false);
	t2 = hart_shootdown_post(h, b, 10, false);
	CHECK(!hart_shootdown_done(h, t1));
	hart_shootdown_service(h);
	CHECK(hart_shootdown_done(h, t1));
	CHECK(hart_shootdown_done(h, t2));
	for (unsigned i = 0; i < 30; i++) {
		CHECK_MSG(mapped(h, i) == (i >= 20), "page %u translation", i);
		CHECK_MSG(decoded(h, i), "page %u decoded code dropped", i);
	}
	CHECK_EQ(h->stat_icache_flushes, 0);
	hart_free(h);
}

/* SHOOTDOWN_CODE on some entries: their decoded code goes, the others'
 * stays; every named translation goes.  The local form does the same. */
static void test_code_marks(void)
{
	struct hart *h = hart_new();
	uint64_t pages[10];

	for (unsigned i = 0; i < 12; i++)
		fill(h, i);
	for (unsigned i = 0; i < 10; i++)
		pages[i] = page(i) | (i < 5 ? SHOOTDOWN_CODE : 0);
	hart_shootdown_post(h, pages, 10, false);
	hart_shootdown_service(h);
	for (unsigned i = 0; i < 12; i++) {
		CHECK_MSG(mapped(h, i) == (i >= 10), "page %u translation", i);
		CHECK_MSG(decoded(h, i) == (i >= 5), "page %u decoded", i);
	}
	pages[0] = page(10) | SHOOTDOWN_CODE;
	hart_shootdown_local(h, pages, 1, false);
	CHECK(!mapped(h, 10) && !decoded(h, 10));
	CHECK(mapped(h, 11) && decoded(h, 11));
	hart_free(h);
}

/* More than the mailbox holds: every translation goes, decoded code only
 * when the request names code (or asks for everything with all_code). */
static void test_overflow(void)
{
	struct hart *h = hart_new();
	static uint64_t pages[SHOOTDOWN_MAX_PAGES];

	for (unsigned i = 0; i < 8; i++)
		fill(h, 900 + i);
	for (unsigned i = 0; i < SHOOTDOWN_MAX_PAGES; i++)
		pages[i] = page(i);
	hart_shootdown_post(h, pages, 300, false);
	hart_shootdown_post(h, pages + 300, SHOOTDOWN_MAX_PAGES - 300, false);
	hart_shootdown_post(h, pages, 1, false); /* one too many */
	hart_shootdown_service(h);
	for (unsigned i = 900; i < 908; i++) {
		CHECK_MSG(!mapped(h, i), "page %u kept after a wipe", i);
		CHECK_MSG(decoded(h, i), "page %u decoded code dropped", i);
	}
	CHECK_EQ(h->stat_icache_flushes, 0);
	/* A list that fits, then one that does not and names code. */
	for (unsigned i = 0; i < 4; i++)
		fill(h, 900 + i);
	hart_shootdown_post(h, pages, SHOOTDOWN_MAX_PAGES, false);
	pages[0] |= SHOOTDOWN_CODE;
	hart_shootdown_post(h, pages, 2, false);
	hart_shootdown_service(h);
	CHECK(!decoded(h, 900));
	CHECK_EQ(h->stat_icache_flushes, 1);
	/* Everything, code included. */
	fill(h, 901);
	hart_shootdown_post(h, NULL, 0, true);
	hart_shootdown_service(h);
	CHECK(!mapped(h, 901) && !decoded(h, 901));
	/* Everything, translations only. */
	fill(h, 902);
	hart_shootdown_post(h, NULL, 0, false);
	hart_shootdown_service(h);
	CHECK(!mapped(h, 902) && decoded(h, 902));
	hart_free(h);
}

/* Two initiators post and wait while the hart serves on its own thread
 * and keeps refilling: every ticket is served, no request is lost, and
 * the pages of the last request of each are gone once it returned. */
struct stress {
	struct hart *h;
	_Atomic int stop;
	unsigned seed;
};

static void *stress_hart(void *arg)
{
	struct stress *s = arg;

	while (!atomic_load(&s->stop)) {
		hart_shootdown_service(s->h);
		for (unsigned i = 0; i < 64; i++) {
			uint64_t v;

			mmu_load(s->h, page(i), 8, &v);
		}
	}
	hart_shootdown_service(s->h);
	return NULL;
}

static void *stress_initiator(void *arg)
{
	struct stress *s = arg;
	unsigned seed = __atomic_fetch_add(&s->seed, 7919, __ATOMIC_RELAXED);

	for (unsigned r = 0; r < 2000; r++) {
		uint64_t pages[40];
		unsigned n = 1 + rand_r(&seed) % 40;

		for (unsigned k = 0; k < n; k++)
			pages[k] = page(rand_r(&seed) % 64);
		hart_shootdown_wait(s->h,
				    hart_shootdown_post(s->h, pages, n, false));
	}
	return NULL;
}

static void test_threads(void)
{
	struct stress s = { .h = hart_new(), .seed = 1 };
	pthread_t hart_t, init_t[2];

	CHECK_EQ(pthread_create(&hart_t, NULL, stress_hart, &s), 0);
	for (int i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&init_t[i], NULL, stress_initiator, &s),
			 0);
	for (int i = 0; i < 2; i++)
		pthread_join(init_t[i], NULL);
	atomic_store(&s.stop, 1);
	pthread_join(hart_t, NULL);
	CHECK(hart_shootdown_done(s.h, atomic_load(&s.h->sd_req)));
	CHECK_EQ(s.h->sd_n, 0);
	CHECK_EQ(s.h->stat_icache_flushes, 0);
	hart_free(s.h);
}

int main(void)
{
	ram = calloc(1, RAM_SIZE);
	if (!ram)
		return 2;
	for (unsigned i = 0; i < NPAGES; i++)
		ram[(uint64_t)i * 4096] = (uint8_t)i;
	test_precise();
	test_merge();
	test_code_marks();
	test_overflow();
	test_threads();
	free(ram);
	return check_done("shootdown");
}
