/* ringbench: PV ring throughput from inside the guest, against atoll's echo
 * device (atoll/abi/echo.h), which answers each 64-byte message with its
 * id.  `count=` messages (default 200000), `batch=` per push (1..32, the
 * ring's size; default 32), `holdoff=1` (Xen's discipline: notify only
 * when the push says the back-end asked, arm rsp_event only before
 * sleeping, after a short poll) or `holdoff=0` (notify after every push
 * and ask for an event for every response).  Prints one result line and
 * a verdict; a response with a wrong id or status, or an overflowing
 * rsp_prod, fails it. */
#include <errno.h>
#include <string.h>

#include "atoll/abi/echo.h"
#include "kernel.h"
#include "pv.h"

#define RB_POLL 2000 /* rsp_prod reads before arming rsp_event */
#define RB_STALL_TICKS (2 * TICK_HZ) /* no response for 2 s: failure */

struct ringbench {
	struct echo_front f;
	struct pvdev_op op;
	struct pv_waiter w;
	uint64_t count, sent, got;
	unsigned batch;
	int holdoff;
	char why[80]; /* the failure */
};

static void rb_upcall(evtchn_port_t port, void *arg)
{
	struct ringbench *rb = arg;

	pv_wake(&rb->w);
}

/* Ring page, grant, port, connect.  0 or -errno (logged). */
static int rb_connect(struct ringbench *rb)
{
	struct echo_sring *s = page_alloc();
	int ref, err;

	if (!s)
		return -ENOMEM;
	memset(s, 0, PAGE_SIZE);
	echo_sring_init(s);
	echo_front_init(&rb->f, s, PAGE_SIZE);
	ref = gnttab_grant(DOMID_BACKEND, s, 0);
	if (ref < 0) {
		err = ref;
		goto err_page;
	}
	rb->op = (struct pvdev_op){ PVDEV_TYPE_ECHO, 0, (uint32_t)ref, 0 };
	err = evtchn_alloc_unbound(DOMID_BACKEND, &rb->op.port);
	if (err)
		goto err_grant;
	evtchn_set_handler(rb->op.port, rb_upcall, rb);
	evtchn_unmask(rb->op.port);
	err = pvdev_op(PVDEVOP_connect, &rb->op);
	if (err)
		goto err_port;
	return 0;

err_port:
	evtchn_close(rb->op.port);
err_grant:
	gnttab_end((grant_ref_t)ref);
err_page:
	page_free(s);
	printf("ringbench: cannot connect the echo device (%d)\n", err);
	return err;
}

static void rb_disconnect(struct ringbench *rb)
{
	pvdev_op(PVDEVOP_disconnect, &rb->op);
	evtchn_close(rb->op.port);
	/* A page atoll still maps is leaked rather than reused. */
	if (!gnttab_end(rb->op.ring_ref))
		page_free(rb->f.sring);
}

/* Fill and push up to `batch` requests; notify as the mode says. */
static void rb_produce(struct ringbench *rb)
{
	struct echo_front *f = &rb->f;
	unsigned n = 0;

	while (rb->sent < rb->count && n < rb->batch && echo_free_requests(f)) {
		struct echo_request *r = echo_request_slot(f, f->req_prod_pvt);
		uint64_t *w = (uint64_t *)r->payload;

		r->id = rb->sent;
		for (unsigned k = 0; k < ECHO_PAYLOAD_SIZE / 8; k++)
			w[k] = rb->sent + k;
		f->req_prod_pvt++;
		rb->sent++;
		n++;
	}
	if (!n)
		return;
	if (!rb->holdoff) /* ask for an event for every response */
		ring_write_once(f->sring->rsp_event, f->rsp_cons + 1);
	if (echo_push_requests(f) || !rb->holdoff)
		evtchn_notify(rb->op.port);
}

/* Take every published response; 0, or -EPROTO with rb->why set. */
static int rb_consume(struct ringbench *rb, ring_idx_t prod)
{
	struct echo_front *f = &rb->f;
	struct echo_response rsp;

	if (echo_response_prod_overflow(f, prod)) {
		snprintf(rb->why, sizeof(rb->why),
			 "rsp_prod %u overflows (rsp_cons %u)", prod,
			 f->rsp_cons);
		return -EPROTO;
	}
	ring_rmb(); /* responses after the index that publishes them */
	for (; f->rsp_cons != prod; f->rsp_cons++, rb->got++) {
		echo_copy_response(f, f->rsp_cons, &rsp);
		if (rsp.id != rb->got || rsp.status != ECHO_RSP_OKAY) {
			snprintf(rb->why, sizeof(rb->why),
				 "response id %lu status %d, expected id %lu",
				 (unsigned long)rsp.id, rsp.status,
				 (unsigned long)rb->got);
			return -EPROTO;
		}
	}
	return 0;
}

/* Nothing to send and nothing received: poll a little (hold-off mode),
 * then arm rsp_event and sleep.  0, or -ETIMEDOUT with rb->why set. */
static int rb_idle(struct ringbench *rb)
{
	struct echo_front *f = &rb->f;

	if (rb->holdoff)
		for (int k = 0; k < RB_POLL; k++)
			if (echo_unconsumed_responses(f))
				return 0;
	if (echo_final_check_responses(f))
		return 0;
	if (pv_wait(&rb->w, RB_STALL_TICKS) || echo_unconsumed_responses(f))
		return 0;
	snprintf(rb->why, sizeof(rb->why),
		 "no response for 2 s (%lu of %lu answered)",
		 (unsigned long)rb->got, (unsigned long)rb->sent);
	return -ETIMEDOUT;
}

/* The exchange itself: send everything, receive everything. */
static int rb_run(struct ringbench *rb)
{
	struct echo_front *f = &rb->f;
	int err;

	while (rb->got < rb->count) {
		rb_produce(rb);
		ring_idx_t prod = ring_read_once(f->sring->rsp_prod);

		if (prod != f->rsp_cons) {
			err = rb_consume(rb, prod);
		} else if (rb->sent < rb->count && echo_free_requests(f)) {
			continue;
		} else {
			err = rb_idle(rb);
		}
		if (err)
			return err;
	}
	return 0;
}

/* per-message rate with 3 decimals, as "X.XXX" */
static void rb_per_msg(char *buf, size_t n, uint64_t events, uint64_t msgs)
{
	uint64_t milli = msgs ? events * 1000 / msgs : 0;

	snprintf(buf, n, "%lu.%03lu", (unsigned long)(milli / 1000),
		 (unsigned long)(milli % 1000));
}

static void rb_report(const struct ringbench *rb, uint64_t us,
		      const struct pv_stats *a, const struct pv_stats *b)
{
	char np[24], up[24];

	rb_per_msg(np, sizeof(np), b->notifies - a->notifies, rb->got);
	rb_per_msg(up, sizeof(up), b->upcalls - a->upcalls, rb->got);
	printf("ringbench: batch=%u holdoff=%d msgs=%lu us=%lu msgs_per_s=%lu "
	       "notifies_per_msg=%s upcalls_per_msg=%s\n",
	       rb->batch, rb->holdoff, (unsigned long)rb->got,
	       (unsigned long)us,
	       (unsigned long)(us ? rb->got * 1000000 / us : 0), np, up);
}

int wl_ringbench(void)
{
	static struct ringbench rb;
	long count = cmdline_long("count", 200000);
	long batch = cmdline_long("batch", 32);
	long holdoff = cmdline_long("holdoff", 1);
	struct pv_stats a, b;
	uint64_t t0, us;
	int err;

	if (count < 1 || count > 100000000 || batch < 1 || batch > 32 ||
	    (holdoff != 0 && holdoff != 1)) {
		printf("ringbench: verdict FAIL bad arguments (count 1..1e8, "
		       "batch 1..32, holdoff 0|1)\n");
		return 2;
	}
	if (!pv_ready()) {
		printf("ringbench: verdict FAIL no PV devices (not on "
		       "atoll)\n");
		return 1;
	}
	rb = (struct ringbench){ .count = (uint64_t)count,
				 .batch = (unsigned)batch,
				 .holdoff = (int)holdoff };
	if (rb_connect(&rb)) {
		printf("ringbench: verdict FAIL no echo device\n");
		return 1;
	}
	console_flush(); /* its events are not the ring's */
	pv_get_stats(&a);
	t0 = timer_now_us();
	err = rb_run(&rb);
	us = timer_now_us() - t0;
	pv_get_stats(&b);
	rb_disconnect(&rb);
	rb_report(&rb, us, &a, &b);
	if (err) {
		printf("ringbench: verdict FAIL %s\n", rb.why);
		return 1;
	}
	printf("ringbench: verdict ok\n");
	return 0;
}
