/* virtio-blk (src/virtio/virtio_blk.c) under a hostile driver
 * (fuzz_virtio.h) on a 64 KiB raw image. */
#include <fcntl.h>

#include "fuzz_virtio.h"
#include "io/disk.h"

static int fv_disk_fd = -1;

/* The image: created once, unlinked at once, reopened per input. */
static struct disk *fv_disk(bool ro)
{
	char path[64];
	struct disk *disk;

	if (fv_disk_fd < 0) {
		char tmpl[] = "/tmp/atoll-fuzz-blk-XXXXXX";
		fv_disk_fd = mkstemp(tmpl);
		FZ_ASSERT(fv_disk_fd >= 0 && !ftruncate(fv_disk_fd, 65536));
		unlink(tmpl);
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fv_disk_fd);
	FZ_ASSERT(!(ro ? disk_raw_open_ro(path, &disk)
		       : disk_raw_open(path, &disk)));
	return disk;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct vdrv d;
	bool ro = fz_u8(&in) & 1;

	fv_dom_create(&d);
	FZ_ASSERT(!virtio_blk_create(&d.dev, "virtio-blk@fuzz", d.mem,
				     fv_disk(ro), ro, vd_set_irq, &d));
	fv_run(&d, &in, 1);
	fv_dom_destroy();
	return 0;
}
