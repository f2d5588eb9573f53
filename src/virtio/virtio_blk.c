/* virtio-blk (virtio 1.1 section 5.2) on a host disk (io/disk.h), the
 * image the PV block back-end also serves: read, write, flush (durable
 * before the status is written), discard and write-zeroes (a hole punched
 * in the raw file: sparse stays sparse), get-id; read-only images.
 *
 * A request: a 16-byte header {type, reserved, sector} the device reads,
 * data buffers, and one status byte the device writes last.  The guest's
 * buffers are moved through a bounce buffer in chunks (guest memory is
 * reached only by copies, virtq.h), one disk call per chunk. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/disk.h"
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
#define BLK_BOUNCE (256u << 10) /* bytes moved per disk call */
#define BLK_BUDGET 32 /* requests per pass */
#define BLK_DISCARD_MAX_SECTORS (1u << 22) /* 2 GiB per range */

struct virtio_blk {
	struct virtio_dev dev;
	struct disk *disk;
	bool readonly;
	uint8_t *bounce;
	struct virtq_chain chain;
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

/* Read or write `len` bytes at disk byte `off`, the chain's data starting
 * at `data` in its readable (write) or writable (read) part. */
static int blk_rw(struct virtio_blk *b, struct virtq *vq, bool write,
		  uint64_t off, uint64_t data, uint64_t len)
{
	struct disk *d = b->disk;

	while (len) {
		uint64_t n = len < BLK_BOUNCE ? len : BLK_BOUNCE;
		int err;

		if (write) {
			err = virtq_read(vq, &b->chain, data, b->bounce, n);
			if (!err)
				err = d->ops->write(d, off, b->bounce, n);
		} else {
			err = d->ops->read(d, off, b->bounce, n);
			if (!err)
				err = virtq_write(vq, &b->chain, data,
						  b->bounce, n);
		}
		if (err)
			return err;
		off += n;
		data += n;
		len -= n;
	}
	return 0;
}

/* Discard or write-zeroes: one range (max_*_seg = 1) after the header. */
static uint8_t blk_zero(struct virtio_blk *b, struct virtq *vq, bool wz)
{
	struct blk_range r;

	if (b->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (b->chain.out_len != sizeof(struct blk_req_hdr) + sizeof(r) ||
	    virtq_read(vq, &b->chain, sizeof(struct blk_req_hdr), &r,
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

/* Serve one request; *used: bytes written into the guest's buffers. */
static uint8_t blk_do(struct virtio_blk *b, struct virtq *vq,
		      const struct blk_req_hdr *h, uint32_t *used)
{
	static const char id[VIRTIO_BLK_ID_BYTES] = "atoll-virtio-blk";
	uint64_t in = b->chain.in_len - 1, out = b->chain.out_len - sizeof(*h);

	switch (h->type) {
	case VIRTIO_BLK_T_IN:
		if ((in & 511) || !blk_in_disk(b, h->sector, in))
			return VIRTIO_BLK_S_IOERR;
		if (blk_rw(b, vq, false, h->sector << 9, 0, in))
			return VIRTIO_BLK_S_IOERR;
		*used += (uint32_t)in;
		atomic_fetch_add(&b->dev.st.bytes, in);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_OUT:
		if (b->readonly || (out & 511) ||
		    !blk_in_disk(b, h->sector, out))
			return VIRTIO_BLK_S_IOERR;
		if (blk_rw(b, vq, true, h->sector << 9, sizeof(*h), out))
			return VIRTIO_BLK_S_IOERR;
		atomic_fetch_add(&b->dev.st.bytes, out);
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_FLUSH:
		return b->disk->ops->flush(b->disk) ? VIRTIO_BLK_S_IOERR
						    : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		in = in < sizeof(id) ? in : sizeof(id);
		if (virtq_write(vq, &b->chain, 0, id, in))
			return VIRTIO_BLK_S_IOERR;
		*used += (uint32_t)in;
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD: return blk_zero(b, vq, false);
	case VIRTIO_BLK_T_WRITE_ZEROES: return blk_zero(b, vq, true);
	}
	return VIRTIO_BLK_S_UNSUPP;
}

/* One request from the popped chain: 0, or -EPROTO (device broken). */
static int blk_request(struct virtio_blk *b, struct virtq *vq)
{
	struct blk_req_hdr h;
	uint32_t used = 1;
	uint8_t status;

	if (b->chain.out_len < sizeof(h) || b->chain.in_len < 1 ||
	    virtq_read(vq, &b->chain, 0, &h, sizeof(h)))
		return virtio_dev_fail(&b->dev, "block request without "
						"header or status byte");
	status = blk_do(b, vq, &h, &used);
	if (status != VIRTIO_BLK_S_OK)
		atomic_fetch_add(&b->dev.st.errors, 1);
	/* The status byte last: the data are in place when it says OK. */
	if (virtq_write(vq, &b->chain, b->chain.in_len - 1, &status, 1) ||
	    virtq_push(vq, b->chain.head, used))
		return virtio_dev_fail(&b->dev, "used ring unwritable");
	atomic_fetch_add(&b->dev.st.requests, 1);
	return 0;
}

static int blk_serve(struct virtio_dev *dev)
{
	struct virtio_blk *b = dev->priv;
	struct virtq *vq = &dev->vq[0];
	const char *why;
	int n = 0, r = 0;

	if (!vq->ready)
		return 0;
	while (n < BLK_BUDGET && (r = virtq_pop(vq, &b->chain, &why)) == 1) {
		if (blk_request(b, vq))
			return -EPROTO;
		n++;
	}
	if (n)
		virtio_dev_used(dev, 0);
	if (r < 0)
		return virtio_dev_fail(dev, why);
	return n == BLK_BUDGET;
}

static void blk_destroy(struct virtio_dev *dev)
{
	struct virtio_blk *b = dev->priv;

	disk_close(b->disk);
	free(b->bounce);
	free(b);
}

static const struct virtio_dev_ops virtio_blk_ops = {
	.kind = "blk",
	.device_id = VIRTIO_ID_BLOCK,
	.serve = blk_serve,
	.destroy = blk_destroy,
	.threaded = true,
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
	b->bounce = malloc(BLK_BOUNCE);
	if (!b->bounce) {
		free(b);
		return -ENOMEM;
	}
	f |= readonly ? VIRTIO_BIT(VIRTIO_BLK_F_RO)
		      : VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) |
				VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
	err = virtio_dev_init(&b->dev, &virtio_blk_ops, b, name, mem, f, 1,
			      BLK_QUEUE_SIZE, BLK_CFG_LEN, set_irq, irq_ctx);
	if (err) {
		free(b->bounce);
		free(b);
		return err;
	}
	b->disk = disk;
	b->readonly = readonly;
	blk_config(b);
	*out = &b->dev;
	return 0;
}
