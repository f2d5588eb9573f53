/* Empty virtio-mmio slots.  QEMU's virt board always has eight transports;
 * with no backend plugged in they answer with the magic value, version 1,
 * device ID 0 ("no device") and QEMU's vendor ID, so a driver probing them
 * skips them quietly.  atoll shows the same; real devices take a slot over
 * by registering instead of the stub. */
#include "machine/devices.h"

#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_VENDOR 0x554d4551 /* "QEMU" */

/* Like QEMU: only 4-byte accesses mean anything; others read 0. */
static int virtio_stub_read(void *opaque, uint64_t off, unsigned size,
			    uint64_t *val)
{
	*val = 0;
	if (size != 4)
		return 0;
	switch (off) {
	case 0x000: *val = VIRTIO_MAGIC; break;
	case 0x004: *val = 1; break; /* legacy transport, as QEMU 7.2 */
	case 0x00c: *val = VIRTIO_VENDOR; break;
	}
	return 0;
}

static int virtio_stub_write(void *opaque, uint64_t off, unsigned size,
			     uint64_t val)
{
	return 0;
}

static const struct mmio_ops virtio_stub_ops = {
	.read = virtio_stub_read,
	.write = virtio_stub_write,
};

int virtio_stub_init(struct machine *m)
{
	for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
		int err = machine_add_mmio(
			m, VIRT_VIRTIO_BASE + i * VIRT_VIRTIO_SIZE,
			VIRT_VIRTIO_SIZE, &virtio_stub_ops, 0);
		if (err)
			return err;
	}
	return 0;
}
