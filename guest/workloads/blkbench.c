/* blkbench: block throughput, IOPS and exits per request through the PV
 * ring (dev=pv) or the emulated ATA PIO controller (dev=ata), and a
 * write / verify pair that checks data across domains.  Options (command
 * line): dev, mb, bs, qd, pattern=seq|rand, op=read|write|both,
 * phase=bench|write|verify, seed, holdoff (docs/guest-os.md).  One line
 * per measurement, then the verdict. */
#include <string.h>

#include "blkdev.h"
#include "kernel.h"
#include "pv.h"

#define BATCH 256 /* requests per blkdev_io call when benchmarking */
#define PPR_MAX BLKREQ_MAX_PAGES
#define QD_MAX 32
#define MB (1024ul * 1024)
#define SECT BLK_SECTOR_SIZE

/* Until ata.c is linked in, no ATA device. */
__attribute__((weak)) struct blkdev *ata_open(const void *dtb)
{
	return NULL;
}

struct bb_opts {
	const char *dev, *pattern, *op, *phase;
	unsigned long mb, bs, qd, holdoff;
	uint64_t seed;
};

static struct blkreq reqs[BATCH];
static void *bufs[QD_MAX * PPR_MAX];
static struct bb_opts o;
static uint64_t rnd;

/* A number option inside [lo, hi], else the default with a line. */
static unsigned long bb_num(const char *key, long dflt, long lo, long hi)
{
	long v = cmdline_long(key, dflt);

	if (v < lo || v > hi) {
		printf("blkbench: %s=%ld outside %ld..%ld, using %ld\n", key, v,
		       lo, hi, dflt);
		v = dflt;
	}
	return (unsigned long)v;
}

/* A word option: one of the NULL-terminated choices (the first is the
 * default), else the default with a line. */
static const char *bb_word(const char *key, const char *const *choices)
{
	const char *v = cmdline_get(key, choices[0]);

	for (const char *const *c = choices; *c; c++)
		if (!strcmp(v, *c))
			return *c;
	printf("blkbench: bad %s=%s, using %s\n", key, v, choices[0]);
	return choices[0];
}

static void bb_parse(void)
{
	static const char *const devs[] = { "pv", "ata", NULL };
	static const char *const pats[] = { "seq", "rand", NULL };
	static const char *const ops[] = { "both", "read", "write", NULL };
	static const char *const phases[] = { "bench", "write", "verify",
					      NULL };

	o.dev = bb_word("dev", devs);
	o.pattern = bb_word("pattern", pats);
	o.op = bb_word("op", ops);
	o.phase = bb_word("phase", phases);
	o.mb = bb_num("mb", 4, 1, 4096);
	o.bs = bb_num("bs", 4096, 4096, 32768);
	if (o.bs % SECT) {
		printf("blkbench: bs=%lu is not whole sectors, using 4096\n",
		       o.bs);
		o.bs = 4096;
	}
	o.qd = bb_num("qd", 32, 1, QD_MAX);
	o.holdoff = bb_num("holdoff", 1, 0, 1);
	o.seed = (uint64_t)cmdline_long("seed", 1);
}

/* xorshift64: random offsets for pattern=rand. */
static uint64_t bb_rand(void)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return rnd;
}

/* Word j of sector s of the data written with seed. */
static uint64_t bb_word_of(uint64_t seed, uint64_t s, unsigned j)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ s << 7 ^ j;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ x >> 27;
}

/* Fill (or check: returns the first bad sector + 1, else 0) the nsect
 * sectors from `sector` held in pages. */
static uint64_t bb_pattern(void **pages, uint64_t sector, unsigned nsect,
			   int check)
{
	for (unsigned k = 0; k < nsect; k++) {
		uint64_t *w =
			(uint64_t *)((char *)pages[k / 8] + (k % 8) * SECT);

		for (unsigned j = 0; j < SECT / 8; j++) {
			uint64_t want = bb_word_of(o.seed, sector + k, j);

			if (!check)
				w[j] = want;
			else if (w[j] != want)
				return sector + k + 1;
		}
	}
	return 0;
}

/* Request i of a run over the first `mb` MB: its sector. */
static uint64_t bb_sector(uint64_t i, uint64_t nreq)
{
	uint64_t per = o.bs / SECT;

	if (!strcmp(o.pattern, "rand"))
		return bb_rand() % nreq * per;
	return i % nreq * per;
}

/* One line in the form the benchmark scripts parse. */
static void bb_report(struct blkdev *b, const char *op, uint64_t nreq,
		      uint64_t us, const struct blkdev_stats *st0)
{
	uint64_t bytes = b->st.bytes - st0->bytes;
	uint64_t ex = (b->st.exits - st0->exits) * 1000 / (nreq ? nreq : 1);
	uint64_t ir = (b->st.irqs - st0->irqs) * 1000 / (nreq ? nreq : 1);
	uint64_t mbps10 = us ? bytes * 10 / us : 0;

	if (!us)
		us = 1;
	printf("blkbench: dev=%s op=%s pattern=%s bs=%lu qd=%lu "
	       "requests=%lu bytes=%lu us=%lu MBps=%lu.%lu IOPS=%lu "
	       "exits_per_req=%lu.%03lu irqs_per_req=%lu.%03lu\n",
	       b->name, op, o.pattern, o.bs, o.qd, (unsigned long)nreq,
	       (unsigned long)bytes, (unsigned long)us,
	       (unsigned long)(mbps10 / 10), (unsigned long)(mbps10 % 10),
	       (unsigned long)(nreq * 1000000 / us), (unsigned long)(ex / 1000),
	       (unsigned long)(ex % 1000), (unsigned long)(ir / 1000),
	       (unsigned long)(ir % 1000));
}

/* Prepare request k of a batch: op, sector, the pages of buffer slot
 * `slot`. */
static void bb_req(struct blkreq *r, enum blk_op op, uint64_t sector,
		   unsigned slot)
{
	unsigned ppr = (unsigned)((o.bs + PAGE_SIZE - 1) / PAGE_SIZE);

	memset(r, 0, sizeof(*r));
	r->op = op;
	r->sector = sector;
	r->nsect = (uint32_t)(o.bs / SECT);
	for (unsigned i = 0; i < ppr; i++)
		r->pages[i] = bufs[slot * ppr + i];
}

/* The timed run: nreq requests of op in batches of up to BATCH, at most
 * qd in flight (buffers reused: the data is not looked at).  0 or the
 * first error. */
static int bb_bench(struct blkdev *b, enum blk_op op, uint64_t nreq)
{
	struct blkdev_stats st0 = b->st;
	uint64_t t0 = timer_now_us(), done = 0;
	int err = 0;

	rnd = o.seed | 1;
	while (done < nreq && !err) {
		unsigned n =
			nreq - done < BATCH ? (unsigned)(nreq - done) : BATCH;

		for (unsigned k = 0; k < n; k++)
			bb_req(&reqs[k], op, bb_sector(done + k, nreq),
			       k % (unsigned)o.qd);
		err = blkdev_io(b, reqs, n);
		done += n;
	}
	bb_report(b, op == BLK_READ ? "read" : "write", done,
		  timer_now_us() - t0, &st0);
	return err;
}

/* phase=write / verify: the first mb MB in order, qd requests per batch,
 * each with its own buffer; write ends with a flush.  0, an I/O error,
 * or 1 with a line on a mismatch. */
static int bb_data(struct blkdev *b, int verify)
{
	struct blkdev_stats st0 = b->st;
	uint64_t nreq = o.mb * MB / o.bs, per = o.bs / SECT, t0, bad = 0, i;
	int err = 0;

	t0 = timer_now_us();
	for (i = 0; i < nreq && !err && !bad;) {
		unsigned n =
			nreq - i < o.qd ? (unsigned)(nreq - i) : (unsigned)o.qd;

		for (unsigned k = 0; k < n; k++) {
			bb_req(&reqs[k], verify ? BLK_READ : BLK_WRITE,
			       (i + k) * per, k);
			if (!verify)
				bb_pattern(reqs[k].pages, (i + k) * per,
					   (unsigned)per, 0);
		}
		err = blkdev_io(b, reqs, n);
		for (unsigned k = 0; k < n && verify && !err && !bad; k++)
			bad = bb_pattern(reqs[k].pages, (i + k) * per,
					 (unsigned)per, 1);
		i += n;
	}
	if (!verify && !err) {
		struct blkreq fl = { .op = BLK_FLUSH };

		err = blkdev_io(b, &fl, 1);
	}
	bb_report(b, verify ? "read" : "write", i, timer_now_us() - t0, &st0);
	if (bad) {
		printf("blkbench: verdict FAIL sector %lu does not hold the "
		       "data of seed=%lu\n",
		       (unsigned long)(bad - 1), (unsigned long)o.seed);
		return 1;
	}
	return err;
}

/* The device, its buffers and the run the options ask for. */
static int bb_run(struct blkdev *b)
{
	uint64_t nreq;
	int err = 0;

	if (b->sectors < o.mb * MB / SECT) {
		printf("blkbench: verdict FAIL the disk has %lu sectors, "
		       "mb=%lu needs %lu\n",
		       (unsigned long)b->sectors, o.mb,
		       (unsigned long)(o.mb * MB / SECT));
		return 1;
	}
	if (!strcmp(o.dev, "pv"))
		blkfront_tune(b, (unsigned)o.qd, (int)o.holdoff);
	if (strcmp(o.phase, "bench"))
		return bb_data(b, !strcmp(o.phase, "verify"));
	nreq = o.mb * MB / o.bs;
	if (strcmp(o.op, "read"))
		err = bb_bench(b, BLK_WRITE, nreq);
	if (!err && strcmp(o.op, "write"))
		err = bb_bench(b, BLK_READ, nreq);
	return err;
}

int wl_blkbench(void)
{
	struct blkdev *b;
	unsigned npages = QD_MAX * PPR_MAX;
	int rc;

	bb_parse();
	b = strcmp(o.dev, "ata") ? blkfront_open(kernel_dtb)
				 : ata_open(kernel_dtb);
	if (!b) {
		printf("blkbench: verdict FAIL no %s disk\n", o.dev);
		return 1;
	}
	for (unsigned i = 0; i < npages; i++) {
		bufs[i] = bufs[i] ? bufs[i] : page_alloc_wait();
		if (!bufs[i]) {
			printf("blkbench: verdict FAIL out of memory\n");
			return 1;
		}
	}
	rc = bb_run(b);
	if (rc < 0)
		printf("blkbench: verdict FAIL I/O error %d\n", rc);
	else if (!rc)
		printf("blkbench: verdict ok\n");
	return rc ? 1 : 0;
}
