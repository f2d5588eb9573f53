/* netfront: atoll-os's PV network front-end over the Xen netif tx and rx
 * rings (net.h).  Everything runs on the caller's thread; the event
 * handler only wakes it.  atoll is treated as untrusted: every response
 * is copied out of the ring once and checked (id issued and outstanding,
 * status in range, offset + length within the page) before it is used;
 * a bad one is logged once and dropped.  net_open_private runs the same
 * code over rings the caller owns (the pvhostile self-test). */
#include <errno.h>
#include <string.h>

#include "atoll/abi/netif.h"
#include "kernel.h"
#include "net.h"
#include "pv.h"

#define TX_BUF_SIZE 2048 /* two tx buffers per granted page */
#define TX_BUFS 128
#define TX_PAGES (TX_BUFS * TX_BUF_SIZE / PAGE_SIZE)
#define RX_BUFS 128 /* one page each: atoll writes at any offset */

static struct netfront {
	int open, broken;
	struct netif_tx_front tx;
	struct netif_rx_front rx;
	void *tx_ring, *rx_ring;
	int tx_ring_ref, rx_ring_ref;
	evtchn_port_t port;
	int have_port;
	uint8_t mac[ETH_ALEN];
	uint8_t *tx_page[TX_PAGES];
	int tx_gref[TX_PAGES];
	uint16_t tx_free[TX_BUFS];
	unsigned nr_tx_free;
	uint8_t tx_busy[TX_BUFS];
	uint8_t *rx_page[RX_BUFS];
	int rx_gref[RX_BUFS];
	uint8_t rx_posted[RX_BUFS];
	struct pv_waiter waiter;
	unsigned spin;
	int warned;
	struct net_stats st;
} nf;

/* The one upcall work: wake the thread waiting in net_recv/net_queue. */
static void netfront_event(evtchn_port_t port, void *arg)
{
	pv_wake(&nf.waiter);
}

/* Log the first invalid response only: a hostile back-end must not be
 * able to flood the console. */
static void netfront_bad(const char *what, unsigned a, int b)
{
	nf.st.bad_rsp++;
	if (!nf.warned++)
		printf("netfront: dropped invalid %s (%u, %d)\n", what, a, b);
}

/* Sleep until atoll's event or `ticks` (0: forever) pass. */
static void netfront_wait(uint64_t ticks)
{
	nf.st.waits++;
	pv_wait(&nf.waiter, ticks);
}

/* Ticks left until deadline (>= 1), or 0 if it has passed. */
static uint64_t netfront_left(uint64_t deadline)
{
	uint64_t now = timer_ticks();

	return now < deadline ? deadline - now : 0;
}

static void netfront_rx_post(unsigned id)
{
	struct netif_rx_request *r =
		netif_rx_request_slot(&nf.rx, nf.rx.req_prod_pvt);

	r->id = (uint16_t)id;
	r->pad = 0;
	r->gref = (grant_ref_t)nf.rx_gref[id];
	nf.rx.req_prod_pvt++;
	nf.rx_posted[id] = 1;
}

static void netfront_rx_push(void)
{
	if (netif_rx_push_requests(&nf.rx)) {
		nf.st.notifies++;
		evtchn_notify(nf.port);
	}
}

void net_push(void)
{
	if (!nf.open)
		return;
	if (netif_tx_push_requests(&nf.tx)) {
		nf.st.notifies++;
		evtchn_notify(nf.port);
	}
}

/* A response producer index more than a ring ahead: atoll broke the
 * protocol; stop using the device rather than read stale slots. */
static int netfront_overflow(int broken, ring_idx_t prod)
{
	if (!broken)
		return 0;
	if (!nf.broken)
		printf("netfront: response index %u out of range, device "
		       "abandoned\n",
		       (unsigned)prod);
	nf.broken = 1;
	return 1;
}

/* Take every tx response: free the buffers they answer. */
static void netfront_tx_reclaim(void)
{
	ring_idx_t prod = ring_read_once(nf.tx.sring->rsp_prod);

	if (netfront_overflow(netif_tx_response_prod_overflow(&nf.tx, prod),
			      prod))
		return;
	ring_rmb();
	while (nf.tx.rsp_cons != prod) {
		struct netif_tx_response r;

		netif_tx_copy_response(&nf.tx, nf.tx.rsp_cons++, &r);
		if (r.id >= TX_BUFS || !nf.tx_busy[r.id]) {
			netfront_bad("tx response id", r.id, r.status);
			continue;
		}
		if (r.status < NETIF_RSP_DROPPED || r.status > NETIF_RSP_OKAY)
			netfront_bad("tx response status", r.id, r.status);
		else if (r.status != NETIF_RSP_OKAY)
			nf.st.tx_errors++;
		nf.tx_busy[r.id] = 0;
		nf.tx_free[nf.nr_tx_free++] = r.id;
	}
}

/* A free tx buffer id, waiting up to `timeout` ticks; -1 if none. */
static int netfront_tx_get(uint64_t timeout)
{
	uint64_t deadline = timer_ticks() + timeout;

	for (;;) {
		netfront_tx_reclaim();
		if (nf.broken)
			return -1;
		if (nf.nr_tx_free && netif_tx_free_requests(&nf.tx))
			return nf.tx_free[--nf.nr_tx_free];
		/* Our queued frames must reach atoll to be answered. */
		net_push();
		if (netif_tx_final_check_responses(&nf.tx))
			continue;
		if (timeout == NET_FOREVER)
			netfront_wait(0);
		else if (netfront_left(deadline))
			netfront_wait(netfront_left(deadline));
		else
			return -1;
	}
}

int net_queue(const void *frame, size_t len, uint64_t timeout)
{
	struct netif_tx_request *r;
	unsigned page, off;
	int id;

	if (!nf.open || nf.broken)
		return -ENODEV;
	if (len < NET_FRAME_MIN || len > NET_FRAME_MAX)
		return -EINVAL;
	id = netfront_tx_get(timeout);
	if (id < 0)
		return nf.broken ? -ENODEV : -EAGAIN;
	page = (unsigned)id / (PAGE_SIZE / TX_BUF_SIZE);
	off = (unsigned)id % (PAGE_SIZE / TX_BUF_SIZE) * TX_BUF_SIZE;
	memcpy(nf.tx_page[page] + off, frame, len);
	nf.tx_busy[id] = 1;
	r = netif_tx_request_slot(&nf.tx, nf.tx.req_prod_pvt++);
	r->gref = (grant_ref_t)nf.tx_gref[page];
	r->offset = (uint16_t)off;
	r->flags = 0;
	r->id = (uint16_t)id;
	r->size = (uint16_t)len;
	nf.st.tx_frames++;
	nf.st.tx_bytes += len;
	return 0;
}

int net_send(const void *frame, size_t len)
{
	int err = net_queue(frame, len, NET_FOREVER);

	if (!err)
		net_push();
	return err;
}

/* Check one rx response; its frame's length (> 0) if usable, else 0. */
static int netfront_rx_check(const struct netif_rx_response *r)
{
	/* atoll's own word on a frame it could not deliver: no attack. */
	if (r->status == NETIF_RSP_ERROR || r->status == NETIF_RSP_DROPPED)
		return 0;
	if (r->status < NET_FRAME_MIN) {
		netfront_bad("rx response length", r->id, r->status);
		return 0;
	}
	if (r->flags & NETRXF_more_data) {
		netfront_bad("rx multi-slot frame", r->id, r->status);
		return 0;
	}
	if ((uint32_t)r->offset + (uint32_t)r->status > PAGE_SIZE) {
		netfront_bad("rx response offset+length", r->offset, r->status);
		return 0;
	}
	return r->status;
}

/* Take at most one received frame into buf: its length, or 0 if the ring
 * holds none.  The buffer goes straight back to atoll. */
static int netfront_rx_take(void *buf, size_t max)
{
	ring_idx_t prod = ring_read_once(nf.rx.sring->rsp_prod);

	if (netfront_overflow(netif_rx_response_prod_overflow(&nf.rx, prod),
			      prod))
		return 0;
	ring_rmb();
	while (nf.rx.rsp_cons != prod) {
		struct netif_rx_response r;
		int len;

		netif_rx_copy_response(&nf.rx, nf.rx.rsp_cons++, &r);
		if (r.id >= RX_BUFS || !nf.rx_posted[r.id]) {
			netfront_bad("rx response id", r.id, r.status);
			continue;
		}
		nf.rx_posted[r.id] = 0;
		len = netfront_rx_check(&r);
		if (len) {
			size_t n = (size_t)len < max ? (size_t)len : max;

			memcpy(buf, nf.rx_page[r.id] + r.offset, n);
			nf.st.rx_frames++;
			nf.st.rx_bytes += (uint64_t)len;
		}
		netfront_rx_post(r.id);
		netfront_rx_push();
		if (len)
			return (size_t)len < max ? len : (int)max;
	}
	return 0;
}

int net_recv(void *buf, size_t max, uint64_t timeout)
{
	uint64_t deadline = timer_ticks() + timeout;

	if (!nf.open)
		return -ENODEV;
	for (;;) {
		int len = 0;

		for (unsigned i = 0; i <= nf.spin && !len; i++)
			len = netfront_rx_take(buf, max);
		if (nf.broken)
			return -ENODEV;
		if (len || timeout == NET_NOWAIT)
			return len;
		if (netif_rx_final_check_responses(&nf.rx))
			continue;
		if (timeout == NET_FOREVER)
			netfront_wait(0);
		else if (netfront_left(deadline))
			netfront_wait(netfront_left(deadline));
		else
			return 0;
	}
}

void net_set_spin(unsigned polls)
{
	nf.spin = polls;
}

const uint8_t *net_mac(void)
{
	return nf.mac;
}

void net_get_stats(struct net_stats *st)
{
	*st = nf.st;
}

/* A fresh page granted to atoll, or NULL (*ref < 0 then). */
static void *netfront_page(int readonly, int *ref)
{
	void *p = page_alloc();

	*ref = -1;
	if (!p)
		return NULL;
	memset(p, 0, PAGE_SIZE);
	*ref = gnttab_grant(DOMID_BACKEND, p, readonly);
	if (*ref < 0) {
		page_free(p);
		return NULL;
	}
	return p;
}

static void netfront_page_put(void *p, int ref)
{
	if (!p)
		return;
	/* Still mapped by atoll (-EBUSY): leak the page rather than reuse
	 * memory the back-end may write. */
	if (ref >= 0 && gnttab_end((grant_ref_t)ref))
		return;
	page_free(p);
}

/* Undo net_open's allocations (after a failed connect). */
static void netfront_release(void)
{
	if (nf.have_port)
		evtchn_close(nf.port);
	netfront_page_put(nf.tx_ring, nf.tx_ring_ref);
	netfront_page_put(nf.rx_ring, nf.rx_ring_ref);
	for (unsigned i = 0; i < TX_PAGES; i++)
		netfront_page_put(nf.tx_page[i], nf.tx_gref[i]);
	for (unsigned i = 0; i < RX_BUFS; i++)
		netfront_page_put(nf.rx_page[i], nf.rx_gref[i]);
	memset(&nf, 0, sizeof(nf));
}

/* Rings, the buffer pools and the port; 0 or -ENOMEM / -errno. */
static int netfront_setup(void)
{
	int err;

	nf.tx_ring = netfront_page(0, &nf.tx_ring_ref);
	nf.rx_ring = netfront_page(0, &nf.rx_ring_ref);
	if (!nf.tx_ring || !nf.rx_ring)
		return -ENOMEM;
	netif_tx_sring_init(nf.tx_ring);
	netif_tx_front_init(&nf.tx, nf.tx_ring, PAGE_SIZE);
	netif_rx_sring_init(nf.rx_ring);
	netif_rx_front_init(&nf.rx, nf.rx_ring, PAGE_SIZE);
	for (unsigned i = 0; i < TX_PAGES; i++)
		if (!(nf.tx_page[i] = netfront_page(1, &nf.tx_gref[i])))
			return -ENOMEM;
	for (unsigned i = 0; i < TX_BUFS; i++)
		nf.tx_free[nf.nr_tx_free++] = (uint16_t)(TX_BUFS - 1 - i);
	for (unsigned i = 0; i < RX_BUFS; i++) {
		if (!(nf.rx_page[i] = netfront_page(0, &nf.rx_gref[i])))
			return -ENOMEM;
		netfront_rx_post(i);
	}
	err = evtchn_alloc_unbound(DOMID_BACKEND, &nf.port);
	if (err)
		return err;
	nf.have_port = 1;
	evtchn_set_handler(nf.port, netfront_event, NULL);
	return 0;
}

int net_open(void)
{
	struct pvdev_net_op op;
	int err;

	if (nf.open)
		return 0;
	if (!pv_ready())
		return -ENODEV;
	err = netfront_setup();
	if (err)
		goto err;
	memset(&op, 0, sizeof(op));
	op.type = PVDEV_TYPE_NET;
	op.index = 0;
	op.tx_ring_ref = (uint32_t)nf.tx_ring_ref;
	op.rx_ring_ref = (uint32_t)nf.rx_ring_ref;
	op.port = nf.port;
	err = pvdev_op(PVDEVOP_connect_net, &op);
	if (err)
		goto err;
	memcpy(nf.mac, op.mac, ETH_ALEN);
	nf.open = 1;
	evtchn_unmask(nf.port);
	netfront_rx_push();
	printf("netfront: connected, MAC %02x:%02x:%02x:%02x:%02x:%02x, "
	       "%u tx / %u rx buffers\n",
	       nf.mac[0], nf.mac[1], nf.mac[2], nf.mac[3], nf.mac[4], nf.mac[5],
	       TX_BUFS, RX_BUFS);
	return 0;
err:
	netfront_release();
	return err;
}

int net_open_private(void **tx_ring, void **rx_ring)
{
	int err;

	if (nf.open)
		return -EBUSY;
	if (!pv_ready())
		return -ENODEV;
	err = netfront_setup();
	if (err) {
		netfront_release();
		return err;
	}
	nf.open = 1;
	/* Nobody is bound to the port: the notification is dropped. */
	netfront_rx_push();
	*tx_ring = nf.tx_ring;
	*rx_ring = nf.rx_ring;
	return 0;
}

void net_close_private(void)
{
	netfront_release();
}
