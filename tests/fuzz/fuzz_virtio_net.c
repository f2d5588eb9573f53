/* virtio-net (src/virtio/virtio_net.c) under a hostile driver
 * (fuzz_virtio.h), on a switch of its own: frames it sends come back on
 * a second port that echoes them to every port (floods), so its receive
 * queue is exercised too. */
#include "fuzz_virtio.h"
#include "io/vswitch.h"

static struct vswitch_port *fn_echo;

/* The other port: send every frame back into the switch (on this
 * thread, as a sender would: the device copies and returns). */
static int fn_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	static int depth;

	if (depth)
		return 0;
	depth++;
	vswitch_send(p, frame, len);
	depth--;
	return 0;
}

static const struct vswitch_port_ops fn_ops = { .deliver = fn_deliver };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	struct fz_in in = { data, size };
	struct vswitch *sw;
	struct vdrv d;

	fv_dom_create(&d);
	FZ_ASSERT(!vswitch_create(&sw));
	fn_echo = vswitch_port_add(sw, "echo", &fn_ops, 0);
	FZ_ASSERT(fn_echo);
	FZ_ASSERT(!virtio_net_create(&d.dev, "virtio-net@fuzz", d.mem, sw, mac,
				     vd_set_irq, &d));
	fv_run(&d, &in, 2);
	vswitch_port_remove(fn_echo);
	vswitch_destroy(sw);
	fv_dom_destroy();
	return 0;
}
