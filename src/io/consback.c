/* The PV console back-end: one I/O thread per connected console, woken by
 * the guest's event channel, copies the `out` ring of the shared
 * xencons_interface to the domain's console.  Output only: terminal input
 * does not reach PV consoles (the UART keeps it).
 *
 * The front-end is hostile: atoll keeps its own out_cons (what the guest
 * writes there is ignored and overwritten), reads out_prod once per round,
 * and disconnects the device if more than the ring's size is outstanding. */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atoll/abi/console.h"
#include "io/consback_internal.h"
#include "io/evtchn.h"
#include "io/pvdev.h"

#define CONSBACK_ROUNDS 16 /* ring-fulls per pass: bound the work */

/* Drain the out ring (consback_internal.h). */
long consback_pass(struct pvdev *dev, struct consback *cb)
{
	struct xencons_interface *ring = dev->ring.ptr;
	char buf[sizeof(ring->out)];
	xencons_ring_idx_t prod, n;
	long done = 0;

	for (unsigned r = 0; r < CONSBACK_ROUNDS; r++) {
		prod = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE);
		n = prod - cb->cons;
		if (n > sizeof(ring->out)) {
			fprintf(stderr,
				"atoll: pvdev: domain %u console %u: out_prod "
				"%u is %u past out_cons %u (ring of %zu): "
				"disconnected\n",
				dev->domid, dev->index, prod, n, cb->cons,
				sizeof(ring->out));
			return -EPROTO;
		}
		if (!n)
			break;
		for (xencons_ring_idx_t i = 0; i < n; i++)
			buf[i] =
				ring->out[XENCONS_IDX(cb->cons + i, ring->out)];
		cb->cons += n;
		/* Out before the space is handed back: a front-end that sees
		 * its ring drained knows its bytes were written (and its next
		 * UART line comes after them). */
		dev->env.con_write(dev->env.ctx, buf, n);
		__atomic_store_n(&ring->out_cons, cb->cons, __ATOMIC_RELEASE);
		done += n;
	}
	return done;
}

/* Wait for the guest's event (or stop, or a timeout of ms).  1 to go on,
 * 0 to stop. */
static int consback_wait(struct pvdev *dev, int ms)
{
	struct pollfd pfd[2] = { { dev->efd, POLLIN, 0 },
				 { dev->stop_efd, POLLIN, 0 } };
	uint64_t count;

	if (poll(pfd, 2, ms) < 0 && errno != EINTR)
		return 0;
	if (pfd[1].revents)
		return 0;
	if (pfd[0].revents && read(dev->efd, &count, sizeof(count)) < 0 &&
	    errno != EAGAIN)
		return 0;
	return 1;
}

/* The I/O thread: a pass per wake-up (and again at once while a pass hit
 * its bound); one event to the guest per pass that consumed anything, so
 * a front-end waiting for space is woken, and never for nothing. */
static void *consback_thread(void *arg)
{
	struct pvdev *dev = arg;
	struct consback *cb = dev->priv;
	struct xencons_interface *ring = dev->ring.ptr;
	long done = 1; /* a first pass at once: output before the connect */

	for (;;) {
		if (!consback_wait(dev, done ? 0 : -1))
			break;
		done = consback_pass(dev, cb);
		if (done < 0) {
			pvdev_release(dev);
			break;
		}
		cb->passes++;
		cb->bytes += (uint64_t)done;
		if (done && !evtchn_notify(dev->dom, dev->port))
			cb->notifies++;
		/* Sleep only when the ring is drained: a pass that hit its
		 * bound of rounds may leave bytes behind. */
		done = __atomic_load_n(&ring->out_prod, __ATOMIC_ACQUIRE) !=
		       cb->cons;
	}
	return NULL;
}

static int consback_start(struct pvdev *dev)
{
	struct xencons_interface *ring = dev->ring.ptr;
	struct consback *cb = calloc(1, sizeof(*cb));
	int err;

	if (!cb)
		return -ENOMEM;
	/* Start where the front-end says it is; it is ours from now on. */
	cb->cons = __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE);
	dev->priv = cb;
	err = pthread_create(&cb->thread, NULL, consback_thread, dev);
	if (err) {
		free(cb);
		dev->priv = NULL;
		return -err;
	}
	return 0;
}

static void consback_stop(struct pvdev *dev)
{
	struct consback *cb = dev->priv;
	uint64_t one = 1;

	if (write(dev->stop_efd, &one, sizeof(one)) < 0)
		perror("atoll: pvdev console");
	pthread_join(cb->thread, NULL);
	free(cb);
	dev->priv = NULL;
}

const struct pvdev_ops consback_ops = {
	.name = "console",
	.start = consback_start,
	.stop = consback_stop,
};
