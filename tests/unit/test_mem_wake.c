/* Unit tests of the wake-up of threads waiting for memory (src/mem/wake.c)
 * and of what kicks it: a waiter sleeps until a kick, never misses one
 * that came after it looked (the count), wakes when its own futex word
 * moves (a hart's request), and otherwise only at its bound; a domain's
 * balloon freeing frames wakes a vCPU of ANOTHER domain waiting at a full
 * pool, long before the wait's bound (it polled every millisecond
 * before). */
#include <linux/futex.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "mem/memhost.h"

#include "check.h"

#define LONG_MS 20000 /* a bound no passing run reaches */

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Wait (bounded) until n threads sleep in w. */
static bool until_waiting(struct mem_wake *w, unsigned n)
{
	for (uint64_t t0 = now_ms(); now_ms() - t0 < 10000;) {
		if (atomic_load(&w->nwaiting) >= n)
			return true;
		usleep(1000);
	}
	return false;
}

struct waiter {
	struct mem_wake *w;
	uint32_t seen;
	_Atomic uint32_t *word;
	uint32_t word_seen;
	bool woken;
	uint64_t ms;
};

static void *waiter_main(void *arg)
{
	struct waiter *x = arg;
	uint64_t t0 = now_ms();

	x->woken = mem_wake_wait(x->w, x->seen, x->word, x->word_seen, LONG_MS);
	x->ms = now_ms() - t0;
	return NULL;
}

static void test_kick(void)
{
	struct mem_wake w;
	struct waiter x = { .w = &w };
	pthread_t t;

	mem_wake_init(&w);
	x.seen = mem_wake_seen(&w);
	CHECK_EQ(pthread_create(&t, NULL, waiter_main, &x), 0);
	CHECK(until_waiting(&w, 1));
	mem_wake_kick(&w);
	pthread_join(t, NULL);
	CHECK(x.woken);
	CHECK_MSG(x.ms < LONG_MS / 2, "woken after %llu ms",
		  (unsigned long long)x.ms);
	CHECK_EQ(atomic_load(&w.nwaiting), 0);
	/* A kick between the look and the wait: no sleep at all. */
	x.seen = mem_wake_seen(&w);
	mem_wake_kick(&w);
	CHECK(mem_wake_wait(&w, x.seen, NULL, 0, LONG_MS));
	/* Nothing happens: the bound. */
	CHECK(!mem_wake_wait(&w, mem_wake_seen(&w), NULL, 0, 5));
	CHECK_EQ(atomic_load(&w.stat_timeouts), 1);
	mem_wake_destroy(&w);
}

/* The waiter's own word moving (hart_request bumps and wakes the hart's
 * wake_seq) ends the wait; so does a move before the wait started. */
static void test_word(void)
{
	struct mem_wake w;
	_Atomic uint32_t word = 7;
	struct waiter x = { .w = &w, .word = &word };
	pthread_t t;

	mem_wake_init(&w);
	x.seen = mem_wake_seen(&w);
	x.word_seen = atomic_load(&word);
	CHECK_EQ(pthread_create(&t, NULL, waiter_main, &x), 0);
	CHECK(until_waiting(&w, 1));
	atomic_fetch_add(&word, 1);
	syscall(SYS_futex, (uint32_t *)&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
		0);
	pthread_join(t, NULL);
	CHECK(x.woken && x.ms < LONG_MS / 2);
	CHECK(mem_wake_wait(&w, mem_wake_seen(&w), &word, 7, LONG_MS));
	mem_wake_destroy(&w);
}

/* Two domains on a 256-frame pool without swap: A holds 255, the
 * last is B's reservation, so B's second page finds the pool dry and B
 * waits (with a bound no passing run reaches); A's balloon gives 32
 * back, which wakes B's waiter well before its bound, and B gets its
 * page. */
struct vcpu_b {
	struct dom_mem *d;
	struct mem_host *mh;
	_Atomic uint32_t word;
	void *page;
	unsigned waits;
};

static void *vcpu_b_main(void *arg)
{
	struct vcpu_b *b = arg;
	uint64_t t0 = now_ms();

	/* Its reserved frame first; the next one finds the pool dry. */
	if (!dom_mem_page(b->d, 0x80000000ull, true))
		return NULL;
	while (now_ms() - t0 < 10000) {
		uint32_t seen = atomic_load(&b->word);
		uint32_t host_seen = mem_wake_seen(&b->mh->wake);

		b->page = dom_mem_page(b->d, 0x80001000ull, true);
		if (b->page != PAGE_RETRY)
			break;
		b->waits++;
		mem_wake_wait(&b->mh->wake, host_seen, &b->word, seen, LONG_MS);
	}
	return NULL;
}

static void test_balloon_wakes_other_domain(void)
{
	struct mem_host mh;
	struct mem_host_config hc = { .machine_memory = 256 * PAGE_SIZE };
	struct dom_mem_config ca = { .domid = 1,
				     .name = "a",
				     .base_gfn = 0x80000,
				     .memory = 256,
				     .maxmem = 256,
				     .reservation = 1 };
	struct dom_mem_config cb = ca;
	struct dom_mem *a = NULL, *b = NULL;
	struct vcpu_b vb = { 0 };
	uint64_t gfns[32];
	pthread_t t;
	uint64_t t0;
	uint32_t seen;

	cb.domid = 2;
	cb.name = "b";
	if (mem_host_init(&mh, &hc)) {
		FAIL("mem_host_init");
		return;
	}
	CHECK_EQ(dom_mem_create(&mh, &ca, &a), 0);
	CHECK_EQ(dom_mem_create(&mh, &cb, &b), 0);
	if (!a || !b)
		return;
	for (uint64_t i = 0; i < 256; i++) {
		void *p = dom_mem_page(a, 0x80000000ull + i * PAGE_SIZE, true);

		if (p == PAGE_RETRY || !p)
			break;
	}
	CHECK_MSG(atomic_load(&a->populated) == 255, "A holds %llu",
		  (unsigned long long)atomic_load(&a->populated));
	CHECK_MSG(mpool_nfree(&mh.pool) <= 1, "pool has %u free",
		  mpool_nfree(&mh.pool));
	vb.d = b;
	vb.mh = &mh;
	CHECK_EQ(pthread_create(&t, NULL, vcpu_b_main, &vb), 0);
	CHECK(until_waiting(&mh.wake, 1));
	CHECK(vb.page == NULL || vb.page == PAGE_RETRY);
	for (unsigned i = 0; i < 32; i++)
		gfns[i] = 0x80000 + i;
	t0 = now_ms();
	CHECK_EQ(dom_mem_decrease(a, gfns, 32, 0), 32);
	pthread_join(t, NULL);
	CHECK_MSG(vb.page && vb.page != PAGE_RETRY, "B got no page");
	CHECK_MSG(now_ms() - t0 < LONG_MS / 2, "B waited %llu ms",
		  (unsigned long long)(now_ms() - t0));
	CHECK(atomic_load(&mh.wake.stat_woken) >= 1);
	/* Frames going back to the pool by any path kick (here: A's end). */
	seen = mem_wake_seen(&mh.wake);
	dom_mem_destroy(a);
	CHECK(mem_wake_seen(&mh.wake) != seen);
	dom_mem_destroy(b);
	mem_host_destroy(&mh);
}

int main(void)
{
	test_kick();
	test_word();
	test_balloon_wakes_other_domain();
	return check_done("mem_wake");
}
