/* A PV block front-end from inside a guest (S-mode, atoll's SBI, paging
 * off), run by tests/system/io-block.sh on a disk of at least 1 MiB.
 *
 * mode=write (the default): connects block device 0, writes a pattern to
 * sectors 0..355 with multi-segment requests pushed in one batch, flushes,
 * reads it back and compares; writes, discards and re-reads sectors
 * 400..415 (zeros); sends hostile requests (each must get an error
 * response, not a crash); finally breaks the ring protocol (req_prod far
 * ahead): atoll disconnects the device and this domain carries on.
 * mode=read: connects and checks the pattern written by an earlier run.
 * mode=hang: writes and flushes the pattern, says so, then waits forever
 * (for kill -9 of atoll).
 * Sector S of the pattern is 32 lines "blksect SSSSSSS\n". */
#include "atoll/abi/blkif.h"
#include "atoll/abi/grant_table.h"
#include "atoll/abi/hypercall.h"
#include "atoll/abi/pvdev.h"
#include "hcall_lib.h"
#include "lib_cmdline.h"
#include "pv_lib.h"
#include "rt.h"

#define RING_REF 8
#define DATA_REF 16 /* DATA_REF + i grants data page i */
#define RO_REF 15 /* data page 0 again, read-only */
#define NR_PAGES 44 /* 4 requests of 11 full pages */
#define SECT 512
#define PAT_SECTORS (NR_PAGES * 8 + 4) /* + a partial segment */
#define DISC_SECTOR 400
#define WAIT_TICKS (2000 * 10000ull) /* 2 s at 10 MHz */

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(4096)));
static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static uint8_t data[NR_PAGES][4096] __attribute__((aligned(4096)));
static struct blkif_front front;
static struct pvdev_op op;
static evtchn_port_t port;
static unsigned notifies;

static long pvdev(long cmd, uint32_t type, uint32_t index, uint32_t ref,
		  uint32_t p)
{
	long ret = 0, err;

	op = (struct pvdev_op){ type, index, ref, p };
	err = rt_sbi(ATOLL_SBI_EXT, __HYPERVISOR_atoll_pvdev_op, cmd, (long)&op,
		     0, &ret);
	return err ? -1000 + err : ret;
}

/* Byte i of the pattern's sector s: "blksect SSSSSSS\n" repeated. */
static uint8_t pattern(uint64_t s, unsigned i)
{
	static const char head[] = "blksect ";
	unsigned k = i % 16;
	uint64_t v = s;

	if (k < 8)
		return (uint8_t)head[k];
	if (k == 15)
		return '\n';
	for (unsigned d = 14; d > k; d--)
		v /= 10;
	return (uint8_t)('0' + v % 10);
}

static void fill(uint8_t *p, uint64_t sector, unsigned nsect)
{
	for (unsigned s = 0; s < nsect; s++)
		for (unsigned i = 0; i < SECT; i++)
			p[s * SECT + i] = pattern(sector + s, i);
}

/* 1 if p holds the pattern of nsect sectors from `sector` (or zeros). */
static int same(const uint8_t *p, uint64_t sector, unsigned nsect, int zero)
{
	for (unsigned s = 0; s < nsect; s++)
		for (unsigned i = 0; i < SECT; i++)
			if (p[s * SECT + i] !=
			    (zero ? 0 : pattern(sector + s, i)))
				return 0;
	return 1;
}

static void clear(void)
{
	for (unsigned pg = 0; pg < NR_PAGES; pg++)
		for (unsigned i = 0; i < 4096; i++)
			data[pg][i] = 0xa5;
}

/* Queue a request of n full pages from data page pg (or one partial
 * segment when n == 0: sectors 2..5 of page pg). */
static void queue_rw(uint8_t opn, uint64_t id, uint64_t sector, unsigned pg,
		     unsigned n)
{
	struct blkif_request *r =
		blkif_request_slot(&front, front.req_prod_pvt++);

	r->operation = opn;
	r->nr_segments = n ? n : 1;
	r->handle = 0;
	r->id = id;
	r->sector_number = sector;
	for (unsigned i = 0; i < r->nr_segments; i++)
		r->seg[i] =
			(struct blkif_request_segment){ DATA_REF + pg + i,
							n ? 0 : 2, n ? 7 : 5 };
}

/* Publish what was queued; an event only if atoll asked for one. */
static void push(void)
{
	if (blkif_push_requests(&front)) {
		pv_port_op(EVTCHNOP_send, port);
		notifies++;
	}
}

/* Wait for every outstanding response; each must have status `want`
 * (ids are checked against the order they were queued in from `id0`).
 * Returns how many matched. */
static unsigned collect(uint64_t id0, int16_t want)
{
	uint64_t end = wl_time() + WAIT_TICKS;
	unsigned good = 0;
	struct blkif_response rsp;

	while (front.rsp_cons != front.req_prod_pvt && wl_time() < end) {
		if (!blkif_final_check_responses(&front))
			continue;
		ring_rmb();
		blkif_copy_response(&front, front.rsp_cons++, &rsp);
		if (rsp.id == id0++ && rsp.status == want)
			good++;
	}
	return good;
}

static void write_pattern(void)
{
	for (unsigned pg = 0; pg < NR_PAGES; pg++)
		fill(data[pg], pg * 8, 8);
	for (unsigned q = 0; q < 4; q++)
		queue_rw(BLKIF_OP_WRITE, 100 + q, q * 88, q * 11, 11);
	push();
	hc_check("4 x 11-segment writes", collect(100, BLKIF_RSP_OKAY), 4);
	fill(data[0] + 2 * SECT, NR_PAGES * 8, 4); /* the partial one */
	queue_rw(BLKIF_OP_WRITE, 200, NR_PAGES * 8, 0, 0);
	queue_rw(BLKIF_OP_FLUSH_DISKCACHE, 201, 0, 0, 0);
	blkif_request_slot(&front, front.req_prod_pvt - 1)->nr_segments = 0;
	push();
	hc_check("partial write + flush", collect(200, BLKIF_RSP_OKAY), 2);
}

/* Read the pattern back into cleared pages and compare. */
static void check_pattern(const char *what)
{
	int ok = 1;

	clear();
	for (unsigned q = 0; q < 4; q++)
		queue_rw(BLKIF_OP_READ, 300 + q, q * 88, q * 11, 11);
	push();
	hc_check(what, collect(300, BLKIF_RSP_OKAY), 4);
	for (unsigned pg = 0; pg < NR_PAGES; pg++)
		ok &= same(data[pg], pg * 8, 8, 0);
	hc_check("pattern read back", ok, 1);
	clear();
	queue_rw(BLKIF_OP_READ, 310, NR_PAGES * 8, 1, 0);
	push();
	hc_check("partial read", collect(310, BLKIF_RSP_OKAY), 1);
	hc_check("partial pattern",
		 same(data[1] + 2 * SECT, NR_PAGES * 8, 4, 0), 1);
	hc_check("partial left the rest alone", data[1][2 * SECT - 1], 0xa5);
}

static void discard(void)
{
	struct blkif_request_discard *d;

	fill(data[0], DISC_SECTOR, 8);
	fill(data[1], DISC_SECTOR + 8, 8);
	queue_rw(BLKIF_OP_WRITE, 400, DISC_SECTOR, 0, 2);
	d = (void *)blkif_request_slot(&front, front.req_prod_pvt++);
	*d = (struct blkif_request_discard){ BLKIF_OP_DISCARD, 0, 0, 401,
					     DISC_SECTOR,      16 };
	push();
	hc_check("write + discard", collect(400, BLKIF_RSP_OKAY), 2);
	clear();
	queue_rw(BLKIF_OP_READ, 402, DISC_SECTOR, 0, 2);
	push();
	hc_check("read discarded", collect(402, BLKIF_RSP_OKAY), 1);
	hc_check("discarded reads zeros", same(data[0], 0, 16, 1), 1);
}

/* One bad request: its response must carry `want`. */
static void bad(const char *what, struct blkif_request *r, int16_t want)
{
	static uint64_t id = 1000;

	r->id = id;
	push();
	hc_check(what, collect(id++, want), 1);
}

static struct blkif_request *next(uint8_t opn, uint64_t sector)
{
	queue_rw(opn, 0, sector, 0, 1);
	return blkif_request_slot(&front, front.req_prod_pvt - 1);
}

static void hostile(uint64_t disk_sectors)
{
	struct blkif_request *r;

	bad("past the end", next(BLKIF_OP_READ, disk_sectors - 4),
	    BLKIF_RSP_ERROR);
	bad("sector overflow", next(BLKIF_OP_WRITE, ~0ull - 2),
	    BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_READ, 0);
	r->seg[0].gref = 500; /* never granted */
	bad("bad gref", r, BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_READ, 0);
	r->seg[0].gref = 0x7fffffff;
	bad("gref out of range", r, BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_READ, 0);
	r->seg[0].gref = RO_REF; /* read-only: atoll may not write it */
	bad("read into a read-only grant", r, BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_WRITE, 0);
	r->seg[0].first_sect = 5;
	r->seg[0].last_sect = 4;
	bad("first_sect > last_sect", r, BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_WRITE, 0);
	r->seg[0].last_sect = 8;
	bad("last_sect 8", r, BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_READ, 0);
	r->nr_segments = 0;
	bad("no segments", r, BLKIF_RSP_ERROR);
	r = next(BLKIF_OP_READ, 0);
	r->nr_segments = 12;
	bad("12 segments", r, BLKIF_RSP_ERROR);
	bad("unknown operation", next(9, 0), BLKIF_RSP_EOPNOTSUPP);
	r = (void *)next(BLKIF_OP_DISCARD, disk_sectors - 1);
	((struct blkif_request_discard *)r)->nr_sectors = 2;
	bad("discard past the end", r, BLKIF_RSP_ERROR);
}

/* req_prod far ahead: atoll drops the device and unmaps the ring. */
static void overflow(void)
{
	uint64_t end = wl_time() + WAIT_TICKS;
	struct blkif_sring *s = (void *)ring_page;

	__atomic_store_n(&s->req_prod, front.req_prod_pvt + 1000,
			 __ATOMIC_RELEASE);
	pv_port_op(EVTCHNOP_send, port);
	while ((__atomic_load_n(&gnttab[RING_REF].flags, __ATOMIC_ACQUIRE) &
		GTF_writing) &&
	       wl_time() < end)
		;
	hc_check("overflow: ring unmapped",
		 gnttab[RING_REF].flags & (GTF_reading | GTF_writing), 0);
	hc_check("overflow: disconnect after drop",
		 pvdev(PVDEVOP_disconnect, PVDEV_TYPE_BLOCK, 0, 0, 0), 0);
}

static void grant(grant_ref_t ref, const void *page, uint16_t flags)
{
	gnttab[ref] = (struct grant_entry_v1){ 0, 0, (uintptr_t)page >> 12 };
	__atomic_store_n(&gnttab[ref].flags, flags, __ATOMIC_RELEASE);
}

static void connect(void)
{
	hc_check("register shared info", pv_shinfo_on(), 0);
	pv_arg.table = (struct gnttab_atoll_set_table){ 1 };
	pv_arg.table.gfn[0] = (uintptr_t)gnttab >> 12;
	hc_check("set grant table", pv_gnt_op(GNTTABOP_atoll_set_table, 1), 0);
	blkif_sring_init((struct blkif_sring *)ring_page);
	blkif_front_init(&front, (struct blkif_sring *)ring_page, 4096);
	grant(RING_REF, ring_page, GTF_permit_access);
	for (unsigned pg = 0; pg < NR_PAGES; pg++)
		grant(DATA_REF + pg, data[pg], GTF_permit_access);
	grant(RO_REF, data[0], GTF_permit_access | GTF_readonly);
	pv_arg.alloc = (struct evtchn_alloc_unbound){ DOMID_SELF, 0 };
	hc_check("alloc unbound for domain 0", pv_ev_op(EVTCHNOP_alloc_unbound),
		 0);
	port = pv_arg.alloc.port;
	hc_check("connect block",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_BLOCK, 0, RING_REF, port),
		 0);
}

int main(void)
{
	struct boot_info bi;
	char mode[16] = "write";
	uint64_t disk_sectors = 2048;

	if (boot_info_read(rt_boot_dtb, &bi) == 0) {
		cmdline_get(bi.cmdline, "mode", mode, sizeof(mode));
		cmdline_get_u64(bi.cmdline, "sectors", 2048, &disk_sectors);
	}
	connect();
	if (mode[0] == 'r') {
		check_pattern("read back (earlier run)");
	} else if (mode[0] == 'h') {
		/* Flushed and acknowledged: the host may kill atoll now. */
		write_pattern();
		rt_printf("pvblk: flushed\n");
		for (;;)
			__asm__ volatile("wfi");
	} else {
		write_pattern();
		check_pattern("4 x 11-segment reads");
		discard();
		hostile(disk_sectors);
		rt_printf("pvblk: %u notifications for the requests\n",
			  notifies);
		overflow();
		rt_printf("pvblk: still running\n");
	}
	return hc_finish("pv-blk");
}
