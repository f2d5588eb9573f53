/* virtio-net (virtio 1.1 section 5.1) as one port of the host's virtual
 * switch (io/vswitch.h), the same switch as the PV netback's ports and
 * the libslirp NAT uplink: a Linux guest and an atoll-os guest share it.
 *
 * Queues: 0 receive, 1 transmit; no control queue, no mergeable buffers:
 * each receive buffer holds a whole frame behind the 12-byte
 * virtio_net_hdr.  Features: MAC, STATUS (the link is always up), and the
 * transmit offloads CSUM, HOST_TSO4 and HOST_TSO6 (virtio_net_offload.h:
 * the host fills in checksums and cuts TCP segments; what reaches the
 * switch is ordinary frames).
 *
 * Transmit: each chain's readable part is the header and one frame (up
 * to 64 KiB of TCP with TSO), copied once and sent to the switch on the
 * I/O thread.  Receive: the switch's deliver (on the
 * sender's thread) copies the frame into a bounded queue and kicks the
 * I/O thread, which copies it into the next receive buffer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/vswitch.h"
#include "virtio/virtio_devs.h"
#include "virtio/virtio_net_offload.h"

#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_STATUS 16
#define VIRTIO_NET_S_LINK_UP 1

#define NET_HDR 12 /* virtio_net_hdr_v1: flags ... num_buffers */
#define NET_QUEUE_SIZE 256
/* Frames per direction per pass (a TSO chain counts its segments). */
#define NET_BUDGET 64
#define NET_RXQ 256 /* frames from the switch waiting for buffers */
#define NET_CFG_LEN 8 /* mac[6], status u16 */

enum { NET_RX, NET_TX };

struct net_frame {
	uint16_t len;
	uint8_t data[VSWITCH_FRAME_MAX];
};

struct virtio_net {
	struct virtio_dev dev;
	struct vswitch_port *port;
	struct virtq_chain chain;
	uint8_t tx_buf[NET_HDR + NET_OFFLOAD_FRAME_MAX];
	/* deliver appends under rxq_lock; the I/O thread takes the head. */
	pthread_mutex_t rxq_lock;
	unsigned rxq_head, rxq_count;
	struct net_frame rxq[NET_RXQ];
	_Atomic uint64_t rx_drops;
};

static void net_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct virtio_net *n = ctx;

	vswitch_send(n->port, frame, len);
}

/* The header at the front of tx_buf (little-endian on the wire). */
static void net_tx_hdr(const uint8_t *b, struct net_offload_hdr *h)
{
	h->flags = b[0];
	h->gso_type = b[1];
	h->hdr_len = (uint16_t)(b[2] | b[3] << 8);
	h->gso_size = (uint16_t)(b[4] | b[5] << 8);
	h->csum_start = (uint16_t)(b[6] | b[7] << 8);
	h->csum_offset = (uint16_t)(b[8] | b[9] << 8);
	h->num_buffers = 0;
}

/* Send the frame in tx_buf (len bytes with the header): the frames it
 * made, or -EINVAL if it was dropped. */
static int net_tx_one(struct virtio_net *n, uint64_t len)
{
	const struct net_offload_caps caps = {
		.csum = virtio_has(&n->dev, VIRTIO_NET_F_CSUM),
		.tso4 = virtio_has(&n->dev, VIRTIO_NET_F_HOST_TSO4),
		.tso6 = virtio_has(&n->dev, VIRTIO_NET_F_HOST_TSO6),
	};
	struct net_offload_hdr h;

	net_tx_hdr(n->tx_buf, &h);
	return net_offload_tx(&caps, &h, n->tx_buf + NET_HDR, len - NET_HDR,
			      net_send, n);
}

/* Send up to NET_BUDGET frames: 1 if more may wait, 0, or -EPROTO. */
static int net_tx(struct virtio_net *n)
{
	struct virtq *vq = &n->dev.vq[NET_TX];
	const char *why;
	int done = 0, r = 0, chains = 0;

	while (done < NET_BUDGET && (r = virtq_pop(vq, &n->chain, &why)) == 1) {
		uint64_t len = n->chain.out_len;
		int sent = -EINVAL;

		/* A frame too short or too long, or one its header does not
		 * describe, is dropped, as QEMU does: a driver bug, not a
		 * broken queue. */
		if (len >= NET_HDR + VSWITCH_FRAME_MIN &&
		    len <= sizeof(n->tx_buf) &&
		    !virtq_read(vq, &n->chain, 0, n->tx_buf, len))
			sent = net_tx_one(n, len);
		if (sent > 0) {
			atomic_fetch_add(&n->dev.st.requests, 1);
			atomic_fetch_add(&n->dev.st.bytes, len - NET_HDR);
		} else {
			atomic_fetch_add(&n->dev.st.errors, 1);
		}
		if (virtq_push(vq, n->chain.head, 0))
			return virtio_dev_fail(&n->dev, "used ring unwritable");
		done += sent > 0 ? sent : 1;
		chains++;
	}
	if (chains)
		virtio_dev_used(&n->dev, NET_TX);
	if (r < 0)
		return virtio_dev_fail(&n->dev, why);
	return done >= NET_BUDGET;
}

static struct net_frame *net_rxq_head(struct virtio_net *n)
{
	unsigned count;

	pthread_mutex_lock(&n->rxq_lock);
	count = n->rxq_count;
	pthread_mutex_unlock(&n->rxq_lock);
	return count ? &n->rxq[n->rxq_head] : 0;
}

static void net_rxq_pop(struct virtio_net *n)
{
	pthread_mutex_lock(&n->rxq_lock);
	n->rxq_head = (n->rxq_head + 1) % NET_RXQ;
	n->rxq_count--;
	pthread_mutex_unlock(&n->rxq_lock);
}

/* Hand queued frames to posted receive buffers. */
static int net_rx(struct virtio_net *n)
{
	static const uint8_t hdr[NET_HDR] = { [10] = 1 }; /* num_buffers */
	struct virtq *vq = &n->dev.vq[NET_RX];
	struct net_frame *f;
	const char *why;
	int done = 0, r = 0;

	while (done < NET_BUDGET && (f = net_rxq_head(n)) &&
	       (r = virtq_pop(vq, &n->chain, &why)) == 1) {
		uint32_t used = 0;

		if (n->chain.in_len >= NET_HDR + (uint64_t)f->len &&
		    !virtq_write(vq, &n->chain, 0, hdr, NET_HDR) &&
		    !virtq_write(vq, &n->chain, NET_HDR, f->data, f->len)) {
			used = NET_HDR + f->len;
			atomic_fetch_add(&n->dev.st.requests, 1);
			atomic_fetch_add(&n->dev.st.bytes, f->len);
		} else {
			atomic_fetch_add(&n->dev.st.errors, 1);
		}
		net_rxq_pop(n);
		if (virtq_push(vq, n->chain.head, used))
			return virtio_dev_fail(&n->dev, "used ring unwritable");
		done++;
	}
	if (done)
		virtio_dev_used(&n->dev, NET_RX);
	if (r < 0)
		return virtio_dev_fail(&n->dev, why);
	return done == NET_BUDGET;
}

static int net_serve(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;
	int tx = 0, rx = 0;

	if (dev->vq[NET_TX].ready)
		tx = net_tx(n);
	if (tx >= 0 && dev->vq[NET_RX].ready)
		rx = net_rx(n);
	if (tx < 0 || rx < 0)
		return -EPROTO;
	return tx || rx;
}

/* Frames to send, or frames for posted receive buffers. */
static bool net_pending(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;
	unsigned count;

	if (dev->vq[NET_TX].ready && virtq_pending(&dev->vq[NET_TX]))
		return true;
	pthread_mutex_lock(&n->rxq_lock);
	count = n->rxq_count;
	pthread_mutex_unlock(&n->rxq_lock);
	return count && dev->vq[NET_RX].ready &&
	       virtq_pending(&dev->vq[NET_RX]);
}

/* Frames for a device that is not serving are dropped: the queue would
 * only hold stale ones. */
static void net_reset(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;

	pthread_mutex_lock(&n->rxq_lock);
	n->rxq_head = n->rxq_count = 0;
	pthread_mutex_unlock(&n->rxq_lock);
}

/* vswitch deliver, on the sender's thread: copy, kick, never block. */
static int net_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	struct virtio_net *n = vswitch_port_priv(p);
	struct net_frame *f;
	bool wake;

	if (!virtio_dev_live(&n->dev) || len > VSWITCH_FRAME_MAX)
		return -ENOBUFS;
	pthread_mutex_lock(&n->rxq_lock);
	if (n->rxq_count == NET_RXQ) {
		pthread_mutex_unlock(&n->rxq_lock);
		atomic_fetch_add(&n->rx_drops, 1);
		return -ENOBUFS;
	}
	f = &n->rxq[(n->rxq_head + n->rxq_count) % NET_RXQ];
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
	wake = n->rxq_count++ == 0;
	pthread_mutex_unlock(&n->rxq_lock);
	if (wake)
		virtio_dev_kick(&n->dev);
	return 0;
}

static const struct vswitch_port_ops net_port_ops = {
	.deliver = net_deliver,
};

/* The I/O thread stopped for good: leave the switch now, before the
 * device's kick fd closes, since a deliver from another port's thread
 * kicks through it (destroy comes after the close). */
static void net_stop(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;

	vswitch_port_remove(n->port); /* no deliver after this */
	n->port = NULL;
}

static void net_destroy(struct virtio_dev *dev)
{
	struct virtio_net *n = dev->priv;

	pthread_mutex_destroy(&n->rxq_lock);
	free(n);
}

static const struct virtio_dev_ops virtio_net_ops = {
	.kind = "net",
	.device_id = VIRTIO_ID_NET,
	.serve = net_serve,
	.pending = net_pending,
	.reset = net_reset,
	.stop = net_stop,
	.destroy = net_destroy,
	.threaded = true,
};

int virtio_net_create(struct virtio_dev **out, const char *name,
		      struct dom_mem *mem, struct vswitch *sw,
		      const uint8_t mac[6],
		      void (*set_irq)(void *ctx, int level), void *irq_ctx)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		     VIRTIO_BIT(VIRTIO_NET_F_MAC) |
		     VIRTIO_BIT(VIRTIO_NET_F_STATUS) |
		     VIRTIO_BIT(VIRTIO_NET_F_CSUM) |
		     VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4) |
		     VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6);
	struct virtio_net *n = calloc(1, sizeof(*n));
	uint16_t status = VIRTIO_NET_S_LINK_UP;
	int err;

	if (!n)
		return -ENOMEM;
	err = virtio_dev_init(&n->dev, &virtio_net_ops, n, name, mem, f, 2,
			      NET_QUEUE_SIZE, NET_CFG_LEN, set_irq, irq_ctx);
	if (err) {
		free(n);
		return err;
	}
	pthread_mutex_init(&n->rxq_lock, 0);
	memcpy(n->dev.config, mac, 6);
	memcpy(n->dev.config + 6, &status, sizeof(status));
	n->port = vswitch_port_add(sw, name, &net_port_ops, n);
	if (!n->port) {
		pthread_mutex_destroy(&n->rxq_lock);
		free(n);
		return -ENOSPC;
	}
	*out = &n->dev;
	return 0;
}
