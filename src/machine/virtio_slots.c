/* The eight virtio-mmio slots of QEMU's virt board (0x10001000 + i *
 * 0x1000, PLIC source 1 + i).  A configured device takes a slot from the
 * highest down, as QEMU fills them, and gets a device-tree node (fdt.c);
 * an empty slot answers like QEMU's: the magic value, device ID 0 ("no
 * device"), so a driver probing it skips it quietly. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/disk.h"
#include "io/hostcon.h"
#include "machine/devices.h"
#include "lib/hostfile.h"
#include "lib/log.h"
#include "virtio/virtio_abi.h"
#include "virtio/virtio_devs.h"

struct virtio_slot {
	struct machine *m;
	unsigned irq;
	struct virtio_dev *dev; /* or NULL: empty */
};

struct virtio_slots {
	struct virtio_slot slot[VIRT_VIRTIO_COUNT];
};

/* Like QEMU: only 4-byte accesses mean anything; others read 0. */
static int virtio_empty_read(void *opaque, uint64_t off, unsigned size,
			     uint64_t *val)
{
	*val = 0;
	if (size != 4)
		return 0;
	switch (off) {
	case VIRTIO_MMIO_MAGIC: *val = VIRTIO_MMIO_MAGIC_VALUE; break;
	case VIRTIO_MMIO_VERSION: *val = 2; break;
	case VIRTIO_MMIO_VENDOR_ID: *val = VIRTIO_MMIO_VENDOR_QEMU; break;
	}
	return 0;
}

static int virtio_empty_write(void *opaque, uint64_t off, unsigned size,
			      uint64_t val)
{
	return 0;
}

static const struct mmio_ops virtio_empty_ops = {
	.read = virtio_empty_read,
	.write = virtio_empty_write,
};

static const struct mmio_ops virtio_dev_mmio_ops = {
	.read = virtio_mmio_read,
	.write = virtio_mmio_write,
};

static void virtio_slot_irq(void *ctx, int level)
{
	struct virtio_slot *s = ctx;

	plic_set_irq(s->m->plic, s->irq, level);
}

static int virtio_slot_blk(struct virtio_slot *s, const char *name,
			   const struct machine_virtio *c)
{
	struct disk *disk;
	int err = c->readonly ? disk_raw_open_ro(c->file, &disk)
			      : disk_raw_open(c->file, &disk);

	if (err) {
		log_error("drive %s: %s", c->file,
			  err == -EBUSY ? "in use by another domain or program"
					: hostfile_strerror(err));
		return err;
	}
	err = virtio_blk_create(&s->dev, name, s->m->ram.mem, disk, c->readonly,
				virtio_slot_irq, s);
	if (err) {
		log_error("%s: %s", name, strerror(-err));
		disk_close(disk);
		return err;
	}
	s->dev->io_busy = &s->m->io_busy;
	return 0;
}

/* Create the device of config c in slot s. */
static int virtio_slot_create(struct virtio_slot *s, uint64_t base,
			      const struct machine_virtio *c)
{
	static const char *const kind[] = {
		[MACHINE_VIRTIO_BLK] = "blk",
		[MACHINE_VIRTIO_RNG] = "rng",
		[MACHINE_VIRTIO_NET] = "net",
		[MACHINE_VIRTIO_CONSOLE] = "console",
		[MACHINE_VIRTIO_BALLOON] = "balloon",
	};
	char name[32];
	int err = -ENOSYS;

	snprintf(name, sizeof(name), "virtio-%s@%llx", kind[c->type],
		 (unsigned long long)base);
	switch (c->type) {
	case MACHINE_VIRTIO_BLK: return virtio_slot_blk(s, name, c);
	case MACHINE_VIRTIO_RNG:
		err = virtio_rng_create(&s->dev, name, s->m->ram.mem,
					virtio_slot_irq, s);
		break;
	case MACHINE_VIRTIO_CONSOLE:
		if (s->m->con)
			err = virtio_console_create(
				&s->dev, name, s->m->ram.mem,
				hostcon_port(s->m->con, HOSTCON_PORT_VIRTIO),
				virtio_slot_irq, s);
		break;
	case MACHINE_VIRTIO_BALLOON:
		err = virtio_balloon_create(&s->dev, name, s->m->ram.mem,
					    virtio_slot_irq, s);
		break;
	case MACHINE_VIRTIO_NET:
		if (s->m->vswitch)
			err = virtio_net_create(&s->dev, name, s->m->ram.mem,
						s->m->vswitch, c->mac,
						virtio_slot_irq, s);
		break;
	}
	if (err)
		log_error("%s: %s", name,
			  err == -ENOSYS ? "no host back-end for it"
					 : strerror(-err));
	return err;
}

/* How long a vCPU's WFI polls for a device's completion (machine.h's
 * io_busy), in hart_time ticks: VIRTIO_WFI_POLL_US or the environment's
 * ATOLL_WFI_POLL_US (0: never).  0, or -EINVAL after one log line. */
#define VIRTIO_WFI_POLL_US 300
#define VIRTIO_WFI_POLL_ENV "ATOLL_WFI_POLL_US"
#define VIRTIO_WFI_POLL_LIMIT_US 10000

static int virtio_wfi_poll(struct machine *m)
{
	const char *v = getenv(VIRTIO_WFI_POLL_ENV);
	unsigned long us = VIRTIO_WFI_POLL_US;
	char *end;

	if (v) {
		errno = 0;
		us = strtoul(v, &end, 10);
		if (errno || end == v || *end || *v == '-' ||
		    us > VIRTIO_WFI_POLL_LIMIT_US) {
			log_error("%s=%s: not a number of microseconds from 0 "
				  "to %u",
				  VIRTIO_WFI_POLL_ENV, v,
				  VIRTIO_WFI_POLL_LIMIT_US);
			return -EINVAL;
		}
	}
	m->wfi_poll_ticks = (uint32_t)(us * 10); /* 10 MHz */
	return 0;
}

int virtio_slots_init(struct machine *m, const struct machine_config *cfg)
{
	struct virtio_slots *vs = calloc(1, sizeof(*vs));
	int err;

	if (!vs) {
		log_error("out of memory");
		return -ENOMEM;
	}
	m->virtio = vs;
	if (cfg->nr_virtio > VIRT_VIRTIO_COUNT) {
		log_error("more than %d virtio devices", VIRT_VIRTIO_COUNT);
		return -EINVAL;
	}
	if (cfg->nr_virtio &&
	    ((err = virtio_poll_check()) || (err = virtio_wfi_poll(m))))
		return err;
	for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++) {
		struct virtio_slot *s = &vs->slot[i];
		uint64_t base = VIRT_VIRTIO_BASE + i * VIRT_VIRTIO_SIZE;
		unsigned k = VIRT_VIRTIO_COUNT - 1 - i; /* config index */

		s->m = m;
		s->irq = VIRT_VIRTIO_IRQ + i;
		if (k < cfg->nr_virtio) {
			err = virtio_slot_create(s, base, &cfg->virtio[k]);
			if (err)
				return err;
		}
		err = machine_add_mmio(m, base, VIRT_VIRTIO_SIZE,
				       s->dev ? &virtio_dev_mmio_ops
					      : &virtio_empty_ops,
				       s->dev ? (void *)s->dev : (void *)s);
		if (err) {
			log_error("virtio slot %u: %s", i, strerror(-err));
			return err;
		}
	}
	return 0;
}

int virtio_slots_start(struct machine *m)
{
	for (unsigned i = 0; m->virtio && i < VIRT_VIRTIO_COUNT; i++) {
		struct virtio_dev *dev = m->virtio->slot[i].dev;
		int err = dev ? virtio_dev_start(dev) : 0;

		if (err) {
			log_error("%s: cannot start: %s", dev->name,
				  strerror(-err));
			return err;
		}
	}
	return 0;
}

void virtio_slots_stop(struct machine *m)
{
	for (unsigned i = 0; m->virtio && i < VIRT_VIRTIO_COUNT; i++)
		if (m->virtio->slot[i].dev)
			virtio_dev_stop(m->virtio->slot[i].dev);
}

void virtio_slots_destroy(struct machine *m)
{
	if (!m->virtio)
		return;
	for (unsigned i = 0; i < VIRT_VIRTIO_COUNT; i++)
		if (m->virtio->slot[i].dev)
			virtio_dev_destroy(m->virtio->slot[i].dev);
	free(m->virtio);
	m->virtio = 0;
}

struct virtio_dev *virtio_slot_dev(const struct machine *m, unsigned i)
{
	return m->virtio && i < VIRT_VIRTIO_COUNT ? m->virtio->slot[i].dev : 0;
}
