/* The PV block back-end's request handling (blkback_pass, through
 * io/blkback_internal.h), deterministic: no thread, no timing.  A guest
 * (domain 1 with its grant table and ring page in its own memory) queues
 * requests; one pass serves them against an in-memory disk of 128 sectors;
 * each response and the disk and guest bytes are checked field by field.
 * Hostile requests (bad segments, bad or read-only grants, ranges past
 * the disk, unknown operations, a req_prod past the ring) get their error
 * and move no data. */
#include "atoll/abi/grant_table.h"
#include "check.h"
#include "io/blkback_internal.h"
#include "io_test_util.h"

#define TABLE_GFN (IT_BASE_GFN + 0x10)
#define RING_GFN (IT_BASE_GFN + 0x18)
#define DATA_GFN (IT_BASE_GFN + 0x20) /* data frames D0..D3 */
#define NR_REFS 8 /* refs 0-3: D0-D3 writable; 4: D0 read-only */
#define RO_REF 4
#define OTHER_REF 5 /* D1, granted to domain 7 */
#define SECTORS 128

static uint8_t disk_bytes[SECTORS * 512];
static unsigned disk_calls, flushes;

static int d_read(struct disk *d, uint64_t off, void *buf, uint64_t len)
{
	disk_calls++;
	CHECK(off <= sizeof(disk_bytes) && len <= sizeof(disk_bytes) - off);
	memcpy(buf, disk_bytes + off, len);
	return 0;
}

static int d_write(struct disk *d, uint64_t off, const void *buf, uint64_t len)
{
	disk_calls++;
	CHECK(off <= sizeof(disk_bytes) && len <= sizeof(disk_bytes) - off);
	memcpy(disk_bytes + off, buf, len);
	return 0;
}

static int d_flush(struct disk *d)
{
	flushes++;
	return 0;
}

static int d_discard(struct disk *d, uint64_t off, uint64_t len)
{
	disk_calls++;
	CHECK(off <= sizeof(disk_bytes) && len <= sizeof(disk_bytes) - off);
	memset(disk_bytes + off, 0, len);
	return 0;
}

static const struct disk_ops d_ops = { d_read, d_write, d_flush, d_discard };
static struct disk disk = { &d_ops, sizeof(disk_bytes), -1 };

static struct mem_host mh;
static struct dom_mem *mem;
static struct pvdev dev = { .domid = 1, .type = PVDEV_TYPE_BLOCK };
static struct blkback bb;
static struct blkif_sring *sring;
static struct blkif_front front;
static uint32_t ring_mfn;

static void set_grant(grant_ref_t ref, uint16_t flags, domid_t to, uint64_t gfn)
{
	struct grant_entry_v1 e = { flags, to, (uint32_t)gfn };

	CHECK(!dom_mem_write(mem, (TABLE_GFN << PAGE_SHIFT) + ref * sizeof(e),
			     &e, sizeof(e)));
}

static void setup(void)
{
	uint64_t t = TABLE_GFN;
	void *ring;

	if (it_host(&mh, 512) || !(mem = it_dom(&mh, 1)) ||
	    io_dom_attach(mem, NULL, NULL, &dev.dom)) {
		printf("FAIL: cannot set up the host\n");
		exit(2);
	}
	CHECK(grant_set_table(dev.dom, &t, 1) == 0);
	for (grant_ref_t r = 0; r < 4; r++)
		set_grant(r, GTF_permit_access, DOMID_BACKEND, DATA_GFN + r);
	set_grant(RO_REF, GTF_permit_access | GTF_readonly, DOMID_BACKEND,
		  DATA_GFN);
	set_grant(OTHER_REF, GTF_permit_access, 7, DATA_GFN + 1);
	CHECK(!io_pin(mem, RING_GFN, true, &ring, &ring_mfn));
	sring = ring;
	dev.ring.ptr = ring;
	dev.priv = &bb;
}

/* A fresh ring whose indices start at `start` on both sides. */
static void ring_reset(ring_idx_t start)
{
	memset(sring, 0, RING_PAGE_SIZE);
	blkif_sring_init(sring);
	sring->req_prod = sring->rsp_prod = start;
	blkif_front_init(&front, sring, RING_PAGE_SIZE);
	front.req_prod_pvt = front.rsp_cons = start;
	memset(&bb, 0, sizeof(bb));
	bb.disk = &disk;
	blkif_back_init(&bb.ring, sring, RING_PAGE_SIZE);
	bb.ring.rsp_prod_pvt = bb.ring.req_cons = start;
}

static struct blkif_request *queue(uint8_t op, uint64_t id, uint64_t sector,
				   uint8_t nseg)
{
	struct blkif_request *rq =
		blkif_request_slot(&front, front.req_prod_pvt++);

	memset(rq, 0, sizeof(*rq));
	rq->operation = op;
	rq->id = id;
	rq->sector_number = sector;
	rq->nr_segments = nseg;
	return rq;
}

static void seg(struct blkif_request *rq, unsigned i, grant_ref_t gref,
		uint8_t first, uint8_t last)
{
	rq->seg[i] = (struct blkif_request_segment){ gref, first, last };
}

/* Publish, run one pass: it must serve all n queued requests. */
static void pass(long n)
{
	blkif_push_requests(&front);
	CHECK_EQ(blkback_pass(&dev, &bb), n);
	CHECK_EQ(sring->rsp_prod, front.req_prod_pvt);
}

/* The next response, field by field. */
static void expect(uint64_t id, uint8_t op, int16_t status)
{
	struct blkif_response *r =
		&sring->ring[front.rsp_cons++ & (front.nr_ents - 1)].rsp;

	CHECK_EQ(r->id, id);
	CHECK_EQ(r->operation, op);
	CHECK_EQ(r->status, status);
}

static void guest_fill(uint64_t gfn, uint8_t seed)
{
	uint8_t page[PAGE_SIZE];

	for (unsigned i = 0; i < PAGE_SIZE; i++)
		page[i] = (uint8_t)(seed + i * 7);
	CHECK(!dom_mem_write(mem, gfn << PAGE_SHIFT, page, PAGE_SIZE));
}

static void guest_get(uint64_t gfn, uint8_t *page)
{
	CHECK(!dom_mem_read(mem, gfn << PAGE_SHIFT, page, PAGE_SIZE));
}

/* Only the table and the ring stay pinned between passes. */
static void check_pins(void)
{
	unsigned pinned = 0;

	for (uint32_t m = 0; m < mh.pool.nframes; m++)
		pinned += atomic_load(&mh.pool.ft[m].refs);
	CHECK_EQ(pinned, 2);
}

static void test_write_read(void)
{
	uint8_t d0[PAGE_SIZE], d1[PAGE_SIZE], got[PAGE_SIZE];
	struct blkif_request *rq;

	ring_reset(0);
	guest_fill(DATA_GFN, 1);
	guest_fill(DATA_GFN + 1, 2);
	guest_get(DATA_GFN, d0);
	guest_get(DATA_GFN + 1, d1);
	/* Sectors 10..17 from D0, 18..19 from D1's sectors 2..3. */
	rq = queue(BLKIF_OP_WRITE, 0x1111, 10, 2);
	seg(rq, 0, 0, 0, 7);
	seg(rq, 1, 1, 2, 3);
	pass(1);
	expect(0x1111, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	CHECK(!memcmp(disk_bytes + 10 * 512, d0, PAGE_SIZE));
	CHECK(!memcmp(disk_bytes + 18 * 512, d1 + 2 * 512, 1024));

	/* Back into D2 (sectors 10..17) and D3's sectors 4..5 (18..19). */
	guest_fill(DATA_GFN + 2, 0);
	guest_fill(DATA_GFN + 3, 0);
	rq = queue(BLKIF_OP_READ, 0x2222, 10, 2);
	seg(rq, 0, 2, 0, 7);
	seg(rq, 1, 3, 4, 5);
	pass(1);
	expect(0x2222, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	guest_get(DATA_GFN + 2, got);
	CHECK(!memcmp(got, d0, PAGE_SIZE));
	guest_get(DATA_GFN + 3, got);
	CHECK(!memcmp(got + 4 * 512, d1 + 2 * 512, 1024));
	CHECK(got[0] == 0 && got[4 * 512 - 1] == (uint8_t)((4 * 512 - 1) * 7));

	/* Two contiguous reads in one pass: both served, in order. */
	rq = queue(BLKIF_OP_READ, 3, 10, 1);
	seg(rq, 0, 2, 0, 0);
	rq = queue(BLKIF_OP_READ, 4, 11, 1);
	seg(rq, 0, 2, 1, 1);
	pass(2);
	expect(3, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	expect(4, BLKIF_OP_READ, BLKIF_RSP_OKAY);
	check_pins();
}

static void test_flush_discard(void)
{
	static uint8_t before[sizeof(disk_bytes)];
	struct blkif_request_discard *dr;
	unsigned f = flushes;

	memcpy(before, disk_bytes, sizeof(disk_bytes));

	ring_reset(100);
	queue(BLKIF_OP_FLUSH_DISKCACHE, 5, 0, 0);
	dr = (void *)queue(BLKIF_OP_DISCARD, 6, 10, 0);
	dr->nr_sectors = 4;
	dr = (void *)queue(BLKIF_OP_DISCARD, 7, 10, 0);
	dr->nr_sectors = 0;
	dr = (void *)queue(BLKIF_OP_DISCARD, 8, SECTORS - 2, 0);
	dr->nr_sectors = 3;
	dr = (void *)queue(BLKIF_OP_DISCARD, 9, UINT64_MAX / 512, 0);
	dr->nr_sectors = 1ULL << 60;
	pass(5);
	expect(5, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_OKAY);
	expect(6, BLKIF_OP_DISCARD, BLKIF_RSP_OKAY);
	expect(7, BLKIF_OP_DISCARD, BLKIF_RSP_ERROR);
	expect(8, BLKIF_OP_DISCARD, BLKIF_RSP_ERROR);
	expect(9, BLKIF_OP_DISCARD, BLKIF_RSP_ERROR);
	CHECK_EQ(flushes, f + 1);
	for (unsigned i = 10 * 512; i < 14 * 512; i++)
		if (disk_bytes[i])
			FAIL("discarded byte %u is %u", i, disk_bytes[i]);
	CHECK(!memcmp(disk_bytes, before, 10 * 512));
	CHECK(!memcmp(disk_bytes + 14 * 512, before + 14 * 512,
		      sizeof(disk_bytes) - 14 * 512));
	check_pins();
}

/* Each bad request: its error, its id and operation echoed, no data moved
 * (the disk and the guest's frames unchanged). */
static void test_hostile(void)
{
	static uint8_t disk_before[sizeof(disk_bytes)];
	uint8_t d0[PAGE_SIZE], got[PAGE_SIZE];
	struct blkif_request *rq;
	unsigned calls;

	ring_reset(0xfffffffd); /* the indices wrap during the test */
	guest_fill(DATA_GFN, 9);
	guest_get(DATA_GFN, d0);
	memcpy(disk_before, disk_bytes, sizeof(disk_bytes));
	calls = disk_calls;
	queue(BLKIF_OP_WRITE, 10, 0, 0); /* no segment */
	rq = queue(BLKIF_OP_WRITE, 11, 0, 12); /* too many segments */
	seg(rq, 0, 0, 0, 7);
	rq = queue(BLKIF_OP_WRITE, 12, 0, 1);
	seg(rq, 0, 0, 5, 4); /* first > last */
	rq = queue(BLKIF_OP_WRITE, 13, 0, 1);
	seg(rq, 0, 0, 0, 8); /* past the frame */
	rq = queue(BLKIF_OP_WRITE, 14, SECTORS - 1, 1);
	seg(rq, 0, 0, 0, 1); /* past the disk */
	rq = queue(BLKIF_OP_WRITE, 15, UINT64_MAX / 512 + 1, 1);
	seg(rq, 0, 0, 0, 0); /* sector * 512 overflows */
	rq = queue(BLKIF_OP_WRITE, 16, 0, 2);
	seg(rq, 0, 0, 0, 7);
	seg(rq, 1, 0x10000, 0, 7); /* second grant outside the table */
	rq = queue(BLKIF_OP_WRITE, 17, 0, 1);
	seg(rq, 0, NR_REFS, 0, 7); /* never granted */
	rq = queue(BLKIF_OP_READ, 18, 0, 1);
	seg(rq, 0, RO_REF, 0, 7); /* read into a read-only grant */
	rq = queue(BLKIF_OP_WRITE, 19, 0, 1);
	seg(rq, 0, OTHER_REF, 0, 7); /* granted to another domain */
	queue(7, 20, 0, 1); /* unknown operation */
	pass(11);
	for (uint64_t id = 10; id <= 17; id++)
		expect(id, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
	expect(18, BLKIF_OP_READ, BLKIF_RSP_ERROR);
	expect(19, BLKIF_OP_WRITE, BLKIF_RSP_ERROR);
	expect(20, 7, BLKIF_RSP_EOPNOTSUPP);
	CHECK_EQ(disk_calls, calls);
	CHECK(!memcmp(disk_bytes, disk_before, sizeof(disk_bytes)));
	guest_get(DATA_GFN, got);
	CHECK(!memcmp(got, d0, PAGE_SIZE));
	/* A read-only grant still serves a write to disk. */
	rq = queue(BLKIF_OP_WRITE, 21, 0, 1);
	seg(rq, 0, RO_REF, 0, 0);
	pass(1);
	expect(21, BLKIF_OP_WRITE, BLKIF_RSP_OKAY);
	CHECK(!memcmp(disk_bytes, d0, 512));
	check_pins();
}

/* req_prod more than a ring ahead of the responses: -EPROTO, nothing
 * consumed, nothing answered; the same ring is served once it is sane. */
static void test_overflow(void)
{
	ring_reset(5);
	queue(BLKIF_OP_FLUSH_DISKCACHE, 30, 0, 0);
	sring->req_prod = 5 + front.nr_ents + 1;
	CHECK_EQ(blkback_pass(&dev, &bb), -EPROTO);
	CHECK_EQ(bb.ring.req_cons, 5);
	CHECK_EQ(bb.ring.rsp_prod_pvt, 5);
	CHECK_EQ(sring->rsp_prod, 5);
	sring->req_prod = 5 - 1; /* behind: also more than a ring ahead */
	CHECK_EQ(blkback_pass(&dev, &bb), -EPROTO);
	CHECK_EQ(bb.ring.req_cons, 5);
	pass(1);
	expect(30, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_OKAY);
	/* A full ring is fine. */
	for (uint32_t i = 0; i < front.nr_ents; i++)
		queue(BLKIF_OP_FLUSH_DISKCACHE, 100 + i, 0, 0);
	pass(front.nr_ents);
	for (uint32_t i = 0; i < front.nr_ents; i++)
		expect(100 + i, BLKIF_OP_FLUSH_DISKCACHE, BLKIF_RSP_OKAY);
	check_pins();
}

int main(void)
{
	setup();
	test_write_read();
	test_flush_discard();
	test_hostile();
	test_overflow();
	io_unpin(mem, ring_mfn);
	io_dom_detach(1);
	dom_mem_destroy(mem);
	it_host_done(&mh);
	return check_done("blkback");
}
