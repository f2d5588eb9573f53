/* virtio-console (virtio 1.1 section 5.3), one port, no MULTIPORT: Linux's
 * hvc0, on a host character back-end (io/chardev.h) — the domain's
 * terminal port, which `atoll console` attaches to as for the UART.
 *
 * Queues: 0 receive (host to guest: device-writable buffers), 1 transmit.
 * Output may wait for the host's terminal, so the device has its own I/O
 * thread; input arrives through the back-end's ready call, which kicks it.
 * Bytes the back-end hands over wait in a small staging buffer until the
 * guest posts a receive buffer (a chain is only taken when there are bytes
 * for it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/chardev.h"
#include "virtio/virtio_devs.h"

#define CONS_QUEUE_SIZE 64
#define CONS_CHUNK 4096
#define CONS_BUDGET 32 /* chains per queue per pass */

enum { CQ_RX, CQ_TX };

struct virtio_console {
	struct virtio_dev dev;
	struct chardev *cd;
	struct virtq_chain chain;
	uint8_t buf[CONS_CHUNK]; /* output being written */
	uint8_t in[CONS_CHUNK]; /* input not yet in a guest buffer */
	unsigned in_len;
};

/* Write each transmit chain's bytes to the host, in chunks. */
static int cons_tx(struct virtio_console *c)
{
	struct virtq *vq = &c->dev.vq[CQ_TX];
	const char *why;
	int n = 0, r = 0;

	while (n < CONS_BUDGET && (r = virtq_pop(vq, &c->chain, &why)) == 1) {
		uint64_t len = c->chain.out_len, off = 0;

		while (off < len) {
			uint64_t k =
				len - off < CONS_CHUNK ? len - off : CONS_CHUNK;

			if (virtq_read(vq, &c->chain, off, c->buf, k) ||
			    chardev_write(c->cd, c->buf, k) < 0)
				break;
			off += k;
		}
		atomic_fetch_add(&c->dev.st.bytes, off);
		atomic_fetch_add(&c->dev.st.requests, 1);
		if (virtq_push(vq, c->chain.head, 0))
			return virtio_dev_fail(&c->dev, "used ring unwritable");
		n++;
	}
	if (n)
		virtio_dev_used(&c->dev, CQ_TX);
	if (r < 0)
		return virtio_dev_fail(&c->dev, why);
	return n == CONS_BUDGET;
}

/* Move host input into posted receive buffers. */
static int cons_rx(struct virtio_console *c)
{
	struct virtq *vq = &c->dev.vq[CQ_RX];
	const char *why;
	int n = 0, r = 0;

	while (n < CONS_BUDGET) {
		uint32_t k;

		if (!c->in_len)
			c->in_len = (unsigned)chardev_read(c->cd, c->in,
							   sizeof(c->in));
		if (!c->in_len || (r = virtq_pop(vq, &c->chain, &why)) != 1)
			break;
		k = c->chain.in_len < c->in_len ? (uint32_t)c->chain.in_len
						: c->in_len;
		if (virtq_write(vq, &c->chain, 0, c->in, k))
			k = 0;
		memmove(c->in, c->in + k, c->in_len - k);
		c->in_len -= k;
		if (virtq_push(vq, c->chain.head, k))
			return virtio_dev_fail(&c->dev, "used ring unwritable");
		n++;
	}
	if (n)
		virtio_dev_used(&c->dev, CQ_RX);
	if (r < 0)
		return virtio_dev_fail(&c->dev, why);
	return n == CONS_BUDGET;
}

static int cons_serve(struct virtio_dev *dev)
{
	struct virtio_console *c = dev->priv;
	int tx = 0, rx = 0;

	if (dev->vq[CQ_TX].ready)
		tx = cons_tx(c);
	if (tx >= 0 && dev->vq[CQ_RX].ready)
		rx = cons_rx(c);
	if (tx < 0 || rx < 0)
		return -EPROTO;
	return tx || rx;
}

/* Output to write, or input staged for posted receive buffers (input
 * still in the back-end comes with a ready call). */
static bool cons_pending(struct virtio_dev *dev)
{
	struct virtio_console *c = dev->priv;

	if (dev->vq[CQ_TX].ready && virtq_pending(&dev->vq[CQ_TX]))
		return true;
	return c->in_len && dev->vq[CQ_RX].ready &&
	       virtq_pending(&dev->vq[CQ_RX]);
}

/* The back-end has input: let the I/O thread look. */
static void cons_ready(void *arg)
{
	virtio_dev_kick(arg);
}

static void cons_destroy(struct virtio_dev *dev)
{
	struct virtio_console *c = dev->priv;

	chardev_set_ready(c->cd, 0, dev); /* no ready call after this */
	free(c);
}

static const struct virtio_dev_ops virtio_console_ops = {
	.kind = "console",
	.device_id = VIRTIO_ID_CONSOLE,
	.serve = cons_serve,
	.pending = cons_pending,
	.destroy = cons_destroy,
	.threaded = true,
};

int virtio_console_create(struct virtio_dev **out, const char *name,
			  struct dom_mem *mem, struct chardev *cd,
			  void (*set_irq)(void *ctx, int level), void *irq_ctx)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
	struct virtio_console *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	err = virtio_dev_init(&c->dev, &virtio_console_ops, c, name, mem, f, 2,
			      CONS_QUEUE_SIZE, 0, set_irq, irq_ctx);
	if (err) {
		free(c);
		return err;
	}
	c->cd = cd;
	chardev_set_ready(cd, cons_ready, &c->dev);
	*out = &c->dev;
	return 0;
}
