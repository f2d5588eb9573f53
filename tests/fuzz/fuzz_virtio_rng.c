/* virtio-rng (src/virtio/virtio_rng.c) under a hostile driver
 * (fuzz_virtio.h): its kicks are served on the notifying thread. */
#include "fuzz_virtio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct vdrv d;

	fv_dom_create(&d);
	FZ_ASSERT(!virtio_rng_create(&d.dev, "virtio-rng@fuzz", d.mem,
				     vd_set_irq, &d));
	fv_run(&d, &in, 1);
	fv_dom_destroy();
	return 0;
}
