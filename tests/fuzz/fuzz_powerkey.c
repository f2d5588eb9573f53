/* The power key (src/machine/powerkey.c) through its MMIO window
 * (fuzz_mmio.h), with presses (`atoll shutdown`) mixed in.  Checks,
 * besides fuzz_mmio.h's: only aligned 4-byte accesses succeed; a model of
 * the pin agrees with the device: a press succeeds exactly when the key is
 * not held (-EBUSY otherwise), INPUT_VAL reads the pin while INPUT_EN is
 * set (0 otherwise) and a read of 1 releases it; a press latches RISE_IP,
 * a release FALL_IP (write-1-to-clear); enable registers keep bit 0 only;
 * nothing else changes the pin. */
#include "fuzz_mmio.h"

#define R_INPUT_VAL 0x00
#define R_INPUT_EN 0x04
#define R_RISE_IP 0x1c
#define R_FALL_IP 0x24
#define R_END 0x44

static uint32_t pk_read32(struct mmio_region *r, uint64_t off)
{
	uint64_t v = 0;

	CHECK(r->ops->read(r->opaque, off, 4, &v) == 0);
	return (uint32_t)v;
}

/* RISE_IP, FALL_IP, HIGH_IP, LOW_IP: write-1-to-clear, not read-back. */
static bool pk_is_ip(uint64_t off)
{
	return off == 0x1c || off == 0x24 || off == 0x2c || off == 0x34;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(VIRT_POWERKEY_BASE);
	struct fz_in in = { data, size };
	struct fz_access a;
	bool held;

	/* The pin's state from the device itself: release a held key by
	 * reading it with the input enabled, leaving the input enabled. */
	CHECK(r->ops->write(r->opaque, R_INPUT_EN, 4, 1) == 0);
	(void)pk_read32(r, R_INPUT_VAL);
	held = false;
	while (in.n) {
		bool en = pk_read32(r, R_INPUT_EN) & 1;
		uint32_t v;

		if (fz_u8(&in) < 48) { /* a press */
			int rc = powerkey_press(fzb.m);

			CHECK(rc == (held ? -EBUSY : 0));
			if (!held)
				CHECK(pk_read32(r, R_RISE_IP) & 1);
			held = true;
			continue;
		}
		fzb_next(&in, r, R_END + 4, &a);
		fzb_access(r, &a);
		CHECK((a.rc == 0) == (a.size == 4 && !(a.off & 3)));
		if (a.rc)
			continue;
		if (a.write) {
			if (a.off == R_INPUT_EN)
				en = a.val & 1;
			if (a.off < R_END && a.off != R_INPUT_VAL &&
			    !pk_is_ip(a.off)) {
				v = pk_read32(r, a.off);
				CHECK(v == (a.val & 1));
			}
			continue;
		}
		if (a.off == R_INPUT_VAL) {
			CHECK(a.val == (uint64_t)(held && en));
			if (a.val) {
				held = false;
				CHECK(pk_read32(r, R_FALL_IP) & 1);
			}
		} else if (a.off < R_END) {
			CHECK(a.val <= 1);
		} else {
			CHECK(a.val == 0);
		}
	}
	return 0;
}
