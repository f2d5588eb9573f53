/* virtio-console (src/virtio/virtio_console.c) under a hostile driver
 * (fuzz_virtio.h), on a character back-end that swallows output and
 * always has a few bytes of input. */
#include "fuzz_virtio.h"
#include "io/chardev.h"

static ssize_t fc_write(void *ctx, const void *buf, size_t n)
{
	return (ssize_t)n;
}

static size_t fc_read(void *ctx, void *buf, size_t n)
{
	n = n < 7 ? n : 7;
	memcpy(buf, "input\r\n", n);
	return n;
}

static const struct chardev_ops fc_ops = { fc_write, fc_read, 0 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chardev cd = { &fc_ops, 0 };
	struct fz_in in = { data, size };
	struct vdrv d;

	fv_dom_create(&d);
	FZ_ASSERT(!virtio_console_create(&d.dev, "virtio-console@fuzz", d.mem,
					 &cd, vd_set_irq, &d));
	fv_run(&d, &in, 2);
	fv_dom_destroy();
	return 0;
}
