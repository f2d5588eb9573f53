/* PLIC as on QEMU virt (sifive,plic-1.0.0): sources 1..95, priorities 0..7,
 * two contexts per hart (2*hart = M, 2*hart + 1 = S).  Register map:
 *   0x000000 + 4*src         priority
 *   0x001000 + 4*word        pending (read-only)
 *   0x002000 + 0x80*ctx      enable bits
 *   0x200000 + 0x1000*ctx    threshold; +4 claim (read) / complete (write)
 * Sources are level triggered: a source is pending while its line is high
 * and it is not claimed; completing a source whose line is still high makes
 * it pending again.  A context's output (MEIP or SEIP of its hart) is high
 * while an enabled, pending source has priority above its threshold. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "cpu/csr.h"
#include "cpu/trap.h"
#include "machine/devices.h"

#define PLIC_SOURCES (VIRT_PLIC_NDEV + 1) /* 0 is "no interrupt" */
#define PLIC_WORDS ((PLIC_SOURCES + 31) / 32)
#define PLIC_MAX_CTX (2 * MACHINE_MAX_HARTS)
#define PLIC_PRIO_MASK 7

#define PLIC_PENDING 0x1000
#define PLIC_ENABLE 0x2000
#define PLIC_ENABLE_STRIDE 0x80
#define PLIC_CONTEXT 0x200000
#define PLIC_CONTEXT_STRIDE 0x1000

struct plic {
	pthread_mutex_t lock;
	struct machine *m;
	unsigned nr_ctx;
	uint32_t prio[PLIC_SOURCES];
	uint32_t level[PLIC_WORDS]; /* line state driven by devices */
	uint32_t pending[PLIC_WORDS];
	uint32_t claimed[PLIC_WORDS]; /* claimed, not yet completed */
	uint32_t enable[PLIC_MAX_CTX][PLIC_WORDS];
	uint32_t threshold[PLIC_MAX_CTX];
	int8_t out[PLIC_MAX_CTX]; /* level last driven into the hart, -1 none */
};

static bool plic_bit(const uint32_t *w, unsigned i)
{
	return w[i / 32] >> (i % 32) & 1;
}

static void plic_assign(uint32_t *w, unsigned i, bool v)
{
	if (v)
		w[i / 32] |= 1u << (i % 32);
	else
		w[i / 32] &= ~(1u << (i % 32));
}

/* Highest-priority source pending and enabled for ctx, ties going to the
 * lowest number; 0 if none has priority above `floor`.  Lock held. */
static unsigned plic_best(const struct plic *p, unsigned ctx, uint32_t floor)
{
	unsigned best = 0;
	uint32_t best_prio = floor;

	for (unsigned w = 0; w < PLIC_WORDS; w++) {
		uint32_t bits =
			p->pending[w] & ~p->claimed[w] & p->enable[ctx][w];
		while (bits) {
			unsigned src = w * 32 + __builtin_ctz(bits);
			bits &= bits - 1;
			if (p->prio[src] > best_prio) {
				best_prio = p->prio[src];
				best = src;
			}
		}
	}
	return best;
}

/* Recompute every context's output; tell harts only about changes.
 * Lock held (hart_set_mip does not block). */
static void plic_update(struct plic *p)
{
	for (unsigned ctx = 0; ctx < p->nr_ctx; ctx++) {
		int level = plic_best(p, ctx, p->threshold[ctx]) != 0;
		struct hart *h = machine_hart(p->m, ctx / 2);
		if (!h || p->out[ctx] == level)
			continue;
		p->out[ctx] = (int8_t)level;
		hart_set_mip(h, ctx & 1 ? MIP_SEIP : MIP_MEIP, level);
	}
}

void plic_set_irq(struct plic *p, unsigned irq, int level)
{
	if (irq == 0 || irq >= PLIC_SOURCES)
		return;
	pthread_mutex_lock(&p->lock);
	if (plic_bit(p->level, irq) != (level != 0)) {
		plic_assign(p->level, irq, level);
		plic_assign(p->pending, irq, level);
		plic_update(p);
	}
	pthread_mutex_unlock(&p->lock);
}

/* Claim: hand out the best source for ctx above its threshold (masked
 * ones are not for it, as QEMU) and mark it in flight. */
static uint32_t plic_claim(struct plic *p, unsigned ctx)
{
	unsigned src = plic_best(p, ctx, p->threshold[ctx]);

	if (src) {
		plic_assign(p->pending, src, false);
		plic_assign(p->claimed, src, true);
		plic_update(p);
	}
	return src;
}

/* Complete: the source may interrupt again (at once if still high). */
static void plic_complete(struct plic *p, uint32_t src)
{
	if (src == 0 || src >= PLIC_SOURCES)
		return;
	plic_assign(p->claimed, src, false);
	if (plic_bit(p->level, src))
		plic_assign(p->pending, src, true);
	plic_update(p);
}

/* Register reads; unknown offsets read 0 as in QEMU.  Lock held. */
static uint32_t plic_read_reg(struct plic *p, uint64_t off)
{
	if (off < PLIC_PENDING)
		return off / 4 < PLIC_SOURCES ? p->prio[off / 4] : 0;
	if (off < PLIC_ENABLE)
		return off - PLIC_PENDING < PLIC_WORDS * 4
			       ? p->pending[(off - PLIC_PENDING) / 4]
			       : 0;
	if (off < PLIC_CONTEXT) {
		uint64_t ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4;
		return ctx < p->nr_ctx && w < PLIC_WORDS ? p->enable[ctx][w]
							 : 0;
	}
	uint64_t ctx = (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
	uint64_t reg = (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
	if (ctx >= p->nr_ctx)
		return 0;
	if (reg == 0)
		return p->threshold[ctx];
	if (reg == 4)
		return plic_claim(p, (unsigned)ctx);
	return 0;
}

/* Register writes; pending bits and unknown offsets ignore writes. */
static void plic_write_reg(struct plic *p, uint64_t off, uint32_t val)
{
	if (off < PLIC_PENDING) {
		if (off / 4 != 0 && off / 4 < PLIC_SOURCES)
			p->prio[off / 4] = val & PLIC_PRIO_MASK;
	} else if (off < PLIC_ENABLE) {
		return;
	} else if (off < PLIC_CONTEXT) {
		uint64_t ctx = (off - PLIC_ENABLE) / PLIC_ENABLE_STRIDE;
		uint64_t w = (off - PLIC_ENABLE) % PLIC_ENABLE_STRIDE / 4;
		if (ctx >= p->nr_ctx || w >= PLIC_WORDS)
			return;
		if (w == 0)
			val &= ~1u; /* source 0 does not exist */
		if (w == PLIC_WORDS - 1 && PLIC_SOURCES % 32)
			val &= (1u << (PLIC_SOURCES % 32)) - 1;
		p->enable[ctx][w] = val;
	} else {
		uint64_t ctx = (off - PLIC_CONTEXT) / PLIC_CONTEXT_STRIDE;
		uint64_t reg = (off - PLIC_CONTEXT) % PLIC_CONTEXT_STRIDE;
		if (ctx >= p->nr_ctx)
			return;
		if (reg == 4) {
			plic_complete(p, val);
			return; /* complete already updated the outputs */
		}
		if (reg != 0)
			return;
		/* A new threshold may mask or unmask a pending source. */
		p->threshold[ctx] = val & PLIC_PRIO_MASK;
	}
	plic_update(p);
}

/* Only aligned 32-bit accesses, like QEMU's PLIC. */
static int plic_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct plic *p = opaque;

	*val = 0;
	if (size != 4 || (off & 3))
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	*val = plic_read_reg(p, off);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static int plic_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct plic *p = opaque;

	if (size != 4 || (off & 3))
		return -EINVAL;
	pthread_mutex_lock(&p->lock);
	plic_write_reg(p, off, (uint32_t)val);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static const struct mmio_ops plic_ops = {
	.read = plic_read,
	.write = plic_write,
};

int plic_init(struct machine *m)
{
	struct plic *p = calloc(1, sizeof(*p));
	int err;

	if (!p)
		return -ENOMEM;
	pthread_mutex_init(&p->lock, 0);
	p->m = m;
	p->nr_ctx = 2 * m->nr_harts;
	for (unsigned i = 0; i < PLIC_MAX_CTX; i++)
		p->out[i] = -1;
	err = machine_add_mmio(m, VIRT_PLIC_BASE, VIRT_PLIC_SIZE, &plic_ops, p);
	if (err) {
		free(p);
		return err;
	}
	m->plic = p;
	return 0;
}

void plic_destroy(struct machine *m)
{
	if (!m->plic)
		return;
	pthread_mutex_destroy(&m->plic->lock);
	free(m->plic);
	m->plic = 0;
}
