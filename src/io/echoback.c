/* The echo back-end (atoll/abi/echo.h): one I/O thread per connected echo
 * device answers each 64-byte request with its id.  No disk or network
 * behind it, so it measures the ring and the event channels alone.
 *
 * The front-end is hostile: each request is copied out of the ring once
 * (only its id is used), req_prod is checked against what the ring can
 * hold (a violation disconnects the device with one log line), responses
 * are written field by field, and a pass answers a bounded number. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "io/echoback_internal.h"
#include "io/evtchn.h"
#include "io/io_dom.h"
#include "io/pvdev.h"
#include "io/pvdev_thread.h"

#define ECHOBACK_BATCH 32 /* responses per push */
/* Publish the responses so far; an event only if the front-end asked. */
static void echoback_push(struct pvdev *dev, struct echoback *eb)
{
	if (echo_push_responses(&eb->ring) &&
	    !evtchn_notify(dev->dom, dev->port))
		eb->st.notifies++;
}

/* Answer up to ECHOBACK_BUDGET requests.  Returns the number answered, or
 * -EPROTO if the front-end broke the protocol (logged). */
long echoback_pass(struct pvdev *dev, struct echoback *eb)
{
	struct echo_back *r = &eb->ring;
	ring_idx_t prod = ring_read_once(r->sring->req_prod);
	struct echo_request req;
	struct echo_response *rsp;
	long done = 0;

	ring_rmb(); /* requests after the index that publishes them */
	if (echo_request_prod_overflow(r, prod)) {
		pvdev_log_overflow(dev, "echo", "", prod, r->rsp_prod_pvt,
				   r->nr_ents);
		return -EPROTO;
	}
	while (r->req_cons != prod && done < ECHOBACK_BUDGET) {
		echo_copy_request(r, r->req_cons, &req);
		r->req_cons++;
		/* Field by field: no stale bytes of ours reach the guest. */
		rsp = echo_response_slot(r, r->rsp_prod_pvt);
		ring_write_once(rsp->id, req.id);
		ring_write_once(rsp->status, (int16_t)ECHO_RSP_OKAY);
		for (unsigned k = 0; k < sizeof(rsp->pad); k++)
			ring_write_once(rsp->pad[k], 0);
		r->rsp_prod_pvt++;
		eb->st.requests++;
		eb->st.bytes += sizeof(req);
		if (++done % ECHOBACK_BATCH == 0)
			echoback_push(dev, eb);
	}
	if (done % ECHOBACK_BATCH)
		echoback_push(dev, eb);
	return done;
}

static long echoback_loop_pass(struct pvdev *dev, void *priv)
{
	return echoback_pass(dev, priv);
}

static bool echoback_pending(void *priv)
{
	return echo_unconsumed_requests(&((struct echoback *)priv)->ring);
}

static bool echoback_final_check(void *priv)
{
	return echo_final_check_requests(&((struct echoback *)priv)->ring);
}

static const struct pvdev_loop echoback_loop = {
	.pass = echoback_loop_pass,
	.pending = echoback_pending,
	.final_check = echoback_final_check,
	.budget = ECHOBACK_BUDGET,
	.spin_ns = PVDEV_SPIN_NS,
};

static void *echoback_thread(void *arg)
{
	struct pvdev *dev = arg;
	struct echoback *eb = dev->priv;

	pvdev_loop_run(dev, &echoback_loop, eb, &eb->st);
	return NULL;
}

static int echoback_start(struct pvdev *dev)
{
	struct echoback *eb;
	struct echo_sring *s = dev->ring.ptr;
	int err;

	eb = calloc(1, sizeof(*eb));
	if (!eb)
		return -ENOMEM;
	echo_back_init(&eb->ring, s, RING_PAGE_SIZE);
	/* Start where the front-end's ring is; the indices are ours now. */
	eb->ring.rsp_prod_pvt = ring_read_once(s->rsp_prod);
	eb->ring.req_cons = eb->ring.rsp_prod_pvt;
	dev->priv = eb;
	err = io_thread_start(&dev->thread, echoback_thread, dev);
	if (err) {
		free(eb);
		dev->priv = NULL;
		return err;
	}
	return 0;
}

static void echoback_stop(struct pvdev *dev)
{
	struct echoback *eb = dev->priv;

	io_thread_stop(&dev->thread);
	free(eb);
	dev->priv = NULL;
}

static void echoback_get_stats(const struct pvdev *dev, struct pvdev_stats *st)
{
	const struct echoback *eb = dev->priv;

	*st = eb ? eb->st : (struct pvdev_stats){ 0 };
}

const struct pvdev_ops echoback_ops = {
	.name = "echo",
	.start = echoback_start,
	.stop = echoback_stop,
	.get_stats = echoback_get_stats,
};
