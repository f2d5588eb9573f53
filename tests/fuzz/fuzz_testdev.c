/* The SiFive test finisher (src/machine/testdev.c) through its MMIO
 * window (fuzz_mmio.h).  Checks, besides fuzz_mmio.h's: only aligned 2-
 * and 4-byte accesses succeed, the others fault; reads give 0; the machine
 * ends exactly on a write of 0x5555 (status 0), 0x7777 (reset: status 0)
 * or 0x3333 (status: the value's high 16 bits) at offset 0, and on
 * nothing else. */
#include "fuzz_mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(VIRT_TEST_BASE);
	struct fz_in in = { data, size };
	struct fz_access a;

	while (in.n) {
		bool ok;
		int exits = fzb.exits;

		fzb_next(&in, r, 16, &a);
		if (fz_u8(&in) < 64) /* the interesting values */
			a.val = (a.val & ~0xffffULL) |
				(uint64_t[]){ 0x3333, 0x5555, 0x7777,
					      0x1234 }[a.val % 4];
		fzb_access(r, &a);
		ok = (a.size == 2 || a.size == 4) && !(a.off & (a.size - 1));
		CHECK(ok == (a.rc == 0));
		if (!a.write) {
			CHECK(a.rc || a.val == 0);
			CHECK(fzb.exits == exits);
			continue;
		}
		uint32_t v = a.size == 2 ? (uint16_t)a.val : (uint32_t)a.val;
		bool ends = ok && a.off == 0 &&
			    ((v & 0xffff) == 0x3333 || (v & 0xffff) == 0x5555 ||
			     (v & 0xffff) == 0x7777);

		CHECK(fzb.exits == exits + ends);
		if (ends)
			CHECK(fzb.exit_status ==
			      ((v & 0xffff) == 0x3333 ? (int)(v >> 16) : 0));
	}
	return 0;
}
