/* atoll-os block devices: one interface over the PV front-end (blkfront.c,
 * the blkif ring) and the emulated ATA PIO controller (ata.c), so that the
 * blkbench workload drives both the same way.
 *
 * blkdev_io submits n requests and returns when all have completed: the PV
 * front-end puts them on the ring in batches (one notification per batch
 * when atoll asks for it, up to the ring's size in flight); the PIO
 * driver moves them one word per trapped register access, one at a time.
 * Each request's data is in `pages` (whole 4 KiB pages, kernel
 * addresses), filled in order, 8 sectors per page. */
#ifndef ATOLL_OS_BLKDEV_H
#define ATOLL_OS_BLKDEV_H

#include <stddef.h>
#include <stdint.h>

#define BLK_SECTOR_SIZE 512u
#define BLKREQ_MAX_PAGES 8 /* 32 KiB per request */

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH, BLK_DISCARD };

struct blkreq {
	enum blk_op op;
	uint64_t sector;
	uint32_t nsect; /* <= BLKREQ_MAX_PAGES * 8 (discard: any) */
	void *pages[BLKREQ_MAX_PAGES];
	int status; /* out: 0 or -EIO / -EOPNOTSUPP / -EINVAL */
};

struct blkdev_stats {
	uint64_t requests; /* completed */
	uint64_t exits; /* guest exits to atoll: PIO register accesses,
			 * or hypercalls (notifications) */
	uint64_t irqs; /* completion interrupts / upcalls taken */
	uint64_t bytes;
};

struct blkdev {
	const char *name; /* "pv" or "ata" */
	uint64_t sectors;
	int (*io)(struct blkdev *b, struct blkreq *reqs, unsigned n);
	struct blkdev_stats st;
	void *priv;
};

/* The domain's disk through each path, or NULL (no such device). */
struct blkdev *blkfront_open(const void *dtb);
struct blkdev *ata_open(const void *dtb);

/* PV only (blkbench): at most qd requests in flight (1 .. the ring's
 * 32); holdoff 0 notifies atoll after every request and asks for an
 * event after every response, instead of only when the other side asked
 * (Xen's discipline, the default). */
void blkfront_tune(struct blkdev *b, unsigned qd, int holdoff);

/* Self-test only (workload pvhostile): a PV front-end over `ring` (a
 * page the caller plays atoll's back-end on; no device, no event
 * channel), its state in mem[0..size): NULL if size is too small.
 * blkfront_post puts reqs on the ring as blkdev_io does (status
 * -EINPROGRESS until completed) and returns how many went on it;
 * blkfront_poll consumes the published responses with blkdev_io's own
 * code and returns how many completed.  Neither waits. */
struct blkdev *blkfront_attach(void *mem, size_t size, void *ring);
unsigned blkfront_post(struct blkdev *b, struct blkreq *reqs, unsigned n);
unsigned blkfront_poll(struct blkdev *b);

/* Submit and wait for all n; 0 if every status is 0, else the first
 * error. */
static inline int blkdev_io(struct blkdev *b, struct blkreq *reqs, unsigned n)
{
	return b->io(b, reqs, n);
}

#endif
