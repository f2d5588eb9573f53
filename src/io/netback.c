/* The PV network back-end: a domain's netif interface (atoll/abi/netif.h)
 * as one port of the host's virtual switch (vswitch.h).
 *
 * One I/O thread per interface serves both rings.  The front-end has one
 * event channel for both directions, so an event does not say which ring
 * moved; one thread owning both rings needs no lock between directions,
 * and the only hand-over is the receive queue, which other ports' threads
 * fill (deliver: copy, wake through an eventfd, never block).
 *
 * The front-end is hostile: each request is copied out of the ring once
 * and validated from the copy; producer indices are checked against what
 * a ring can hold (a violation disconnects the device with one log line);
 * buffers are reached only through grants, bounded to their page;
 * responses are written field by field; each pass does a bounded amount of
 * work per direction.  Fragmented frames (NETTXF_more_data) and extra-info
 * slots are not supported: every slot of such a chain is answered
 * NETIF_RSP_ERROR and the frame is dropped (the MTU is 1500 and a frame
 * fits one granted page, so front-ends need neither). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "io/evtchn.h"
#include "io/io_dom.h"
#include "io/netback.h"
#include "io/netback_internal.h"
#include "io/pvdev_thread.h"

/* Publish the responses of both rings; one event if either side asked. */
static void netback_push(struct pvdev *dev, struct netback *nb)
{
	bool tx = netif_tx_push_responses(&nb->tx);
	bool rx = netif_rx_push_responses(&nb->rx);

	if ((tx || rx) && !evtchn_notify(dev->dom, dev->port))
		nb->st.notifies++;
}

/* Copy a valid single-slot frame out of its granted page into tx_buf: its
 * length, or a NETIF_RSP_* status < 0. */
static int netback_tx_copy(struct pvdev *dev, struct netback *nb,
			   const struct netif_tx_request *req)
{
	struct grant_mapping m;

	if (req->size < VSWITCH_FRAME_MIN || req->size > VSWITCH_FRAME_MAX ||
	    (unsigned)req->offset + req->size > RING_PAGE_SIZE)
		return NETIF_RSP_ERROR;
	if (grant_map(dev->dom, DOMID_BACKEND, req->gref, true, &m))
		return NETIF_RSP_ERROR;
	memcpy(nb->tx_buf, (const uint8_t *)m.ptr + req->offset, req->size);
	grant_unmap(&m);
	return req->size;
}

/* Serve one copied request: a NETIF_RSP_* status; *len > 0 if tx_buf
 * holds a frame to send. */
static int16_t netback_tx_one(struct pvdev *dev, struct netback *nb,
			      const struct netif_tx_request *req, int *len)
{
	bool chained = req->flags & (NETTXF_more_data | NETTXF_extra_info);
	bool was_in_chain = nb->tx_in_chain;

	*len = 0;
	/* A chain ends at its first slot without more_data. */
	nb->tx_in_chain = req->flags & NETTXF_more_data;
	if (chained || was_in_chain) {
		if (!was_in_chain)
			nb->st.errors++; /* one per refused frame */
		return NETIF_RSP_ERROR;
	}
	*len = netback_tx_copy(dev, nb, req);
	if (*len < 0) {
		nb->st.errors++;
		return NETIF_RSP_ERROR;
	}
	return NETIF_RSP_OKAY;
}

long netback_tx_pass(struct pvdev *dev, struct netback *nb)
{
	struct netif_tx_back *r = &nb->tx;
	ring_idx_t prod = ring_read_once(r->sring->req_prod);
	struct netif_tx_request req;
	struct netif_tx_response *rsp;
	long done = 0;
	int len;

	ring_rmb(); /* requests after the index that publishes them */
	if (netif_tx_request_prod_overflow(r, prod)) {
		pvdev_log_overflow(dev, "net", "tx ", prod, r->rsp_prod_pvt,
				   r->nr_ents);
		return -EPROTO;
	}
	while (r->req_cons != prod && done < NETBACK_BUDGET) {
		netif_tx_copy_request(r, r->req_cons, &req);
		r->req_cons++;
		int16_t status = netback_tx_one(dev, nb, &req, &len);

		/* Field by field: no stale bytes of ours reach the guest. */
		rsp = netif_tx_response_slot(r, r->rsp_prod_pvt);
		ring_write_once(rsp->id, req.id);
		ring_write_once(rsp->status, status);
		r->rsp_prod_pvt++;
		if (++done % NETBACK_BATCH == 0)
			netback_push(dev, nb);
		if (len > 0) {
			nb->st.requests++;
			nb->st.bytes += (uint64_t)len;
			vswitch_send(nb->port, nb->tx_buf, (size_t)len);
		}
	}
	if (done % NETBACK_BATCH)
		netback_push(dev, nb);
	return done;
}

/* Write frame f into the guest buffer of request req: a NETIF_RSP_* status
 * < 0 or the length. */
static int16_t netback_rx_copy(struct pvdev *dev,
			       const struct netif_rx_request *req,
			       const struct netback_frame *f)
{
	struct grant_mapping m;

	if (grant_map(dev->dom, DOMID_BACKEND, req->gref, false, &m))
		return NETIF_RSP_ERROR;
	memcpy(m.ptr, f->data, f->len); /* len <= 1514 < one page */
	grant_unmap(&m);
	return (int16_t)f->len;
}

/* The frame at the head of the queue, or NULL.  Only this thread takes. */
static struct netback_frame *netback_rxq_head(struct netback *nb)
{
	unsigned n;

	pthread_mutex_lock(&nb->rxq_lock);
	n = nb->rxq_count;
	pthread_mutex_unlock(&nb->rxq_lock);
	return n ? &nb->rxq[nb->rxq_head] : NULL;
}

static void netback_rxq_pop(struct netback *nb)
{
	pthread_mutex_lock(&nb->rxq_lock);
	nb->rxq_head = (nb->rxq_head + 1) % NETBACK_RXQ;
	nb->rxq_count--;
	pthread_mutex_unlock(&nb->rxq_lock);
}

long netback_rx_pass(struct pvdev *dev, struct netback *nb)
{
	struct netif_rx_back *r = &nb->rx;
	ring_idx_t prod = ring_read_once(r->sring->req_prod);
	struct netif_rx_request req;
	struct netif_rx_response *rsp;
	struct netback_frame *f;
	long done = 0;

	ring_rmb();
	if (netif_rx_request_prod_overflow(r, prod)) {
		pvdev_log_overflow(dev, "net", "rx ", prod, r->rsp_prod_pvt,
				   r->nr_ents);
		return -EPROTO;
	}
	while (r->req_cons != prod && done < NETBACK_BUDGET &&
	       (f = netback_rxq_head(nb))) {
		netif_rx_copy_request(r, r->req_cons, &req);
		r->req_cons++;
		int16_t status = netback_rx_copy(dev, &req, f);

		if (status > 0) {
			nb->st.requests++;
			nb->st.bytes += (uint64_t)status;
		} else {
			nb->st.errors++; /* the frame is lost */
		}
		netback_rxq_pop(nb);
		rsp = netif_rx_response_slot(r, r->rsp_prod_pvt);
		ring_write_once(rsp->id, req.id);
		ring_write_once(rsp->offset, 0);
		ring_write_once(rsp->flags, 0);
		ring_write_once(rsp->status, status);
		r->rsp_prod_pvt++;
		if (++done % NETBACK_BATCH == 0)
			netback_push(dev, nb);
	}
	if (done % NETBACK_BATCH)
		netback_push(dev, nb);
	return done;
}

/* vswitch deliver, on the sender's thread: copy into the queue, or drop. */
static int netback_deliver(struct vswitch_port *p, const void *frame,
			   size_t len)
{
	struct netback *nb = vswitch_port_priv(p);
	struct netback_frame *f;
	uint64_t one = 1;
	bool wake;

	pthread_mutex_lock(&nb->rxq_lock);
	if (nb->rxq_count == NETBACK_RXQ) {
		pthread_mutex_unlock(&nb->rxq_lock);
		atomic_fetch_add(&nb->rx_drops, 1);
		return -ENOBUFS;
	}
	f = &nb->rxq[(nb->rxq_head + nb->rxq_count) % NETBACK_RXQ];
	memcpy(f->data, frame, len);
	f->len = (uint16_t)len;
	wake = nb->rxq_count++ == 0;
	pthread_mutex_unlock(&nb->rxq_lock);
	/* Only on empty -> non-empty: the thread drains before sleeping. */
	if (wake && nb->rx_efd >= 0 && write(nb->rx_efd, &one, sizeof(one)) < 0)
		return 0; /* a full counter is awake anyway */
	return 0;
}

static const struct vswitch_port_ops netback_port_ops = {
	.deliver = netback_deliver,
};

int netback_init(struct pvdev *dev, struct netback *nb, struct vswitch *sw)
{
	struct netif_tx_sring *ts = dev->ring.ptr;
	struct netif_rx_sring *rs = nb->rx_ring.ptr;
	char name[32];

	pthread_mutex_init(&nb->rxq_lock, NULL);
	netif_tx_back_init(&nb->tx, ts, RING_PAGE_SIZE);
	netif_rx_back_init(&nb->rx, rs, RING_PAGE_SIZE);
	/* Start where the front-end's rings are; the indices are ours now. */
	nb->tx.rsp_prod_pvt = nb->tx.req_cons = ring_read_once(ts->rsp_prod);
	nb->rx.rsp_prod_pvt = nb->rx.req_cons = ring_read_once(rs->rsp_prod);
	snprintf(name, sizeof(name), "dom%u.net%u", dev->domid, dev->index);
	nb->port = vswitch_port_add(sw, name, &netback_port_ops, nb);
	if (!nb->port) {
		pthread_mutex_destroy(&nb->rxq_lock);
		return -ENOSPC;
	}
	return 0;
}

void netback_fini(struct netback *nb)
{
	vswitch_port_remove(nb->port); /* no deliver after this */
	nb->port = NULL;
	pthread_mutex_destroy(&nb->rxq_lock);
}

/* More to do at once?  Re-arms the event indices before saying no: tx
 * always, rx only while frames wait for buffers. */
static bool netback_more(struct netback *nb, long tx, long rx)
{
	if (tx == NETBACK_BUDGET || rx == NETBACK_BUDGET)
		return true;
	if (netif_tx_final_check_requests(&nb->tx))
		return true;
	return netback_rxq_head(nb) && netif_rx_final_check_requests(&nb->rx);
}

/* The I/O thread: passes while there is work, then sleep. */
static void *netback_thread(void *arg)
{
	struct pvdev *dev = arg;
	struct netback *nb = dev->priv;

	for (;;) {
		long tx = netback_tx_pass(dev, nb);
		long rx = tx < 0 ? tx : netback_rx_pass(dev, nb);

		if (rx < 0) {
			pvdev_release(dev);
			grant_unmap(&nb->rx_ring); /* stop's unmap: a no-op */
			break;
		}
		nb->st.passes++;
		if (netback_more(nb, tx, rx)) {
			/* More work: stop if asked, else go on at once. */
			if (pvdev_stop_requested(dev))
				break;
			continue;
		}
		if (!pvdev_wait(dev, nb->rx_efd, -1, &nb->st.wakeups))
			break;
	}
	return NULL;
}

/* Map the rx ring, join the switch, start the thread. */
static int netback_start(struct pvdev *dev)
{
	const struct pvdev_net_env *net = dev->env.net;
	struct netback *nb;
	int err;

	if (!net)
		return -ENODEV;
	nb = calloc(1, sizeof(*nb));
	if (!nb)
		return -ENOMEM;
	nb->rx_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (nb->rx_efd < 0) {
		err = -ENOMEM;
		goto err_free;
	}
	err = grant_map(dev->dom, DOMID_BACKEND, dev->ring2_ref, false,
			&nb->rx_ring);
	if (err)
		goto err_close;
	err = netback_init(dev, nb, net->sw);
	if (err)
		goto err_unmap;
	dev->priv = nb;
	err = io_thread_start(&dev->thread, netback_thread, dev);
	if (err)
		goto err_fini;
	return 0;

err_fini:
	dev->priv = NULL;
	netback_fini(nb);
err_unmap:
	grant_unmap(&nb->rx_ring);
err_close:
	close(nb->rx_efd);
err_free:
	free(nb);
	return err;
}

static void netback_stop(struct pvdev *dev)
{
	struct netback *nb = dev->priv;

	io_thread_stop(&dev->thread);
	netback_fini(nb);
	/* The tx ring is the core's (dev->ring); the rx ring is ours. */
	grant_unmap(&nb->rx_ring);
	close(nb->rx_efd);
	free(nb);
	dev->priv = NULL;
}

static void netback_get_stats(const struct pvdev *dev, struct pvdev_stats *st)
{
	const struct netback *nb = dev->priv;

	*st = nb ? nb->st : (struct pvdev_stats){ 0 };
	if (nb)
		st->errors += atomic_load(&nb->rx_drops);
}

void netback_get_port_stats(const struct pvdev *dev,
			    struct vswitch_port_stats *st)
{
	const struct netback *nb = dev->priv;

	if (nb && nb->port)
		vswitch_port_get_stats(nb->port, st);
	else
		*st = (struct vswitch_port_stats){ 0 };
}

const struct pvdev_ops netback_ops = {
	.name = "net",
	.start = netback_start,
	.stop = netback_stop,
	.get_stats = netback_get_stats,
};
