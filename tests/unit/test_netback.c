/* The PV network back-end's ring handling (netback_tx_pass, netback_rx_pass
 * through io/netback_internal.h), deterministic: no thread, no timing.  A
 * guest (domain 1: grant table, tx and rx ring pages in its memory) queues
 * transmit requests and posts receive buffers; a fake port on the same
 * switch records what the back-end sends and sends frames to it.  Every
 * response is checked field by field, with the bytes on both sides.
 * Hostile requests (runt, oversized, past the page, bad or read-only
 * grants, fragment chains, a req_prod past the ring) get their error and
 * move no bytes; a full receive queue drops and counts. */
#include "atoll/abi/grant_table.h"
#include "check.h"
#include "io/netback_internal.h"
#include "io_test_util.h"

#define TABLE_GFN (IT_BASE_GFN + 0x10)
#define TX_GFN (IT_BASE_GFN + 0x18)
#define RX_GFN (IT_BASE_GFN + 0x19)
#define DATA_GFN (IT_BASE_GFN + 0x20) /* D0..D3, refs 0..3 */
#define NR_REFS 8
#define RO_REF 4 /* D2, read-only */

static struct mem_host mh;
static struct dom_mem *mem;
static struct vswitch *sw;
static struct vswitch_port *peer;
static struct pvdev dev = { .domid = 1, .type = PVDEV_TYPE_NET };
static struct netback nb;
static struct netif_tx_sring *txs;
static struct netif_rx_sring *rxs;
static struct netif_tx_front tx;
static struct netif_rx_front rx;
static uint32_t tx_mfn, rx_mfn;

/* What the fake port received. */
static unsigned peer_frames;
static uint8_t peer_last[VSWITCH_FRAME_MAX];
static size_t peer_len;

static int peer_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	peer_frames++;
	memcpy(peer_last, frame, len);
	peer_len = len;
	return 0;
}

static const struct vswitch_port_ops peer_ops = { peer_deliver };

static void set_grant(grant_ref_t ref, uint16_t flags, uint64_t gfn)
{
	struct grant_entry_v1 e = { flags, DOMID_BACKEND, (uint32_t)gfn };

	CHECK(!dom_mem_write(mem, (TABLE_GFN << PAGE_SHIFT) + ref * sizeof(e),
			     &e, sizeof(e)));
}

static void setup(void)
{
	uint64_t t = TABLE_GFN;
	void *p;

	if (it_host(&mh, 512) || !(mem = it_dom(&mh, 1)) ||
	    io_dom_attach(mem, NULL, NULL, &dev.dom) || vswitch_create(&sw)) {
		printf("FAIL: cannot set up the host\n");
		exit(2);
	}
	CHECK(grant_set_table(dev.dom, &t, 1) == 0);
	for (grant_ref_t r = 0; r < 4; r++)
		set_grant(r, GTF_permit_access, DATA_GFN + r);
	set_grant(RO_REF, GTF_permit_access | GTF_readonly, DATA_GFN + 2);
	CHECK(!io_pin(mem, TX_GFN, true, &p, &tx_mfn));
	txs = p;
	CHECK(!io_pin(mem, RX_GFN, true, &p, &rx_mfn));
	rxs = p;
	peer = vswitch_port_add(sw, "peer", &peer_ops, NULL);
	CHECK(peer);
}

/* Fresh rings with indices at `start`, a fresh back-end on them. */
static void rings_reset(ring_idx_t start)
{
	if (nb.port)
		netback_fini(&nb);
	memset(txs, 0, RING_PAGE_SIZE);
	memset(rxs, 0, RING_PAGE_SIZE);
	netif_tx_sring_init(txs);
	netif_rx_sring_init(rxs);
	txs->req_prod = txs->rsp_prod = rxs->req_prod = rxs->rsp_prod = start;
	netif_tx_front_init(&tx, txs, RING_PAGE_SIZE);
	netif_rx_front_init(&rx, rxs, RING_PAGE_SIZE);
	tx.req_prod_pvt = tx.rsp_cons = rx.req_prod_pvt = rx.rsp_cons = start;
	memset(&nb, 0, sizeof(nb));
	nb.rx_efd = -1;
	nb.rx_ring.ptr = rxs;
	dev.ring.ptr = txs;
	dev.priv = &nb;
	CHECK(!netback_init(&dev, &nb, sw));
}

static void tx_queue(grant_ref_t gref, uint16_t off, uint16_t size,
		     uint16_t flags, uint16_t id)
{
	*netif_tx_request_slot(&tx, tx.req_prod_pvt++) =
		(struct netif_tx_request){ gref, off, flags, id, size };
}

static void rx_post(grant_ref_t gref, uint16_t id)
{
	*netif_rx_request_slot(&rx, rx.req_prod_pvt++) =
		(struct netif_rx_request){ id, 0, gref };
}

static void tx_expect(uint16_t id, int16_t status)
{
	struct netif_tx_response *r =
		&txs->ring[tx.rsp_cons++ & (tx.nr_ents - 1)].rsp;

	CHECK_EQ(r->id, id);
	CHECK_EQ(r->status, status);
}

static void rx_expect(uint16_t id, int16_t status)
{
	struct netif_rx_response *r =
		&rxs->ring[rx.rsp_cons++ & (rx.nr_ents - 1)].rsp;

	CHECK_EQ(r->id, id);
	CHECK_EQ(r->offset, 0);
	CHECK_EQ(r->flags, 0);
	CHECK_EQ(r->status, status);
}

static void tx_pass(long n)
{
	netif_tx_push_requests(&tx);
	CHECK_EQ(netback_tx_pass(&dev, &nb), n);
	CHECK_EQ(txs->rsp_prod, tx.req_prod_pvt);
}

static void rx_pass(long n)
{
	netif_rx_push_requests(&rx);
	CHECK_EQ(netback_rx_pass(&dev, &nb), n);
	CHECK_EQ(rxs->rsp_prod, rx.rsp_cons + (ring_idx_t)n);
}

static void frame_fill(uint8_t *f, size_t len, uint8_t seed)
{
	memset(f, 0xff, 6); /* broadcast */
	for (size_t i = 6; i < len; i++)
		f[i] = (uint8_t)(seed + i * 3);
}

/* Only the table and the two ring pages stay pinned between passes. */
static void check_pins(void)
{
	unsigned pinned = 0;

	for (uint32_t m = 0; m < mh.pool.nframes; m++)
		pinned += atomic_load(&mh.pool.ft[m].refs);
	CHECK_EQ(pinned, 3);
}

static void test_tx(void)
{
	uint8_t page[PAGE_SIZE];

	rings_reset(0);
	frame_fill(page, sizeof(page), 5);
	CHECK(!dom_mem_write(mem, DATA_GFN << PAGE_SHIFT, page, PAGE_SIZE));
	CHECK(!dom_mem_write(mem, (DATA_GFN + 2) << PAGE_SHIFT, page,
			     PAGE_SIZE));
	peer_frames = 0;
	tx_queue(0, 100, 60, 0, 0x101); /* 60 bytes at offset 100 of D0 */
	tx_queue(0, 4096 - 1514, 1514, 0, 0x102); /* the largest, at the end */
	tx_queue(RO_REF, 0, 14, 0, 0x103); /* read-only is enough to send */
	tx_pass(3);
	tx_expect(0x101, NETIF_RSP_OKAY);
	tx_expect(0x102, NETIF_RSP_OKAY);
	tx_expect(0x103, NETIF_RSP_OKAY);
	CHECK_EQ(peer_frames, 3);
	CHECK_EQ(peer_len, 14);
	peer_frames = 0;
	tx_queue(0, 100, 60, 0, 0x104);
	tx_pass(1);
	tx_expect(0x104, NETIF_RSP_OKAY);
	CHECK_EQ(peer_frames, 1);
	CHECK_EQ(peer_len, 60);
	CHECK(!memcmp(peer_last, page + 100, 60));
	check_pins();
}

static void test_tx_hostile(void)
{
	rings_reset(0xfffffff0); /* the indices wrap on the way */
	peer_frames = 0;
	tx_queue(0, 0, 13, 0, 1); /* runt */
	tx_queue(0, 0, 1515, 0, 2); /* too long */
	tx_queue(0, 4000, 200, 0, 3); /* past the page */
	tx_queue(NR_REFS, 0, 60, 0, 4); /* never granted */
	tx_queue(0x7fffffff, 0, 60, 0, 5); /* outside the table */
	tx_queue(0, 0, 60, NETTXF_more_data, 6); /* a chain: refused... */
	tx_queue(0, 0, 60, NETTXF_more_data, 7);
	tx_queue(0, 0, 60, 0, 8); /* ...to its last slot */
	tx_queue(0, 0, 60, NETTXF_extra_info, 9); /* extra info slots */
	tx_queue(0, 0, 60, NETTXF_csum_blank, 10); /* a harmless flag */
	tx_pass(10);
	for (uint16_t id = 1; id <= 9; id++)
		tx_expect(id, NETIF_RSP_ERROR);
	tx_expect(10, NETIF_RSP_OKAY);
	CHECK_EQ(peer_frames, 1);
	check_pins();
}

static void test_rx(void)
{
	uint8_t f[VSWITCH_FRAME_MAX], got[PAGE_SIZE], before[PAGE_SIZE];

	rings_reset(7);
	/* No buffer posted: the frame waits in the queue. */
	frame_fill(f, 100, 1);
	vswitch_send(peer, f, 100);
	rx_pass(0);
	CHECK_EQ(nb.rxq_count, 1);
	rx_post(1, 42);
	rx_pass(1);
	rx_expect(42, 100);
	CHECK(!dom_mem_read(mem, (DATA_GFN + 1) << PAGE_SHIFT, got, PAGE_SIZE));
	CHECK(!memcmp(got, f, 100));

	/* A read-only buffer: an error, the frame is lost, the page intact. */
	CHECK(!dom_mem_read(mem, (DATA_GFN + 2) << PAGE_SHIFT, before,
			    PAGE_SIZE));
	frame_fill(f, VSWITCH_FRAME_MAX, 2);
	vswitch_send(peer, f, VSWITCH_FRAME_MAX);
	frame_fill(f, 14, 3);
	vswitch_send(peer, f, 14);
	rx_post(RO_REF, 43);
	rx_post(NR_REFS, 44); /* never granted */
	rx_pass(2);
	rx_expect(43, NETIF_RSP_ERROR);
	rx_expect(44, NETIF_RSP_ERROR);
	CHECK(!dom_mem_read(mem, (DATA_GFN + 2) << PAGE_SHIFT, got, PAGE_SIZE));
	CHECK(!memcmp(got, before, PAGE_SIZE));
	CHECK_EQ(nb.rxq_count, 0);

	/* Frames the switch refuses never reach the queue. */
	vswitch_send(peer, f, VSWITCH_FRAME_MIN - 1);
	vswitch_send(peer, f, VSWITCH_FRAME_MAX + 1);
	CHECK_EQ(nb.rxq_count, 0);

	/* A full queue drops the rest and counts them. */
	for (unsigned i = 0; i < NETBACK_RXQ + 5; i++)
		vswitch_send(peer, f, 14);
	CHECK_EQ(nb.rxq_count, NETBACK_RXQ);
	CHECK_EQ(atomic_load(&nb.rx_drops), 5);
	/* Served a budget at a time, in order, into posted buffers. */
	for (uint16_t i = 0; i < rx.nr_ents; i++)
		rx_post(i % 4 == 2 ? 3 : i % 4, i);
	rx_pass(rx.nr_ents < NETBACK_BUDGET ? rx.nr_ents : NETBACK_BUDGET);
	for (uint16_t i = 0; i < rx.nr_ents && i < NETBACK_BUDGET; i++)
		rx_expect(i, 14);
	check_pins();
}

/* A req_prod more than a ring ahead: -EPROTO, nothing consumed. */
static void test_overflow(void)
{
	rings_reset(3);
	tx_queue(0, 0, 60, 0, 1);
	txs->req_prod = 3 + tx.nr_ents + 1;
	CHECK_EQ(netback_tx_pass(&dev, &nb), -EPROTO);
	CHECK_EQ(nb.tx.req_cons, 3);
	CHECK_EQ(txs->rsp_prod, 3);
	rxs->req_prod = 3 + rx.nr_ents + 1;
	CHECK_EQ(netback_rx_pass(&dev, &nb), -EPROTO);
	CHECK_EQ(nb.rx.req_cons, 3);
	CHECK_EQ(rxs->rsp_prod, 3);
	check_pins();
}

int main(void)
{
	setup();
	test_tx();
	test_tx_hostile();
	test_rx();
	test_overflow();
	netback_fini(&nb);
	vswitch_port_remove(peer);
	vswitch_destroy(sw);
	io_unpin(mem, tx_mfn);
	io_unpin(mem, rx_mfn);
	io_dom_detach(1);
	dom_mem_destroy(mem);
	it_host_done(&mh);
	return check_done("netback");
}
