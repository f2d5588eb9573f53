/* Fuzz target: the PV network back-end's ring handling (netback_tx_pass
 * and netback_rx_pass, src/io/netback.c, reached through
 * io/netback_internal.h) on a real switch (src/io/vswitch.c).  The input
 * is the hostile front-end of domain 1: its grant entries (usually
 * granting data frames to the back-ends, sometimes anything), its two ring
 * pages (indices and requests: grefs, offsets, sizes, flags, ids), frames
 * arriving from another port of the switch, and its moves while atoll
 * works: every frame leaving the back-end lets the guest rewrite request
 * slots and req_prod, as a racing vCPU would.
 *
 * Invariants: every frame reaching the switch has a valid length; a pass
 * handles at most its budget, answers exactly the requests it consumed and
 * publishes its responses; an rx response never claims more bytes than a
 * frame holds; -EPROTO only when a req_prod ran more than a ring ahead;
 * nothing stays pinned but the grant table and the two rings; at the end
 * every frame and swap slot is free. */
#include "io/netback_internal.h"

#include "fuzz_io.h"

#define TABLE_GFN 0x80010ull
#define TX_GFN 0x80018ull
#define RX_GFN 0x80019ull
#define DATA_GFN 0x80020ull /* data frames: DATA_GFN .. + 7 */
#define NR_REFS 32

static struct netif_tx_sring *fz_tx;
static struct netif_rx_sring *fz_rx;
static struct netback fz_nb;
static struct fz_in fz_guest;
static struct vswitch *fz_sw;
static unsigned fz_sent; /* frames the back-end put on the switch */

/* The front-end queues n transmit requests at req_prod (or moves it). */
static void guest_tx(struct fz_in *in, unsigned n)
{
	ring_idx_t prod = fz_tx->req_prod;

	for (unsigned k = 0; k < n; k++) {
		struct netif_tx_request rq;
		uint8_t v = fz_u8(in);

		rq.gref = v < 240 ? v % (NR_REFS + 2) : fz_u32(in);
		v = fz_u8(in);
		rq.offset = v < 200 ? v * 16 : fz_u16(in);
		v = fz_u8(in);
		rq.size = v < 200 ? 10 + v * 8 : fz_u16(in);
		v = fz_u8(in);
		rq.flags = v < 224 ? 0 : v & 15;
		rq.id = fz_u16(in);
		memcpy(&fz_tx->ring[prod++ & (fz_nb.tx.nr_ents - 1)].req, &rq,
		       sizeof(rq));
	}
	if (fz_u8(in) >= 240)
		prod = fz_u32(in);
	__atomic_store_n(&fz_tx->req_prod, prod, __ATOMIC_RELEASE);
}

/* The front-end posts n receive buffers at req_prod (or moves it). */
static void guest_rx(struct fz_in *in, unsigned n)
{
	ring_idx_t prod = fz_rx->req_prod;

	for (unsigned k = 0; k < n; k++) {
		struct netif_rx_request rq = { fz_u16(in), 0, 0 };
		uint8_t v = fz_u8(in);

		rq.gref = v < 240 ? v % (NR_REFS + 2) : fz_u32(in);
		memcpy(&fz_rx->ring[prod++ & (fz_nb.rx.nr_ents - 1)].req, &rq,
		       sizeof(rq));
	}
	if (fz_u8(in) >= 240)
		prod = fz_u32(in);
	__atomic_store_n(&fz_rx->req_prod, prod, __ATOMIC_RELEASE);
}

/* The other port: whatever the back-end sends must be a valid frame; the
 * guest may move meanwhile. */
static int sink_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	CHECK(len >= VSWITCH_FRAME_MIN && len <= VSWITCH_FRAME_MAX);
	fz_sent++;
	if (fz_u8(&fz_guest) & 1)
		guest_tx(&fz_guest, fz_u8(&fz_guest) % 3);
	return fz_u8(&fz_guest) == 0xff ? -ENOBUFS : 0;
}

static const struct vswitch_port_ops sink_ops = { sink_deliver };

/* Frames from the sink to the back-end's port (queued, or dropped when
 * the queue is full). */
static void peer_send(struct vswitch_port *sink, struct fz_in *in, unsigned n)
{
	static uint8_t f[VSWITCH_FRAME_MAX + 8];

	for (unsigned k = 0; k < n; k++) {
		size_t len = fz_u16(in) % (VSWITCH_FRAME_MAX + 8);

		memset(f, 0xff, 6); /* broadcast: reaches the back-end */
		f[6] = (uint8_t)k;
		vswitch_send(sink, f, len);
	}
}

/* A pass's result against the ring it worked on. */
static int check_pass(long rc, ring_idx_t cons0, ring_idx_t rsp0,
		      ring_idx_t cons, ring_idx_t rsp, ring_idx_t shared_rsp)
{
	if (rc == -EPROTO)
		return 1; /* disconnected */
	CHECK(rc >= 0 && rc <= NETBACK_BUDGET);
	CHECK(cons - cons0 == (ring_idx_t)rc);
	CHECK(rsp - rsp0 == (ring_idx_t)rc);
	CHECK(shared_rsp == rsp);
	return 0;
}

/* Every rx response written so far: a length within a frame, or an
 * error. */
static void check_rx_responses(ring_idx_t from, ring_idx_t to)
{
	for (ring_idx_t i = from; i != to; i++) {
		struct netif_rx_response *r =
			&fz_rx->ring[i & (fz_nb.rx.nr_ents - 1)].rsp;

		CHECK(r->offset == 0 && r->flags == 0);
		CHECK(r->status == NETIF_RSP_ERROR ||
		      (r->status >= VSWITCH_FRAME_MIN &&
		       r->status <= VSWITCH_FRAME_MAX));
	}
}

static void run_passes(struct pvdev *dev, struct vswitch_port *sink)
{
	struct netback *nb = &fz_nb;

	for (int pass = 0; pass < 6 && fz_guest.n; pass++) {
		ring_idx_t c0 = nb->tx.req_cons, r0 = nb->tx.rsp_prod_pvt;
		ring_idx_t rc0 = nb->rx.req_cons, rr0 = nb->rx.rsp_prod_pvt;
		long rc;

		guest_tx(&fz_guest, fz_u8(&fz_guest) % 8);
		guest_rx(&fz_guest, fz_u8(&fz_guest) % 8);
		peer_send(sink, &fz_guest, fz_u8(&fz_guest) % 6);
		rc = netback_tx_pass(dev, nb);
		fz_check_pins(3);
		if (rc == -EPROTO)
			CHECK(netif_tx_request_prod_overflow(&nb->tx,
							     fz_tx->req_prod));
		if (check_pass(rc, c0, r0, nb->tx.req_cons, nb->tx.rsp_prod_pvt,
			       fz_tx->rsp_prod))
			return;
		rc = netback_rx_pass(dev, nb);
		fz_check_pins(3);
		if (rc == -EPROTO)
			CHECK(netif_rx_request_prod_overflow(&nb->rx,
							     fz_rx->req_prod));
		if (check_pass(rc, rc0, rr0, nb->rx.req_cons,
			       nb->rx.rsp_prod_pvt, fz_rx->rsp_prod))
			return;
		check_rx_responses(rr0, nb->rx.rsp_prod_pvt);
	}
}

/* Pin a ring page of domain 1 with its indices at `start`. */
static void *ring_page(uint64_t gfn, ring_idx_t start, uint32_t *mfn)
{
	void *p;

	CHECK(!io_pin(fz_mem[0], gfn, true, &p, mfn));
	((ring_idx_t *)p)[0] = start; /* req_prod */
	((ring_idx_t *)p)[2] = start; /* rsp_prod */
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvdev dev = { .domid = 1, .type = PVDEV_TYPE_NET };
	struct vswitch_port *sink;
	uint32_t tx_mfn, rx_mfn;

	if (!fz_sw)
		CHECK(!vswitch_create(&fz_sw));
	fz_guest = (struct fz_in){ data, size };
	fz_doms_create(NULL);
	fz_backend_grants(&fz_guest, TABLE_GFN, DATA_GFN, NR_REFS);
	fz_tx = ring_page(TX_GFN, fz_u32(&fz_guest), &tx_mfn);
	fz_rx = ring_page(RX_GFN, fz_u32(&fz_guest), &rx_mfn);
	memset(&fz_nb, 0, sizeof(fz_nb));
	fz_nb.rx_efd = -1;
	fz_nb.rx_ring.ptr = fz_rx;
	dev.dom = fz_dom[0];
	dev.ring.ptr = fz_tx;
	dev.priv = &fz_nb;
	CHECK(!netback_init(&dev, &fz_nb, fz_sw));
	sink = vswitch_port_add(fz_sw, "sink", &sink_ops, NULL);
	CHECK(sink);
	fz_sent = 0;
	run_passes(&dev, sink);
	vswitch_port_remove(sink);
	netback_fini(&fz_nb);
	io_unpin(fz_mem[0], tx_mfn);
	io_unpin(fz_mem[0], rx_mfn);
	fz_doms_destroy();
	return 0;
}
