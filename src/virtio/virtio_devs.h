/* The virtio devices atoll offers, one file each, each a thin layer on a
 * host back-end (virtio.h).  Every constructor fills *out with a device
 * whose transport the board puts in a slot (virtio_mmio_read/write, an
 * interrupt line through set_irq); virtio_dev_start starts its I/O
 * thread, virtio_dev_destroy frees it.  0 or -errno. */
#ifndef ATOLL_VIRTIO_VIRTIO_DEVS_H
#define ATOLL_VIRTIO_VIRTIO_DEVS_H

#include <stdbool.h>

#include "virtio/virtio.h"

struct chardev;
struct disk;
struct vswitch;

/* virtio-blk on `disk` (taken over: closed with the device). */
int virtio_blk_create(struct virtio_dev **out, const char *name,
		      struct dom_mem *mem, struct disk *disk, bool readonly,
		      void (*set_irq)(void *ctx, int level), void *irq_ctx);

/* virtio-rng from the host's getrandom. */
int virtio_rng_create(struct virtio_dev **out, const char *name,
		      struct dom_mem *mem,
		      void (*set_irq)(void *ctx, int level), void *irq_ctx);

/* virtio-net as a new port of switch sw, with address mac. */
int virtio_net_create(struct virtio_dev **out, const char *name,
		      struct dom_mem *mem, struct vswitch *sw,
		      const uint8_t mac[6],
		      void (*set_irq)(void *ctx, int level), void *irq_ctx);

/* virtio-balloon driven by the memory policy of the domain's memory. */
int virtio_balloon_create(struct virtio_dev **out, const char *name,
			  struct dom_mem *mem,
			  void (*set_irq)(void *ctx, int level), void *irq_ctx);

/* virtio-console (hvc0) on the host character back-end cd. */
int virtio_console_create(struct virtio_dev **out, const char *name,
			  struct dom_mem *mem, struct chardev *cd,
			  void (*set_irq)(void *ctx, int level), void *irq_ctx);

#endif
