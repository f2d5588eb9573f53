/* The execution engine: the per-hart cache of pre-decoded pages and the run
 * loop.
 *
 * Pages are keyed by guest-physical address and decoded lazily: every slot
 * starts with exec_decode, which decodes the halfword it stands for in place
 * and runs it.  Pages that are invalidated or flushed while the loop may
 * still be executing one of their slots go to a dead list and are recycled
 * only when the loop has exited.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/csr.h"
#include "cpu/decode.h"
#include "cpu/exec.h"
#include "cpu/jit_impl.h"
#include "cpu/shootdown.h"
#include "cpu/mmu.h"
#include "cpu/ops.h"
#include "cpu/trap.h"

#define CC_HASH_BITS 12
#define CC_HASH_SIZE (1u << CC_HASH_BITS)
#define CC_MAX_PAGES                                                           \
	1024 /* 4 MiB of guest code, ~32 MiB of slots; then flush */
#define CC_SPARE_MAX 64 /* recycled pages kept for reuse */

/* Leaving the loop for other reasons polls the clock every this many times. */
#define EXEC_POLL_EXITS 64

struct code_cache {
	struct code_page *hash[CC_HASH_SIZE];
	struct code_page *dead; /* unlinked, maybe still executing */
	struct code_page *spare; /* free for reuse */
	unsigned npages, nspare;
	uint64_t gen; /* instances handed out (code_page.gen) */
};

static struct insn *exec_decode(struct hart *h, struct insn *i);
static struct insn *exec_page_end(struct hart *h, struct insn *i);

struct code_cache *code_cache_new(void)
{
	return calloc(1, sizeof(struct code_cache));
}

static void page_list_free(struct code_page *cp)
{
	while (cp) {
		struct code_page *next = cp->hash_next;

		free(cp);
		cp = next;
	}
}

void code_cache_free(struct code_cache *cc)
{
	unsigned b;

	if (!cc)
		return;
	for (b = 0; b < CC_HASH_SIZE; b++)
		page_list_free(cc->hash[b]);
	page_list_free(cc->dead);
	page_list_free(cc->spare);
	free(cc);
}

static inline unsigned cc_bucket(uint64_t gpa_page)
{
	return (unsigned)(gpa_page >> 12) & (CC_HASH_SIZE - 1);
}

struct code_page *code_cache_find(struct hart *h, uint64_t gpa_page)
{
	struct code_page *cp = h->code->hash[cc_bucket(gpa_page)];

	while (cp && cp->gpa_page != gpa_page)
		cp = cp->hash_next;
	return cp;
}

/* A page with every slot set to decode itself on first use. */
static struct code_page *page_alloc(struct code_cache *cc)
{
	struct code_page *cp = cc->spare;
	unsigned k;

	if (cp) {
		cc->spare = cp->hash_next;
		cc->nspare--;
	} else {
		cp = malloc(sizeof(*cp));
		if (!cp)
			return 0;
	}
	cp->gen = ++cc->gen;
	for (k = 0; k < CODE_PAGE_SLOTS; k++)
		cp->slot[k].fn = exec_decode;
	cp->slot[CODE_PAGE_SLOTS].fn = exec_page_end;
	return cp;
}

struct code_page *code_cache_get(struct hart *h, uint64_t gpa_page,
				 uint8_t *host)
{
	struct code_cache *cc = h->code;
	struct code_page *cp = code_cache_find(h, gpa_page);
	unsigned b = cc_bucket(gpa_page);

	if (cp)
		return cp;
	if (cc->npages >= CC_MAX_PAGES)
		code_cache_flush(h);
	cp = page_alloc(cc);
	if (!cp)
		return 0;
	cp->gpa_page = gpa_page;
	cp->host = host;
	cp->hash_next = cc->hash[b];
	cc->hash[b] = cp;
	cc->npages++;
	h->stat_icache_fills++;
	/* From now on stores to the page take the slow path, which finds
	 * the code and invalidates it. */
	tlb_flush_gpa_store(&h->tlb, gpa_page);
	return cp;
}

void code_cache_invalidate(struct hart *h, uint64_t gpa_page)
{
	struct code_cache *cc = h->code;
	struct code_page **pp = &cc->hash[cc_bucket(gpa_page)];
	struct code_page *cp;

	while (*pp && (*pp)->gpa_page != gpa_page)
		pp = &(*pp)->hash_next;
	cp = *pp;
	if (!cp)
		return;
	*pp = cp->hash_next;
	cp->hash_next = cc->dead;
	cc->dead = cp;
	cc->npages--;
	tlb_forget_code(&h->tlb, cp);
}

void code_cache_flush(struct hart *h)
{
	struct code_cache *cc = h->code;
	unsigned b, k;

	h->stat_icache_flushes++;
	if (!cc->npages)
		return;
	for (b = 0; b < CC_HASH_SIZE; b++) {
		struct code_page *cp = cc->hash[b];

		while (cp) {
			struct code_page *next = cp->hash_next;

			cp->hash_next = cc->dead;
			cc->dead = cp;
			cp = next;
		}
		cc->hash[b] = 0;
	}
	cc->npages = 0;
	for (k = 0; k < TLB_ENTRIES; k++)
		h->tlb.fetch[k].code = 0;
	/* Every translation belonged to one of those pages. */
	if (h->jit)
		jit_drop(h->jit);
}

/* The loop has exited: no slot of a dead page can be running any more. */
static void cc_reclaim(struct code_cache *cc)
{
	while (cc->dead) {
		struct code_page *cp = cc->dead;

		cc->dead = cp->hash_next;
		if (cc->nspare < CC_SPARE_MAX) {
			cp->hash_next = cc->spare;
			cc->spare = cp;
			cc->nspare++;
		} else {
			free(cp);
		}
	}
}

/* A 32-bit instruction in the last halfword of a page: its upper half is
 * in the next page, which may change or be unmapped independently, so it
 * is fetched again each time and run from a one-slot fake page (pc
 * computations and insn_raw see cur_va = pc, cur_host = the fetched bytes).
 * A zero budget keeps the handler from running its successor and makes any
 * taken transfer leave.  The budget also counts instructions: a handler
 * that spent a unit is counted by it, any other by exit_retired. */
static struct insn *exec_straddle(struct hart *h, struct insn *i)
{
	uint64_t pc = insn_pc(h, i), fault_va;
	uint64_t save_va = h->cur_va;
	struct insn *save_slots = h->cur_slots;
	uint8_t *save_host = h->cur_host;
	int64_t save_budget = h->budget, spent;
	uint8_t buf[4];
	struct insn tmp[2], *r;
	unsigned len;
	int cause;

	cause = mmu_fetch_bytes(h, pc, buf, 4, &fault_va);
	if (cause) {
		trap_raise(h, cause, fault_va, pc);
		return 0;
	}
	len = (buf[0] & 3) == 3 ? 4 : 2;
	decode_insn((uint32_t)buf[0] | (uint32_t)buf[1] << 8 |
			    (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24,
		    len, &tmp[0]);
	h->cur_va = pc;
	h->cur_slots = tmp;
	h->cur_host = buf;
	h->budget = 0;
	r = tmp[0].fn(h, &tmp[0]);
	spent = -h->budget;
	h->cur_va = save_va;
	h->cur_slots = save_slots;
	h->cur_host = save_host;
	h->budget = save_budget - spent;
	if (!r)
		return 0;
	h->pc = pc + len;
	h->exit_retired = !spent;
	return 0;
}

/* Initial handler of every slot: decode in place, then run. */
static struct insn *exec_decode(struct hart *h, struct insn *i)
{
	unsigned off = (unsigned)(i - h->cur_slots) << 1;
	const uint8_t *p = h->cur_host + off;
	uint32_t raw = (uint32_t)p[0] | (uint32_t)p[1] << 8;

	if ((raw & 3) != 3) {
		decode_insn_at(raw, 2, off, i);
	} else if (off == 4096 - 2) {
		i->fn = exec_straddle;
	} else {
		raw |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		decode_insn_at(raw, 4, off, i);
	}
	return i->fn(h, i);
}

/* Sentinel after the last slot: straight-line code runs into the next
 * page.  Not an instruction: it spends no budget and retires nothing. */
static struct insn *exec_page_end(struct hart *h, struct insn *i)
{
	uint64_t next = h->cur_va + 4096;
	struct insn *n = exec_follow(h, next);

	if (n)
		return n->fn(h, n);
	h->pc = next;
	h->exit_retired = 0;
	return 0;
}

/* Set up the page of h->pc and return its slot, or NULL after raising a
 * fetch exception. */
static struct insn *exec_enter(struct hart *h)
{
	uint64_t pc = h->pc, page = pc & ~0xfffULL;
	struct tlb_entry *e = tlb_hit(h->tlb.fetch, h->ctx_fetch, pc, 1);
	struct code_page *cp;
	int cause;

	if (!e) {
		cause = mmu_fetch(h, pc, &e);
		if (cause) {
			trap_raise(h, cause, pc, pc);
			return 0;
		}
	}
	h->cur_host = (uint8_t *)(uintptr_t)(page + e->addend);
	cp = e->code;
	if (!cp) {
		/* Full: flush, and since no slot runs now, free at once. */
		if (h->code->npages >= CC_MAX_PAGES) {
			code_cache_flush(h);
			cc_reclaim(h->code);
		}
		cp = code_cache_get(h, e->gpa_page, h->cur_host);
		if (!cp) { /* out of host memory: the guest sees a fault */
			trap_raise(h, EXC_INSN_ACCESS, pc, pc);
			return 0;
		}
		e->code = cp;
	}
	h->cur_va = page;
	h->cur_slots = cp->slot;
	return &cp->slot[(pc & 0xfff) >> 1];
}

/* Requests from other threads.  Returns a hart_exit code, or 0. */
static int exec_requests(struct hart *h)
{
	uint32_t req = atomic_exchange(&h->requests, 0);

	if (req & REQ_TLB_FLUSH) {
		tlb_flush_all(&h->tlb);
		mmu_update_ctx(h);
	}
	if (req & REQ_ICACHE_FLUSH)
		code_cache_flush(h);
	if (req & REQ_SHOOTDOWN)
		hart_shootdown_service(h);
	if (req & REQ_STOP)
		return HART_EXIT_STOP;
	if (req & REQ_PAUSE)
		return HART_EXIT_PAUSE;
	if ((req & REQ_MEM_WAIT) && h->bus.ops->mem_wait)
		h->bus.ops->mem_wait(h->bus.ctx, h);
	return 0;
}

/* Everything between two runs of the dispatch loop. */
static int exec_outside(struct hart *h, unsigned *exits)
{
	int r;

	if (atomic_load_explicit(&h->requests, memory_order_relaxed)) {
		r = exec_requests(h);
		if (r)
			return r;
	}
	if (h->budget < 0 || ++*exits >= EXEC_POLL_EXITS) {
		*exits = 0;
		trap_poll_timers(h);
	}
	if ((atomic_load_explicit(&h->mip, memory_order_relaxed) & h->mie) &&
	    trap_take_interrupt(h))
		h->counter_synced = 0;
	return 0;
}

/* Run from slot i until a handler leaves or the budget runs out.  Every
 * retired instruction spends one unit: dispatching handlers (ops.h) spend
 * it themselves, the others when they return here.  Returns the number of
 * instructions retired (mcycle = minstret = instret; csr.c documents that
 * mcountinhibit does not stop them). */
static uint64_t exec_loop(struct hart *h, struct insn *i)
{
	h->budget = EXEC_BUDGET;
	while ((i = i->fn(h, i)) != 0) {
		if (h->budget < 0 || --h->budget < 0) {
			/* exhausted: poll before running i */
			h->pc = insn_pc(h, i);
			h->exit_retired = 0;
			break;
		}
	}
	return (uint64_t)(EXEC_BUDGET - h->budget) + h->exit_retired;
}

int hart_run(struct hart *h)
{
	struct code_cache *cc = h->code;
	unsigned exits = 0;
	struct insn *i;
	int r;

	h->budget = -1; /* poll the timers first */
	for (;;) {
		r = exec_outside(h, &exits);
		if (r)
			return r;
		i = exec_enter(h);
		if (!i) {
			h->counter_synced = 0;
			continue;
		}
		if (h->jit)
			jit_run(h, i);
		else
			h->instret += exec_loop(h, i);
		if (cc->dead)
			cc_reclaim(cc);
	}
}
