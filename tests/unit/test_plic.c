/* The PLIC (src/machine/plic.c) on a one-hart board, through its MMIO
 * handlers: a context's output (the hart's MEIP/SEIP) follows every
 * register that decides it.  Regression: a write of a threshold did not
 * re-evaluate the output, so raising it left MEIP up with nothing to claim
 * (an interrupt storm of empty claims) and lowering it below a pending
 * source's priority raised nothing (a lost interrupt), found by
 * tests/fuzz/fuzz_plic.c. */
#include <stdlib.h>

#include "check.h"
#include "cpu/csr.h"
#include "cpu/hart.h"
#include "machine/devices.h"
#include "machine/machine.h"

#define PRIO(s) (4 * (s))
#define ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (THRESHOLD(ctx) + 4)

static const struct cpu_bus_ops no_bus;
static struct machine *m;
static struct hart h;

static void wr(uint64_t off, uint32_t v)
{
	CHECK_EQ(m->mmio[0].ops->write(m->mmio[0].opaque, off, 4, v), 0);
}

static uint32_t rd(uint64_t off)
{
	uint64_t v = 0;

	CHECK_EQ(m->mmio[0].ops->read(m->mmio[0].opaque, off, 4, &v), 0);
	return (uint32_t)v;
}

static bool meip(void)
{
	return atomic_load(&h.mip) & MIP_MEIP;
}

static bool seip(void)
{
	return atomic_load(&h.mip) & MIP_SEIP;
}

int main(void)
{
	struct cpu_bus bus = { &no_bus, NULL };

	m = calloc(1, sizeof(*m));
	if (!m || hart_init(&h, 0, VIRT_DRAM_BASE, &bus)) {
		printf("FAIL: setup\n");
		return 2;
	}
	m->nr_harts = 1;
	m->harts[0] = &h;
	CHECK_EQ(plic_init(m), 0);
	CHECK_EQ(m->mmio[0].base, VIRT_PLIC_BASE);

	/* Source 5 at priority 3, enabled for M (ctx 0) and S (ctx 1). */
	wr(PRIO(5), 3);
	wr(ENABLE(0), 1u << 5);
	wr(ENABLE(1), 1u << 5);
	plic_set_irq(m->plic, 5, 1);
	CHECK(meip() && seip());

	/* The threshold reaches the priority: the outputs fall... */
	wr(THRESHOLD(0), 3);
	CHECK(!meip());
	CHECK(seip());
	CHECK_EQ(rd(CLAIM(0)), 0); /* nothing to claim in M */
	wr(THRESHOLD(1), 7);
	CHECK(!seip());
	/* ...and rise again when it drops below. */
	wr(THRESHOLD(0), 2);
	CHECK(meip());
	wr(THRESHOLD(1), 0);
	CHECK(seip());

	/* Claim and complete still drive them. */
	CHECK_EQ(rd(CLAIM(0)), 5);
	CHECK(!meip() && !seip());
	plic_set_irq(m->plic, 5, 0);
	wr(CLAIM(0), 5);
	CHECK(!meip() && !seip());
	plic_set_irq(m->plic, 5, 1);
	CHECK(meip() && seip());

	/* Priority and enable writes too. */
	wr(PRIO(5), 1);
	CHECK(!meip()); /* threshold 2 */
	CHECK(seip());
	wr(ENABLE(1), 0);
	CHECK(!seip());

	plic_destroy(m);
	hart_destroy(&h);
	free(m);
	return check_done("plic");
}
