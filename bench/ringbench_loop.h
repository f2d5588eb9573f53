/* One producer/consumer round of bench/ringbench_host.c, written once and
 * included once per ring implementation, so that atoll's ring and Xen's
 * macros run exactly the same loop.  The includer defines:
 *   RB_NAME(x)                       function-name prefix
 *   RB_FRONT, RB_BACK, RB_SRING      the implementation's types
 *   RB_SETUP(f, b, s, bytes, start)  both halves on a fresh shared area
 *   RB_FREE(f), RB_REQ(f, i), RB_PUSH_REQ(f, notify)
 *   RB_RSP_PROD(f), RB_RSP_OVERFLOW(f, p), RB_COPY_RSP(f, i, out),
 *   RB_FINAL_RSP(f, more)
 *   RB_REQ_PROD(b), RB_REQ_OVERFLOW(b, p), RB_COPY_REQ(b, i, out),
 *   RB_RSP(b, i), RB_PUSH_RSP(b, notify), RB_FINAL_REQ(b, more)
 * Not a normal header: no include guard, by design. */

/* The front-end thread: produce `batch` requests per push, consume
 * responses, and wait on the response bell only when it can do neither. */
static void *RB_NAME(front)(void *arg)
{
	struct rb_run *run = arg;
	RB_FRONT *f = run->front;
	uint64_t sent = 0, got = 0;
	unsigned pending = 0;
	struct rb_rsp rsp;
	bool notify, more;

	while (got < rb_count(run) && !run->failed) {
		while (sent < rb_count(run) && pending < run->batch &&
		       RB_FREE(f)) {
			rb_fill(RB_REQ(f, f->req_prod_pvt), sent++);
			f->req_prod_pvt++;
			pending++;
			if (!(sent % RB_CLOCK_EVERY) && rb_past_deadline(run))
				rb_stop_at(run, sent);
		}
		if (pending) {
			RB_PUSH_REQ(f, notify);
			if (notify)
				rb_ring(&run->req_bell, &run->req_notifies);
			pending = 0;
		}
		RING_IDX rp = RB_RSP_PROD(f);
		rb_rmb(); /* responses after the index that publishes them */
		if (RB_RSP_OVERFLOW(f, rp))
			return rb_fail(run, "rsp_prod overflow", rp);
		if (rp == f->rsp_cons) {
			if (sent < rb_count(run) && RB_FREE(f))
				continue;
			uint64_t bell = rb_bell(&run->rsp_bell);
			RB_FINAL_RSP(f, more);
			if (!more)
				rb_wait(run, &run->rsp_bell, bell);
			continue;
		}
		for (; f->rsp_cons != rp; f->rsp_cons++, got++) {
			RB_COPY_RSP(f, f->rsp_cons, &rsp);
			if (rsp.id != got || rsp.status != 0)
				return rb_fail(run, "response out of order",
					       rsp.id);
		}
	}
	return NULL;
}

/* The back-end thread: copy each request once, check it, answer with its
 * id; push `batch` responses at a time; final check before waiting. */
static void *RB_NAME(back)(void *arg)
{
	struct rb_run *run = arg;
	RB_BACK *b = run->back;
	uint64_t done = 0;
	unsigned pending = 0;
	struct rb_req req;
	struct rb_rsp *rsp;
	bool notify, more;

	while (done < rb_count(run) && !run->failed) {
		RING_IDX rp = RB_REQ_PROD(b);
		rb_rmb(); /* requests after the index that publishes them */
		if (RB_REQ_OVERFLOW(b, rp))
			return rb_fail(run, "req_prod overflow", rp);
		while (b->req_cons != rp) {
			RB_COPY_REQ(b, b->req_cons, &req);
			b->req_cons++;
			if (!rb_check(&req, done))
				return rb_fail(run, "request corrupt", done);
			rsp = RB_RSP(b, b->rsp_prod_pvt);
			rsp->id = req.id;
			rsp->status = 0;
			b->rsp_prod_pvt++;
			done++;
			if (++pending == run->batch) {
				RB_PUSH_RSP(b, notify);
				if (notify)
					rb_ring(&run->rsp_bell,
						&run->rsp_notifies);
				pending = 0;
			}
		}
		if (pending) {
			RB_PUSH_RSP(b, notify);
			if (notify)
				rb_ring(&run->rsp_bell, &run->rsp_notifies);
			pending = 0;
		}
		if (done >= rb_count(run))
			break;
		uint64_t bell = rb_bell(&run->req_bell);
		RB_FINAL_REQ(b, more);
		if (!more)
			rb_wait(run, &run->req_bell, bell);
	}
	return NULL;
}

/* Set up a ring at index `start` and run both threads once. */
static int RB_NAME(run)(struct rb_run *run, void *area, size_t bytes,
			RING_IDX start)
{
	/* Each side's private state on its own pair of cache lines, as in a
	 * real system (front in the guest, back in atoll): adjacent on one
	 * stack they would falsely share a line, by chance of the layout. */
	_Alignas(128) RB_FRONT f;
	_Alignas(128) RB_BACK b;

	RB_SETUP(&f, &b, (RB_SRING *)area, bytes, start);
	if (f.nr_ents != RB_SLOTS || b.nr_ents != RB_SLOTS) {
		fprintf(stderr, "ringbench: %u slots, want %u\n", f.nr_ents,
			RB_SLOTS);
		return -EINVAL;
	}
	run->front = &f;
	run->back = &b;
	return rb_threads(run, RB_NAME(front), RB_NAME(back));
}
