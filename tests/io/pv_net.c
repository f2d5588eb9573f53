/* A PV network front-end from inside a guest (S-mode, atoll's SBI, paging
 * off), run by tests/system/io-net.sh in two domains of one `atoll run`
 * (`net = yes` each).
 *
 * Each connects interface 0 and learns its MAC from the connect, then
 * broadcasts "hello" frames until the peer has seen it (so the switch
 * learns both addresses), then sends NDATA unicast frames of varied length
 * in windows acknowledged by the peer, receives the peer's and checks them
 * byte for byte.  With hostile=1 it first sends bad transmit requests
 * (each answered NETIF_RSP_ERROR), then breaks the ring protocol (tx
 * req_prod far ahead): atoll disconnects the device; it disconnects,
 * reconnects and goes on.  With mode=nonet (no `net`) connecting must fail
 * with -ENODEV; mode=connect only connects.  Frames: dst, src, type 0x88b5, kind, flag, seq (LE),
 * then a pattern of (seq, index, sender).  Before it ends, each waits until
 * its transmit ring is drained, so that its last frame (the final
 * acknowledgement) reaches the peer. */
#include "atoll/abi/grant_table.h"
#include "atoll/abi/hypercall.h"
#include "atoll/abi/netif.h"
#include "atoll/abi/pvdev.h"
#include "hcall_lib.h"
#include "lib_cmdline.h"
#include "pv_lib.h"
#include "rt.h"

#define TX_REF 8
#define RX_REF 9
#define TXB_REF 16 /* TXB_REF + i grants tx page i */
#define RXB_REF 128 /* RXB_REF + i grants rx page i */
#define NTX 32 /* tx pages: at most NTX frames in flight */
#define NRX 128 /* rx buffers posted */
#define NDATA 240
#define WINDOW 48 /* data frames sent before waiting for an ack */
#define HZ 10000000ull
#define K_HELLO 1
#define K_DATA 2
#define K_ACK 3

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(4096)));
static uint8_t tx_page[4096] __attribute__((aligned(4096)));
static uint8_t rx_page[4096] __attribute__((aligned(4096)));
static uint8_t txb[NTX][4096] __attribute__((aligned(4096)));
static uint8_t rxb[NRX][4096] __attribute__((aligned(4096)));
static struct netif_tx_front tx;
static struct netif_rx_front rx;
static struct pvdev_net_op nop;
static evtchn_port_t port;
static uint8_t me[6], peer[6];
static int have_peer, peer_saw_me;
static unsigned got, bad_data, foreign, acked, tx_errors, rx_errors;
static uint16_t tx_id;

static long pvdev_net(long cmd, uint32_t type, uint32_t index)
{
	long ret = 0, err;

	nop = (struct pvdev_net_op){ type, index, TX_REF, port, RX_REF };
	err = rt_sbi(ATOLL_SBI_EXT, __HYPERVISOR_atoll_pvdev_op, cmd,
		     (long)&nop, 0, &ret);
	return err ? -1000 + err : ret;
}

static uint8_t pattern(uint32_t seq, unsigned i, const uint8_t *src)
{
	return (uint8_t)(seq * 7 + i * 13 + src[4] * 3 + src[5]);
}

static unsigned data_len(uint32_t seq)
{
	return 60 + (seq * 37) % (1514 - 60 + 1);
}

static void kick(int push)
{
	if (push)
		pv_port_op(EVTCHNOP_send, port);
}

/* Take the transmit responses; each must be OKAY unless want_err. */
static void tx_reap(void)
{
	struct netif_tx_response r;

	while (netif_tx_unconsumed_responses(&tx)) {
		ring_rmb();
		netif_tx_copy_response(&tx, tx.rsp_cons++, &r);
		if (r.status != NETIF_RSP_OKAY)
			tx_errors++;
	}
}

/* Queue one frame of len bytes built by the caller in page (id % NTX). */
/* Wait (bounded) until every queued frame has its transmit response: the
 * back-end has taken it.  Before leaving, or the last frame (the final
 * acknowledgement) may still sit in the ring when the domain ends, and the
 * peer waits for it in vain. */
static void tx_drain(uint64_t secs)
{
	uint64_t end = wl_time() + secs * HZ;

	while (tx.rsp_cons != tx.req_prod_pvt && wl_time() < end)
		tx_reap();
	hc_check("tx ring drained", tx.req_prod_pvt - tx.rsp_cons, 0);
}

static uint8_t *tx_buf(void)
{
	while (tx.req_prod_pvt - tx.rsp_cons >= NTX)
		tx_reap();
	return txb[tx.req_prod_pvt % NTX];
}

static void tx_send(unsigned len, uint16_t flags)
{
	struct netif_tx_request *q =
		netif_tx_request_slot(&tx, tx.req_prod_pvt);

	*q = (struct netif_tx_request){ TXB_REF + tx.req_prod_pvt % NTX, 0,
					flags, tx_id++, (uint16_t)len };
	tx.req_prod_pvt++;
	kick(netif_tx_push_requests(&tx));
}

static void frame(uint8_t *f, const uint8_t *dst, uint8_t kind, uint8_t flag,
		  uint32_t seq, unsigned len)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, me, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	f[14] = kind;
	f[15] = flag;
	for (int b = 0; b < 4; b++)
		f[16 + b] = (uint8_t)(seq >> (8 * b));
	for (unsigned i = 20; i < len; i++)
		f[i] = pattern(seq, i, me);
}

static void send(const uint8_t *dst, uint8_t kind, uint8_t flag, uint32_t seq,
		 unsigned len)
{
	frame(tx_buf(), dst, kind, flag, seq, len);
	tx_send(len, 0);
}

static void rx_post(uint16_t id)
{
	*netif_rx_request_slot(&rx, rx.req_prod_pvt++) =
		(struct netif_rx_request){ id, 0, RXB_REF + id };
}

/* One received frame from peer or broadcast. */
static void handle(const uint8_t *f, unsigned len)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t seq = f[16] | f[17] << 8 | f[18] << 16 | (uint32_t)f[19] << 24;
	unsigned ok = 1;

	if (len < 20 || f[12] != 0x88 || f[13] != 0xb5 ||
	    (memcmp(f, me, 6) && memcmp(f, bcast, 6))) {
		foreign++;
		return;
	}
	if (f[14] == K_HELLO) {
		if (!have_peer)
			memcpy(peer, f + 6, 6);
		have_peer = 1;
		peer_saw_me |= f[15];
		return;
	}
	if (!have_peer || memcmp(f + 6, peer, 6)) {
		foreign++;
		return;
	}
	if (f[14] == K_ACK) {
		acked = seq > acked ? seq : acked;
		return;
	}
	peer_saw_me = 1;
	if (len != data_len(seq) || seq != got)
		ok = 0;
	for (unsigned i = 20; i < len && ok; i++)
		ok = f[i] == pattern(seq, i, f + 6);
	if (!ok) {
		bad_data++;
		return;
	}
	got++;
	if (got % WINDOW == 0 || got == NDATA)
		send(peer, K_ACK, 0, got, 60);
}

/* Take the received frames, re-post their buffers. */
static void rx_poll(void)
{
	struct netif_rx_response r;
	int any = 0;

	while (netif_rx_unconsumed_responses(&rx)) {
		ring_rmb();
		netif_rx_copy_response(&rx, rx.rsp_cons++, &r);
		if (r.id >= NRX) {
			rx_errors++;
			continue;
		}
		if (r.status > 0 && r.offset == 0)
			handle(rxb[r.id], (unsigned)r.status);
		else
			rx_errors++;
		rx_post(r.id);
		any = 1;
	}
	if (any)
		kick(netif_rx_push_requests(&rx));
	tx_reap();
}

static void grant(grant_ref_t ref, const void *page, uint16_t flags)
{
	gnttab[ref] = (struct grant_entry_v1){ 0, 0, (uintptr_t)page >> 12 };
	__atomic_store_n(&gnttab[ref].flags, flags, __ATOMIC_RELEASE);
}

/* Fresh rings, all rx buffers posted, connect: the pvdev result. */
static long connect(void)
{
	long rc;

	netif_tx_sring_init((struct netif_tx_sring *)tx_page);
	netif_tx_front_init(&tx, (struct netif_tx_sring *)tx_page, 4096);
	netif_rx_sring_init((struct netif_rx_sring *)rx_page);
	netif_rx_front_init(&rx, (struct netif_rx_sring *)rx_page, 4096);
	for (uint16_t i = 0; i < NRX; i++)
		rx_post(i);
	netif_rx_push_requests(&rx);
	rc = pvdev_net(PVDEVOP_connect_net, PVDEV_TYPE_NET, 0);
	if (rc == 0)
		memcpy(me, nop.mac, 6);
	return rc;
}

static void setup(void)
{
	hc_check("register shared info", pv_shinfo_on(), 0);
	pv_arg.table = (struct gnttab_atoll_set_table){ 1 };
	pv_arg.table.gfn[0] = (uintptr_t)gnttab >> 12;
	hc_check("set grant table", pv_gnt_op(GNTTABOP_atoll_set_table, 1), 0);
	grant(TX_REF, tx_page, GTF_permit_access);
	grant(RX_REF, rx_page, GTF_permit_access);
	for (unsigned i = 0; i < NTX; i++)
		grant(TXB_REF + i, txb[i], GTF_permit_access | GTF_readonly);
	for (unsigned i = 0; i < NRX; i++)
		grant(RXB_REF + i, rxb[i], GTF_permit_access);
	pv_arg.alloc = (struct evtchn_alloc_unbound){ DOMID_SELF, 0 };
	hc_check("alloc unbound for domain 0", pv_ev_op(EVTCHNOP_alloc_unbound),
		 0);
	port = pv_arg.alloc.port;
}

/* One bad transmit request: the response must be NETIF_RSP_ERROR. */
static void bad_tx(const char *what, grant_ref_t gref, unsigned off,
		   unsigned len, uint16_t flags)
{
	struct netif_tx_request *q =
		netif_tx_request_slot(&tx, tx.req_prod_pvt);
	struct netif_tx_response r = { 0, 0 };
	uint64_t end = wl_time() + 10 * HZ;

	*q = (struct netif_tx_request){ gref, (uint16_t)off, flags, 7777,
					(uint16_t)len };
	tx.req_prod_pvt++;
	kick(netif_tx_push_requests(&tx));
	while (!netif_tx_unconsumed_responses(&tx) && wl_time() < end)
		;
	if (netif_tx_unconsumed_responses(&tx)) {
		ring_rmb();
		netif_tx_copy_response(&tx, tx.rsp_cons++, &r);
	}
	hc_check(what, r.id == 7777 ? r.status : 99, NETIF_RSP_ERROR);
}

static void hostile(void)
{
	struct netif_tx_sring *s = (void *)tx_page;
	uint64_t end = wl_time() + 10 * HZ;

	bad_tx("tx: runt frame", TXB_REF, 0, 10, 0);
	bad_tx("tx: frame too long", TXB_REF, 0, 1515, 0);
	bad_tx("tx: past the page", TXB_REF, 4000, 200, 0);
	bad_tx("tx: gref never granted", 500, 0, 60, 0);
	bad_tx("tx: gref out of range", 0x7fffffff, 0, 60, 0);
	bad_tx("tx: more_data (first)", TXB_REF, 0, 60, NETTXF_more_data);
	bad_tx("tx: more_data (last)", TXB_REF, 0, 60, 0);
	bad_tx("tx: extra_info", TXB_REF, 0, 60, NETTXF_extra_info);
	hc_check("connect twice",
		 pvdev_net(PVDEVOP_connect_net, PVDEV_TYPE_NET, 0), -17);
	__atomic_store_n(&s->req_prod, tx.req_prod_pvt + 1000,
			 __ATOMIC_RELEASE);
	pv_port_op(EVTCHNOP_send, port);
	while (((__atomic_load_n(&gnttab[TX_REF].flags, __ATOMIC_ACQUIRE) |
		 __atomic_load_n(&gnttab[RX_REF].flags, __ATOMIC_ACQUIRE)) &
		GTF_writing) &&
	       wl_time() < end)
		;
	hc_check("overflow: tx ring unmapped",
		 gnttab[TX_REF].flags & (GTF_reading | GTF_writing), 0);
	hc_check("overflow: rx ring unmapped",
		 gnttab[RX_REF].flags & (GTF_reading | GTF_writing), 0);
	hc_check("overflow: disconnect after drop",
		 pvdev_net(PVDEVOP_disconnect, PVDEV_TYPE_NET, 0), 0);
	hc_check("reconnect", connect(), 0);
}

/* Hello until the peer has seen us; then data in acknowledged windows
 * while taking the peer's; bounded by `secs`. */
static void exchange(uint64_t secs)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint64_t end = wl_time() + secs * HZ, next = 0, wait_end = 0;
	uint32_t sent = 0;

	while (wl_time() < end &&
	       (!peer_saw_me || acked < NDATA || got < NDATA)) {
		rx_poll();
		if (!peer_saw_me) {
			if (wl_time() >= next) {
				send(bcast, K_HELLO, (uint8_t)have_peer, 0, 60);
				next = wl_time() + HZ / 50;
			}
			continue;
		}
		/* A window at a time; a lost ack costs a second, no more. */
		if (sent < NDATA && (sent < acked + WINDOW ||
				     (wait_end && wl_time() > wait_end))) {
			send(peer, K_DATA, 0, sent, data_len(sent));
			sent++;
			wait_end = sent == acked + WINDOW ? wl_time() + HZ : 0;
		}
	}
}

int main(void)
{
	struct boot_info bi;
	char mode[16] = "pair";
	uint64_t hostile_on = 0, secs = 30;

	if (boot_info_read(rt_boot_dtb, &bi) == 0) {
		cmdline_get(bi.cmdline, "mode", mode, sizeof(mode));
		cmdline_get_u64(bi.cmdline, "hostile", 0, &hostile_on);
		cmdline_get_u64(bi.cmdline, "secs", 30, &secs);
	}
	setup();
	if (mode[0] == 'n') {
		hc_check("connect without net",
			 pvdev_net(PVDEVOP_connect_net, PVDEV_TYPE_NET, 0),
			 -19);
		return hc_finish("pv-net");
	}
	hc_check("plain connect of a net device",
		 pvdev_net(PVDEVOP_connect, PVDEV_TYPE_NET, 0), -22);
	hc_check("connect index 1",
		 pvdev_net(PVDEVOP_connect_net, PVDEV_TYPE_NET, 1), -19);
	hc_check("connect", connect(), 0);
	rt_printf("pvnet: mac %02x:%02x:%02x:%02x:%02x:%02x\n", me[0], me[1],
		  me[2], me[3], me[4], me[5]);
	if (mode[0] == 'c') /* connect only (atoll boot --net) */
		return hc_finish("pv-net");
	if (hostile_on) {
		hostile();
		rt_printf("pvnet: still running\n");
	}
	exchange(secs);
	tx_drain(10);
	rt_printf("pvnet: peer %02x:%02x:%02x:%02x:%02x:%02x got %u acked %u "
		  "bad %u foreign %u rx_errors %u tx_errors %u\n",
		  peer[0], peer[1], peer[2], peer[3], peer[4], peer[5], got,
		  acked, bad_data, foreign, rx_errors, tx_errors);
	hc_check("peer found", have_peer, 1);
	hc_check("frames received intact", got, NDATA);
	hc_check("frames acknowledged", acked, NDATA);
	hc_check("bad frames", bad_data, 0);
	hc_check("foreign frames", foreign, 0);
	hc_check("tx errors", tx_errors, 0);
	hc_check("rx errors", rx_errors, 0);
	return hc_finish("pv-net");
}
