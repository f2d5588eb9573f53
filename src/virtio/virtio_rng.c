/* virtio-rng (virtio 1.1 section 5.4): fills the driver's writable
 * buffers from the host's getrandom.  Trivial enough to run on the
 * notifying vCPU; at most RNG_BUDGET_BYTES per pass. */
#include <errno.h>
#include <stdlib.h>
#include <sys/random.h>

#include "virtio/virtio_devs.h"

#define RNG_QUEUE_SIZE 64
#define RNG_BUDGET_BYTES 65536
#define RNG_CHUNK 4096

struct virtio_rng {
	struct virtio_dev dev;
	struct virtq_chain chain;
	uint8_t buf[RNG_CHUNK];
};

/* Fill up to `max` bytes of the chain's writable part: bytes written. */
static uint32_t rng_fill(struct virtio_rng *r, struct virtq *vq, uint64_t max)
{
	uint64_t want = r->chain.in_len < max ? r->chain.in_len : max;
	uint64_t done = 0;

	while (done < want) {
		size_t n = want - done < RNG_CHUNK ? want - done : RNG_CHUNK;
		ssize_t k = getrandom(r->buf, n, 0);

		if (k <= 0 || virtq_write(vq, &r->chain, done, r->buf, k))
			break;
		done += (uint64_t)k;
	}
	return (uint32_t)done;
}

static int rng_serve(struct virtio_dev *dev)
{
	struct virtio_rng *r = dev->priv;
	struct virtq *vq = &dev->vq[0];
	uint64_t budget = RNG_BUDGET_BYTES;
	const char *why;
	int got = 0, popped;

	if (!vq->ready)
		return 0;
	while (budget && (popped = virtq_pop(vq, &r->chain, &why)) == 1) {
		uint32_t n = rng_fill(r, vq, budget);

		budget -= n;
		got = 1;
		atomic_fetch_add(&dev->st.requests, 1);
		atomic_fetch_add(&dev->st.bytes, n);
		if (virtq_push(vq, r->chain.head, n))
			return virtio_dev_fail(dev, "used ring unwritable");
	}
	if (got)
		virtio_dev_used(dev, 0);
	if (budget && popped < 0)
		return virtio_dev_fail(dev, why);
	return !budget;
}

static void rng_destroy(struct virtio_dev *dev)
{
	free(dev->priv);
}

static const struct virtio_dev_ops virtio_rng_ops = {
	.kind = "rng",
	.device_id = VIRTIO_ID_RNG,
	.serve = rng_serve,
	.destroy = rng_destroy,
};

int virtio_rng_create(struct virtio_dev **out, const char *name,
		      struct dom_mem *mem,
		      void (*set_irq)(void *ctx, int level), void *irq_ctx)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	struct virtio_rng *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return -ENOMEM;
	err = virtio_dev_init(&r->dev, &virtio_rng_ops, r, name, mem, f, 1,
			      RNG_QUEUE_SIZE, 0, set_irq, irq_ctx);
	if (err) {
		free(r);
		return err;
	}
	*out = &r->dev;
	return 0;
}
