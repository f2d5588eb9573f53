/* virtio-balloon (virtio 1.1 section 5.5, with free page reporting from
 * 1.2) as a front door to atoll's memory policy (src/mem/policy.c), the
 * same manager that drives atoll-os's balloon:
 *
 * - target: the manager (or mem-set, sla, request_more) sets the domain's
 *   target; num_pages = maxmem - min(target, limit) is what the guest
 *   should hold in its balloon, checked every tick and announced with a
 *   config interrupt.
 * - inflate: each page the guest gives goes back to the host's pool at
 *   once (dom_mem_decrease: the frame is freed, the P2M entry ballooned).
 * - deflate: the guest takes pages back (MUST_TELL_HOST); they are
 *   populated again on first touch, within the domain's allowance.  A
 *   deflate the target does not cover (DEFLATE_ON_OOM: the guest's OOM
 *   path) is asked of the policy exactly as atoll-os's request_more.
 * - statistics (STATS_VQ): the device returns the guest's buffer every
 *   tick and reads the refilled one; free memory becomes the domain's
 *   guest_free (the idle-memory tax) and counts as a report.
 * - free page reporting (REPORTING): ranges the guest reports free go
 *   back to the pool like inflated pages, so host memory falls; a later
 *   touch populates a zero page, as a discarded page on QEMU. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem/dom_mem.h"
#include "virtio/virtio_devs.h"

#define VIRTIO_BALLOON_F_MUST_TELL_HOST 0
#define VIRTIO_BALLOON_F_STATS_VQ 1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM 2
#define VIRTIO_BALLOON_F_REPORTING 5

#define VIRTIO_BALLOON_S_MEMFREE 4
#define VIRTIO_BALLOON_S_MEMTOT 5
#define VIRTIO_BALLOON_S_AVAIL 6

enum { BQ_INFLATE, BQ_DEFLATE, BQ_STATS, BQ_REPORT, BQ_COUNT };

#define BAL_QUEUE_SIZE 128
#define BAL_CFG_NUM_PAGES 0
#define BAL_CFG_ACTUAL 4
#define BAL_CFG_LEN 16 /* num_pages, actual, free_page_hint_cmd_id, poison */
#define BAL_BATCH 256 /* pfns moved per dom_mem call */
#define BAL_BUDGET 16 /* chains per queue per pass */
#define BAL_TICK_MS 200 /* target check and statistics request */
#define BAL_STAT_BYTES 10 /* u16 tag, u64 value, packed */
#define BAL_STATS_MAX 32

struct virtio_balloon {
	struct virtio_dev dev;
	struct dom_mem *mem;
	uint64_t maxmem; /* frames */
	uint32_t num_pages; /* as announced in the config */
	uint64_t balloon; /* pages in the balloon (inflated - deflated) */
	bool stats_held; /* the guest's stats buffer, waiting to go back */
	uint16_t stats_head;
	struct virtq_chain chain;
	uint64_t gfns[BAL_BATCH];
	uint8_t stats[BAL_STATS_MAX * BAL_STAT_BYTES];
};

/* Give gfns[0..n) back to the pool, skipping those that cannot go
 * (pinned, busy, outside RAM): how many went. */
static uint64_t bal_release(struct virtio_balloon *b, uint64_t n)
{
	uint64_t i = 0, done = 0;

	while (i < n) {
		long k = dom_mem_decrease(b->mem, b->gfns + i, n - i, 0);

		if (k < 0)
			break;
		done += (uint64_t)k;
		i += (uint64_t)k + 1; /* past the one that stopped it */
	}
	return done;
}

/* Inflate (give) or deflate (take back) the chain's u32 pfns. */
static void bal_pfns(struct virtio_balloon *b, struct virtq *vq, bool inflate)
{
	uint64_t total = b->chain.out_len / 4, off = 0;
	uint32_t pfn[BAL_BATCH];

	while (off < total) {
		uint64_t n = total - off < BAL_BATCH ? total - off : BAL_BATCH;

		if (virtq_read(vq, &b->chain, off * 4, pfn, n * 4))
			return;
		off += n;
		if (!inflate) {
			b->balloon -= n < b->balloon ? n : b->balloon;
			continue;
		}
		for (uint64_t i = 0; i < n; i++)
			b->gfns[i] = pfn[i];
		bal_release(b, n);
		b->balloon += n;
		atomic_fetch_add(&b->dev.st.bytes, n * 4096);
	}
}

/* A deflate past what the target covers (the guest's OOM path): ask the
 * policy as request_more does; what it grants leaves the balloon target. */
static void bal_oom_charge(struct virtio_balloon *b)
{
	uint64_t want;
	long granted;

	if (b->balloon >= b->num_pages)
		return;
	want = b->num_pages - b->balloon;
	granted = dom_mem_request_more(b->mem, want);
	if (granted <= 0)
		return; /* the guest inflates again towards num_pages */
	b->num_pages -=
		(uint32_t)((uint64_t)granted < b->num_pages ? (uint64_t)granted
							    : b->num_pages);
	virtio_config_update(&b->dev, BAL_CFG_NUM_PAGES, &b->num_pages, 4);
}

/* Free page reporting: every whole page of the chain's ranges. */
static void bal_report(struct virtio_balloon *b)
{
	const struct virtq_chain *c = &b->chain;
	uint64_t n = 0;

	for (unsigned s = 0; s < c->nout + c->nin; s++) {
		uint64_t g = (c->seg[s].gpa + 4095) >> 12;
		uint64_t end = (c->seg[s].gpa + c->seg[s].len) >> 12;

		for (; g < end; g++) {
			b->gfns[n++] = g;
			if (n == BAL_BATCH) {
				bal_release(b, n);
				n = 0;
			}
		}
	}
	bal_release(b, n);
	atomic_fetch_add(&b->dev.st.bytes, c->in_len + c->out_len);
}

/* The guest's statistics: free memory feeds the idle-memory tax. */
static void bal_stats(struct virtio_balloon *b, struct virtq *vq)
{
	uint64_t len = b->chain.out_len < sizeof(b->stats) ? b->chain.out_len
							   : sizeof(b->stats);
	uint64_t freeb = UINT64_MAX, total = 0, avail = UINT64_MAX;

	if (virtq_read(vq, &b->chain, 0, b->stats, len))
		return;
	for (uint64_t o = 0; o + BAL_STAT_BYTES <= len; o += BAL_STAT_BYTES) {
		uint16_t tag;
		uint64_t val;

		memcpy(&tag, b->stats + o, 2);
		memcpy(&val, b->stats + o + 2, 8);
		if (tag == VIRTIO_BALLOON_S_MEMFREE)
			freeb = val;
		else if (tag == VIRTIO_BALLOON_S_MEMTOT)
			total = val;
		else if (tag == VIRTIO_BALLOON_S_AVAIL)
			avail = val;
	}
	if (freeb == UINT64_MAX)
		return;
	freeb >>= 12;
	atomic_store(&b->mem->guest_free_frames,
		     freeb < b->maxmem ? freeb : b->maxmem);
	if (total && avail <= total)
		atomic_store(&b->mem->guest_pressure,
			     (uint32_t)(100 - avail * 100 / total));
	atomic_fetch_add(&b->mem->guest_reports, 1);
}

/* The transport's index of logical queue q, or -1: Linux numbers only
 * the queues whose features were negotiated (virtio_mmio's find_vqs). */
static int bal_index(const struct virtio_balloon *b, unsigned q)
{
	int i = q < BQ_STATS ? (int)q : 2;

	if (q >= BQ_STATS && !virtio_has(&b->dev, VIRTIO_BALLOON_F_STATS_VQ)) {
		if (q == BQ_STATS)
			return -1;
		i--;
	}
	if (q == BQ_REPORT && !virtio_has(&b->dev, VIRTIO_BALLOON_F_REPORTING))
		return -1;
	return q == BQ_REPORT ? i + 1 : i;
}

/* Serve queue q: 1 if its budget ran out, 0, or -EPROTO. */
static int bal_queue(struct virtio_balloon *b, unsigned q)
{
	int idx = bal_index(b, q);
	struct virtq *vq = idx >= 0 ? &b->dev.vq[idx] : 0;
	const char *why;
	int n = 0, r = 0;

	if (!vq || !vq->ready)
		return 0;
	while (n < BAL_BUDGET && (!b->stats_held || q != BQ_STATS) &&
	       (r = virtq_pop(vq, &b->chain, &why)) == 1) {
		n++;
		atomic_fetch_add(&b->dev.st.requests, 1);
		if (q == BQ_STATS) {
			/* Kept until the next tick asks for fresh ones. */
			bal_stats(b, vq);
			b->stats_held = true;
			b->stats_head = b->chain.head;
			continue;
		}
		if (q == BQ_INFLATE || q == BQ_DEFLATE)
			bal_pfns(b, vq, q == BQ_INFLATE);
		else
			bal_report(b);
		if (q == BQ_DEFLATE)
			bal_oom_charge(b);
		if (virtq_push(vq, b->chain.head, 0))
			return virtio_dev_fail(&b->dev, "used ring unwritable");
	}
	if (n && q != BQ_STATS)
		virtio_dev_used(&b->dev, (unsigned)idx);
	if (r < 0)
		return virtio_dev_fail(&b->dev, why);
	return n == BAL_BUDGET;
}

static int bal_serve(struct virtio_dev *dev)
{
	int more = 0;

	for (unsigned q = 0; q < BQ_COUNT; q++) {
		int r = bal_queue(dev->priv, q);

		if (r < 0)
			return r;
		more |= r;
	}
	return more;
}

/* The target may have moved; the statistics are due. */
static void bal_tick(struct virtio_dev *dev)
{
	struct virtio_balloon *b = dev->priv;
	struct dom_mem_stats st;
	uint64_t allow;
	uint32_t want;

	dom_mem_get_stats(b->mem, &st);
	allow = st.target < st.limit ? st.target : st.limit;
	want = (uint32_t)(allow < b->maxmem ? b->maxmem - allow : 0);
	if (want != b->num_pages) {
		b->num_pages = want;
		virtio_config_update(dev, BAL_CFG_NUM_PAGES, &want, 4);
	}
	/* With STATS_VQ negotiated the stats queue is index 2. */
	if (b->stats_held && dev->vq[BQ_STATS].ready) {
		b->stats_held = false;
		if (virtq_push(&dev->vq[BQ_STATS], b->stats_head, 0))
			virtio_dev_fail(dev, "used ring unwritable");
		else
			virtio_dev_used(dev, BQ_STATS);
	}
}

/* Only `actual` (the driver's count of pages in its balloon) is the
 * driver's to write. */
static int bal_config_write(struct virtio_dev *dev, unsigned off, unsigned size,
			    uint32_t val)
{
	if (off < BAL_CFG_ACTUAL || off + size > BAL_CFG_ACTUAL + 4)
		return -EINVAL;
	memcpy(dev->config + off, &val, size);
	return 0;
}

static void bal_reset(struct virtio_dev *dev)
{
	struct virtio_balloon *b = dev->priv;

	b->stats_held = false;
	b->balloon = 0;
}

static void bal_destroy(struct virtio_dev *dev)
{
	free(dev->priv);
}

static const struct virtio_dev_ops virtio_balloon_ops = {
	.kind = "balloon",
	.device_id = VIRTIO_ID_BALLOON,
	.serve = bal_serve,
	.config_write = bal_config_write,
	.reset = bal_reset,
	.destroy = bal_destroy,
	.threaded = true,
	.tick = bal_tick,
	.tick_ms = BAL_TICK_MS,
};

int virtio_balloon_create(struct virtio_dev **out, const char *name,
			  struct dom_mem *mem,
			  void (*set_irq)(void *ctx, int level), void *irq_ctx)
{
	uint64_t f = VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
		     VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		     VIRTIO_BIT(VIRTIO_BALLOON_F_MUST_TELL_HOST) |
		     VIRTIO_BIT(VIRTIO_BALLOON_F_STATS_VQ) |
		     VIRTIO_BIT(VIRTIO_BALLOON_F_DEFLATE_ON_OOM) |
		     VIRTIO_BIT(VIRTIO_BALLOON_F_REPORTING);
	struct virtio_balloon *b = calloc(1, sizeof(*b));
	struct dom_mem_stats st;
	int err;

	if (!b)
		return -ENOMEM;
	/* Queue indices as Linux numbers them without FREE_PAGE_HINT:
	 * inflate, deflate, stats, reporting. */
	err = virtio_dev_init(&b->dev, &virtio_balloon_ops, b, name, mem, f,
			      BQ_COUNT, BAL_QUEUE_SIZE, BAL_CFG_LEN, set_irq,
			      irq_ctx);
	if (err) {
		free(b);
		return err;
	}
	/* Page lists and statistics are small (Linux: 256 pfns a buffer);
	 * a report names free ranges of up to 4 MiB each, 32 of them or
	 * more, and moves no bytes: bounded by the segments only. */
	for (unsigned q = 0; q < BQ_COUNT; q++)
		b->dev.vq[q].max_bytes = 1u << 20;
	b->dev.vq[2].max_bytes = b->dev.vq[3].max_bytes = UINT64_MAX;
	b->mem = mem;
	dom_mem_get_stats(mem, &st);
	b->maxmem = st.maxmem;
	*out = &b->dev;
	return 0;
}
