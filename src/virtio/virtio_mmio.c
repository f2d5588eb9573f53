/* The virtio-mmio transport, version 2 (virtio 1.1 section 4.2.2): the
 * register block of one slot.  Only 32-bit aligned accesses reach the
 * registers; the config space takes 8-, 16- and 32-bit accesses.  Other
 * accesses read 0 and are ignored, as QEMU does.  A protocol error the
 * driver makes (a bad queue set-up, an odd config write) breaks only this
 * device: DEVICE_NEEDS_RESET and one log line (virtio_dev_fail). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "virtio/virtio.h"

/* The driver's features: only those offered, VERSION_1 among them. */
static bool mmio_features_ok(struct virtio_dev *dev)
{
	uint64_t extra = dev->driver_features & ~dev->features;
	char why[96];

	if (extra) {
		snprintf(why, sizeof(why),
			 "feature bits 0x%llx set that were not offered",
			 (unsigned long long)extra);
		virtio_dev_fail(dev, why);
		return false;
	}
	if (!virtio_has(dev, VIRTIO_F_VERSION_1)) {
		virtio_dev_fail(dev, "VERSION_1 not accepted (legacy driver)");
		return false;
	}
	return true;
}

/* Status 0: back to the state after power-on.  lock held.  -EAGAIN
 * while the queues are being served (the caller retries). */
static int mmio_reset(struct virtio_dev *dev)
{
	if (pthread_mutex_trylock(&dev->qlock))
		return -EAGAIN;
	if (dev->ops->reset)
		dev->ops->reset(dev);
	for (unsigned q = 0; q < dev->nr_vq; q++)
		virtq_reset(&dev->vq[q]);
	atomic_store(&dev->status, 0);
	pthread_mutex_unlock(&dev->qlock);
	dev->driver_features = 0;
	dev->dev_fsel = dev->drv_fsel = dev->queue_sel = 0;
	pthread_mutex_lock(&dev->irq_lock);
	dev->isr = 0;
	dev->set_irq(dev->irq_ctx, 0);
	pthread_mutex_unlock(&dev->irq_lock);
	return 0;
}

/* A status write other than 0: bits only get added, FEATURES_OK only if
 * the features are acceptable, DRIVER_OK only after FEATURES_OK.  lock
 * held.  True if the device just went live. */
static bool mmio_set_status(struct virtio_dev *dev, uint32_t val)
{
	uint32_t old = atomic_load(&dev->status);
	uint32_t set = val & ~old &
		       (VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK |
			VIRTIO_STATUS_FAILED);

	if ((set & VIRTIO_STATUS_FEATURES_OK) && !mmio_features_ok(dev))
		set &= ~(VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	if ((set & VIRTIO_STATUS_DRIVER_OK) &&
	    !((old | set) & VIRTIO_STATUS_FEATURES_OK))
		set &= ~VIRTIO_STATUS_DRIVER_OK;
	atomic_fetch_or(&dev->status, set);
	return set & VIRTIO_STATUS_DRIVER_OK;
}

/* QueueReady: check the set-up, then let the server see it.  -EAGAIN
 * while the queues are being served. */
static int mmio_queue_ready(struct virtio_dev *dev, struct virtq *vq,
			    uint32_t val)
{
	const char *why;

	if (val && vq->ready)
		return 0;
	if (val && virtq_check(vq, &why)) {
		virtio_dev_fail(dev, why);
		return 0;
	}
	if (pthread_mutex_trylock(&dev->qlock))
		return -EAGAIN;
	if (val) {
		vq->event_idx = virtio_has(dev, VIRTIO_F_EVENT_IDX);
		vq->indirect = virtio_has(dev, VIRTIO_F_INDIRECT_DESC);
		virtq_start(vq);
	}
	vq->ready = val != 0;
	pthread_mutex_unlock(&dev->qlock);
	return 0;
}

/* The selected queue, or NULL (QueueSel past the device's queues). */
static struct virtq *mmio_vq(struct virtio_dev *dev)
{
	return dev->queue_sel < dev->nr_vq ? &dev->vq[dev->queue_sel] : 0;
}

static uint32_t mmio_reg_read(struct virtio_dev *dev, uint64_t off)
{
	struct virtq *vq = mmio_vq(dev);
	uint32_t v;

	switch (off) {
	case VIRTIO_MMIO_MAGIC: return VIRTIO_MMIO_MAGIC_VALUE;
	case VIRTIO_MMIO_VERSION: return 2;
	case VIRTIO_MMIO_DEVICE_ID: return dev->ops->device_id;
	case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_MMIO_VENDOR_QEMU;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return dev->dev_fsel < 2 ? (uint32_t)(dev->features >>
						      (32 * dev->dev_fsel))
					 : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return vq ? vq->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY: return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		pthread_mutex_lock(&dev->irq_lock);
		v = dev->isr;
		pthread_mutex_unlock(&dev->irq_lock);
		return v;
	case VIRTIO_MMIO_STATUS: return atomic_load(&dev->status);
	case VIRTIO_MMIO_CONFIG_GENERATION:
		pthread_mutex_lock(&dev->cfg_lock);
		v = dev->config_gen;
		pthread_mutex_unlock(&dev->cfg_lock);
		return v;
	}
	return 0;
}

/* Queue set-up registers take effect only while the queue is not ready
 * (4.2.3.2); lock held.  0 or -EAGAIN. */
static int mmio_queue_write(struct virtio_dev *dev, uint64_t off, uint32_t val)
{
	struct virtq *vq = mmio_vq(dev);

	if (!vq)
		return 0;
	if (off == VIRTIO_MMIO_QUEUE_READY)
		return mmio_queue_ready(dev, vq, val);
	if (vq->ready)
		return 0;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM: vq->num = (uint16_t)val; break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
		vq->desc = (vq->desc & ~0xffffffffull) | val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		vq->desc = (vq->desc & 0xffffffffull) | (uint64_t)val << 32;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
		vq->avail = (vq->avail & ~0xffffffffull) | val;
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		vq->avail = (vq->avail & 0xffffffffull) | (uint64_t)val << 32;
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
		vq->used = (vq->used & ~0xffffffffull) | val;
		break;
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		vq->used = (vq->used & 0xffffffffull) | (uint64_t)val << 32;
		break;
	}
	return 0;
}

/* lock held.  1 if the device went live (kick it after unlocking), 0,
 * or -EAGAIN (retry). */
static int mmio_reg_write(struct virtio_dev *dev, uint64_t off, uint32_t val)
{
	uint32_t s = atomic_load(&dev->status);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: dev->dev_fsel = val; return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL: dev->drv_fsel = val; return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Fixed once FEATURES_OK is set (3.1.1). */
		if (dev->drv_fsel < 2 && !(s & VIRTIO_STATUS_FEATURES_OK)) {
			unsigned sh = 32 * dev->drv_fsel;
			dev->driver_features &= ~(0xffffffffull << sh);
			dev->driver_features |= (uint64_t)val << sh;
		}
		return 0;
	case VIRTIO_MMIO_QUEUE_SEL: dev->queue_sel = val; return 0;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		pthread_mutex_lock(&dev->irq_lock);
		if ((val & dev->isr & VIRTIO_ISR_QUEUE) && dev->raised_ns) {
			virtio_lat_add(&dev->st.ack,
				       virtio_now_ns() - dev->raised_ns);
			dev->raised_ns = 0;
		}
		dev->isr &= ~val;
		if (!dev->isr)
			dev->set_irq(dev->irq_ctx, 0);
		pthread_mutex_unlock(&dev->irq_lock);
		return 0;
	case VIRTIO_MMIO_STATUS:
		if (!val)
			return mmio_reset(dev);
		return mmio_set_status(dev, val);
	}
	return mmio_queue_write(dev, off, val);
}

/* Config space: size 1, 2 or 4 inside config_len. */
static bool mmio_config_range(const struct virtio_dev *dev, uint64_t off,
			      unsigned size)
{
	return (size == 1 || size == 2 || size == 4) &&
	       off <= dev->config_len && size <= dev->config_len - off;
}

int virtio_mmio_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct virtio_dev *dev = opaque;
	uint32_t v = 0;

	*val = 0;
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (!mmio_config_range(dev, off, size))
			return 0;
		pthread_mutex_lock(&dev->cfg_lock);
		memcpy(&v, dev->config + off, size);
		pthread_mutex_unlock(&dev->cfg_lock);
		*val = v;
		return 0;
	}
	if (size != 4 || (off & 3))
		return 0;
	pthread_mutex_lock(&dev->lock);
	*val = mmio_reg_read(dev, off);
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

static void mmio_config_write(struct virtio_dev *dev, uint64_t off,
			      unsigned size, uint32_t val)
{
	int err = -EINVAL;

	off -= VIRTIO_MMIO_CONFIG;
	if (!mmio_config_range(dev, off, size)) {
		virtio_dev_fail(dev, "config write of a bad size or offset");
		return;
	}
	pthread_mutex_lock(&dev->cfg_lock);
	if (dev->ops->config_write)
		err = dev->ops->config_write(dev, (unsigned)off, size, val);
	pthread_mutex_unlock(&dev->cfg_lock);
	if (err)
		virtio_dev_fail(dev, "write to a read-only config field");
}

int virtio_mmio_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct virtio_dev *dev = opaque;
	int r;

	if (off >= VIRTIO_MMIO_CONFIG) {
		mmio_config_write(dev, off, size, (uint32_t)val);
		return 0;
	}
	if (size != 4 || (off & 3))
		return 0;
	if (off == VIRTIO_MMIO_QUEUE_NOTIFY) {
		/* Without the register lock: the fast path of every kick. */
		if (val < dev->nr_vq && virtio_dev_live(dev))
			return virtio_dev_notify(dev);
		return 0;
	}
	pthread_mutex_lock(&dev->lock);
	r = mmio_reg_write(dev, off, (uint32_t)val);
	pthread_mutex_unlock(&dev->lock);
	if (r > 0)
		virtio_dev_notify(dev); /* -EAGAIN: the first kick suffices */
	return r < 0 ? r : 0;
}
