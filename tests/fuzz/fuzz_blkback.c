/* Fuzz target: the PV block back-end's request handling (blkback_pass,
 * src/io/blkback.c, reached through io/blkback_internal.h).  The input is the hostile
 * front-end of domain 1: its grant entries (usually granting data frames
 * to the back-ends, sometimes anything), its ring page (indices and
 * requests: operations, segment counts, grefs, sector ranges, discard
 * lengths), and its moves while atoll works: every disk access lets the
 * guest rewrite request slots and req_prod, as a racing vCPU would.
 *
 * Invariants: every disk access lies inside the disk, and every buffer
 * inside one frame of domain 1 that is pinned while in use; a pass serves
 * at most its budget, answers exactly the requests it consumed and
 * publishes its responses; -EPROTO only when req_prod ran more than a ring
 * ahead; merged requests' vectors stay within the bound; nothing stays pinned but the grant table and the ring; the
 * accounting adds up, and at the end every frame and swap slot is free. */
#include "io/blkback_internal.h"

#include "fuzz_io.h"

#define TABLE_GFN 0x80010ull
#define RING_GFN 0x80018ull
#define DATA_GFN 0x80020ull /* data frames: DATA_GFN .. + 7 */
#define DISK_SECTORS 128
#define NR_REFS 32

static uint8_t fz_disk_bytes[DISK_SECTORS * BLKIF_SECTOR_SIZE];
static struct blkif_sring *fz_sring;
static struct blkback fz_bb;
static struct fz_in fz_guest;

/* The front-end queues n requests from the input at req_prod. */
static void guest_queue(struct fz_in *in, unsigned n)
{
	static const uint8_t ops[] = { BLKIF_OP_READ, BLKIF_OP_WRITE,
				       BLKIF_OP_FLUSH_DISKCACHE,
				       BLKIF_OP_DISCARD };
	ring_idx_t prod = fz_sring->req_prod;

	for (unsigned k = 0; k < n; k++) {
		struct blkif_request rq;
		uint8_t v = fz_u8(in);

		memset(&rq, 0, sizeof(rq));
		rq.operation = v < 240 ? ops[v % 4] : fz_u8(in);
		v = fz_u8(in);
		rq.nr_segments =
			v < 240 ? 1 + v % BLKIF_MAX_SEGMENTS_PER_REQUEST : v;
		rq.id = fz_u64(in);
		v = fz_u8(in);
		rq.sector_number =
			v < 240 ? v % (DISK_SECTORS + 4) : fz_u64(in);
		for (unsigned s = 0; s < BLKIF_MAX_SEGMENTS_PER_REQUEST; s++) {
			v = fz_u8(in);
			rq.seg[s].gref =
				v < 240 ? v % (NR_REFS + 2) : fz_u32(in);
			rq.seg[s].first_sect = fz_u8(in) % 9;
			rq.seg[s].last_sect = fz_u8(in) % 9;
			if (fz_u8(in) >= 248)
				break; /* the rest zero */
		}
		memcpy(&fz_sring->ring[prod++ & (fz_bb.ring.nr_ents - 1)].req,
		       &rq, sizeof(rq));
	}
	if (fz_u8(in) >= 240)
		prod = fz_u32(in);
	__atomic_store_n(&fz_sring->req_prod, prod, __ATOMIC_RELEASE);
}

/* What every disk access must satisfy; then the guest moves. */
static void disk_access(const void *buf, uint64_t off, uint64_t len)
{
	const uint8_t *p = buf, *base = fz_mh.pool.base;
	uint64_t m;

	CHECK(len && off <= sizeof(fz_disk_bytes) &&
	      len <= sizeof(fz_disk_bytes) - off);
	CHECK(p >= base &&
	      p + len <= base + (uint64_t)fz_mh.pool.nframes * PAGE_SIZE);
	m = (uint64_t)(p - base) / PAGE_SIZE;
	CHECK((uint64_t)(p + len - 1 - base) / PAGE_SIZE == m);
	CHECK(atomic_load(&fz_mh.pool.ft[m].owner) == 1);
	CHECK(atomic_load(&fz_mh.pool.ft[m].refs) > 0);
	if (fz_u8(&fz_guest) & 1)
		guest_queue(&fz_guest, fz_u8(&fz_guest) % 3);
}

static int fd_read(struct disk *d, uint64_t off, void *buf, uint64_t len)
{
	disk_access(buf, off, len);
	memcpy(buf, fz_disk_bytes + off, len);
	return 0;
}

static int fd_write(struct disk *d, uint64_t off, const void *buf, uint64_t len)
{
	disk_access(buf, off, len);
	memcpy(fz_disk_bytes + off, buf, len);
	return 0;
}

/* Vectored (merged requests): every piece checked as one access. */
static int fd_rwv(uint64_t off, const struct iovec *iov, int n, bool write)
{
	CHECK(n >= 1 && n <= BLKBACK_MERGE_SEGS);
	for (int i = 0; i < n; i++) {
		if (write)
			fd_write(NULL, off, iov[i].iov_base, iov[i].iov_len);
		else
			fd_read(NULL, off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	return fz_u8(&fz_guest) == 0xfe ? -EIO : 0;
}

static int fd_readv(struct disk *d, uint64_t off, const struct iovec *iov,
		    int n)
{
	return fd_rwv(off, iov, n, false);
}

static int fd_writev(struct disk *d, uint64_t off, const struct iovec *iov,
		     int n)
{
	return fd_rwv(off, iov, n, true);
}

static int fd_flush(struct disk *d)
{
	return fz_u8(&fz_guest) == 0xff ? -EIO : 0;
}

static int fd_discard(struct disk *d, uint64_t off, uint64_t len)
{
	CHECK(len && off <= sizeof(fz_disk_bytes) &&
	      len <= sizeof(fz_disk_bytes) - off);
	memset(fz_disk_bytes + off, 0, len);
	return 0;
}

static const struct disk_ops fz_disk_ops = {
	.read = fd_read,
	.write = fd_write,
	.flush = fd_flush,
	.discard = fd_discard,
	.readv = fd_readv,
	.writev = fd_writev,
};
static struct disk fz_disk = { &fz_disk_ops, sizeof(fz_disk_bytes), -1 };

static void run_passes(struct pvdev *dev)
{
	struct blkif_back *r = &fz_bb.ring;

	for (int pass = 0; pass < 6 && fz_guest.n; pass++) {
		ring_idx_t cons = r->req_cons, rsp = r->rsp_prod_pvt;
		long rc;

		guest_queue(&fz_guest, fz_u8(&fz_guest) % 8);
		rc = blkback_pass(dev, &fz_bb);
		fz_check_pins(2);
		if (rc == -EPROTO) {
			CHECK(blkif_request_prod_overflow(r,
							  fz_sring->req_prod));
			return; /* disconnected */
		}
		CHECK(rc >= 0 && rc <= BLKBACK_BUDGET);
		CHECK(r->req_cons - cons == (ring_idx_t)rc);
		CHECK(r->rsp_prod_pvt - rsp == (ring_idx_t)rc);
		CHECK(fz_sring->rsp_prod == r->rsp_prod_pvt);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvdev dev = { .domid = 1, .type = PVDEV_TYPE_BLOCK };
	ring_idx_t start;
	void *ring;
	uint32_t ring_mfn;

	fz_guest = (struct fz_in){ data, size };
	fz_doms_create(NULL);
	fz_backend_grants(&fz_guest, TABLE_GFN, DATA_GFN, NR_REFS);
	CHECK(!io_pin(fz_mem[0], RING_GFN, true, &ring, &ring_mfn));
	fz_sring = ring;
	memset(&fz_bb, 0, sizeof(fz_bb));
	fz_bb.disk = &fz_disk;
	start = fz_u32(&fz_guest);
	fz_sring->req_prod = fz_sring->rsp_prod = start;
	blkif_back_init(&fz_bb.ring, fz_sring, RING_PAGE_SIZE);
	fz_bb.ring.rsp_prod_pvt = fz_bb.ring.req_cons = start;
	dev.dom = fz_dom[0];
	dev.ring.ptr = ring;
	dev.priv = &fz_bb;
	run_passes(&dev);
	io_unpin(fz_mem[0], ring_mfn);
	fz_doms_destroy();
	return 0;
}
