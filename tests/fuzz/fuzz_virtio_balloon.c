/* virtio-balloon (src/virtio/virtio_balloon.c) under a hostile driver
 * (fuzz_virtio.h): page lists and reports naming any frame, statistics of
 * any shape, deflates past the target (request_more), its ticks now and
 * then.  The memory host's accounting must hold afterwards. */
#include "fuzz_virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct vdrv d;

	fv_dom_create(&d);
	FZ_ASSERT(!virtio_balloon_create(&d.dev, "virtio-balloon@fuzz", d.mem,
					 vd_set_irq, &d));
	dom_mem_set_target(d.mem, IT_FRAMES / 2 + fz_u8(&in) % 32);
	fv_run(&d, &in, 4);
	fv_dom_destroy();
	return 0;
}
