/* A fake virtio driver for host tests: it lays out a split virtqueue in a
 * real domain's guest memory (dom_mem, through io_test_util.h) and talks
 * to a device through the real virtio-mmio handlers, as Linux's
 * virtio_mmio.c and virtio_ring.c would, or as a hostile driver would. */
#ifndef ATOLL_TESTS_VIRTIO_DRV_H
#define ATOLL_TESTS_VIRTIO_DRV_H

#include <sched.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "mem/dom_mem.h"
#include "virtio/virtio.h"
#include "virtio/virtio_abi.h"

#define VD_RAM 0x80000000ull
#define VD_DESC (VD_RAM + 0x1000) /* one queue's rings: 4 KiB each */
#define VD_AVAIL (VD_RAM + 0x2000)
#define VD_USED (VD_RAM + 0x3000)
#define VD_QSTRIDE 0x4000ull /* queue q's rings at + q * stride */

struct vdrv {
	struct virtio_dev *dev;
	struct dom_mem *mem;
	uint64_t base; /* this driver's rings at VD_DESC/AVAIL/USED + base */
	uint16_t num;
	uint16_t avail_idx[VIRTIO_MAX_QUEUES];
	_Atomic int irq; /* the line's level */
	_Atomic int raised; /* times it went high */
};

static inline void vd_set_irq(void *ctx, int level)
{
	struct vdrv *d = ctx;

	if (level && !atomic_exchange(&d->irq, 1))
		atomic_fetch_add(&d->raised, 1);
	if (!level)
		atomic_store(&d->irq, 0);
}

static inline uint32_t vd_rd(struct vdrv *d, uint64_t off)
{
	uint64_t v;

	virtio_mmio_read(d->dev, off, 4, &v);
	return (uint32_t)v;
}

/* A store; the device may be busy (-EAGAIN): retry, as a hart does. */
static inline void vd_wr(struct vdrv *d, uint64_t off, uint32_t v)
{
	while (virtio_mmio_write(d->dev, off, 4, v) == -EAGAIN)
		sched_yield();
}

static inline uint64_t vd_qbase(const struct vdrv *d, unsigned q)
{
	return d->base + q * VD_QSTRIDE;
}

/* Negotiate `features` (64 bits) and set status up to FEATURES_OK:
 * true if the device accepted them. */
static inline bool vd_negotiate(struct vdrv *d, uint64_t features)
{
	vd_wr(d, VIRTIO_MMIO_STATUS, 0);
	vd_wr(d, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vd_wr(d, VIRTIO_MMIO_STATUS,
	      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	for (unsigned sel = 0; sel < 2; sel++) {
		vd_wr(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, sel);
		vd_wr(d, VIRTIO_MMIO_DRIVER_FEATURES,
		      (uint32_t)(features >> (32 * sel)));
	}
	vd_wr(d, VIRTIO_MMIO_STATUS,
	      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		      VIRTIO_STATUS_FEATURES_OK);
	return vd_rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK;
}

/* Zero queue q's rings and hand them to the device. */
static inline void vd_queue(struct vdrv *d, unsigned q, uint16_t num)
{
	static const uint8_t zero[0x3000];
	uint64_t b = vd_qbase(d, q);

	dom_mem_write(d->mem, VD_DESC + b, zero, sizeof(zero));
	d->num = num;
	d->avail_idx[q] = 0;
	vd_wr(d, VIRTIO_MMIO_QUEUE_SEL, q);
	vd_wr(d, VIRTIO_MMIO_QUEUE_NUM, num);
	vd_wr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)(VD_DESC + b));
	vd_wr(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((VD_DESC + b) >> 32));
	vd_wr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)(VD_AVAIL + b));
	vd_wr(d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH,
	      (uint32_t)((VD_AVAIL + b) >> 32));
	vd_wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)(VD_USED + b));
	vd_wr(d, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)((VD_USED + b) >> 32));
	vd_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
}

/* The whole set-up of a driver: features, nq queues, DRIVER_OK. */
static inline bool vd_setup(struct vdrv *d, uint64_t features, unsigned nq,
			    uint16_t num)
{
	if (!vd_negotiate(d, features))
		return false;
	for (unsigned q = 0; q < nq; q++)
		vd_queue(d, q, num);
	vd_wr(d, VIRTIO_MMIO_STATUS,
	      VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		      VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	return virtio_dev_live(d->dev);
}

static inline void vd_desc(struct vdrv *d, unsigned q, unsigned i,
			   uint64_t addr, uint32_t len, uint16_t flags,
			   uint16_t next)
{
	struct virtq_desc e = { addr, len, flags, next };

	dom_mem_write(d->mem, VD_DESC + vd_qbase(d, q) + 16ull * i, &e,
		      sizeof(e));
}

/* Offer chain `head` (the available index moves by `step`, normally 1)
 * and kick. */
static inline void vd_submit_step(struct vdrv *d, unsigned q, uint16_t head,
				  uint16_t step)
{
	uint64_t b = vd_qbase(d, q);
	uint16_t i = d->avail_idx[q];

	dom_mem_write(d->mem, VD_AVAIL + b + 4 + 2ull * (i % d->num), &head, 2);
	d->avail_idx[q] = (uint16_t)(i + step);
	atomic_thread_fence(memory_order_release);
	dom_mem_write(d->mem, VD_AVAIL + b + 2, &d->avail_idx[q], 2);
	vd_wr(d, VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

static inline void vd_submit(struct vdrv *d, unsigned q, uint16_t head)
{
	vd_submit_step(d, q, head, 1);
}

static inline uint16_t vd_used_idx(struct vdrv *d, unsigned q)
{
	uint16_t v = 0;

	dom_mem_read(d->mem, VD_USED + vd_qbase(d, q) + 2, &v, 2);
	return v;
}

static inline struct virtq_used_elem vd_used_elem(struct vdrv *d, unsigned q,
						  uint16_t i)
{
	struct virtq_used_elem e = { 0, 0 };

	dom_mem_read(d->mem, VD_USED + vd_qbase(d, q) + 4 + 8ull * (i % d->num),
		     &e, sizeof(e));
	return e;
}

/* Wait (up to 10 s, for the sanitizer builds) until queue q's used index
 * reaches `want` or the device needs a reset: true if it reached it. */
static inline bool vd_wait_used(struct vdrv *d, unsigned q, uint16_t want)
{
	struct timespec ts = { 0, 200000 };

	for (int i = 0; i < 50000; i++) {
		if (vd_used_idx(d, q) == want)
			return true;
		if (vd_rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET)
			return false;
		nanosleep(&ts, 0);
	}
	return false;
}

static inline bool vd_broken(struct vdrv *d)
{
	return vd_rd(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_NEEDS_RESET;
}

#endif
