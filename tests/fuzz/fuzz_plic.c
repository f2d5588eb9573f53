/* The PLIC (src/machine/plic.c) through its MMIO window, with the
 * devices' interrupt lines driven by the input too (fuzz_mmio.h).
 * Checks, besides fuzz_mmio.h's: only aligned 4-byte accesses succeed;
 * priorities and thresholds read back masked to 0..7 and source 0's
 * priority stays 0; pending and enable bits of source 0 and of sources
 * past the last are never set; a claim returns 0 or a source that is
 * enabled for the context, has a priority above its threshold and whose
 * line went high; it is not pending after the claim; the hart's external
 * interrupt bits (MEIP, SEIP) are set only when some enabled source is
 * pending above the context's threshold. */
#include "cpu/csr.h"
#include "fuzz_mmio.h"

#define NSRC (VIRT_PLIC_NDEV + 1)

static uint32_t rd(struct mmio_region *r, uint64_t off)
{
	struct fz_access a = { false, 4, off, 0, 0 };

	fzb_access(r, &a);
	CHECK(a.rc == 0);
	return (uint32_t)a.val;
}

static bool bit(struct mmio_region *r, uint64_t base, unsigned src)
{
	return rd(r, base + src / 32 * 4) >> (src % 32) & 1;
}

/* Is an enabled source pending above ctx's threshold?  (Reads only
 * registers without side effects.) */
static bool ctx_wants(struct mmio_region *r, unsigned ctx)
{
	uint32_t thr = rd(r, 0x200000 + 0x1000 * ctx);

	for (unsigned s = 1; s < NSRC; s++)
		if (bit(r, 0x1000, s) && bit(r, 0x2000 + 0x80 * ctx, s) &&
		    rd(r, 4 * s) > thr)
			return true;
	return false;
}

/* A pending or enable word at byte offset off of its array: no bit for
 * source 0 or for sources past the last. */
static void check_bits(uint64_t off, uint64_t val)
{
	uint64_t w = off / 4;

	if (w == 0)
		CHECK((val & 1) == 0);
	if (w > NSRC / 32)
		CHECK(val == 0);
	else if (w == NSRC / 32)
		CHECK(val >> (NSRC % 32) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(VIRT_PLIC_BASE);
	struct machine *m = fzb_board();
	struct fz_in in = { data, size };
	static bool raised[NSRC];
	struct fz_access a;

	/* A fresh start: every line low, every source completed. */
	for (unsigned s = 1; s < NSRC; s++) {
		plic_set_irq(m->plic, s, 0);
		raised[s] = false;
		for (unsigned ctx = 0; ctx < 2; ctx++) {
			struct fz_access c = { true, 4, 0x200004 + 0x1000 * ctx,
					       s, 0 };
			fzb_access(r, &c);
		}
	}
	while (in.n) {
		uint8_t op = fz_u8(&in);

		if (op < 48) { /* a device's line */
			unsigned s = fz_u8(&in) % (NSRC + 2);

			plic_set_irq(m->plic, s, op & 1);
			if (s > 0 && s < NSRC && (op & 1))
				raised[s] = true;
			continue;
		}
		fzb_next(&in, r, 0x4000, &a);
		if (op < 128) /* a context register */
			a.off = 0x200000 + (a.off & 0x1fff);
		if (a.off > r->size - a.size)
			a.off = r->size - a.size;
		uint64_t ctx = (a.off - 0x200000) / 0x1000;
		bool claim = !a.write && a.off >= 0x200000 &&
			     (a.off - 0x200000) % 0x1000 == 4 && ctx < 2;
		bool ok = a.size == 4 && !(a.off & 3);

		fzb_access(r, &a);
		CHECK(ok == (a.rc == 0));
		if (!ok || a.write)
			continue;
		if (a.off < 0x1000)
			CHECK(a.val <= 7 && (a.off >= 4 || a.val == 0));
		else if (a.off < 0x2000)
			check_bits(a.off - 0x1000, a.val);
		else if (a.off < 0x200000)
			check_bits((a.off - 0x2000) % 0x80, a.val);
		else if (a.off >= 0x200000 && (a.off - 0x200000) % 0x1000 == 0)
			CHECK(a.val <= 7);
		if (claim && a.val) {
			unsigned s = (unsigned)a.val;

			CHECK(s < NSRC && raised[s]);
			CHECK(bit(r, 0x2000 + 0x80 * ctx, s));
			CHECK(rd(r, 4 * s) > rd(r, 0x200000 + 0x1000 * ctx));
			CHECK(!bit(r, 0x1000, s));
		}
		if (fz_u8(&in) < 16) { /* the outputs, now and then */
			uint64_t mip = atomic_load(&fzb.hart.mip);

			if (mip & MIP_MEIP)
				CHECK(ctx_wants(r, 0));
			if (mip & MIP_SEIP)
				CHECK(ctx_wants(r, 1));
		}
	}
	return 0;
}
