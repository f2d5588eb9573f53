/* virtio-balloon (src/virtio/virtio_balloon.c) with a fake driver: the
 * target the policy sets becomes num_pages, inflated and reported pages
 * go back to the host's pool (the domain's holdings fall), statistics
 * become the domain's guest_free, a deflate past the target is asked of
 * the policy like request_more. */
#include "mem_test.h"
#include "virtio/virtio_devs.h"

#include "io_test_util.h"
#include "virtio_drv.h"

#define PFNS (VD_RAM + 0x30000)
#define DATA_GFN 0x80040ull /* 32 pages touched, then given back */
#define F_ALL                                                                  \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |     \
	 VIRTIO_BIT(0) | VIRTIO_BIT(1) | VIRTIO_BIT(2) | VIRTIO_BIT(5))

static struct mem_host mh;
static struct dom_mem *mem;

static uint32_t cfg32(struct vdrv *d, unsigned off)
{
	return vd_rd(d, VIRTIO_MMIO_CONFIG + off);
}

static void touch(uint64_t gfn0, unsigned n)
{
	uint8_t one = 1;

	for (unsigned i = 0; i < n; i++)
		CHECK_EQ(dom_mem_write(mem, (gfn0 + i) << 12, &one, 1), 0);
}

/* Send n pfns from gfn0 on logical queue q (0 inflate, 1 deflate). */
static void send_pfns(struct vdrv *d, unsigned q, uint64_t gfn0, unsigned n)
{
	uint32_t pfn[64];
	uint16_t want = (uint16_t)(vd_used_idx(d, q) + 1);

	for (unsigned i = 0; i < n; i++)
		pfn[i] = (uint32_t)(gfn0 + i);
	dom_mem_write(mem, PFNS + q * 0x1000, pfn, n * 4);
	vd_desc(d, q, 0, PFNS + q * 0x1000, n * 4, 0, 0);
	vd_submit(d, q, 0);
	CHECK(vd_wait_used(d, q, want));
}

static uint64_t populated(void)
{
	struct dom_mem_stats st;

	dom_mem_get_stats(mem, &st);
	return st.populated;
}

/* Wait for the device's tick to announce num_pages == want. */
static bool wait_num_pages(struct vdrv *d, uint32_t want)
{
	for (int i = 0; i < 2000; i++) {
		if (cfg32(d, 0) == want)
			return true;
		usleep(5000);
	}
	return false;
}

int main(void)
{
	struct vdrv *d = calloc(1, sizeof(*d));
	struct dom_mem_stats st;
	uint64_t before;
	uint8_t stats[20] = { 0 };
	uint64_t freeb = 40 * 4096ull;

	if (it_host(&mh, 512))
		return 1;
	mem = it_dom(&mh, 1);
	if (!mem)
		return 1;
	d->mem = mem;
	CHECK_EQ(virtio_balloon_create(&d->dev, "virtio-balloon@test", mem,
				       vd_set_irq, d),
		 0);
	CHECK_EQ(virtio_dev_start(d->dev), 0);
	CHECK(vd_setup(d, F_ALL, 4, 16));
	/* full target: nothing to give */
	CHECK(wait_num_pages(d, 0));
	/* the policy lowers the target by 32 frames: num_pages 32 and a
	 * config interrupt */
	CHECK_EQ(dom_mem_set_target(mem, IT_FRAMES - 32), 0);
	CHECK(wait_num_pages(d, 32));
	CHECK(atomic_load(&d->raised) >= 1);
	/* inflate 32 touched pages: the holdings fall by 32 */
	touch(DATA_GFN, 32);
	touch(PFNS >> 12, 4); /* the driver's own buffers, populated now */
	before = populated();
	send_pfns(d, 0, DATA_GFN, 32);
	CHECK_EQ(populated(), before - 32);
	dom_mem_get_stats(mem, &st);
	CHECK_EQ(st.ballooned, 32);
	/* statistics: MEMFREE 40 pages, MEMTOT */
	stats[0] = 4;
	memcpy(stats + 2, &freeb, 8);
	stats[10] = 5;
	freeb = IT_FRAMES * 4096ull;
	memcpy(stats + 12, &freeb, 8);
	dom_mem_write(mem, PFNS + 0x2000, stats, sizeof(stats));
	vd_desc(d, 2, 0, PFNS + 0x2000, sizeof(stats), 0, 0);
	vd_submit(d, 2, 0);
	for (int i = 0; i < 2000 && !atomic_load(&mem->guest_reports); i++)
		usleep(1000);
	CHECK_EQ(atomic_load(&mem->guest_free_frames), 40);
	/* the device hands the buffer back at its next tick */
	CHECK(vd_wait_used(d, 2, 1));
	/* free page reporting: 8 touched pages as one range */
	touch(DATA_GFN + 32, 8);
	before = populated();
	vd_desc(d, 3, 0, (DATA_GFN + 32) << 12, 8 * 4096, VIRTQ_DESC_F_WRITE,
		0);
	vd_submit(d, 3, 0);
	CHECK(vd_wait_used(d, 3, 1));
	CHECK_EQ(populated(), before - 8);
	/* deflate past the target (OOM): asked of the policy, which grants
	 * from the free pool; num_pages falls by what was granted */
	send_pfns(d, 1, DATA_GFN, 16);
	dom_mem_get_stats(mem, &st);
	CHECK_EQ(st.target, IT_FRAMES - 16);
	CHECK(wait_num_pages(d, 16));
	/* a hostile stats buffer of odd length and pfns outside RAM break
	 * nothing */
	send_pfns(d, 0, 0x10001, 4);
	CHECK(!vd_broken(d));
	virtio_dev_destroy(d->dev);
	free(d);
	dom_mem_destroy(mem);
	CHECK_EQ(mpool_check(&mh.pool), 0);
	it_host_done(&mh);
	return mt_finish("virtio_balloon");
}
