/* What every back-end's I/O thread does the same way (pvdev_thread.c):
 * sleep until the guest's event, another wake-up or a stop request; poll
 * a ring for a bounded time before sleeping; stop and join the thread.
 * Single-ring back-ends (block, echo) run their whole thread through
 * pvdev_loop_run; net and console use the pieces.  The thread itself is
 * dev->thread (io/io_thread.h): started by the back-end's start, stopped
 * by its stop, its stop eventfd polled here. */
#ifndef ATOLL_IO_PVDEV_THREAD_H
#define ATOLL_IO_PVDEV_THREAD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "io/pvdev.h"

/* How long an idle back-end keeps polling req_prod before it re-arms
 * req_event and sleeps: a front-end that keeps producing then needs no
 * notifications (Xen's netback/blkback sleep at once; atoll spins a
 * little because its front-ends run on other host threads). */
#define PVDEV_SPIN_NS 50000
/* How long an idle back-end that has just sent the guest an event waits
 * for the guest to take it before the spin above starts (docs/pv-io.md:
 * the front-end cannot produce before its vCPU has run again, and on a
 * loaded host that wake-up alone outlasts the spin). */
#define PVDEV_DELIVERY_NS 2000000
/* pvdev_poll's signs of a busy host and its sleep between rounds then. */
#define PVDEV_YIELD_LATE_NS 50000
#define PVDEV_NAP_NS 50000
/* A napping poll's bound in wall time, as a multiple of its own: a host
 * that wakes it this late is stalled, not merely busy. */
#define PVDEV_NAP_STRETCH 16

/* Sleep until the guest's event (counted in *wakeups), a wake-up on
 * extra_fd (if >= 0) or a stop request, or ms milliseconds pass (-1: no
 * limit).  Drains the eventfds that fired.  1 to go on, 0 to stop. */
int pvdev_wait(struct pvdev *dev, int extra_fd, int ms, uint64_t *wakeups);

/* Has the back-end been asked to stop?  (Non-blocking.) */
bool pvdev_stop_requested(struct pvdev *dev);

/* Poll pending(arg) for up to ns nanoseconds: true once it is. */
bool pvdev_spin(bool (*pending)(void *arg), void *arg, uint64_t ns);
/* Poll pending(arg) for up to ns nanoseconds while hold(hold_arg) (NULL:
 * the whole time), giving the cpu away between rounds of polls: true once
 * pending is.  With nap non-NULL, a sched_yield that comes back later
 * than PVDEV_YIELD_LATE_NS (another thread ran on this cpu: the host has
 * none to spare) sets *nap, and while *nap is set the poll sleeps
 * PVDEV_NAP_NS between rounds instead: a thread that stays runnable gets
 * the cpu back only after the threads it yielded to, a sleeping one as
 * soon as it wakes.  The poll's time is the time it looked, yielded in
 * time or napped: a late yield's excess and a nap's lateness do not
 * count, so a napping poll makes up to ns / PVDEV_NAP_NS rounds (its
 * cpu cost) within PVDEV_NAP_STRETCH * ns of wall time. */
bool pvdev_poll(bool (*pending)(void *arg), void *arg,
		bool (*hold)(void *hold_arg), void *hold_arg, uint64_t ns,
		bool *nap);
/* While dev's event to the guest is undelivered (at most ns), poll
 * pending(arg), giving the cpu away between polls: true once it is. */
bool pvdev_await_delivery(struct pvdev *dev, bool (*pending)(void *arg),
			  void *arg, uint64_t ns);

/* A back-end serving one request ring. */
struct pvdev_loop {
	/* Serve up to `budget` requests: how many, or < 0 if the
	 * front-end broke the protocol (logged; the device is released). */
	long (*pass)(struct pvdev *dev, void *priv);
	/* Unconsumed requests on the ring (read without re-arming). */
	bool (*pending)(void *priv);
	/* Re-arm req_event and re-read req_prod: true if requests came. */
	bool (*final_check)(void *priv);
	long budget;
	uint64_t spin_ns; /* 0: sleep at once */
};

/* The thread body: passes while there is work, a spin (after waiting for
 * the delivery of an event the pass sent), the final check, then sleep
 * until the guest's event.  Counts passes and wakeups in st; st->notifies
 * is what the pass counts as events sent. */
void pvdev_loop_run(struct pvdev *dev, const struct pvdev_loop *l, void *priv,
		    struct pvdev_stats *st);

#endif
