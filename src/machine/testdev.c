/* SiFive test finisher ("sifive,test0"): a 32-bit write to offset 0 ends
 * the machine.  Low 16 bits: 0x5555 pass (exit 0), 0x3333 fail (exit with
 * the high 16 bits, as QEMU's exit(code)), 0x7777 reset.  atoll does not
 * reboot a guest: like QEMU with -no-reboot, a reset ends the VM with
 * status 0.  Other values are ignored; reads return 0. */
#include <errno.h>

#include "machine/devices.h"

#define TEST_FAIL 0x3333
#define TEST_PASS 0x5555
#define TEST_RESET 0x7777

/* QEMU accepts 2- and 4-byte accesses; others fault. */
static int testdev_size_ok(uint64_t off, unsigned size)
{
	return (size == 2 || size == 4) && (off & (size - 1)) == 0;
}

static int testdev_read(void *opaque, uint64_t off, unsigned size,
			uint64_t *val)
{
	*val = 0;
	return testdev_size_ok(off, size) ? 0 : -EINVAL;
}

static int testdev_write(void *opaque, uint64_t off, unsigned size,
			 uint64_t val)
{
	struct machine *m = opaque;

	if (!testdev_size_ok(off, size))
		return -EINVAL;
	if (off != 0)
		return 0;
	switch (val & 0xffff) {
	case TEST_FAIL: machine_exit(m, (int)((val >> 16) & 0xffff)); break;
	case TEST_PASS: machine_exit(m, 0); break;
	case TEST_RESET: machine_reboot(m, 0); break;
	}
	return 0;
}

static const struct mmio_ops testdev_ops = {
	.read = testdev_read,
	.write = testdev_write,
};

int testdev_init(struct machine *m)
{
	return machine_add_mmio(m, VIRT_TEST_BASE, VIRT_TEST_SIZE, &testdev_ops,
				m);
}
