/* pvhostile: the front-ends against a hostile back-end (issue 4, "Bad
 * input").  The workload plays atoll's side itself on private rings in
 * its own memory (blkfront_attach, net_open_private: the front-ends' real
 * request and response code, no device behind it), and feeds the balloon's
 * decision hostile targets (balloon_plan).  Each case provokes its fault
 * twice and checks that the front-end drops it, completes the genuine
 * requests, and writes no byte of the guard areas around its buffers,
 * state and request table; the log line itself (once per case) is
 * checked by tests/system/guest-hostile.sh.  One line per case, then
 * `pvhostile: verdict ok|FAIL <why>`.  atoll only (PV grants). */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "atoll/abi/blkif.h"
#include "atoll/abi/netif.h"
#include "blkdev.h"
#include "kernel.h"
#include "net.h"
#include "pv.h"

#define NREQ 4
#define GUARD 512
#define GUARD_BYTE 0xa5
#define FRAME 60

/* blkfront's ring, data pages, state and request table, each followed by
 * a guard area (the ring and data pages are the back-end's to write). */
static struct {
	uint8_t ring[PAGE_SIZE];
	uint8_t data[NREQ][PAGE_SIZE];
	uint8_t g_data[PAGE_SIZE];
	uint8_t state[3072];
	uint8_t g_state[GUARD];
	struct blkreq req[NREQ];
	uint8_t g_req[GUARD];
} ba __attribute__((aligned(PAGE_SIZE)));

/* net_recv's buffer between guards. */
static struct {
	uint8_t g_lo[GUARD];
	uint8_t buf[NET_FRAME_MAX];
	uint8_t g_hi[GUARD];
} nb;

static int failures;

/* 0 if all n bytes at p still hold the guard pattern. */
static int guard_check(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != GUARD_BYTE)
			return -1;
	return 0;
}

/* One case's verdict line; why NULL: ok. */
static void verdict(const char *name, const char *why)
{
	if (!why) {
		printf("pvhostile: %s ok\n", name);
		return;
	}
	printf("pvhostile: %s FAIL %s\n", name, why);
	failures++;
}

/* --- blkfront -------------------------------------------------------- */

struct blkcase {
	struct blkdev *dev;
	struct blkif_back back;
	uint64_t id[NREQ]; /* the ids the front-end issued, in ring order */
};

/* Post NREQ one-page reads and take them as the back-end; NULL or why
 * not.  A fresh front-end (and guard pattern) unless `again`. */
static const char *blk_start(struct blkcase *c, int again)
{
	unsigned n = 0;

	if (!again) {
		memset(&ba, GUARD_BYTE, sizeof(ba));
		c->dev = blkfront_attach(ba.state, sizeof(ba.state), ba.ring);
		if (!c->dev)
			return "blkfront state larger than its test area";
		blkif_back_init(&c->back, (void *)ba.ring, PAGE_SIZE);
		/* A back-end that polls: never asks for a notification. */
		c->back.sring->req_event = 0;
	}
	for (unsigned i = 0; i < NREQ; i++)
		ba.req[i] = (struct blkreq){ .op = BLK_READ,
					     .sector = i * 8,
					     .nsect = 8,
					     .pages = { ba.data[i] } };
	if (blkfront_post(c->dev, ba.req, NREQ) != NREQ)
		return "requests not posted";
	while (blkif_unconsumed_requests(&c->back) && n < NREQ) {
		struct blkif_request q;

		blkif_copy_request(&c->back, c->back.req_cons++, &q);
		c->id[n++] = q.id;
	}
	return n == NREQ ? NULL : "back-end saw too few requests";
}

static void blk_respond(struct blkcase *c, uint64_t id, int16_t status)
{
	struct blkif_response *r =
		blkif_response_slot(&c->back, c->back.rsp_prod_pvt++);

	r->id = id;
	r->operation = BLKIF_OP_READ;
	r->status = status;
}

/* Answer all NREQ genuinely, publish, consume; NULL or why not. */
static const char *blk_answer_all(struct blkcase *c)
{
	for (unsigned i = 0; i < NREQ; i++)
		blk_respond(c, c->id[i], BLKIF_RSP_OKAY);
	blkif_push_responses(&c->back);
	return blkfront_poll(c->dev) == NREQ ? NULL : "genuine ones lost";
}

/* After a case: statuses as wanted (want_io: request 0 failed with -EIO,
 * the rest ok), nothing more to consume, a further round works, guards
 * intact.  NULL or why not. */
static const char *blk_finish(struct blkcase *c, int want_io)
{
	const char *why;

	for (unsigned i = 0; i < NREQ; i++)
		if (ba.req[i].status != (want_io && !i ? -EIO : 0))
			return "a genuine request has the wrong status";
	if (blkfront_poll(c->dev))
		return "completed a request twice";
	why = blk_start(c, 1);
	if (!why)
		why = blk_answer_all(c);
	if (why)
		return why;
	for (unsigned i = 0; i < NREQ; i++)
		if (ba.req[i].status)
			return "the next round failed";
	if (guard_check(ba.g_data, sizeof(ba.g_data)) ||
	    guard_check(ba.g_state, sizeof(ba.g_state)) ||
	    guard_check(ba.g_req, sizeof(ba.g_req)))
		return "a guard area was written";
	return NULL;
}

/* Ids never issued (a large one and one just past the table), between
 * the genuine responses. */
static const char *blk_unknown_id(struct blkcase *c)
{
	blk_respond(c, c->id[0], BLKIF_RSP_OKAY);
	blk_respond(c, 1000000007ull, BLKIF_RSP_OKAY);
	blk_respond(c, 32, BLKIF_RSP_OKAY);
	for (unsigned i = 1; i < NREQ; i++)
		blk_respond(c, c->id[i], BLKIF_RSP_OKAY);
	blkif_push_responses(&c->back);
	/* The two bad ones count against the outstanding: a second poll. */
	blkfront_poll(c->dev);
	blkfront_poll(c->dev);
	return blk_finish(c, 0);
}

/* Request 0 answered three times, the others once. */
static const char *blk_duplicate(struct blkcase *c)
{
	blk_respond(c, c->id[0], BLKIF_RSP_OKAY);
	blk_respond(c, c->id[0], BLKIF_RSP_ERROR);
	blk_respond(c, c->id[0], BLKIF_RSP_ERROR);
	blkif_push_responses(&c->back);
	blkfront_poll(c->dev);
	for (unsigned i = 1; i < NREQ; i++)
		blk_respond(c, c->id[i], BLKIF_RSP_OKAY);
	blkif_push_responses(&c->back);
	blkfront_poll(c->dev);
	return blk_finish(c, 0);
}

/* The genuine responses, then rsp_prod a thousand past them. */
static const char *blk_prod_ahead(struct blkcase *c)
{
	for (unsigned i = 0; i < NREQ; i++)
		blk_respond(c, c->id[i], BLKIF_RSP_OKAY);
	blkif_push_responses(&c->back);
	ring_write_once(c->back.sring->rsp_prod, c->back.rsp_prod_pvt + 1000);
	if (blkfront_poll(c->dev) != NREQ)
		return "genuine ones lost";
	blkfront_poll(c->dev);
	return blk_finish(c, 0);
}

/* Statuses outside BLKIF_RSP_*: request 0 gets 7, request 1 -300. */
static const char *blk_bad_status(struct blkcase *c)
{
	blk_respond(c, c->id[0], 7);
	blk_respond(c, c->id[1], -300);
	for (unsigned i = 2; i < NREQ; i++)
		blk_respond(c, c->id[i], BLKIF_RSP_OKAY);
	blkif_push_responses(&c->back);
	blkfront_poll(c->dev);
	if (ba.req[1].status != -EIO)
		return "status -300 not taken as -EIO";
	ba.req[1].status = 0; /* checked; blk_finish looks at request 0 */
	return blk_finish(c, 1);
}

static void blk_cases(void)
{
	static const struct {
		const char *name;
		const char *(*run)(struct blkcase *c);
	} cases[] = {
		{ "blk-unknown-id", blk_unknown_id },
		{ "blk-duplicate", blk_duplicate },
		{ "blk-prod-ahead", blk_prod_ahead },
		{ "blk-bad-status", blk_bad_status },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct blkcase c;
		const char *why = blk_start(&c, 0);

		verdict(cases[i].name, why ? why : cases[i].run(&c));
	}
}

/* --- netfront -------------------------------------------------------- */

struct netcase {
	struct netif_tx_back tx;
	struct netif_rx_back rx;
};

/* The next rx request's id as the back-end takes it; -1 if none. */
static int net_rx_take(struct netcase *c)
{
	struct netif_rx_request q;

	if (!netif_rx_unconsumed_requests(&c->rx))
		return -1;
	netif_rx_copy_request(&c->rx, c->rx.req_cons++, &q);
	return q.id;
}

static void net_rx_respond(struct netcase *c, int id, uint16_t off,
			   int16_t status)
{
	struct netif_rx_response *r =
		netif_rx_response_slot(&c->rx, c->rx.rsp_prod_pvt++);

	r->id = (uint16_t)id;
	r->offset = off;
	r->flags = 0;
	r->status = status;
}

/* One net_recv: the frame's length (or -errno), the guards checked. */
static int net_recv_one(void)
{
	int len;

	memset(&nb, GUARD_BYTE, sizeof(nb));
	len = net_recv(nb.buf, sizeof(nb.buf), NET_NOWAIT);
	if (guard_check(nb.g_lo, GUARD) || guard_check(nb.g_hi, GUARD))
		return -EFAULT;
	return len;
}

/* Publish the rx responses; then exactly one genuine FRAME-byte frame
 * must come out, nothing after it, and `bad` responses dropped. */
static const char *net_rx_expect(unsigned bad)
{
	struct net_stats st;
	int len, more;

	len = net_recv_one();
	more = net_recv_one();
	net_get_stats(&st);
	if (len == -EFAULT || more == -EFAULT)
		return "a guard area was written";
	if (len != FRAME || more != 0)
		return "the genuine frame did not come (alone)";
	if (st.bad_rsp != bad)
		return "wrong count of dropped responses";
	return NULL;
}

static const char *net_rx_bad_id(struct netcase *c)
{
	int id = net_rx_take(c);

	net_rx_respond(c, 300, 0, FRAME);
	net_rx_respond(c, 65535, 0, FRAME);
	net_rx_respond(c, id, 0, FRAME);
	netif_rx_push_responses(&c->rx);
	return net_rx_expect(2);
}

static const char *net_rx_bad_offset(struct netcase *c)
{
	int a = net_rx_take(c), b = net_rx_take(c), g = net_rx_take(c);

	net_rx_respond(c, a, 4000, 200);
	net_rx_respond(c, b, 0, 5000);
	net_rx_respond(c, g, 100, FRAME);
	netif_rx_push_responses(&c->rx);
	return net_rx_expect(2);
}

/* Lengths 0, 5 and -7 are bad; -1 (NETIF_RSP_ERROR) is atoll's verdict. */
static const char *net_rx_bad_length(struct netcase *c)
{
	int id[5];

	for (unsigned i = 0; i < 5; i++)
		id[i] = net_rx_take(c);
	net_rx_respond(c, id[0], 0, 0);
	net_rx_respond(c, id[1], 0, 5);
	net_rx_respond(c, id[2], 0, -7);
	net_rx_respond(c, id[3], 0, NETIF_RSP_ERROR);
	net_rx_respond(c, id[4], 0, FRAME);
	netif_rx_push_responses(&c->rx);
	return net_rx_expect(3);
}

/* rsp_prod a thousand ahead: the device is abandoned, not read. */
static const char *net_rx_prod_ahead(struct netcase *c)
{
	int id = net_rx_take(c);

	net_rx_respond(c, id, 0, FRAME);
	netif_rx_push_responses(&c->rx);
	ring_write_once(c->rx.sring->rsp_prod, c->rx.rsp_prod_pvt + 1000);
	if (net_recv_one() != -ENODEV || net_recv_one() != -ENODEV)
		return "the device was read past the ring";
	if (net_queue(nb.buf, FRAME, 0) != -ENODEV)
		return "an abandoned device still sends";
	return NULL;
}

/* tx: an unknown id and a duplicate; then exactly TX buffers free. */
static const char *net_tx_bad_id(struct netcase *c)
{
	struct netif_tx_request q[2];
	struct net_stats st;
	unsigned n = 0;

	memset(nb.buf, 0, FRAME);
	if (net_queue(nb.buf, FRAME, 0) || net_queue(nb.buf, FRAME, 0))
		return "could not queue";
	net_push();
	for (unsigned i = 0; i < 2; i++)
		netif_tx_copy_request(&c->tx, c->tx.req_cons++, &q[i]);
	for (unsigned i = 0; i < 4; i++) {
		struct netif_tx_response *r =
			netif_tx_response_slot(&c->tx, c->tx.rsp_prod_pvt++);
		static const int pick[4] = { -1, 0, 0, 1 };

		r->id = pick[i] < 0 ? 999 : q[pick[i]].id;
		r->status = NETIF_RSP_OKAY;
	}
	netif_tx_push_responses(&c->tx);
	/* Every buffer is free again, each once: the pool holds 128. */
	while (n <= 256 && !net_queue(nb.buf, FRAME, 0))
		n++;
	net_get_stats(&st);
	if (n != 128)
		return "tx buffer pool corrupted";
	return st.bad_rsp == 2 ? NULL : "wrong count of dropped responses";
}

static void net_cases(void)
{
	static const struct {
		const char *name;
		const char *(*run)(struct netcase *c);
	} cases[] = {
		{ "net-rx-unknown-id", net_rx_bad_id },
		{ "net-tx-unknown-id", net_tx_bad_id },
		{ "net-rx-offset", net_rx_bad_offset },
		{ "net-rx-length", net_rx_bad_length },
		{ "net-rx-prod-ahead", net_rx_prod_ahead },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct netcase c;
		void *tx, *rx;
		int err = net_open_private(&tx, &rx);

		if (err) {
			verdict(cases[i].name, "net_open_private failed");
			continue;
		}
		netif_tx_back_init(&c.tx, tx, PAGE_SIZE);
		netif_rx_back_init(&c.rx, rx, PAGE_SIZE);
		verdict(cases[i].name, cases[i].run(&c));
		net_close_private();
	}
}

/* --- balloon --------------------------------------------------------- */

/* Targets above maxmem (twice): clamped, so nothing to give back. */
static const char *balloon_above_max(void)
{
	long want = -(long)balloon_size();
	long a = balloon_plan((long)page_total() * 4, page_free_count(), 0);
	long b = balloon_plan(LONG_MAX, page_free_count(), 0);

	printf("pvhostile: balloon plan for targets above maxmem: %ld, %ld\n",
	       a, b);
	return a == want && b == want ? NULL : "a target above maxmem used";
}

/* Target 0: give back no more than the guest can spare. */
static const char *balloon_below_spare(void)
{
	uint64_t free = page_free_count();
	long n = balloon_plan(0, free, 0);

	printf("pvhostile: balloon plan for target 0 with %lu free: give %ld\n",
	       (unsigned long)free, n);
	if (n < 0 || (uint64_t)n + 256 > free)
		return "would inflate past its floor of free pages";
	if (balloon_plan(0, 100, 0) > 0)
		return "would inflate with 100 pages free";
	if (balloon_plan(0, free, 50) > 0)
		return "would inflate under pressure";
	return NULL;
}

int wl_pvhostile(void)
{
	if (!pv_ready()) {
		printf("pvhostile: verdict FAIL no PV (atoll only)\n");
		return 1;
	}
	blk_cases();
	net_cases();
	verdict("balloon-above-maxmem", balloon_above_max());
	verdict("balloon-below-spare", balloon_below_spare());
	if (failures) {
		printf("pvhostile: verdict FAIL %d case(s)\n", failures);
		return 1;
	}
	printf("pvhostile: verdict ok\n");
	return 0;
}
