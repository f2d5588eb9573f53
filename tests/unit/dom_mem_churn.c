/* The churn test: three domains whose RAM adds up to 1.5x the pool, each
 * with two vCPU threads that touch random pages through dom_mem_page and a
 * small private TLB (as the CPU does), write and verify per-page patterns;
 * a balloon thread that populates and decreases extents of each domain
 * and moves a target; the reclaimer swapping underneath.  The fake
 * shootdown works like the real mailbox: it returns only when every
 * running vCPU has dropped the pages from its TLB.  A vCPU checks on every
 * TLB hit that the frame is still its domain's: a frame reused before its
 * shootdown returned would fail that check (or a pattern). */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dom_mem_util.h"

#define NDOM 3
#define NVCPU 2
#define MAXMEM 1024u
#define VGFNS 960u /* gfns [0, VGFNS) are the vCPUs', the rest ballooned */
#define TLB_SLOTS 64
#define RUN_MS 1500

struct cvcpu {
	struct cdom *dom;
	unsigned idx;
	_Atomic uint32_t req, done;
	_Atomic bool running;
	bool all;
	unsigned n;
	uint64_t pages[16];
	struct {
		uint64_t gfn;
		uint64_t *p;
	} tlb[TLB_SLOTS];
	uint64_t ver[VGFNS]; /* last value written to each of its gfns */
	uint64_t rng, ops, retries;
	pthread_t thread;
};

struct cdom {
	struct dom_mem *d;
	struct mem_host *mh;
	pthread_mutex_t sd_lock;
	struct cvcpu v[NVCPU];
	uint64_t sd_calls;
};

static _Atomic int fails;
static _Atomic bool stop;

#define FAIL(...)                                                              \
	do {                                                                   \
		if (atomic_fetch_add(&fails, 1) < 10)                          \
			printf("churn: " __VA_ARGS__);                         \
	} while (0)

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* On the vCPU's own thread: forget what the initiator named. */
static void serve(struct cvcpu *v)
{
	uint32_t req = atomic_load_explicit(&v->req, memory_order_acquire);

	if (atomic_load(&v->done) == req)
		return;
	for (int s = 0; s < TLB_SLOTS; s++) {
		bool hit = v->all;

		for (unsigned k = 0; k < v->n && !hit; k++)
			hit = v->tlb[s].gfn == v->pages[k] >> 12;
		if (hit)
			v->tlb[s].gfn = 0;
	}
	atomic_store_explicit(&v->done, req, memory_order_release);
}

/* The domain's shootdown callback. */
static void shootdown(void *ctx, const uint64_t *pages, unsigned n)
{
	struct cdom *c = ctx;
	uint64_t t0 = now_ms();

	pthread_mutex_lock(&c->sd_lock);
	c->sd_calls++;
	for (int i = 0; i < NVCPU; i++) {
		struct cvcpu *v = &c->v[i];

		v->all = !pages || n > 16;
		v->n = v->all ? 0 : n;
		for (unsigned k = 0; k < v->n; k++)
			v->pages[k] = pages[k];
		atomic_fetch_add(&v->req, 1); /* seq_cst: before running */
	}
	for (int i = 0; i < NVCPU; i++) {
		struct cvcpu *v = &c->v[i];

		while (atomic_load(&v->done) != atomic_load(&v->req) &&
		       atomic_load(&v->running)) {
			if (now_ms() - t0 > 10000) {
				FAIL("shootdown waited 10 s\n");
				break;
			}
			sched_yield();
		}
	}
	pthread_mutex_unlock(&c->sd_lock);
}

/* Host pointer of gfn index i for v: its TLB, else dom_mem_page. */
static uint64_t *vaccess(struct cvcpu *v, uint64_t i)
{
	struct cdom *c = v->dom;
	uint64_t g = BASE_GFN + i;
	int s = (int)(i % TLB_SLOTS);
	uint64_t *p;

	if (v->tlb[s].gfn == g) {
		uint32_t m = (uint32_t)(((uint8_t *)v->tlb[s].p -
					 c->mh->pool.base) >>
					PAGE_SHIFT);

		if (atomic_load(&c->mh->pool.ft[m].owner) != c->d->domid)
			FAIL("frame 0x%x of gfn 0x%llx reused before its "
			     "shootdown\n",
			     m, (unsigned long long)g);
		return v->tlb[s].p;
	}
	for (uint64_t t0 = now_ms();;) {
		p = dom_mem_page(c->d, g << 12, true);
		if (p != PAGE_RETRY)
			break;
		v->retries++;
		serve(v);
		dom_mem_wait(c->d);
		serve(v);
		if (now_ms() - t0 > 10000) {
			FAIL("gfn 0x%llx: no page after 10 s\n",
			     (unsigned long long)g);
			return NULL;
		}
	}
	if (!p)
		FAIL("gfn 0x%llx: NULL\n", (unsigned long long)g);
	v->tlb[s].gfn = g;
	v->tlb[s].p = p;
	return p;
}

static void *vcpu_main(void *arg)
{
	struct cvcpu *v = arg;

	while (!atomic_load(&stop)) {
		uint64_t i = rnd(&v->rng) % (VGFNS / NVCPU) * NVCPU + v->idx;
		uint64_t *p;

		serve(v);
		p = vaccess(v, i);
		if (!p)
			break;
		if (p[0] != v->ver[i] || p[511] != v->ver[i]) {
			FAIL("gfn 0x%llx: read %#llx, wrote %#llx\n",
			     (unsigned long long)(BASE_GFN + i),
			     (unsigned long long)p[0],
			     (unsigned long long)v->ver[i]);
			break;
		}
		v->ver[i] = (uint64_t)v->dom->d->domid << 48 | i << 20 |
			    (v->ops & 0xfffff);
		p[0] = p[511] = v->ver[i];
		v->ops++;
	}
	/* Leave "hart_run": drop every translation, then say so. */
	memset(v->tlb, 0, sizeof(v->tlb));
	atomic_store(&v->running, false);
	serve(v);
	return NULL;
}

/* Populate or decrease one random order-2 extent of the balloon area. */
static void balloon_step(struct cdom *c, uint8_t *state, uint64_t *rng,
			 uint64_t *did)
{
	unsigned x = (unsigned)(rnd(rng) % ((MAXMEM - VGFNS) / 4));
	uint64_t g = BASE_GFN + VGFNS + x * 4, gpa = g << 12, buf[512];

	if (!state[x]) {
		if (dom_mem_populate(c->d, &g, 1, 2) != 1)
			return;
		for (int k = 0; k < 4; k++) {
			if (dom_mem_read(c->d, gpa + k * 4096ull, buf, 4096))
				FAIL("balloon read failed\n");
			for (int w = 0; w < 512; w++)
				if (buf[w]) {
					FAIL("populated page not zero\n");
					break;
				}
			buf[0] = g + (uint64_t)k;
			dom_mem_write(c->d, gpa + k * 4096ull, buf, 8);
		}
		state[x] = 1;
	} else {
		for (int k = 0; k < 4; k++) {
			buf[0] = 0;
			dom_mem_read(c->d, gpa + k * 4096ull, buf, 8);
			if (buf[0] != g + (uint64_t)k)
				FAIL("balloon page 0x%llx lost its pattern\n",
				     (unsigned long long)(g + k));
		}
		if (dom_mem_decrease(c->d, &g, 1, 2) != 1)
			return;
		state[x] = 0;
	}
	(*did)++;
}

static struct cdom doms[NDOM];

static void *balloon_main(void *arg)
{
	static uint8_t state[NDOM][(MAXMEM - VGFNS) / 4];
	uint64_t rng = 0x9e3779b97f4a7c15ull, *did = arg, k = 0;

	while (!atomic_load(&stop)) {
		struct cdom *c = &doms[rnd(&rng) % NDOM];

		balloon_step(c, state[c - doms], &rng, did);
		if (++k % 64 == 0) /* the third domain's target moves */
			dom_mem_set_target(doms[2].d, k % 128 ? 300 : 500);
	}
	return NULL;
}

static int churn_setup(struct mem_host *mh)
{
	for (int i = 0; i < NDOM; i++) {
		struct cdom *c = &doms[i];
		struct dom_mem_config cfg = {
			.domid = (domid_t)(i + 1),
			.name = i == 0	 ? "churn1"
				: i == 1 ? "churn2"
					 : "churn3",
			.base_gfn = BASE_GFN,
			.memory = i == 2 ? 400 : MAXMEM,
			.maxmem = MAXMEM,
			.reservation = 256,
			.shootdown = shootdown,
			.shootdown_ctx = c,
		};

		memset(c, 0, sizeof(*c));
		c->mh = mh;
		pthread_mutex_init(&c->sd_lock, NULL);
		for (int j = 0; j < NVCPU; j++) {
			c->v[j].dom = c;
			c->v[j].idx = (unsigned)j;
			c->v[j].rng = 0x12345678ull * (uint64_t)(i * 7 + j + 1);
			atomic_store(&c->v[j].running, true);
		}
		if (dom_mem_create(mh, &cfg, &c->d))
			return -1;
	}
	return 0;
}

/* After the run: every vCPU pattern, read through the host path. */
static void churn_verify(void)
{
	for (int i = 0; i < NDOM; i++)
		for (int j = 0; j < NVCPU; j++)
			for (uint64_t g = (uint64_t)j; g < VGFNS; g += NVCPU) {
				uint64_t w = 0;

				dom_mem_read(doms[i].d, GUEST_RAM + g * 4096,
					     &w, 8);
				if (w != doms[i].v[j].ver[g]) {
					FAIL("final: dom %d gfn %#llx\n", i + 1,
					     (unsigned long long)g);
					return;
				}
			}
}

int churn_run(void)
{
	static struct mem_host mh;
	struct dom_mem_stats st;
	struct mem_host_stats hs;
	pthread_t balloon;
	uint64_t ops = 0, retries = 0, bops = 0;

	if (util_host(&mh, 2048, 4096) || churn_setup(&mh))
		return 1;
	for (int i = 0; i < NDOM; i++)
		for (int j = 0; j < NVCPU; j++)
			pthread_create(&doms[i].v[j].thread, NULL, vcpu_main,
				       &doms[i].v[j]);
	pthread_create(&balloon, NULL, balloon_main, &bops);
	for (uint64_t t0 = now_ms(); now_ms() - t0 < RUN_MS && !fails;)
		sched_yield();
	atomic_store(&stop, true);
	for (int i = 0; i < NDOM; i++)
		for (int j = 0; j < NVCPU; j++) {
			pthread_join(doms[i].v[j].thread, NULL);
			ops += doms[i].v[j].ops;
			retries += doms[i].v[j].retries;
		}
	pthread_join(balloon, NULL);
	pthread_mutex_lock(&mh.reclaim_lock);
	if (mem_host_check(&mh))
		FAIL("accounting invariant broken after the run\n");
	pthread_mutex_unlock(&mh.reclaim_lock);
	churn_verify();
	mem_host_get_stats(&mh, &hs);
	printf("churn: %llu vCPU accesses, %llu retries, %llu balloon ops, "
	       "%llu swap-outs, %llu swap-ins, %llu reclaim runs",
	       (unsigned long long)ops, (unsigned long long)retries,
	       (unsigned long long)bops, (unsigned long long)hs.swap_outs,
	       (unsigned long long)hs.swap_ins,
	       (unsigned long long)hs.reclaim_runs);
	for (int i = 0; i < NDOM; i++) {
		uint64_t sd;

		dom_mem_get_stats(doms[i].d, &st);
		pthread_mutex_lock(&doms[i].sd_lock);
		sd = doms[i].sd_calls;
		pthread_mutex_unlock(&doms[i].sd_lock);
		printf(", d%d %llu held %llu sd", i + 1,
		       (unsigned long long)st.populated,
		       (unsigned long long)sd);
		if (st.populated < st.reservation)
			FAIL("dom %d below its reservation\n", i + 1);
	}
	printf("\n");
	if (!hs.swap_outs || !hs.swap_ins || !bops)
		FAIL("the run did not exercise swap and balloon\n");
	for (int i = 0; i < NDOM; i++)
		dom_mem_destroy(doms[i].d);
	if (mpool_check(&mh.pool) || mpool_nfree(&mh.pool) != 2048 ||
	    swap_nfree(&mh.swap) != mh.swap.nslots)
		FAIL("frames or slots left after destroy\n");
	util_host_done(&mh);
	return fails;
}
