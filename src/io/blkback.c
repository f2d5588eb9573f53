/* The PV block back-end: one I/O thread per connected disk, woken by the
 * guest's event channel, serves the blkif ring (atoll/abi/blkif.h) from
 * the domain's disk image (disk.h).
 *
 * The front-end is hostile: each request is copied out of the ring once
 * and validated from the copy only; req_prod is checked against what the
 * ring can hold (a violation disconnects the device with one log line);
 * segments reach guest memory only through grants; responses are written
 * field by field.  Requests are served in ring order, so a flush that is
 * answered after fdatasync covers every write answered before it.
 *
 * Batched submission: consecutive reads (or writes) of one pass that
 * continue each other on disk, up to BLKBACK_MERGE requests, reach the
 * image in one vectored call (raw: one preadv/pwritev); their answers
 * follow in ring order. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atoll/abi/blkif.h"
#include "io/blkback.h"
#include "io/blkback_internal.h"
#include "io/disk.h"
#include "io/evtchn.h"
#include "io/io_dom.h"
#include "io/pvdev.h"
#include "io/pvdev_thread.h"

#define BLKBACK_BATCH 16 /* responses per push */
#define SECT_PER_FRAME (4096 / BLKIF_SECTOR_SIZE)

/* Is [sector, sector + n) inside the disk?  (Overflow-safe.) */
static bool blkback_in_disk(const struct disk *disk, uint64_t sector,
			    uint64_t n)
{
	uint64_t total = disk->size / BLKIF_SECTOR_SIZE;

	return n <= total && sector <= total - n;
}

/* Check a read/write request's segments and range: sectors in all, or 0
 * if the request is invalid. */
static uint64_t blkback_rw_sectors(const struct disk *disk,
				   const struct blkif_request *req)
{
	uint64_t n = 0;

	if (req->nr_segments < 1 ||
	    req->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		return 0;
	for (unsigned i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *s = &req->seg[i];

		if (s->first_sect > s->last_sect ||
		    s->last_sect >= SECT_PER_FRAME)
			return 0;
		n += (uint64_t)(s->last_sect - s->first_sect + 1);
	}
	return blkback_in_disk(disk, req->sector_number, n) ? n : 0;
}

/* Publish the responses so far; an event only if the front-end asked. */
static void blkback_push(struct pvdev *dev, struct blkback *bb)
{
	bb->unpushed = 0;
	if (blkif_push_responses(&bb->ring) &&
	    !evtchn_notify(dev->dom, dev->port))
		bb->st.notifies++;
}

/* Answer one request, field by field (no stale bytes of ours reach the
 * guest); publish every BLKBACK_BATCH answers. */
static void blkback_respond(struct pvdev *dev, struct blkback *bb, uint64_t id,
			    uint8_t op, int16_t status)
{
	struct blkif_back *r = &bb->ring;
	struct blkif_response *rsp = blkif_response_slot(r, r->rsp_prod_pvt);

	ring_write_once(rsp->id, id);
	ring_write_once(rsp->operation, op);
	ring_write_once(rsp->status, status);
	r->rsp_prod_pvt++;
	bb->st.requests++;
	if (status != BLKIF_RSP_OKAY)
		bb->st.errors++;
	if (++bb->unpushed == BLKBACK_BATCH)
		blkback_push(dev, bb);
}

/* The batch's data in one vectored call, or a loop if the image has none. */
static int blkback_batch_io(struct blkback *bb)
{
	struct blkback_batch *b = &bb->batch;
	const struct disk_ops *ops = bb->disk->ops;
	uint64_t off = b->off;
	int err = 0;

	if (b->write && ops->writev)
		return ops->writev(bb->disk, off, b->iov, (int)b->nseg);
	if (!b->write && ops->readv)
		return ops->readv(bb->disk, off, b->iov, (int)b->nseg);
	for (unsigned i = 0; i < b->nseg && !err; i++) {
		void *p = b->iov[i].iov_base;
		uint64_t len = b->iov[i].iov_len;

		err = b->write ? ops->write(bb->disk, off, p, len)
			       : ops->read(bb->disk, off, p, len);
		off += len;
	}
	return err;
}

/* Move the batch's data, unmap its grants (before the answers: a
 * front-end may end its grants once answered), answer its requests in
 * ring order.  An I/O error fails every request of the batch. */
static void blkback_batch_submit(struct pvdev *dev, struct blkback *bb)
{
	struct blkback_batch *b = &bb->batch;
	int err;

	if (!b->nreq)
		return;
	err = blkback_batch_io(bb);
	while (b->nseg)
		grant_unmap(&b->map[--b->nseg]);
	for (unsigned i = 0; i < b->nreq; i++) {
		if (!err)
			bb->st.bytes += b->len[i];
		blkback_respond(dev, bb, b->id[i], b->op[i],
				err ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
	}
	b->nreq = 0;
}

/* Map req's segments into the batch (after its last): 0, or grant_map's
 * error with none of req's left mapped (a bad gref means no I/O). */
static int blkback_batch_map(struct pvdev *dev, struct blkback_batch *b,
			     const struct blkif_request *req)
{
	bool write = req->operation == BLKIF_OP_WRITE;
	unsigned first = b->nseg;

	for (unsigned i = 0; i < req->nr_segments; i++) {
		const struct blkif_request_segment *s = &req->seg[i];
		struct grant_mapping *m = &b->map[b->nseg];
		/* Writes to disk only read guest memory. */
		int err = grant_map(dev->dom, DOMID_BACKEND, s->gref, write, m);

		if (err) {
			while (b->nseg > first)
				grant_unmap(&b->map[--b->nseg]);
			return err;
		}
		b->iov[b->nseg].iov_base =
			(uint8_t *)m->ptr +
			(size_t)s->first_sect * BLKIF_SECTOR_SIZE;
		b->iov[b->nseg++].iov_len =
			(size_t)(s->last_sect - s->first_sect + 1) *
			BLKIF_SECTOR_SIZE;
	}
	return 0;
}

/* READ or WRITE: join the batch if it continues it on disk, else submit
 * the batch first.  A request that is invalid or whose grants do not all
 * map moves no data and is answered with an error after the batch. */
static void blkback_rw(struct pvdev *dev, struct blkback *bb,
		       const struct blkif_request *req)
{
	struct blkback_batch *b = &bb->batch;
	bool write = req->operation == BLKIF_OP_WRITE;
	uint64_t n = blkback_rw_sectors(bb->disk, req);
	uint64_t off = req->sector_number * BLKIF_SECTOR_SIZE;

	if (b->nreq &&
	    (b->write != write || b->end != off || b->nreq == BLKBACK_MERGE))
		blkback_batch_submit(dev, bb);
	if (!n || blkback_batch_map(dev, b, req)) {
		blkback_batch_submit(dev, bb);
		blkback_respond(dev, bb, req->id, req->operation,
				BLKIF_RSP_ERROR);
		return;
	}
	if (!b->nreq) {
		b->write = write;
		b->off = off;
	}
	b->id[b->nreq] = req->id;
	b->op[b->nreq] = req->operation;
	b->len[b->nreq++] = n * BLKIF_SECTOR_SIZE;
	b->end = off + n * BLKIF_SECTOR_SIZE;
}

static int16_t blkback_discard(struct blkback *bb,
			       const struct blkif_request *req)
{
	struct blkif_request_discard dr;

	memcpy(&dr, req, sizeof(dr)); /* the same slot, another view */
	if (!dr.nr_sectors ||
	    !blkback_in_disk(bb->disk, dr.sector_number, dr.nr_sectors))
		return BLKIF_RSP_ERROR;
	if (bb->disk->ops->discard(bb->disk,
				   dr.sector_number * BLKIF_SECTOR_SIZE,
				   dr.nr_sectors * BLKIF_SECTOR_SIZE))
		return BLKIF_RSP_ERROR;
	return BLKIF_RSP_OKAY;
}

/* Serve one request (already copied out of the ring).  Anything but a
 * read or write submits the batch first: ring order is disk order, so a
 * flush covers every write answered before it. */
static void blkback_do(struct pvdev *dev, struct blkback *bb,
		       const struct blkif_request *req)
{
	int16_t status = BLKIF_RSP_EOPNOTSUPP;

	if (req->operation == BLKIF_OP_READ ||
	    req->operation == BLKIF_OP_WRITE) {
		blkback_rw(dev, bb, req);
		return;
	}
	blkback_batch_submit(dev, bb);
	if (req->operation == BLKIF_OP_FLUSH_DISKCACHE)
		/* Durable before acknowledged: survives kill -9 of atoll. */
		status = bb->disk->ops->flush(bb->disk) ? BLKIF_RSP_ERROR
							: BLKIF_RSP_OKAY;
	else if (req->operation == BLKIF_OP_DISCARD)
		status = blkback_discard(bb, req);
	blkback_respond(dev, bb, req->id, req->operation, status);
}

/* Serve up to BLKBACK_BUDGET requests, every one answered before the
 * pass ends.  Returns the number served, or -EPROTO if the front-end
 * broke the protocol (logged). */
long blkback_pass(struct pvdev *dev, struct blkback *bb)
{
	struct blkif_back *r = &bb->ring;
	ring_idx_t prod = ring_read_once(r->sring->req_prod);
	struct blkif_request req;
	long done = 0;

	ring_rmb(); /* requests after the index that publishes them */
	if (blkif_request_prod_overflow(r, prod)) {
		pvdev_log_overflow(dev, "block", "", prod, r->rsp_prod_pvt,
				   r->nr_ents);
		return -EPROTO;
	}
	while (r->req_cons != prod && done < BLKBACK_BUDGET) {
		blkif_copy_request(r, r->req_cons, &req);
		r->req_cons++;
		blkback_do(dev, bb, &req);
		done++;
	}
	blkback_batch_submit(dev, bb);
	if (bb->unpushed)
		blkback_push(dev, bb);
	return done;
}

static long blkback_loop_pass(struct pvdev *dev, void *priv)
{
	return blkback_pass(dev, priv);
}

static bool blkback_pending(void *priv)
{
	return blkif_unconsumed_requests(&((struct blkback *)priv)->ring);
}

static bool blkback_final_check(void *priv)
{
	return blkif_final_check_requests(&((struct blkback *)priv)->ring);
}

static const struct pvdev_loop blkback_loop = {
	.pass = blkback_loop_pass,
	.pending = blkback_pending,
	.final_check = blkback_final_check,
	.budget = BLKBACK_BUDGET,
	.spin_ns = PVDEV_SPIN_NS,
};

static void *blkback_thread(void *arg)
{
	struct pvdev *dev = arg;
	struct blkback *bb = dev->priv;

	pvdev_loop_run(dev, &blkback_loop, bb, &bb->st);
	return NULL;
}

static int blkback_start(struct pvdev *dev)
{
	struct blkback *bb;
	struct blkif_sring *s = dev->ring.ptr;
	int err;

	if (!dev->env.disk)
		return -ENODEV;
	bb = calloc(1, sizeof(*bb));
	if (!bb)
		return -ENOMEM;
	bb->disk = dev->env.disk;
	blkif_back_init(&bb->ring, s, RING_PAGE_SIZE);
	/* Start where the front-end's ring is; the indices are ours now. */
	bb->ring.rsp_prod_pvt = ring_read_once(s->rsp_prod);
	bb->ring.req_cons = bb->ring.rsp_prod_pvt;
	dev->priv = bb;
	err = io_thread_start(&dev->thread, blkback_thread, dev);
	if (err) {
		free(bb);
		dev->priv = NULL;
		return err;
	}
	return 0;
}

static void blkback_stop(struct pvdev *dev)
{
	struct blkback *bb = dev->priv;

	io_thread_stop(&dev->thread);
	free(bb);
	dev->priv = NULL;
}

void blkback_get_stats(const struct pvdev *dev, struct pvdev_stats *st)
{
	const struct blkback *bb = dev->priv;

	*st = bb ? bb->st : (struct pvdev_stats){ 0 };
}

const struct pvdev_ops blkback_ops = {
	.name = "block",
	.start = blkback_start,
	.stop = blkback_stop,
	.get_stats = blkback_get_stats,
};
