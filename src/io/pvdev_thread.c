/* Back-end threads' common sleeping, polling and stopping
 * (pvdev_thread.h). */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "io/evtchn.h"
#include "lib/log.h"
#include "io/pvdev_thread.h"

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() __asm__ volatile("" ::: "memory")
#endif

/* Read an eventfd that fired: false on a real error. */
static bool pvdev_drain(int fd)
{
	uint64_t count;

	return read(fd, &count, sizeof(count)) >= 0 || errno == EAGAIN;
}

int pvdev_wait(struct pvdev *dev, int extra_fd, int ms, uint64_t *wakeups)
{
	struct pollfd pfd[3] = { { dev->thread.stop_efd, POLLIN, 0 },
				 { dev->efd, POLLIN, 0 },
				 { extra_fd, POLLIN, 0 } };

	if (poll(pfd, extra_fd >= 0 ? 3 : 2, ms) < 0 && errno != EINTR)
		return 0;
	if (pfd[0].revents)
		return 0;
	if (pfd[1].revents) {
		if (!pvdev_drain(dev->efd))
			return 0;
		(*wakeups)++;
	}
	if (extra_fd >= 0 && pfd[2].revents && !pvdev_drain(extra_fd))
		return 0;
	return 1;
}

bool pvdev_stop_requested(struct pvdev *dev)
{
	return io_thread_stop_requested(&dev->thread);
}

static uint64_t pvdev_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool pvdev_spin(bool (*pending)(void *arg), void *arg, uint64_t ns)
{
	uint64_t end;

	if (!ns)
		return false;
	end = pvdev_now_ns() + ns;
	do {
		for (int k = 0; k < 64; k++) {
			if (pending(arg))
				return true;
			cpu_relax();
		}
	} while (pvdev_now_ns() < end);
	return false;
}

/* Sleep ns nanoseconds (pvdev_poll's nap). */
static void pvdev_nap(uint64_t ns)
{
	struct timespec ts = { 0, (long)ns };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

bool pvdev_poll(bool (*pending)(void *arg), void *arg,
		bool (*hold)(void *hold_arg), void *hold_arg, uint64_t ns,
		bool *nap)
{
	uint64_t start = pvdev_now_ns(), last = start, left = ns, now;

	while (!hold || hold(hold_arg)) {
		for (int k = 0; k < 64; k++) {
			if (pending(arg))
				return true;
			cpu_relax();
		}
		now = pvdev_now_ns();
		if (nap && *nap) {
			/* Each nap takes PVDEV_NAP_NS of the poll's time, however
			 * late the busy host wakes us: the guest's vCPU waits
			 * for a cpu just as long (docs/virtio.md). */
			if (left < PVDEV_NAP_NS ||
			    now - start >= PVDEV_NAP_STRETCH * ns)
				break;
			left -= PVDEV_NAP_NS;
			pvdev_nap(PVDEV_NAP_NS);
			continue;
		}
		if (now - last >= left)
			break;
		left -= now - last;
		last = now;
		/* The guest's vCPU may be waiting for this very cpu. */
		sched_yield();
		now = pvdev_now_ns();
		if (nap && now - last > PVDEV_YIELD_LATE_NS) {
			*nap = true;
			last = now; /* the time another thread ran is not ours */
		}
	}
	return false;
}

/* pvdev_poll's hold: dev's event to the guest is still undelivered. */
static bool pvdev_undelivered(void *dev)
{
	const struct pvdev *d = dev;

	return evtchn_is_pending(d->dom, d->port);
}

bool pvdev_await_delivery(struct pvdev *dev, bool (*pending)(void *arg),
			  void *arg, uint64_t ns)
{
	return pvdev_poll(pending, arg, pvdev_undelivered, dev, ns, NULL);
}

void pvdev_loop_run(struct pvdev *dev, const struct pvdev_loop *l, void *priv,
		    struct pvdev_stats *st)
{
	for (;;) {
		uint64_t sent = st->notifies;
		long done = l->pass(dev, priv);

		if (done < 0) {
			pvdev_release(dev);
			return;
		}
		st->passes++;
		/* The hold-off: a guest that was asleep for our responses
		 * answers only after its vCPU ran again, which a loaded host
		 * can delay past the spin; arming req_event then would cost
		 * it an exit for its very next request.  So the spin starts
		 * once the guest has taken the event. */
		if (done == l->budget ||
		    (l->spin_ns && st->notifies != sent &&
		     pvdev_await_delivery(dev, l->pending, priv,
					  PVDEV_DELIVERY_NS)) ||
		    pvdev_spin(l->pending, priv, l->spin_ns) ||
		    l->final_check(priv)) {
			/* More work: stop if asked, else go on at once. */
			if (pvdev_stop_requested(dev))
				return;
			continue;
		}
		if (!pvdev_wait(dev, -1, -1, &st->wakeups))
			return;
	}
}
