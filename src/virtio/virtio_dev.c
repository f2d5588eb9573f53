/* What every virtio device shares (virtio.h): set-up, the I/O thread
 * that serves its queues, interrupts, config updates, the one log line. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "io/pvdev_thread.h"
#include "lib/log.h"
#include "virtio/virtio.h"

/* Passes a notifying vCPU serves for a device without a thread before it
 * returns to its guest (bounds what a driver on other harts can make one
 * vCPU do). */
#define VIRTIO_INLINE_PASSES 8

/* The I/O thread's busy-poll before it asks for notifications and
 * sleeps (docs/virtio.md, "Notifications"): first while the used-ring
 * interrupt it raised is not yet acknowledged (the guest's next request
 * comes only after it took that interrupt: at most VIRTIO_DELIVERY_NS),
 * then for a window that adapts between VIRTIO_POLL_MIN_NS (the
 * PV back-ends' spin) and the maximum, VIRTIO_POLL_MAX_US or the
 * environment's ATOLL_VIRTIO_POLL_US (0: no window, sleep at once). */
#define VIRTIO_POLL_MIN_NS PVDEV_SPIN_NS
#define VIRTIO_POLL_MAX_US 500
#define VIRTIO_POLL_ENV "ATOLL_VIRTIO_POLL_US"
#define VIRTIO_POLL_LIMIT_US 100000 /* what the environment may ask */
#define VIRTIO_DELIVERY_NS PVDEV_DELIVERY_NS
/* On a busy host (docs/virtio.md, "A busy host") the busy-poll sleeps
 * between its rounds (pvdev_poll's naps) and goes on doing so for the
 * next 1, 2, 4 ... VIRTIO_NAP_POLLS_MAX polls before it tries yielding
 * again.  Napping, its window is at least VIRTIO_NAP_WINDOW_NS of naps
 * (40 rounds): a nap costs a round of looks, not a spinning cpu, and the
 * guest's next request comes milliseconds later on such a host. */
#define VIRTIO_NAP_POLLS_MAX 64
#define VIRTIO_NAP_WINDOW_NS PVDEV_DELIVERY_NS

/* The window's maximum from the environment (read when a device is made,
 * never on a guest's path): 0 and *ns, or -EINVAL. */
static int virtio_poll_max(int64_t *ns)
{
	const char *v = getenv(VIRTIO_POLL_ENV);
	char *end;
	unsigned long us;

	*ns = (int64_t)VIRTIO_POLL_MAX_US * 1000;
	if (!v)
		return 0;
	errno = 0;
	us = strtoul(v, &end, 10);
	if (errno || end == v || *end || *v == '-' || us > VIRTIO_POLL_LIMIT_US)
		return -EINVAL;
	*ns = (int64_t)us * 1000;
	return 0;
}

int virtio_poll_check(void)
{
	int64_t ns;

	if (!virtio_poll_max(&ns))
		return 0;
	log_error("%s=%s: not a number of microseconds from 0 to %u",
		  VIRTIO_POLL_ENV, getenv(VIRTIO_POLL_ENV),
		  VIRTIO_POLL_LIMIT_US);
	return -EINVAL;
}

/* The thread's descriptors: kick_fd and the stop eventfd. */
static void virtio_dev_close_fds(struct virtio_dev *dev)
{
	if (dev->kick_fd >= 0)
		close(dev->kick_fd);
	dev->kick_fd = -1;
	io_thread_destroy(&dev->thread);
}

int virtio_dev_init(struct virtio_dev *dev, const struct virtio_dev_ops *ops,
		    void *priv, const char *name, struct dom_mem *mem,
		    uint64_t features, unsigned nr_vq, uint16_t num_max,
		    unsigned config_len, void (*set_irq)(void *ctx, int level),
		    void *irq_ctx)
{
	int64_t poll_max = 0;

	if (nr_vq > VIRTIO_MAX_QUEUES || config_len > VIRTIO_CONFIG_MAX ||
	    num_max > VIRTQ_NUM_MAX || (num_max & (num_max - 1)))
		return -EINVAL;
	if (ops->busy_poll && virtio_poll_max(&poll_max))
		return -EINVAL;
	memset(dev, 0, sizeof(*dev));
	dev->poll_max_ns = (uint64_t)poll_max;
	dev->st.poll_ns = ops->busy_poll && poll_max < VIRTIO_POLL_MIN_NS
				  ? (uint64_t)poll_max
				  : VIRTIO_POLL_MIN_NS;
	dev->ops = ops;
	dev->priv = priv;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->mem = mem;
	dev->features = features | VIRTIO_BIT(VIRTIO_F_VERSION_1);
	dev->nr_vq = nr_vq;
	dev->config_len = config_len;
	dev->set_irq = set_irq;
	dev->irq_ctx = irq_ctx;
	dev->kick_fd = -1;
	io_thread_clear(&dev->thread);
	for (unsigned q = 0; q < nr_vq; q++) {
		dev->vq[q].num_max = num_max;
		dev->vq[q].mem = mem;
		virtq_reset(&dev->vq[q]);
	}
	if (ops->threaded) {
		dev->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dev->kick_fd < 0)
			return -errno;
	}
	pthread_mutex_init(&dev->lock, 0);
	pthread_mutex_init(&dev->qlock, 0);
	pthread_mutex_init(&dev->cfg_lock, 0);
	pthread_mutex_init(&dev->irq_lock, 0);
	return 0;
}

/* Work waiting for the device (qlock held): the device's own answer, or
 * chains on any ready queue. */
static bool virtio_dev_has_work(struct virtio_dev *dev)
{
	if (dev->ops->pending)
		return dev->ops->pending(dev);
	for (unsigned q = 0; q < dev->nr_vq; q++)
		if (dev->vq[q].ready && virtq_pending(&dev->vq[q]))
			return true;
	return false;
}

/* Re-arm every ready queue's notifications, then look again (after
 * virtq_enable_notify's barrier): true if work came. */
static bool virtio_dev_rearm(struct virtio_dev *dev)
{
	for (unsigned q = 0; q < dev->nr_vq; q++)
		if (dev->vq[q].ready)
			virtq_enable_notify(&dev->vq[q]);
	return virtio_dev_has_work(dev);
}

/* One pass under qlock: 1 if there may be more work right away.  With
 * rearm, an idle device asks for notifications before returning 0. */
static int virtio_dev_pass_rearm(struct virtio_dev *dev, bool rearm)
{
	int more = 0;

	pthread_mutex_lock(&dev->qlock);
	if (virtio_dev_live(dev)) {
		more = dev->ops->serve(dev);
		atomic_fetch_add(&dev->st.passes, 1);
		if (more == 0 && rearm && virtio_dev_live(dev))
			more = virtio_dev_rearm(dev);
	}
	pthread_mutex_unlock(&dev->qlock);
	return more > 0;
}

static int virtio_dev_pass(struct virtio_dev *dev)
{
	return virtio_dev_pass_rearm(dev, true);
}

/* Has the driver added chains we have not taken?  (The spin's probe: a
 * busy qlock means a reset or set-up is under way: look again.) */
static bool virtio_dev_pending(void *arg)
{
	struct virtio_dev *dev = arg;
	bool any = false;

	if (pthread_mutex_trylock(&dev->qlock))
		return false;
	any = virtio_dev_live(dev) && virtio_dev_has_work(dev);
	pthread_mutex_unlock(&dev->qlock);
	return any;
}

static bool virtio_dev_irq_undelivered(void *arg)
{
	struct virtio_dev *dev = arg;

	return atomic_load_explicit(&dev->isr, memory_order_relaxed) &
	       VIRTIO_ISR_QUEUE;
}

/* The busy-poll of a busy_poll device (I/O thread only): while the
 * interrupt just raised is unacknowledged (at most VIRTIO_DELIVERY_NS),
 * then for `window` ns (napping: at least VIRTIO_NAP_WINDOW_NS).  True if
 * work came.  Naps instead of yielding while the host has no cpu to
 * spare (the header's backoff). */
static bool virtio_dev_busy_poll(struct virtio_dev *dev, uint64_t window)
{
	bool nap = dev->poll_naps > 0, tried = !nap, more;

	if (nap)
		dev->poll_naps--;
	more = pvdev_poll(virtio_dev_pending, dev, virtio_dev_irq_undelivered,
			  dev, VIRTIO_DELIVERY_NS, &nap);
	if (!more && nap && window < VIRTIO_NAP_WINDOW_NS)
		window = VIRTIO_NAP_WINDOW_NS;
	more = more ||
	       pvdev_poll(virtio_dev_pending, dev, NULL, NULL, window, &nap);
	if (!tried)
		return more;
	if (nap) { /* a yield came back late */
		dev->poll_backoff =
			dev->poll_backoff ? 2 * dev->poll_backoff : 1;
		if (dev->poll_backoff > VIRTIO_NAP_POLLS_MAX)
			dev->poll_backoff = VIRTIO_NAP_POLLS_MAX;
		dev->poll_naps = dev->poll_backoff;
		atomic_fetch_add(&dev->st.poll_busy, 1);
	} else {
		dev->poll_backoff = 0;
	}
	return more;
}

/* Idle: poll the rings (the header's busy-poll) before asking the driver
 * for notifications (with EVENT_IDX a driver that keeps producing then
 * sends none), then re-arm and look once more.  True if work came; else
 * *armed says the thread sleeps with notifications on. */
static bool virtio_dev_idle(struct virtio_dev *dev, bool *armed)
{
	uint64_t window =
		atomic_load_explicit(&dev->st.poll_ns, memory_order_relaxed);
	bool more;

	*armed = false;
	if (dev->ops->busy) {
		pthread_mutex_lock(&dev->qlock);
		more = virtio_dev_live(dev) && dev->ops->busy(dev);
		pthread_mutex_unlock(&dev->qlock);
		if (more)
			return false; /* a completion wakes us */
	}
	if (!dev->ops->busy_poll) {
		if (pvdev_spin(virtio_dev_pending, dev, window))
			return true;
	} else if (window && virtio_dev_busy_poll(dev, window)) {
		return true;
	}
	pthread_mutex_lock(&dev->qlock);
	more = virtio_dev_live(dev) && virtio_dev_rearm(dev);
	pthread_mutex_unlock(&dev->qlock);
	*armed = !more;
	if (*armed)
		atomic_fetch_add(&dev->st.sleeps, 1);
	return more;
}

/* After a sleep of `slept` ns with notifications on: a driver's notify
 * that a window this much longer would have caught without the exit
 * doubles the window (up to the maximum); one later than the maximum
 * halves it (down to the minimum); other wake-ups teach nothing, unless
 * the sleep outlasted the maximum (the guest went quiet). */
static void virtio_dev_poll_adapt(struct virtio_dev *dev, uint64_t slept,
				  bool notified)
{
	uint64_t w =
		atomic_load_explicit(&dev->st.poll_ns, memory_order_relaxed);
	uint64_t max = dev->poll_max_ns;

	if (!max) /* no busy-poll (or ATOLL_VIRTIO_POLL_US=0) */
		return;
	if (notified && w + slept <= max)
		w = 2 * w < max ? 2 * w : max;
	else if (notified || slept > max)
		w = w / 2 > VIRTIO_POLL_MIN_NS ? w / 2 : VIRTIO_POLL_MIN_NS;
	if (w > max)
		w = max;
	atomic_store_explicit(&dev->st.poll_ns, w, memory_order_relaxed);
}

bool virtio_dev_serve_once(struct virtio_dev *dev)
{
	return virtio_dev_pass(dev);
}

static uint64_t virtio_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t virtio_now_ms(void)
{
	return virtio_now_ns() / 1000000;
}

/* The device's periodic work, if due: the poll timeout until the next. */
static int virtio_dev_tick(struct virtio_dev *dev, uint64_t *next)
{
	uint64_t now;

	if (!dev->ops->tick_ms)
		return -1;
	now = virtio_now_ms();
	if (now >= *next) {
		pthread_mutex_lock(&dev->qlock);
		if (virtio_dev_live(dev))
			dev->ops->tick(dev);
		pthread_mutex_unlock(&dev->qlock);
		*next = now + dev->ops->tick_ms;
	}
	return (int)(*next - now);
}

static void *virtio_dev_thread(void *arg)
{
	struct virtio_dev *dev = arg;
	uint64_t count, next_tick = 0;

	for (;;) {
		struct pollfd pfd[2] = { { dev->thread.stop_efd, POLLIN, 0 },
					 { dev->kick_fd, POLLIN, 0 } };
		int more = virtio_dev_pass_rearm(dev, false);
		bool armed = false;
		uint64_t slept = 0, sent = 0;
		int wait;

		if (!more)
			more = virtio_dev_idle(dev, &armed);
		wait = virtio_dev_tick(dev, &next_tick);
		if (armed) {
			sent = atomic_load(&dev->st.notifies);
			slept = virtio_now_ns();
		}
		if (poll(pfd, 2, more ? 0 : wait) < 0 && errno != EINTR)
			break;
		if (armed)
			virtio_dev_poll_adapt(dev, virtio_now_ns() - slept,
					      atomic_load(&dev->st.notifies) !=
						      sent);
		if (pfd[0].revents)
			break;
		if (pfd[1].revents && read(dev->kick_fd, &count, 8) < 0 &&
		    errno != EAGAIN)
			break;
	}
	return 0;
}

int virtio_dev_start(struct virtio_dev *dev)
{
	if (!dev->ops->threaded || dev->thread.started)
		return 0;
	return io_thread_start(&dev->thread, virtio_dev_thread, dev);
}

void virtio_dev_stop(struct virtio_dev *dev)
{
	io_thread_stop(&dev->thread); /* nothing if none runs */
	/* Passes on other threads (tests, fuzz targets) leave I/O in
	 * flight too: stop it whether a thread ran or not. */
	if (dev->ops->stop) {
		pthread_mutex_lock(&dev->qlock);
		dev->ops->stop(dev);
		pthread_mutex_unlock(&dev->qlock);
	}
}

void virtio_dev_destroy(struct virtio_dev *dev)
{
	virtio_dev_stop(dev);
	virtio_dev_close_fds(dev);
	pthread_mutex_destroy(&dev->lock);
	pthread_mutex_destroy(&dev->qlock);
	pthread_mutex_destroy(&dev->cfg_lock);
	pthread_mutex_destroy(&dev->irq_lock);
	dev->ops->destroy(dev); /* last: it frees dev's container */
}

/* Raise InterruptStatus bits and the line with them, as one step with
 * respect to the driver's ACK (virtio_mmio.c), so the line never stays
 * high with nothing to acknowledge. */
static uint32_t virtio_dev_raise(struct virtio_dev *dev, uint32_t bits)
{
	uint32_t old;

	pthread_mutex_lock(&dev->irq_lock);
	old = atomic_fetch_or(&dev->isr, bits);
	dev->set_irq(dev->irq_ctx, 1);
	pthread_mutex_unlock(&dev->irq_lock);
	return old;
}

int virtio_dev_fail(struct virtio_dev *dev, const char *why)
{
	atomic_fetch_add(&dev->st.errors, 1);
	if (atomic_load(&dev->status) & VIRTIO_STATUS_NEEDS_RESET)
		return -EPROTO;
	/* The line first: whoever sees NEEDS_RESET (the driver, a test)
	 * finds it already written. */
	if (!atomic_exchange(&dev->logged, true))
		log_error("%s: driver error: %s; device needs reset "
			  "(further errors not logged)",
			  dev->name, why);
	if (atomic_fetch_or(&dev->status, VIRTIO_STATUS_NEEDS_RESET) &
	    VIRTIO_STATUS_NEEDS_RESET)
		return -EPROTO;
	if (atomic_load(&dev->status) & VIRTIO_STATUS_DRIVER_OK)
		virtio_dev_raise(dev, VIRTIO_ISR_CONFIG);
	return -EPROTO;
}

void virtio_dev_used(struct virtio_dev *dev, unsigned q)
{
	if (!virtq_should_interrupt(&dev->vq[q]))
		return;
	/* Counted when the guest gets one: not while the last one is
	 * still unacknowledged (its handler takes this entry too). */
	if (!(virtio_dev_raise(dev, VIRTIO_ISR_QUEUE) & VIRTIO_ISR_QUEUE))
		atomic_fetch_add(&dev->st.interrupts, 1);
}

void virtio_dev_kick(struct virtio_dev *dev)
{
	uint64_t one = 1;

	if (dev->kick_fd >= 0 && write(dev->kick_fd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		perror("atoll: virtio kick");
}

int virtio_dev_notify(struct virtio_dev *dev)
{
	atomic_fetch_add(&dev->st.notifies, 1);
	if (dev->ops->threaded) {
		virtio_dev_kick(dev);
		return 0;
	}
	for (unsigned i = 0; i < VIRTIO_INLINE_PASSES; i++) {
		int more;

		if (pthread_mutex_trylock(&dev->qlock))
			return i ? 0 : -EAGAIN;
		pthread_mutex_unlock(&dev->qlock);
		more = virtio_dev_pass(dev);
		if (!more)
			break;
	}
	return 0;
}

void virtio_config_update(struct virtio_dev *dev, unsigned off, const void *buf,
			  unsigned len)
{
	if (off > dev->config_len || len > dev->config_len - off)
		return;
	pthread_mutex_lock(&dev->cfg_lock);
	memcpy(dev->config + off, buf, len);
	dev->config_gen++;
	pthread_mutex_unlock(&dev->cfg_lock);
	if (atomic_load(&dev->status) & VIRTIO_STATUS_DRIVER_OK)
		virtio_dev_raise(dev, VIRTIO_ISR_CONFIG);
}

void virtio_dev_get_stats(const struct virtio_dev *dev, struct virtio_stats *s)
{
	s->notifies = atomic_load(&dev->st.notifies);
	s->interrupts = atomic_load(&dev->st.interrupts);
	s->requests = atomic_load(&dev->st.requests);
	s->bytes = atomic_load(&dev->st.bytes);
	s->errors = atomic_load(&dev->st.errors);
	s->passes = atomic_load(&dev->st.passes);
	s->sleeps = atomic_load(&dev->st.sleeps);
	s->poll_us = atomic_load(&dev->st.poll_ns) / 1000;
	s->poll_busy = atomic_load(&dev->st.poll_busy);
}
