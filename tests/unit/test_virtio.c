/* virtio (src/virtio): the virtio-mmio transport, the split virtqueue and
 * the blk and rng devices, driven by a fake driver (virtio_drv.h) through
 * a real domain's memory and the real MMIO handlers.  The hostile-driver
 * part checks that each protocol error breaks only its own device
 * (DEVICE_NEEDS_RESET), with one log line, and that a reset revives it. */
#include <fcntl.h>
#include <sys/stat.h>

#include "io/chardev.h"
#include "io/disk.h"
#include "io/vswitch.h"
#include "check.h"
#include "virtio/virtio_devs.h"

#include "io_test_util.h"
#include "virtio_drv.h"

#define BUF (VD_RAM + 0x40000) /* data buffers */
#define HDR (VD_RAM + 0x30000) /* request headers and status bytes */
#define STATUS (HDR + 0x800)
#define DISK_BYTES (1u << 20)

#define F_RING                                                                 \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |     \
	 VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))

static struct mem_host mh;
static struct dom_mem *mem;
static char img[128];

struct blk_hdr {
	uint32_t type, reserved;
	uint64_t sector;
};

/* stderr into a file while a test runs, to count the lines atoll logs. */
static int saved_err = -1;
static char err_path[128];

static void err_capture(void)
{
	int fd;

	snprintf(err_path, sizeof(err_path), "%s/stderr", it_dir);
	fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	fflush(stderr);
	saved_err = dup(2);
	dup2(fd, 2);
	close(fd);
}

static int err_release(void)
{
	char line[512];
	int n = 0;
	FILE *f;

	fflush(stderr);
	dup2(saved_err, 2);
	close(saved_err);
	f = fopen(err_path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		fputs(line, stdout); /* visible in the test's transcript */
		n++;
	}
	if (f)
		fclose(f);
	unlink(err_path);
	return n;
}

static struct vdrv *blk_new(bool ro)
{
	struct vdrv *d = calloc(1, sizeof(*d));
	struct disk *disk;

	CHECK_EQ(ro ? disk_raw_open_ro(img, &disk) : disk_raw_open(img, &disk),
		 0);
	d->mem = mem;
	CHECK_EQ(virtio_blk_create(&d->dev, "virtio-blk@test", mem, disk, ro,
				   vd_set_irq, d),
		 0);
	CHECK_EQ(virtio_dev_start(d->dev), 0);
	return d;
}

static void drv_free(struct vdrv *d)
{
	virtio_dev_destroy(d->dev);
	free(d);
}

static void put(uint64_t gpa, const void *p, size_t n)
{
	CHECK_EQ(dom_mem_write(mem, gpa, p, n), 0);
}

static uint8_t status_byte(void)
{
	uint8_t s = 0xee;

	dom_mem_read(mem, STATUS, &s, 1);
	return s;
}

/* A request: header, data buffers (each 2 KiB at BUF + 4 KiB * i, so the
 * data spans frames), status.  Returns the status byte, 0xff on timeout
 * or a broken device. */
static uint8_t blk_req(struct vdrv *d, uint32_t type, uint64_t sector,
		       unsigned nbufs, bool indirect)
{
	struct blk_hdr h = { type, 0, sector };
	uint16_t want = (uint16_t)(vd_used_idx(d, 0) + 1);
	bool in = type == 0 || type == 8;
	unsigned n = nbufs + 2;
	uint8_t poison = 0xee;

	put(HDR, &h, sizeof(h));
	put(STATUS, &poison, 1);
	if (indirect) {
		/* The table in guest memory, one descriptor naming it. */
		uint64_t t = HDR + 0x100;
		struct virtq_desc e[8];

		e[0] = (struct virtq_desc){ HDR, 16, VIRTQ_DESC_F_NEXT, 1 };
		for (unsigned i = 0; i < nbufs; i++)
			e[1 + i] = (struct virtq_desc){
				BUF + 4096ull * i, 2048,
				VIRTQ_DESC_F_NEXT |
					(in ? VIRTQ_DESC_F_WRITE : 0),
				(uint16_t)(2 + i)
			};
		e[n - 1] =
			(struct virtq_desc){ STATUS, 1, VIRTQ_DESC_F_WRITE, 0 };
		put(t, e, n * sizeof(e[0]));
		vd_desc(d, 0, 0, t, n * 16, VIRTQ_DESC_F_INDIRECT, 0);
	} else {
		vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		for (unsigned i = 0; i < nbufs; i++)
			vd_desc(d, 0, 1 + i, BUF + 4096ull * i, 2048,
				VIRTQ_DESC_F_NEXT |
					(in ? VIRTQ_DESC_F_WRITE : 0),
				(uint16_t)(2 + i));
		vd_desc(d, 0, n - 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	}
	vd_submit(d, 0, 0);
	if (!vd_wait_used(d, 0, want))
		return 0xff;
	return status_byte();
}

static void test_transport(void)
{
	struct vdrv *d = blk_new(false);
	uint64_t v;

	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_MAGIC), VIRTIO_MMIO_MAGIC_VALUE);
	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_VERSION), 2);
	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_DEVICE_ID), VIRTIO_ID_BLOCK);
	vd_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_DEVICE_FEATURES) & 1, 1); /* VERSION_1 */
	vd_wr(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	CHECK(vd_rd(d, VIRTIO_MMIO_DEVICE_FEATURES) &
	      (1u << VIRTIO_F_EVENT_IDX));
	vd_wr(d, VIRTIO_MMIO_QUEUE_SEL, 0);
	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 256);
	vd_wr(d, VIRTIO_MMIO_QUEUE_SEL, 1);
	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_QUEUE_NUM_MAX), 0);
	/* capacity in sectors, read as two 32-bit halves and by bytes */
	CHECK_EQ(vd_rd(d, VIRTIO_MMIO_CONFIG), DISK_BYTES / 512);
	virtio_mmio_read(d->dev, VIRTIO_MMIO_CONFIG + 1, 1, &v);
	CHECK_EQ(v, (DISK_BYTES / 512) >> 8);
	/* odd register accesses read 0 and change nothing */
	virtio_mmio_read(d->dev, VIRTIO_MMIO_MAGIC, 2, &v);
	CHECK_EQ(v, 0);
	/* a legacy driver (no VERSION_1) is refused */
	err_capture();
	CHECK(!vd_negotiate(d, VIRTIO_BIT(VIRTIO_F_EVENT_IDX)));
	CHECK_EQ(err_release(), 1);
	/* reset, then a proper driver */
	CHECK(vd_setup(d, F_RING, 1, 16));
	CHECK_EQ(blk_req(d, 4, 0, 0, false), 0); /* flush */
	drv_free(d);
}

static void test_blk_rw(void)
{
	struct vdrv *d = blk_new(false);
	uint8_t pat[8192], got[8192];
	int fd = open(img, O_RDONLY);

	CHECK(vd_setup(d, F_RING, 1, 16));
	for (unsigned i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 3);
	/* write 4 buffers of 2 KiB (8 KiB) at sector 16, direct chain */
	for (unsigned i = 0; i < 4; i++)
		put(BUF + 4096ull * i, pat + 2048 * i, 2048);
	CHECK_EQ(blk_req(d, 1, 16, 4, false), 0);
	CHECK_EQ(pread(fd, got, sizeof(got), 16 * 512), (ssize_t)sizeof(got));
	CHECK(!memcmp(got, pat, sizeof(got)));
	/* read it back through an indirect table into cleared buffers */
	memset(got, 0, sizeof(got));
	for (unsigned i = 0; i < 4; i++)
		put(BUF + 4096ull * i, got, 2048);
	CHECK_EQ(blk_req(d, 0, 16, 4, true), 0);
	CHECK_EQ(vd_used_elem(d, 0, 1).len, 8192 + 1);
	for (unsigned i = 0; i < 4; i++)
		dom_mem_read(mem, BUF + 4096ull * i, got + 2048 * i, 2048);
	CHECK(!memcmp(got, pat, sizeof(got)));
	CHECK(atomic_load(&d->raised) >= 1);
	/* the driver acknowledges: the line goes low */
	vd_wr(d, VIRTIO_MMIO_INTERRUPT_ACK, vd_rd(d, 0x60));
	CHECK_EQ(atomic_load(&d->irq), 0);
	/* past the end: an I/O error, the device stays usable */
	CHECK_EQ(blk_req(d, 0, DISK_BYTES / 512 - 1, 4, false), 1);
	CHECK_EQ(blk_req(d, 0, 0, 1, false), 0); /* 2 KiB: 512-multiple ok */
	close(fd);
	drv_free(d);
}

/* Several requests in flight: eight 4 KiB writes offered at once,
 * answered in any order; then one 3 MiB write and read, more than the
 * device moves in one host call (its buffers name one 128 KiB region 24
 * times, as a driver may), so it goes to the image in parts. */
static void test_blk_inflight(void)
{
	enum { N = 8, BIG = 24, PIECE = 128 << 10 };
	struct vdrv *d = calloc(1, sizeof(*d));
	char path[160];
	struct disk *disk;
	uint8_t *pat = malloc(PIECE), *got = malloc(PIECE);
	struct virtq_desc t[BIG + 2];
	bool seen[N] = { false };
	int fd;

	snprintf(path, sizeof(path), "%s/big.img", it_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && !ftruncate(fd, 4 << 20));
	CHECK_EQ(disk_raw_open(path, &disk), 0);
	d->mem = mem;
	CHECK_EQ(virtio_blk_create(&d->dev, "virtio-blk@test", mem, disk, false,
				   vd_set_irq, d),
		 0);
	CHECK_EQ(virtio_dev_start(d->dev), 0);
	CHECK(vd_setup(d, F_RING, 1, 64));
	for (unsigned k = 0; k < N; k++) {
		struct blk_hdr h = { 1, 0, 8 * k };
		uint8_t poison = 0xee;

		memset(pat, 0x10 + k, 4096);
		put(BUF + 4096ull * k, pat, 4096);
		put(HDR + 32 * k, &h, sizeof(h));
		put(STATUS + k, &poison, 1);
		vd_desc(d, 0, 3 * k, HDR + 32 * k, 16, VIRTQ_DESC_F_NEXT,
			(uint16_t)(3 * k + 1));
		vd_desc(d, 0, 3 * k + 1, BUF + 4096ull * k, 4096,
			VIRTQ_DESC_F_NEXT, (uint16_t)(3 * k + 2));
		vd_desc(d, 0, 3 * k + 2, STATUS + k, 1, VIRTQ_DESC_F_WRITE, 0);
		vd_submit(d, 0, (uint16_t)(3 * k));
	}
	CHECK(vd_wait_used(d, 0, N));
	for (unsigned i = 0; i < N; i++) {
		unsigned k = vd_used_elem(d, 0, (uint16_t)i).id / 3;

		CHECK(k < N && !seen[k]);
		if (k < N)
			seen[k] = true;
	}
	for (unsigned k = 0; k < N; k++) {
		uint8_t st = 0xee;

		dom_mem_read(mem, STATUS + k, &st, 1);
		CHECK_EQ(st, 0);
		CHECK_EQ(pread(fd, got, 4096, 4096 * k), 4096);
		memset(pat, 0x10 + k, 4096);
		CHECK(!memcmp(got, pat, 4096));
	}
	/* 3 MiB out of one region: 24 pieces of 128 KiB, then read back */
	for (unsigned i = 0; i < PIECE; i++)
		pat[i] = (uint8_t)(i * 13 + 1);
	put(BUF, pat, PIECE);
	for (unsigned r = 0; r < 2; r++) {
		struct blk_hdr h = { 1 - r, 0, 0 }; /* write, then read */
		uint16_t flags =
			VIRTQ_DESC_F_NEXT | (r ? VIRTQ_DESC_F_WRITE : 0);

		put(HDR, &h, sizeof(h));
		t[0] = (struct virtq_desc){ HDR, 16, VIRTQ_DESC_F_NEXT, 1 };
		for (unsigned i = 0; i < BIG; i++)
			t[1 + i] = (struct virtq_desc){ BUF, PIECE, flags,
							(uint16_t)(2 + i) };
		t[BIG + 1] =
			(struct virtq_desc){ STATUS, 1, VIRTQ_DESC_F_WRITE, 0 };
		put(HDR + 0x100, t, sizeof(t));
		if (r)
			put(BUF, (uint8_t[64]){ 0 },
			    64); /* read must restore */
		vd_desc(d, 0, 0, HDR + 0x100, sizeof(t), VIRTQ_DESC_F_INDIRECT,
			0);
		vd_submit(d, 0, 0);
		CHECK(vd_wait_used(d, 0, (uint16_t)(N + 1 + r)));
		CHECK_EQ(status_byte(), 0);
		if (r)
			continue;
		for (unsigned i = 0; i < BIG; i++) {
			CHECK_EQ(pread(fd, got, PIECE, (off_t)PIECE * i),
				 PIECE);
			CHECK(!memcmp(got, pat, PIECE));
		}
	}
	CHECK_EQ(vd_used_elem(d, 0, N + 1).len, BIG * PIECE + 1);
	dom_mem_read(mem, BUF, got, PIECE);
	CHECK(!memcmp(got, pat, PIECE));
	CHECK_EQ(blk_req(d, 4, 0, 0, false), 0); /* flush */
	close(fd);
	drv_free(d);
	unlink(path);
	free(pat);
	free(got);
}

/* The board's io_busy (machine.h: the vCPUs' WFI polls while it is
 * non-zero): a read or write counts from its kick until after its
 * interrupt was raised, so a polling vCPU finds the interrupt before it
 * finds the count fallen; nothing stays counted once the device is idle
 * (flushes included, which are not counted: they wait for the disk). */
static _Atomic uint32_t io_busy;
static _Atomic uint32_t busy_at_raise;

static void busy_set_irq(void *ctx, int level)
{
	if (level)
		atomic_store(&busy_at_raise, atomic_load(&io_busy));
	vd_set_irq(ctx, level);
}

static void test_blk_io_busy(void)
{
	struct vdrv *d = calloc(1, sizeof(*d));
	struct virtio_stats st;
	struct disk *disk;

	CHECK_EQ(disk_raw_open(img, &disk), 0);
	d->mem = mem;
	CHECK_EQ(virtio_blk_create(&d->dev, "virtio-blk@test", mem, disk, false,
				   busy_set_irq, d),
		 0);
	d->dev->io_busy = &io_busy;
	CHECK_EQ(virtio_dev_start(d->dev), 0);
	/* No EVENT_IDX: every answer interrupts. */
	CHECK(vd_setup(d, VIRTIO_BIT(VIRTIO_F_VERSION_1), 1, 16));
	for (unsigned r = 0; r < 6; r++) {
		uint32_t type =
			r == 5 ? 4 : r & 1; /* write, read, ..., flush */

		atomic_store(&busy_at_raise, 0);
		CHECK_EQ(blk_req(d, type, 16, 4, false), 0);
		for (int i = 0; i < 10000 && atomic_load(&io_busy); i++)
			usleep(1000);
		CHECK_EQ(atomic_load(&io_busy), 0);
		if (type != 4)
			CHECK(atomic_load(&busy_at_raise) >= 1);
		vd_wr(d, VIRTIO_MMIO_INTERRUPT_ACK, vd_rd(d, 0x60));
	}
	/* The latency figures of --stats: both measured. */
	virtio_dev_get_stats(d->dev, &st);
	CHECK(st.io_ns > 0 && st.io_ns < 10000000000ull);
	CHECK(st.ack_ns > 0 && st.ack_ns < 10000000000ull);
	drv_free(d);
}

/* A read's or write's pages stay pinned until its interrupt was raised
 * and are unpinned after it (the vCPU's wake-up does not wait for the
 * unpins), and none stays pinned once the device is idle. */
static _Atomic int pinned_at_raise = -1;

static int buf_pins(void)
{
	int n = 0;

	for (unsigned i = 0; i < 4; i++)
		n += (int)atomic_load(
			&mh.pool.ft[it_p2m(mem, (BUF >> 12) + i).val].refs);
	return n;
}

static void pins_set_irq(void *ctx, int level)
{
	if (level)
		atomic_store(&pinned_at_raise, buf_pins());
	vd_set_irq(ctx, level);
}

static void test_blk_unpin_after_raise(void)
{
	struct vdrv *d = calloc(1, sizeof(*d));
	struct disk *disk;

	CHECK_EQ(disk_raw_open(img, &disk), 0);
	d->mem = mem;
	CHECK_EQ(virtio_blk_create(&d->dev, "virtio-blk@test", mem, disk, false,
				   pins_set_irq, d),
		 0);
	CHECK_EQ(virtio_dev_start(d->dev), 0);
	CHECK(vd_setup(d, VIRTIO_BIT(VIRTIO_F_VERSION_1), 1, 16));
	for (uint32_t type = 0; type < 2; type++) { /* read, write */
		atomic_store(&pinned_at_raise, -1);
		CHECK_EQ(blk_req(d, type, 16, 4, false), 0);
		for (int i = 0; i < 10000 && atomic_load(&pinned_at_raise) < 0;
		     i++)
			usleep(1000);
		CHECK_EQ(atomic_load(&pinned_at_raise), 4);
		for (int i = 0; i < 10000 && buf_pins(); i++)
			usleep(1000);
		CHECK_EQ(buf_pins(), 0);
		vd_wr(d, VIRTIO_MMIO_INTERRUPT_ACK, vd_rd(d, 0x60));
	}
	drv_free(d);
}

/* The latency histogram's median: within its 19 % steps. */
static void test_lat(void)
{
	static struct virtio_lat l;

	CHECK_EQ(virtio_lat_median(&l), 0);
	for (int i = 0; i < 10; i++)
		virtio_lat_add(&l, 50000); /* 50 us */
	for (int i = 0; i < 5; i++)
		virtio_lat_add(&l, 3000000); /* 3 ms */
	for (int i = 0; i < 4; i++)
		virtio_lat_add(&l, 500); /* 0.5 us */
	CHECK(virtio_lat_median(&l) >= 42000 && virtio_lat_median(&l) <= 60000);
	for (int i = 0; i < 20; i++)
		virtio_lat_add(&l, 3000000);
	CHECK(virtio_lat_median(&l) >= 2500000 &&
	      virtio_lat_median(&l) <= 3600000);
}

static void test_blk_ops(void)
{
	struct vdrv *d = blk_new(false);
	struct {
		uint64_t sector;
		uint32_t num, flags;
	} range = { 512, 1024, 0 };
	uint8_t ones[2048], id[20] = { 0 };
	struct stat before, after;

	memset(ones, 0xff, sizeof(ones));
	CHECK(vd_setup(d, F_RING, 1, 16));
	for (unsigned s = 512; s < 1536; s += 4) {
		put(BUF, ones, 2048);
		CHECK_EQ(blk_req(d, 1, s, 1, false), 0);
	}
	CHECK_EQ(blk_req(d, 4, 0, 0, false), 0); /* flush: fdatasync */
	stat(img, &before);
	/* discard 512 KiB: a hole, the file's blocks go */
	put(BUF, &range, sizeof(range));
	vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	vd_desc(d, 0, 1, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	vd_desc(d, 0, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	put(HDR, &(struct blk_hdr){ 11, 0, 0 }, 16);
	vd_submit(d, 0, 0);
	CHECK(vd_wait_used(d, 0, (uint16_t)(d->avail_idx[0])));
	CHECK_EQ(status_byte(), 0);
	stat(img, &after);
	CHECK(after.st_blocks < before.st_blocks);
	CHECK_EQ(after.st_size, DISK_BYTES);
	/* the range reads as zeros */
	put(BUF, ones, 2048);
	CHECK_EQ(blk_req(d, 0, 600, 1, false), 0);
	dom_mem_read(mem, BUF, ones, 16);
	CHECK_EQ(ones[0] | ones[15], 0);
	/* get-id into a 20-byte buffer */
	vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
	vd_desc(d, 0, 1, BUF, 20, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
	vd_desc(d, 0, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
	put(HDR, &(struct blk_hdr){ 8, 0, 0 }, 16);
	vd_submit(d, 0, 0);
	CHECK(vd_wait_used(d, 0, d->avail_idx[0]));
	dom_mem_read(mem, BUF, id, sizeof(id));
	CHECK(!memcmp(id, "atoll-virtio-blk", 16));
	/* an unknown request type: UNSUPP */
	CHECK_EQ(blk_req(d, 99, 0, 0, false), 2);
	drv_free(d);
}

static void test_blk_readonly(void)
{
	struct vdrv *d = blk_new(true);

	CHECK(vd_rd(d, VIRTIO_MMIO_DEVICE_FEATURES) & (1u << 5)); /* RO */
	CHECK(vd_setup(d, F_RING, 1, 16));
	CHECK_EQ(blk_req(d, 1, 0, 1, false), 1); /* write: IOERR */
	CHECK_EQ(blk_req(d, 0, 0, 1, false), 0); /* read works */
	drv_free(d);
}

/* One hostile act per case on a fresh, working device: it must end in
 * NEEDS_RESET with exactly one log line, leave the rng device beside it
 * working, and work again after a reset. */
enum hostile {
	H_LOOP,
	H_OUTSIDE_RAM,
	H_MMIO_ADDR,
	H_NO_STATUS,
	H_READ_AFTER_WRITE,
	H_INDEX_JUMP,
	H_HEAD_RANGE,
	H_NESTED_INDIRECT,
	H_INDIRECT_UNNEGOTIATED,
	H_CONFIG_ODD,
	H_CONFIG_RO,
	H_FEATURE_UNOFFERED,
	H_RING_OUTSIDE,
	H_COUNT
};

static void hostile_act(struct vdrv *d, enum hostile h)
{
	uint64_t cfg = VIRTIO_MMIO_CONFIG;

	switch (h) {
	case H_LOOP:
		vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		vd_desc(d, 0, 1, BUF, 512, VIRTQ_DESC_F_NEXT, 0);
		vd_submit(d, 0, 0);
		break;
	case H_OUTSIDE_RAM:
	case H_MMIO_ADDR:
		vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		vd_desc(d, 0, 1,
			h == H_MMIO_ADDR ? 0x10001000ull
					 : VD_RAM + (IT_FRAMES << 12) - 256,
			512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2);
		vd_desc(d, 0, 2, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
		vd_submit(d, 0, 0);
		break;
	case H_NO_STATUS: /* the status "byte" in a read-only buffer */
		vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		vd_desc(d, 0, 1, STATUS, 1, 0, 0);
		vd_submit(d, 0, 0);
		break;
	case H_READ_AFTER_WRITE:
		vd_desc(d, 0, 0, STATUS, 1, VIRTQ_DESC_F_WRITE | 1, 1);
		vd_desc(d, 0, 1, HDR, 16, 0, 0);
		vd_submit(d, 0, 0);
		break;
	case H_INDEX_JUMP:
		vd_desc(d, 0, 0, HDR, 16, VIRTQ_DESC_F_NEXT, 1);
		vd_desc(d, 0, 1, STATUS, 1, VIRTQ_DESC_F_WRITE, 0);
		vd_submit_step(d, 0, 0, 17);
		break;
	case H_HEAD_RANGE: vd_submit(d, 0, 16); break;
	case H_NESTED_INDIRECT:
		put(HDR + 0x100,
		    &(struct virtq_desc){ HDR + 0x200, 32,
					  VIRTQ_DESC_F_INDIRECT, 0 },
		    16);
		vd_desc(d, 0, 0, HDR + 0x100, 16, VIRTQ_DESC_F_INDIRECT, 0);
		vd_submit(d, 0, 0);
		break;
	case H_INDIRECT_UNNEGOTIATED: break; /* see hostile_case */
	case H_CONFIG_ODD:
		virtio_mmio_write(d->dev, cfg + 58, 4, 1); /* past the end */
		break;
	case H_CONFIG_RO: virtio_mmio_write(d->dev, cfg, 4, 1); break;
	case H_FEATURE_UNOFFERED: break; /* see hostile_case */
	case H_RING_OUTSIDE:
		vd_wr(d, VIRTIO_MMIO_QUEUE_READY, 0);
		vd_wr(d, VIRTIO_MMIO_QUEUE_USED_LOW, 0x10001000);
		vd_wr(d, VIRTIO_MMIO_QUEUE_READY, 1);
		break;
	case H_COUNT: break;
	}
}

static uint8_t rng_once(struct vdrv *r);

static void hostile_case(enum hostile h, struct vdrv *rng)
{
	struct vdrv *d = blk_new(false);
	uint64_t f = F_RING;

	if (h == H_INDIRECT_UNNEGOTIATED)
		f &= ~VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC);
	err_capture();
	if (h == H_FEATURE_UNOFFERED) {
		CHECK(!vd_setup(d, f | VIRTIO_BIT(40), 1, 16));
	} else {
		CHECK(vd_setup(d, f, 1, 16));
		if (h == H_INDIRECT_UNNEGOTIATED)
			CHECK_EQ(blk_req(d, 4, 0, 0, true), 0xff);
		else
			hostile_act(d, h);
		/* the device thread notices within the bound */
		for (int i = 0; i < 50000 && !vd_broken(d); i++)
			usleep(200);
		/* again: no second line */
		hostile_act(d, h);
		usleep(1000);
	}
	CHECK(vd_broken(d));
	if (!vd_broken(d))
		printf("hostile case %d: device not broken\n", h);
	CHECK_EQ(err_release(), 1);
	if (h != H_FEATURE_UNOFFERED) /* nothing was served */
		CHECK_EQ(vd_used_idx(d, 0), 0);
	/* the neighbour is unaffected */
	CHECK_EQ(rng_once(rng), 64);
	/* a reset and a proper set-up revive it */
	CHECK(vd_setup(d, F_RING, 1, 16));
	CHECK_EQ(blk_req(d, 4, 0, 0, false), 0);
	drv_free(d);
}

/* rng: one 64-byte buffer, returns the used length. */
static uint8_t rng_once(struct vdrv *r)
{
	uint16_t want = (uint16_t)(vd_used_idx(r, 0) + 1);
	uint8_t zero[64] = { 0 }, got[64];

	put(BUF + 0x30000, zero, sizeof(zero));
	vd_desc(r, 0, 0, BUF + 0x30000, 64, VIRTQ_DESC_F_WRITE, 0);
	vd_submit(r, 0, 0);
	if (!vd_wait_used(r, 0, want))
		return 0;
	dom_mem_read(mem, BUF + 0x30000, got, sizeof(got));
	CHECK(memcmp(got, zero, sizeof(got)));
	return (uint8_t)vd_used_elem(r, 0, want - 1).len;
}

static struct vdrv *rng_new(void)
{
	struct vdrv *r = calloc(1, sizeof(*r));

	r->mem = mem;
	CHECK_EQ(virtio_rng_create(&r->dev, "virtio-rng@test", mem, vd_set_irq,
				   r),
		 0);
	CHECK_EQ(virtio_dev_start(r->dev), 0);
	r->base = 2 * VD_QSTRIDE; /* away from the blk device's rings */
	CHECK(vd_setup(r, F_RING, 1, 16));
	return r;
}

/* EVENT_IDX: an interrupt only when used_event is crossed. */
static void test_event_idx(void)
{
	struct vdrv *d = blk_new(false);
	uint16_t far = 1000;
	int before;

	CHECK(vd_setup(d, F_RING, 1, 16));
	put(VD_AVAIL + 4 + 2 * 16, &far, 2); /* used_event */
	before = atomic_load(&d->raised);
	CHECK_EQ(blk_req(d, 4, 0, 0, false), 0);
	CHECK_EQ(atomic_load(&d->raised), before);
	far = 1; /* the next completion (index 1 -> 2) crosses it */
	put(VD_AVAIL + 4 + 2 * 16, &far, 2);
	CHECK_EQ(blk_req(d, 4, 0, 0, false), 0);
	CHECK_EQ(atomic_load(&d->raised), before + 1);
	/* the device asked to be notified at the next index */
	{
		uint16_t ev = 0;
		for (int i = 0; i < 1000 && ev != 2; i++) {
			dom_mem_read(mem, VD_USED + 4 + 8 * 16, &ev, 2);
			usleep(1000);
		}
		CHECK_EQ(ev, 2);
	}
	drv_free(d);
}

static struct vdrv *net_new(struct vswitch *sw, uint8_t last, uint64_t base)
{
	struct vdrv *n = calloc(1, sizeof(*n));
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, last };

	n->mem = mem;
	n->base = base;
	CHECK_EQ(virtio_net_create(&n->dev, "virtio-net@test", mem, sw, mac,
				   vd_set_irq, n),
		 0);
	CHECK_EQ(virtio_dev_start(n->dev), 0);
	CHECK(vd_setup(n, F_RING, 2, 16));
	return n;
}

/* Two virtio-net devices on one switch: a frame A sends arrives in B's
 * posted receive buffer behind a 12-byte header with num_buffers 1. */
static void test_net(void)
{
	struct vswitch *sw;
	struct vdrv *a, *b;
	uint8_t frame[12 + 60] = { 0 }, got[12 + 60];
	uint64_t txb = BUF, rxb = BUF + 0x1000;

	CHECK_EQ(vswitch_create(&sw), 0);
	a = net_new(sw, 1, 0);
	b = net_new(sw, 2, 2 * VD_QSTRIDE);
	CHECK_EQ(vd_rd(a, VIRTIO_MMIO_CONFIG + 4) & 0xffff, 0x0100); /* mac */
	CHECK_EQ(vd_rd(a, VIRTIO_MMIO_CONFIG + 4) >> 16, 1); /* link up */
	/* B posts a receive buffer */
	put(rxb, got, 0); /* nothing */
	vd_desc(b, 0, 0, rxb, sizeof(got), VIRTQ_DESC_F_WRITE, 0);
	vd_submit(b, 0, 0);
	/* A sends a broadcast: header, then dst ff.., src A */
	memset(frame + 12, 0xff, 6);
	memcpy(frame + 18, (uint8_t[]){ 2, 0, 0, 0, 0, 1 }, 6);
	frame[12 + 59] = 0x5a;
	put(txb, frame, sizeof(frame));
	vd_desc(a, 1, 0, txb, 12, VIRTQ_DESC_F_NEXT, 1);
	vd_desc(a, 1, 1, txb + 12, 60, 0, 0);
	vd_submit(a, 1, 0);
	CHECK(vd_wait_used(a, 1, 1));
	CHECK(vd_wait_used(b, 0, 1));
	CHECK_EQ(vd_used_elem(b, 0, 0).len, 72);
	dom_mem_read(mem, rxb, got, sizeof(got));
	CHECK_EQ(got[10], 1); /* num_buffers */
	CHECK(!memcmp(got + 12, frame + 12, 60));
	/* a runt frame is dropped, the device stays up */
	vd_desc(a, 1, 0, txb, 12, VIRTQ_DESC_F_NEXT, 1);
	vd_desc(a, 1, 1, txb + 12, 4, 0, 0);
	vd_submit(a, 1, 0);
	CHECK(vd_wait_used(a, 1, 2));
	CHECK(!vd_broken(a));
	drv_free(a);
	drv_free(b);
	vswitch_destroy(sw);
}

/* A character back-end for the console: output into a buffer, input
 * from one, a ready call like the terminal's. */
static char cd_out[64], cd_in[8];
static _Atomic unsigned cd_out_len, cd_in_len;
static void (*cd_ready)(void *);
static void *cd_arg;

static ssize_t cd_write(void *ctx, const void *buf, size_t n)
{
	unsigned at = atomic_load(&cd_out_len);

	if (n > sizeof(cd_out) - at)
		n = sizeof(cd_out) - at;
	memcpy(cd_out + at, buf, n);
	atomic_store(&cd_out_len, at + (unsigned)n);
	return (ssize_t)n;
}

static size_t cd_read(void *ctx, void *buf, size_t n)
{
	unsigned have = atomic_exchange(&cd_in_len, 0);

	n = n < have ? n : have;
	memcpy(buf, cd_in, n);
	return n;
}

static void cd_set_ready(void *ctx, void (*ready)(void *), void *arg)
{
	cd_ready = ready;
	cd_arg = arg;
}

static const struct chardev_ops cd_ops = { cd_write, cd_read, cd_set_ready };

/* virtio-console: a transmit chain reaches the back-end; input the
 * back-end announces lands in a posted receive buffer. */
static void test_console(void)
{
	struct chardev cd = { &cd_ops, 0 };
	struct vdrv *c = calloc(1, sizeof(*c));
	char got[8] = { 0 };

	c->mem = mem;
	CHECK_EQ(virtio_console_create(&c->dev, "virtio-console@test", mem, &cd,
				       vd_set_irq, c),
		 0);
	CHECK_EQ(virtio_dev_start(c->dev), 0);
	CHECK(vd_setup(c, F_RING, 2, 16));
	put(BUF, "hello", 5);
	vd_desc(c, 1, 0, BUF, 5, 0, 0);
	vd_submit(c, 1, 0);
	CHECK(vd_wait_used(c, 1, 1));
	CHECK_EQ(atomic_load(&cd_out_len), 5);
	CHECK(!memcmp(cd_out, "hello", 5));
	vd_desc(c, 0, 0, BUF + 0x1000, sizeof(got), VIRTQ_DESC_F_WRITE, 0);
	vd_submit(c, 0, 0);
	memcpy(cd_in, "abc", 3);
	atomic_store(&cd_in_len, 3);
	CHECK(cd_ready != 0);
	if (cd_ready)
		cd_ready(cd_arg);
	CHECK(vd_wait_used(c, 0, 1));
	CHECK_EQ(vd_used_elem(c, 0, 0).len, 3);
	dom_mem_read(mem, BUF + 0x1000, got, 3);
	CHECK(!memcmp(got, "abc", 3));
	drv_free(c);
	CHECK(cd_ready == 0); /* no ready call after the device is gone */
}

int main(void)
{
	struct vdrv *rng;
	int fd;

	if (it_host(&mh, 512))
		return 1;
	mem = it_dom(&mh, 1);
	if (!mem)
		return 1;
	snprintf(img, sizeof(img), "%s/disk.img", it_dir);
	fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && !ftruncate(fd, DISK_BYTES));
	close(fd);

	test_transport();
	test_lat();
	test_blk_rw();
	test_blk_inflight();
	setenv("ATOLL_NO_URING", "1", 1); /* the synchronous path too */
	test_blk_inflight();
	test_blk_io_busy();
	test_blk_unpin_after_raise();
	unsetenv("ATOLL_NO_URING");
	test_blk_io_busy();
	test_blk_unpin_after_raise();
	test_blk_ops();
	test_blk_readonly();
	test_event_idx();
	test_net();
	test_console();
	rng = rng_new();
	for (int h = 0; h < H_COUNT; h++)
		hostile_case((enum hostile)h, rng);

	drv_free(rng);
	unlink(img);
	dom_mem_destroy(mem);
	CHECK_EQ(mpool_check(&mh.pool), 0);
	it_host_done(&mh);
	return check_done("virtio");
}
