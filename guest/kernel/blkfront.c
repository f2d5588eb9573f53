/* The PV block front-end: blkdev.h over Xen's blkif ring (docs/pv-io.md,
 * "Block back-end").  Requests carry grant references to the caller's
 * pages (no copies); up to qd are in flight, refilled as responses come
 * back, several per push, with an event only when atoll asked for one.
 * The calling thread consumes the responses itself and sleeps on the
 * upcall only after a final check.  Responses are copied once and
 * checked: an id not outstanding (never issued, or already completed),
 * or more responses than outstanding, is logged once and ignored; a status
 * out of range is logged once and taken as -EIO.  blkfront_attach runs
 * the same code over a ring the caller owns (the pvhostile self-test). */
#include <errno.h>
#include <string.h>

#include "atoll/abi/blkif.h"
#include "blkdev.h"
#include "kernel.h"
#include "pv.h"

#define NSLOTS 32 /* blkif ring slots in one page */
#define WAIT_TICKS (3 * TICK_HZ) /* no response for this long: dead */
#define PROBE_MAX_SHIFT 40 /* disks up to 2^40 sectors */
/* Poll for responses this long before asking for an event and sleeping:
 * under load they come sooner than an upcall would (issue 5's bounded
 * spin; atoll's back-end spins the same way for requests). */
#define SPIN_US 50

struct blkfront_slot {
	struct blkreq *req; /* NULL: id free */
	grant_ref_t gref[BLKREQ_MAX_PAGES];
	unsigned ngref;
};

struct blkfront {
	struct blkdev dev;
	struct blkif_front front;
	evtchn_port_t port;
	struct pv_waiter waiter;
	unsigned qd, outstanding;
	int holdoff, dead, logged_id, logged_count, logged_status;
	struct blkfront_slot slot[NSLOTS];
};

static union {
	struct blkif_sring s;
	uint8_t page[4096];
} ring_page __attribute__((aligned(4096)));
static uint8_t probe_page[4096] __attribute__((aligned(4096)));
static struct blkfront bf;
static int bf_state; /* 0 not tried, 1 open, < 0 failed */

static void blkfront_event(evtchn_port_t port, void *arg)
{
	struct blkfront *f = arg;

	f->dev.st.irqs++;
	pv_wake(&f->waiter);
}

/* Release a completed request's grants and id; its status from the
 * response's. */
static void blkfront_complete(struct blkfront *f, unsigned id, int16_t st)
{
	struct blkfront_slot *sl = &f->slot[id];
	struct blkreq *r = sl->req;

	for (unsigned i = 0; i < sl->ngref; i++)
		if (gnttab_end(sl->gref[i]))
			printf("blkfront: grant %u still mapped after its "
			       "response: leaked\n",
			       sl->gref[i]);
	if ((st < BLKIF_RSP_EOPNOTSUPP || st > BLKIF_RSP_OKAY) &&
	    !f->logged_status++)
		printf("blkfront: response status %d out of range: taken as "
		       "-EIO\n",
		       st);
	r->status = st == BLKIF_RSP_OKAY	 ? 0
		    : st == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP
						 : -EIO;
	if (!r->status) {
		f->dev.st.requests++;
		if (r->op == BLK_READ || r->op == BLK_WRITE)
			f->dev.st.bytes += (uint64_t)r->nsect * BLK_SECTOR_SIZE;
	}
	sl->req = NULL;
	sl->ngref = 0;
	f->outstanding--;
}

/* Consume the published responses (never more than outstanding);
 * returns how many completed. */
static unsigned blkfront_collect(struct blkfront *f)
{
	struct blkif_front *fr = &f->front;
	uint32_t avail = blkif_unconsumed_responses(fr), done = 0;
	struct blkif_response rsp;

	if (avail > f->outstanding) {
		if (!f->logged_count++)
			printf("blkfront: atoll published %u responses with "
			       "%u outstanding: extra ignored\n",
			       avail, f->outstanding);
		avail = f->outstanding;
	}
	ring_rmb(); /* rsp_prod before the responses it publishes */
	for (uint32_t i = 0; i < avail; i++) {
		blkif_copy_response(fr, fr->rsp_cons++, &rsp);
		if (rsp.id >= NSLOTS || !f->slot[rsp.id].req) {
			if (!f->logged_id++)
				printf("blkfront: response with id %lu not "
				       "outstanding: ignored\n",
				       (unsigned long)rsp.id);
			continue;
		}
		blkfront_complete(f, (unsigned)rsp.id, rsp.status);
		done++;
		if (!f->holdoff)
			ring_write_once(fr->sring->rsp_event, fr->rsp_cons + 1);
	}
	return done;
}

/* Grant r's pages and fill ring slot `ring_idx` with it as id `id`;
 * 0, -EINVAL (bad request) or -ENOSPC (out of grants: retry later). */
static int blkfront_fill(struct blkfront *f, struct blkreq *r, unsigned id,
			 struct blkif_request *q)
{
	struct blkfront_slot *sl = &f->slot[id];
	unsigned npages = (r->nsect + 7) / 8;

	memset(q, 0, sizeof(*q));
	q->id = id;
	q->sector_number = r->sector;
	if (r->op == BLK_FLUSH) {
		q->operation = BLKIF_OP_FLUSH_DISKCACHE;
		return 0;
	}
	if (r->op == BLK_DISCARD) {
		struct blkif_request_discard *d = (void *)q;

		if (!r->nsect)
			return -EINVAL;
		d->operation = BLKIF_OP_DISCARD;
		d->nr_sectors = r->nsect;
		return 0;
	}
	if ((r->op != BLK_READ && r->op != BLK_WRITE) || !r->nsect ||
	    npages > BLKREQ_MAX_PAGES)
		return -EINVAL;
	q->operation = r->op == BLK_READ ? BLKIF_OP_READ : BLKIF_OP_WRITE;
	q->nr_segments = (uint8_t)npages;
	for (unsigned i = 0; i < npages; i++) {
		/* atoll only reads the pages of a write. */
		int ref = gnttab_grant(DOMID_BACKEND, r->pages[i],
				       r->op == BLK_WRITE);
		unsigned n = r->nsect - 8 * i < 8 ? r->nsect - 8 * i : 8;

		if (ref < 0) {
			while (sl->ngref)
				gnttab_end(sl->gref[--sl->ngref]);
			return ref;
		}
		sl->gref[sl->ngref++] = (grant_ref_t)ref;
		q->seg[i] = (struct blkif_request_segment){
			.gref = (grant_ref_t)ref, .last_sect = (uint8_t)(n - 1)
		};
	}
	return 0;
}

/* A free id, or -1. */
static int blkfront_free_id(const struct blkfront *f)
{
	for (unsigned i = 0; i < NSLOTS; i++)
		if (!f->slot[i].req)
			return (int)i;
	return -1;
}

/* Put reqs[*next..n) on the ring while slots, ids and qd allow; one push
 * (holdoff 0: one push and one event per request).  Returns how many
 * went on the ring. */
static unsigned blkfront_submit(struct blkfront *f, struct blkreq *reqs,
				unsigned n, unsigned *next)
{
	struct blkif_front *fr = &f->front;
	unsigned queued = 0;

	while (*next < n && f->outstanding < f->qd && blkif_free_requests(fr)) {
		struct blkreq *r = &reqs[*next];
		int id = blkfront_free_id(f), err;

		if (id < 0)
			break;
		err = blkfront_fill(f, r, (unsigned)id,
				    blkif_request_slot(fr, fr->req_prod_pvt));
		if (err == -ENOSPC && f->outstanding)
			break; /* grants come back with the responses */
		(*next)++;
		if (err) {
			r->status = err;
			continue;
		}
		f->slot[id].req = r;
		f->outstanding++;
		fr->req_prod_pvt++;
		queued++;
		if (!f->holdoff) {
			/* An event for the very next response, too. */
			ring_write_once(fr->sring->rsp_event, fr->rsp_cons + 1);
			blkif_push_requests(fr);
			evtchn_notify(f->port);
			f->dev.st.exits++;
		}
	}
	if (queued && f->holdoff && blkif_push_requests(fr)) {
		evtchn_notify(f->port);
		f->dev.st.exits++;
	}
	return queued;
}

/* Sleep until a response may be there: a short spin, then the final
 * check, so one published meanwhile is not slept through.  0, or
 * -ETIMEDOUT. */
static int blkfront_sleep(struct blkfront *f)
{
	uint64_t end = timer_now_us() + (f->holdoff ? SPIN_US : 0);

	while (timer_now_us() < end)
		if (blkif_unconsumed_responses(&f->front))
			return 0;
	if (blkif_final_check_responses(&f->front))
		return 0;
	if (pv_wait(&f->waiter, WAIT_TICKS) ||
	    blkif_unconsumed_responses(&f->front))
		return 0;
	return -ETIMEDOUT;
}

static int blkfront_io(struct blkdev *b, struct blkreq *reqs, unsigned n)
{
	struct blkfront *f = b->priv;
	unsigned next = 0;

	for (unsigned i = 0; i < n; i++)
		reqs[i].status = -EINPROGRESS;
	if (f->dead)
		return -EIO;
	while (next < n || f->outstanding) {
		blkfront_submit(f, reqs, n, &next);
		if (blkfront_collect(f))
			continue;
		if (f->outstanding && blkfront_sleep(f)) {
			printf("blkfront: no response in %u s with %u "
			       "outstanding: device dead\n",
			       WAIT_TICKS / TICK_HZ, f->outstanding);
			f->dead = 1;
			return -EIO;
		}
	}
	for (unsigned i = 0; i < n; i++)
		if (reqs[i].status)
			return reqs[i].status;
	return 0;
}

/* Can sector s be read?  (atoll answers an error past the disk's end.) */
static int blkfront_probe_one(struct blkfront *f, uint64_t s)
{
	struct blkreq r = { .op = BLK_READ, .sector = s, .nsect = 1 };

	r.pages[0] = probe_page;
	return blkfront_io(&f->dev, &r, 1) == 0;
}

/* The disk's size in sectors: the device tree does not say and there is
 * no xenstore, so find the last readable sector (about 2 log2(size)
 * one-sector reads). */
static uint64_t blkfront_probe_size(struct blkfront *f)
{
	uint64_t lo, hi = 1;
	unsigned sh = 0;

	if (!blkfront_probe_one(f, 0))
		return 0;
	while (sh++ < PROBE_MAX_SHIFT && blkfront_probe_one(f, hi))
		hi *= 2;
	lo = hi / 2; /* readable (or 0); hi is not */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (blkfront_probe_one(f, mid))
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

/* Grant the ring, offer a port, connect block device 0. */
static int blkfront_connect(struct blkfront *f)
{
	struct pvdev_op op = { .type = PVDEV_TYPE_BLOCK, .index = 0 };
	int ref, err;

	blkif_sring_init(&ring_page.s);
	blkif_front_init(&f->front, &ring_page.s, sizeof(ring_page));
	ref = gnttab_grant(DOMID_BACKEND, &ring_page, 0);
	if (ref < 0)
		return ref;
	err = evtchn_alloc_unbound(DOMID_BACKEND, &f->port);
	if (err)
		goto err_grant;
	evtchn_set_handler(f->port, blkfront_event, f);
	evtchn_unmask(f->port);
	op.ring_ref = (uint32_t)ref;
	op.port = f->port;
	err = pvdev_op(PVDEVOP_connect, &op);
	if (err)
		goto err_port;
	return 0;
err_port:
	evtchn_close(f->port);
err_grant:
	gnttab_end((grant_ref_t)ref);
	return err;
}

struct blkdev *blkfront_open(const void *dtb)
{
	struct blkfront *f = &bf;
	int err;

	if (bf_state)
		return bf_state > 0 ? &f->dev : NULL;
	err = pv_init(dtb);
	if (!err)
		err = blkfront_connect(f);
	if (err) {
		printf("blkfront: no PV disk (%d)\n", err);
		bf_state = err;
		return NULL;
	}
	f->dev = (struct blkdev){ .name = "pv", .io = blkfront_io, .priv = f };
	f->qd = f->front.nr_ents < NSLOTS ? f->front.nr_ents : NSLOTS;
	f->holdoff = 1;
	f->dev.sectors = blkfront_probe_size(f);
	f->dev.st = (struct blkdev_stats){ 0 };
	printf("blkfront: disk of %lu sectors, ring of %u\n",
	       (unsigned long)f->dev.sectors, f->front.nr_ents);
	bf_state = 1;
	return &f->dev;
}

void blkfront_tune(struct blkdev *b, unsigned qd, int holdoff)
{
	struct blkfront *f = b->priv;

	if (b->io != blkfront_io)
		return;
	if (qd < 1)
		qd = 1;
	f->qd = qd < f->front.nr_ents ? qd : f->front.nr_ents;
	f->holdoff = holdoff;
}

/* A front-end over `ring` (one page) with its state in mem[0..size), for
 * a self-test that plays atoll's back-end itself: no device, no port. */
struct blkdev *blkfront_attach(void *mem, size_t size, void *ring)
{
	struct blkfront *f = mem;

	if (size < sizeof(*f))
		return NULL;
	memset(f, 0, sizeof(*f));
	blkif_sring_init(ring);
	blkif_front_init(&f->front, ring, PAGE_SIZE);
	f->dev =
		(struct blkdev){ .name = "test", .io = blkfront_io, .priv = f };
	f->qd = f->front.nr_ents < NSLOTS ? f->front.nr_ents : NSLOTS;
	f->holdoff = 1;
	return &f->dev;
}

/* blkdev_io's two halves without its wait: put reqs on the ring (how many
 * went), and consume the published responses (how many completed). */
unsigned blkfront_post(struct blkdev *b, struct blkreq *reqs, unsigned n)
{
	unsigned next = 0;

	for (unsigned i = 0; i < n; i++)
		reqs[i].status = -EINPROGRESS;
	return blkfront_submit(b->priv, reqs, n, &next);
}

unsigned blkfront_poll(struct blkdev *b)
{
	return blkfront_collect(b->priv);
}
