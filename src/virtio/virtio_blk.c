/* virtio-blk (virtio 1.1 section 5.2) on a host disk (io/disk.h), the
 * image the PV block back-end also serves: read, write, flush (durable
 * before the status is written), discard and write-zeroes (a hole punched
 * in the raw file: sparse stays sparse), get-id; read-only images.
 *
 * A request: a 16-byte header {type, reserved, sector} the device reads,
 * data buffers, and one status byte the device writes last.  Reads and
 * writes go straight between the image and the guest's pages (pinned
 * through the P2M while the I/O runs, virtq_map) with up to BLK_INFLIGHT
 * of them in flight at once (io/disk_aio.h: io_uring), answered in the
 * order they complete; a flush waits for everything before it.  The rest
 * (discard, write-zeroes, get-id) is short and done on the spot.
 * docs/virtio.md draws the flow. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/disk.h"
#include "io/disk_aio.h"
#include "virtio/virtio_devs.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_WZ_UNMAP 1u
#define VIRTIO_BLK_ID_BYTES 20

/* Config space offsets (5.2.4). */
#define BLK_CFG_CAPACITY 0 /* u64, 512-byte sectors */
#define BLK_CFG_SIZE_MAX 8
#define BLK_CFG_SEG_MAX 12
#define BLK_CFG_BLK_SIZE 20
#define BLK_CFG_MAX_DISCARD_SECTORS 36
#define BLK_CFG_MAX_DISCARD_SEG 40
#define BLK_CFG_DISCARD_ALIGN 44
#define BLK_CFG_MAX_WZ_SECTORS 48
#define BLK_CFG_MAX_WZ_SEG 52
#define BLK_CFG_WZ_MAY_UNMAP 56
#define BLK_CFG_LEN 60

#define BLK_QUEUE_SIZE 256
#define BLK_SEG_MAX (VIRTQ_MAX_SEGS - 2) /* plus header and status */
#define BLK_SIZE_MAX (128u << 10) /* per buffer: 258 of them < 64 MiB */
#define BLK_INFLIGHT 32 /* requests on the host at once */
/* Guest pages one host call moves (2 MiB: a whole Linux request as it
 * comes by default, max_sectors_kb 1280, however its pages lie); a
 * larger request goes to the image in parts of this, one after another. */
#define BLK_PART_PAGES 512
#define BLK_BUDGET 32 /* requests taken per pass */
#define BLK_DISCARD_MAX_SECTORS (1u << 22) /* 2 GiB per range */

/* A request on the host: its chain, where its data go on disk and in the
 * chain, and the pinned view of the part in flight. */
struct blk_req {
	struct virtq_chain chain;
	bool write;
	bool busy; /* counted in the board's io_busy */
	uint64_t taken_ns; /* when it was popped (st.io_ns) */
	uint64_t off, data, left; /* next part: disk byte, chain byte, bytes */
	uint64_t bytes; /* data bytes in all */
	struct virtq_map map;
	struct iovec iov[BLK_PART_PAGES];
	uint32_t mfn[BLK_PART_PAGES];
};

struct virtio_blk {
	struct virtio_dev dev;
	struct disk *disk;
	struct disk_aio *aio;
	bool readonly;
	bool dropping; /* reset/stop: completions are dropped, not answered */
	unsigned pushed; /* used entries since the last interrupt decision */
	unsigned unbusy; /* answered, still in io_busy until that decision */
	unsigned nfree;
	struct blk_req *free[BLK_INFLIGHT];
	/* Answered, pages still pinned: unpinned and freed after the
	 * interrupt decision (blk_interrupt), so the vCPU's wake-up does
	 * not wait for 256 unpins. */
	unsigned nanswered;
	struct blk_req *answered[BLK_INFLIGHT];
	struct blk_req req[BLK_INFLIGHT];
};

struct blk_req_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

struct blk_range {
	uint64_t sector;
	uint32_t num_sectors, flags;
};

/* Is [sector, +bytes) on the disk? */
static bool blk_in_disk(const struct virtio_blk *b, uint64_t sector,
			uint64_t bytes)
{
	uint64_t sectors = b->disk->size >> 9;

	return sector <= sectors && (bytes >> 9) <= sectors - sector;
}

/* Answer request q with status (the data, if any, are in place and the
 * host is done with its pages): the status byte last, then the used ring;
 * its pages are unpinned and its slot freed by blk_release. */
static int blk_answer(struct virtio_blk *b, struct blk_req *q, uint8_t status,
		      uint32_t used)
{
	struct virtq *vq = &b->dev.vq[0];
	const struct virtq_chain *c = &q->chain;
	int err;

	b->answered[b->nanswered++] = q;
	if (q->busy) {
		q->busy = false;
		b->unbusy++;
	}
	if (status != VIRTIO_BLK_S_OK)
		atomic_fetch_add(&b->dev.st.errors, 1);
	err = virtq_write(vq, c, c->in_len - 1, &status, 1);
	if (!err)
		err = virtq_push(vq, c->head, used + 1);
	if (err)
		return virtio_dev_fail(&b->dev, "used ring unwritable");
	atomic_fetch_add(&b->dev.st.requests, 1);
	if (q->bytes)
		virtio_lat_add(&b->dev.st.io, virtio_now_ns() - q->taken_ns);
	b->pushed++;
	return 0;
}

/* Pin the next part of q's data and queue it: 0, or -errno (the request
 * fails with IOERR: a page the guest gave away, or no slot). */
static int blk_part(struct virtio_blk *b, struct blk_req *q)
{
	struct virtq *vq = &b->dev.vq[0];
	int err;

	q->map.iov = q->iov;
	q->map.mfn = q->mfn;
	q->map.iov_max = q->map.pin_max = BLK_PART_PAGES;
	err = virtq_map(vq, &q->chain, !q->write, q->data, q->left, &q->map);
	if (err)
		return err;
	err = disk_aio_rw(b->aio, q->write, q->off, q->iov, (int)q->map.niov,
			  q);
	if (err)
		virtq_unmap(vq, &q->map);
	return err;
}

/* Unpin the pages of what was answered and free their slots. */
static void blk_release(struct virtio_blk *b)
{
	while (b->nanswered) {
		struct blk_req *q = b->answered[--b->nanswered];

		virtq_unmap(&b->dev.vq[0], &q->map);
		b->free[b->nfree++] = q;
	}
}

/* A completion (disk_aio_done_fn): the next part, or the answer (its
 * pages stay pinned until blk_release: the host no longer touches them,
 * and the interrupt goes first). */
static void blk_done(void *ctx, void *tag, int res)
{
	struct virtio_blk *b = ctx;
	struct blk_req *q = tag;
	uint64_t moved = q->map.bytes;

	if (b->dropping || !virtio_dev_live(&b->dev)) {
		virtq_unmap(&b->dev.vq[0], &q->map);
		b->free[b->nfree++] = q;
		if (q->busy) { /* no interrupt will come for it */
			q->busy = false;
			atomic_fetch_sub(b->dev.io_busy, 1);
		}
		return;
	}
	if (!res && q->left) { /* a read or write, not a flush */
		q->off += moved;
		q->data += moved;
		q->left -= moved;
		if (q->left) {
			virtq_unmap(&b->dev.vq[0], &q->map);
			if ((res = blk_part(b, q)) == 0)
				return;
		}
	}
	if (!res)
		atomic_fetch_add(&b->dev.st.bytes, q->bytes);
	blk_answer(b, q, res ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK,
		   res || q->write ? 0 : (uint32_t)q->bytes);
}

/* Discard or write-zeroes: one range (max_*_seg = 1) after the header. */
static uint8_t blk_zero(struct virtio_blk *b, const struct virtq_chain *c,
			bool wz)
{
	struct blk_range r;

	if (b->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (c->out_len != sizeof(struct blk_req_hdr) + sizeof(r) ||
	    virtq_read(&b->dev.vq[0], c, sizeof(struct blk_req_hdr), &r,
		       sizeof(r)))
		return VIRTIO_BLK_S_UNSUPP;
	if (r.flags & ~(wz ? VIRTIO_BLK_WZ_UNMAP : 0))
		return VIRTIO_BLK_S_UNSUPP;
	if (r.num_sectors > BLK_DISCARD_MAX_SECTORS ||
	    !blk_in_disk(b, r.sector, (uint64_t)r.num_sectors << 9))
		return VIRTIO_BLK_S_IOERR;
	if (b->disk->ops->discard(b->disk, r.sector << 9,
				  (uint64_t)r.num_sectors << 9))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/* Start a read or write: 0 if it went to the host, else the status. */
static uint8_t blk_rw(struct virtio_blk *b, struct blk_req *q,
		      const struct blk_req_hdr *h)
{
	const struct virtq_chain *c = &q->chain;

	q->write = h->type == VIRTIO_BLK_T_OUT;
	q->bytes = q->write ? c->out_len - sizeof(*h) : c->in_len - 1;
	if ((q->write && b->readonly) || (q->bytes & 511) ||
	    !blk_in_disk(b, h->sector, q->bytes))
		return VIRTIO_BLK_S_IOERR;
	if (!q->bytes)
		return VIRTIO_BLK_S_OK;
	q->off = h->sector << 9;
	q->data = q->write ? sizeof(*h) : 0;
	q->left = q->bytes;
	/* Its completion is microseconds away (the page cache), unlike a
	 * flush's: the vCPUs' WFI may poll for it (machine.h's io_busy).
	 * Counted before the host call starts: the guest's vCPU goes idle
	 * while a synchronous write is still copying. */
	if (b->dev.io_busy) {
		q->busy = true;
		atomic_fetch_add(b->dev.io_busy, 1);
	}
	return blk_part(b, q) ? VIRTIO_BLK_S_IOERR : 0;
}

/* Start the request in q (popped into q->chain): on the host, or
 * answered at once.  0, or -EPROTO (device broken). */
static int blk_start(struct virtio_blk *b, struct blk_req *q)
{
	static const char id[VIRTIO_BLK_ID_BYTES] = "atoll-virtio-blk";
	struct virtq *vq = &b->dev.vq[0];
	const struct virtq_chain *c = &q->chain;
	struct blk_req_hdr h;
	uint8_t status = VIRTIO_BLK_S_UNSUPP;
	uint64_t n;

	if (c->out_len < sizeof(h) || c->in_len < 1 ||
	    virtq_read(vq, c, 0, &h, sizeof(h))) {
		b->free[b->nfree++] = q;
		return virtio_dev_fail(&b->dev, "block request without "
						"header or status byte");
	}
	q->left = q->bytes = 0;
	q->busy = false;
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		status = blk_rw(b, q, &h);
		if (!status && q->left)
			return 0; /* on the host */
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (!disk_aio_flush(b->aio, q))
			return 0;
		status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_GET_ID:
		n = c->in_len - 1 < sizeof(id) ? c->in_len - 1 : sizeof(id);
		if (virtq_write(vq, c, 0, id, n))
			return blk_answer(b, q, VIRTIO_BLK_S_IOERR, 0);
		return blk_answer(b, q, VIRTIO_BLK_S_OK, (uint32_t)n);
	case VIRTIO_BLK_T_DISCARD: status = blk_zero(b, c, false); break;
	case VIRTIO_BLK_T_WRITE_ZEROES: status = blk_zero(b, c, true); break;
	}
	return blk_answer(b, q, status, 0);
}

/* Answer what completed (at most a full set of slots per call). */
static void blk_reap(struct virtio_blk *b)
{
	disk_aio_reap(b->aio, blk_done, b, BLK_INFLIGHT);
}

/* Let every request in flight end without answering it (reset, stop, a
 * broken queue): their pages are unpinned before the guest reuses them. */
static void blk_drop_all(struct virtio_blk *b)
{
	blk_release(b);
	b->dropping = true;
	disk_aio_drain(b->aio, blk_done, b);
	b->dropping = false;
}

/* Tell the driver about what was answered since the last look (one
 * interrupt decision for all of it), then unpin its pages. */
static void blk_interrupt(struct virtio_blk *b)
{
	if (b->pushed) {
		b->pushed = 0;
		virtio_dev_used(&b->dev, 0);
	}
	/* After the interrupt: a vCPU polling in WFI must find it raised
	 * before it finds the count fallen, or it would go to sleep just
	 * before it came. */
	if (b->unbusy) {
		atomic_fetch_sub(b->dev.io_busy, b->unbusy);
		b->unbusy = 0;
	}
	blk_release(b);
}

/* A pass: answer completions, take new requests while slots are free,
 * hand them to the host, answer what already completed.  What completes
 * at once (a read the page cache holds, a write made here: disk_aio.h)
 * is answered before the next request's I/O starts, and the driver is
 * interrupted then: it works on that completion while this thread does
 * the next request's I/O, instead of waiting for the whole pass. */
static int blk_serve(struct virtio_dev *dev)
{
	struct virtio_blk *b = dev->priv;
	struct virtq *vq = &dev->vq[0];
	const char *why = 0;
	int n = 0, r = 0;

	if (!vq->ready) {
		virtio_dev_kick_taken(dev);
		return 0;
	}
	blk_reap(b);
	while (n < BLK_BUDGET && b->nfree && virtio_dev_live(dev)) {
		struct blk_req *q = b->free[--b->nfree];

		r = virtq_pop(vq, &q->chain, &why);
		if (r != 1) {
			b->free[b->nfree++] = q;
			break;
		}
		q->taken_ns = virtio_now_ns();
		if (blk_start(b, q))
			break;
		n++;
		if (disk_aio_ready(b->aio))
			blk_reap(b);
		blk_interrupt(b);
	}
	disk_aio_submit(b->aio);
	blk_reap(b);
	blk_interrupt(b);
	virtio_dev_kick_taken(dev);
	if (r < 0)
		virtio_dev_fail(dev, why);
	if (!virtio_dev_live(dev)) {
		blk_drop_all(b);
		return -EPROTO;
	}
	/* More now: slots for requests still waiting, or completions that
	 * came meanwhile or stayed behind (a synchronous disk_aio signals
	 * nothing: what it did is ready at once). */
	return (n == BLK_BUDGET && b->nfree) || disk_aio_ready(b->aio);
}

static void blk_reset(struct virtio_dev *dev)
{
	blk_drop_all(dev->priv);
	virtio_dev_kick_taken(dev);
}

static bool blk_busy(struct virtio_dev *dev)
{
	struct virtio_blk *b = dev->priv;

	return disk_aio_inflight(b->aio) != 0;
}

static void blk_destroy(struct virtio_dev *dev)
{
	struct virtio_blk *b = dev->priv;

	if (b->aio)
		blk_drop_all(b);
	disk_aio_destroy(b->aio);
	disk_close(b->disk);
	free(b);
}

static const struct virtio_dev_ops virtio_blk_ops = {
	.kind = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.serve = blk_serve,
	.reset = blk_reset,
	.stop = blk_reset,
	.busy = blk_busy,
	.destroy = blk_destroy,
	.threaded = true,
	.busy_poll = true,
};

static void blk_put32(uint8_t *cfg, unsigned off, uint32_t v)
{
	memcpy(cfg + off, &v, sizeof(v));
}

/* The config space (5.2.4): fixed for the device's life. */
static void blk_config(struct virtio_blk *b)
{
	uint8_t *c = b->dev.config;
	uint64_t cap = b->disk->size >> 9;

	memcpy(c + BLK_CFG_CAPACITY, &cap, sizeof(cap));
	blk_put32(c, BLK_CFG_SIZE_MAX, BLK_SIZE_MAX);
	blk_put32(c, BLK_CFG_SEG_MAX, BLK_SEG_MAX);
	blk_put32(c, BLK_CFG_BLK_SIZE, 512);
	blk_put32(c, BLK_CFG_MAX_DISCARD_SECTORS, BLK_DISCARD_MAX_SECTORS);
	blk_put32(c, BLK_CFG_MAX_DISCARD_SEG, 1);
	blk_put32(c, BLK_CFG_DISCARD_ALIGN, 8); /* 4 KiB: the host's holes */
	blk_put32(c, BLK_CFG_MAX_WZ_SECTORS, BLK_DISCARD_MAX_SECTORS);
	blk_put32(c, BLK_CFG_MAX_WZ_SEG, 1);
	c[BLK_CFG_WZ_MAY_UNMAP] = 1;
}

int virtio_blk_create(struct virtio_dev **out, const char *name,
		      struct dom_mem *mem, struct disk *disk, bool readonly,
		      void (*set_irq)(void *ctx, int level), void *irq_ctx)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		     VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX) |
		     VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) |
		     VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
		     VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	struct virtio_blk *b = calloc(1, sizeof(*b));
	int err;

	if (!b)
		return -ENOMEM;
	f |= readonly ? VIRTIO_BIT(VIRTIO_BLK_F_RO)
		      : VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
				VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	err = virtio_dev_init(&b->dev, &virtio_blk_ops, b, name, mem, f, 1,
			      BLK_QUEUE_SIZE, BLK_CFG_LEN, set_irq, irq_ctx);
	if (err) {
		free(b);
		return err;
	}
	/* Completions wake the device's thread like the driver's kicks. */
	err = disk_aio_create(disk, BLK_INFLIGHT, b->dev.kick_fd, 0, &b->aio);
	if (err) {
		virtio_dev_destroy(&b->dev); /* b->disk unset: the caller's */
		return err;
	}
	for (unsigned i = 0; i < BLK_INFLIGHT; i++)
		b->free[b->nfree++] = &b->req[BLK_INFLIGHT - 1 - i];
	b->disk = disk;
	b->readonly = readonly;
	blk_config(b);
	*out = &b->dev;
	return 0;
}
