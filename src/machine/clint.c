/* CLINT (SiFive/ACLINT layout as on QEMU virt): msip at +4*hart, mtimecmp
 * at +0x4000 + 8*hart, mtime at +0xbff8, 10 MHz.  The device keeps no state
 * of its own: msip is the hart's mip.MSIP, mtimecmp lives in the hart (it
 * raises MTIP itself when time passes it), and mtime is the host monotonic
 * clock minus the machine's time base. */
#include <errno.h>

#include "cpu/csr.h"
#include "cpu/trap.h"
#include "machine/devices.h"

#define CLINT_MSIP 0x0000
#define CLINT_MTIMECMP 0x4000
#define CLINT_MTIME 0xbff8

/* Replace the bytes [shift/8, shift/8 + size) of old with val. */
static uint64_t clint_merge(uint64_t old, unsigned size, unsigned shift,
			    uint64_t val)
{
	uint64_t mask;

	if (size == 8)
		return val;
	mask = 0xffffffffULL << shift;
	return (old & ~mask) | (val << shift & mask);
}

/* MTIP follows mtimecmp at once: a hart asleep in WFI must wake up to
 * re-arm its deadline, and hart_set_mip kicks it. */
static void clint_update_mtip(struct hart *h)
{
	hart_set_mip(h, MIP_MTIP, hart_time(h) >= atomic_load(&h->mtimecmp));
}

static int clint_read_msip(struct machine *m, uint64_t off, unsigned size,
			   uint64_t *val)
{
	struct hart *h = machine_hart(m, off / 4);

	if (size != 4)
		return -EINVAL;
	*val = h ? (atomic_load(&h->mip) & MIP_MSIP) != 0 : 0;
	return 0;
}

static int clint_write_msip(struct machine *m, uint64_t off, unsigned size,
			    uint64_t val)
{
	struct hart *h = machine_hart(m, off / 4);

	if (size != 4)
		return -EINVAL;
	if (h)
		hart_set_mip(h, MIP_MSIP, val & 1);
	return 0;
}

/* msip: 4-byte only; mtimecmp and mtime: 4 or 8 bytes, aligned. */
static int clint_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct machine *m = opaque;
	unsigned shift = (off & 4) * 8;
	uint64_t v = 0;

	*val = 0;
	if (off & (size - 1))
		return -EINVAL;
	if (off < CLINT_MTIMECMP)
		return clint_read_msip(m, off, size, val);
	if (size != 4 && size != 8)
		return -EINVAL;
	if (off >= CLINT_MTIME) {
		v = mtime_now() -
		    __atomic_load_n(&m->time_base, __ATOMIC_RELAXED);
	} else {
		struct hart *h = machine_hart(m, (off - CLINT_MTIMECMP) / 8);
		if (h)
			v = atomic_load(&h->mtimecmp);
	}
	*val = size == 8 ? v : (uint32_t)(v >> shift);
	return 0;
}

/* Writing mtime moves the time base of every hart (QEMU allows it). */
static void clint_write_mtime(struct machine *m, unsigned size, unsigned shift,
			      uint64_t val)
{
	uint64_t now = mtime_now();
	uint64_t base = __atomic_load_n(&m->time_base, __ATOMIC_RELAXED);
	uint64_t t = clint_merge(now - base, size, shift, val);

	base = now - t;
	__atomic_store_n(&m->time_base, base, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < m->nr_harts; i++) {
		struct hart *h = m->harts[i];
		if (!h)
			continue;
		__atomic_store_n(&h->time_base, base, __ATOMIC_RELAXED);
		clint_update_mtip(h);
	}
}

static int clint_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct machine *m = opaque;
	unsigned shift = (off & 4) * 8;

	if (off & (size - 1))
		return -EINVAL;
	if (off < CLINT_MTIMECMP)
		return clint_write_msip(m, off, size, val);
	if (size != 4 && size != 8)
		return -EINVAL;
	if (off >= CLINT_MTIME) {
		clint_write_mtime(m, size, shift, val);
	} else {
		struct hart *h = machine_hart(m, (off - CLINT_MTIMECMP) / 8);
		if (!h)
			return 0;
		atomic_store(&h->mtimecmp,
			     clint_merge(atomic_load(&h->mtimecmp), size, shift,
					 val));
		clint_update_mtip(h);
	}
	return 0;
}

static const struct mmio_ops clint_ops = {
	.read = clint_read,
	.write = clint_write,
};

int clint_init(struct machine *m)
{
	return machine_add_mmio(m, VIRT_CLINT_BASE, VIRT_CLINT_SIZE, &clint_ops,
				m);
}
