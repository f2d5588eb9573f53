/* The PV console back-end: one I/O thread per connected console, woken by
 * the guest's event channel or by console input.  It copies the `out` ring
 * of the shared xencons_interface to the domain's console, and console
 * input (the terminal of `atoll run`/`boot`, or an `atoll console` client)
 * into the `in` ring.
 *
 * The front-end is hostile: atoll keeps its own out_cons and in_prod (what
 * the guest writes there is ignored and overwritten), reads out_prod and
 * in_cons once per round, and disconnects the device if more than a ring's
 * size is outstanding either way. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "atoll/abi/console.h"
#include "io/chardev.h"
#include "io/consback_internal.h"
#include "io/evtchn.h"
#include "io/pvdev.h"
#include "io/pvdev_thread.h"

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
			log_warn("pvdev: domain %u console %u: out_prod "
				 "%u is %u past out_cons %u (ring of %zu): "
				 "disconnected",
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
		if (dev->env.con)
			chardev_write(dev->env.con, buf, n);
		__atomic_store_n(&ring->out_cons, cb->cons, __ATOMIC_RELEASE);
		done += n;
	}
	return done;
}

/* Fill the in ring (consback_internal.h). */
long consback_in_pass(struct pvdev *dev, struct consback *cb)
{
	struct xencons_interface *ring = dev->ring.ptr;
	char buf[sizeof(ring->in)];
	xencons_ring_idx_t cons, used;
	size_t n;

	if (!dev->env.con)
		return 0;
	cons = __atomic_load_n(&ring->in_cons, __ATOMIC_ACQUIRE);
	used = cb->in_prod - cons;
	if (used > sizeof(ring->in)) {
		log_warn("pvdev: domain %u console %u: in_cons %u is %u "
			 "behind in_prod %u (ring of %zu): disconnected",
			 dev->domid, dev->index, cons, used, cb->in_prod,
			 sizeof(ring->in));
		return -EPROTO;
	}
	n = chardev_read(dev->env.con, buf, sizeof(ring->in) - used);
	cb->in_full = used + n == sizeof(ring->in);
	for (size_t i = 0; i < n; i++)
		ring->in[XENCONS_IDX(cb->in_prod + (xencons_ring_idx_t)i,
				     ring->in)] = buf[i];
	cb->in_prod += (xencons_ring_idx_t)n;
	/* The bytes before the index that publishes them. */
	__atomic_store_n(&ring->in_prod, cb->in_prod, __ATOMIC_RELEASE);
	cb->in_bytes += n;
	return (long)n;
}

/* One pass both ways; returns bytes moved, or -EPROTO. */
static long consback_both(struct pvdev *dev, struct consback *cb)
{
	long out = consback_pass(dev, cb), in;

	if (out < 0)
		return out;
	in = consback_in_pass(dev, cb);
	if (in < 0)
		return in;
	if (out)
		cb->requests++;
	if (in)
		cb->requests++;
	return out + in;
}

/* The I/O thread: a pass per wake-up (and again at once while a pass hit
 * its bound); one event to the guest per pass that moved anything, so a
 * front-end waiting for space or input is woken, and never for nothing.
 * Input that finds `in` full is retried on the guest's next event (it
 * sends one after consuming) or after a short timeout. */
static void *consback_thread(void *arg)
{
	struct pvdev *dev = arg;
	struct consback *cb = dev->priv;
	struct xencons_interface *ring = dev->ring.ptr;
	long done = 1; /* a first pass at once: output before the connect */

	for (;;) {
		/* Input arriving during the pass wakes us again: in_fd is
		 * drained before it. */
		if (!pvdev_wait(dev, cb->in_efd,
				done	      ? 0
				: cb->in_full ? 50
					      : -1,
				&cb->wakeups))
			break;
		done = consback_both(dev, cb);
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

/* The chardev's ready call (its thread): wake ours.  A full counter
 * still wakes it, so a failed write loses nothing. */
static void consback_input_ready(void *arg)
{
	struct consback *cb = arg;
	uint64_t one = 1;

	if (write(cb->in_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error("pvdev: console input: %s", strerror(errno));
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
	cb->in_prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
	cb->in_efd = -1;
	if (dev->env.con) {
		cb->in_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (cb->in_efd < 0) {
			err = -errno;
			goto err_free;
		}
		chardev_set_ready(dev->env.con, consback_input_ready, cb);
	}
	dev->priv = cb;
	err = io_thread_start(&dev->thread, consback_thread, dev);
	if (err)
		goto err_ready;
	return 0;

err_ready:
	dev->priv = NULL;
	if (dev->env.con) {
		chardev_set_ready(dev->env.con, NULL, cb);
		close(cb->in_efd);
	}
err_free:
	free(cb);
	return err;
}

static void consback_stop(struct pvdev *dev)
{
	struct consback *cb = dev->priv;

	/* No ready call runs or comes once this returns: then the eventfd
	 * can go. */
	if (dev->env.con)
		chardev_set_ready(dev->env.con, NULL, cb);
	io_thread_stop(&dev->thread);
	if (cb->in_efd >= 0)
		close(cb->in_efd);
	free(cb);
	dev->priv = NULL;
}

static void consback_get_stats(const struct pvdev *dev, struct pvdev_stats *st)
{
	const struct consback *cb = dev->priv;

	memset(st, 0, sizeof(*st));
	if (!cb)
		return;
	st->requests = cb->requests;
	st->bytes = cb->bytes;
	st->notifies = cb->notifies;
	st->wakeups = cb->wakeups;
	st->passes = cb->passes;
}

const struct pvdev_ops consback_ops = {
	.name = "console",
	.start = consback_start,
	.stop = consback_stop,
	.get_stats = consback_get_stats,
};
