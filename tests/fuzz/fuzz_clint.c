/* The CLINT (src/machine/clint.c) through its MMIO window, one hart on the
 * board (fuzz_mmio.h).  Checks, besides fuzz_mmio.h's: misaligned
 * accesses fault, msip only 4-byte, mtimecmp/mtime 4 or 8 bytes; msip
 * reads 0 or 1, the hart's MSIP bit; mtimecmp reads back what was
 * written (either half, or whole); after a write of mtimecmp, the hart's
 * MTIP is set only if mtime has reached it; registers of
 * harts that do not exist read 0. */
#include "cpu/csr.h"
#include "fuzz_mmio.h"

#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(VIRT_CLINT_BASE);
	struct hart *h = &fzb.hart;
	struct fz_in in = { data, size };
	struct fz_access a;

	while (in.n) {
		uint8_t where = fz_u8(&in);
		uint64_t t0;
		bool ok;

		fzb_next(&in, r, 16, &a);
		/* Mostly near the registers of hart 0 (and 1, absent). */
		if (where < 64)
			a.off = CLINT_MTIMECMP + (a.off & 0xf);
		else if (where < 128)
			a.off = CLINT_MTIME + (a.off & 0x7);
		if (a.off > r->size - a.size)
			a.off = r->size - a.size;
		t0 = hart_time(h);
		fzb_access(r, &a);
		ok = !(a.off & (a.size - 1)) &&
		     (a.off < CLINT_MTIMECMP ? a.size == 4
					     : a.size == 4 || a.size == 8);
		CHECK(ok == (a.rc == 0));
		if (!ok)
			continue;
		if (a.off < CLINT_MTIMECMP) {
			bool msip = atomic_load(&h->mip) & MIP_MSIP;

			if (!a.write)
				CHECK(a.val == (a.off < 4 ? msip : 0));
			else if (a.off < 4)
				CHECK(msip == (a.val & 1));
			continue;
		}
		if (a.off < CLINT_MTIMECMP + 8) {
			uint64_t cmp = atomic_load(&h->mtimecmp);
			unsigned sh = (a.off & 4) * 8;
			uint64_t want =
				a.size == 8 ? cmp : (uint32_t)(cmp >> sh);

			if (!a.write)
				CHECK(a.val == want);
			else
				CHECK((a.val &
				       (a.size == 8 ? ~0ULL : 0xffffffffULL)) ==
				      want);
		} else if (a.off < CLINT_MTIME) {
			if (!a.write)
				CHECK(a.val == 0); /* no such hart */
		}
		/* After a write of mtimecmp, MTIP is set only if mtime has
		 * reached it (time only moves on, so a set MTIP stays right;
		 * a clear one may be stale by now).  Not after writes of
		 * mtime, nor when mtime wrapped around 2^64 meanwhile (the
		 * guest can set it near there): the hart's timer poll, not
		 * the CLINT, lowers MTIP then. */
		uint64_t t1 = hart_time(h);

		if (a.write && a.off >= CLINT_MTIMECMP &&
		    a.off < CLINT_MTIMECMP + 8 && t1 >= t0 &&
		    (atomic_load(&h->mip) & MIP_MTIP))
			CHECK(t1 >= atomic_load(&h->mtimecmp));
	}
	return 0;
}
