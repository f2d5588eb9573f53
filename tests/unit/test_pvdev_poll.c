/* Unit tests of the back-end threads' busy-poll (io/pvdev_thread.h,
 * pvdev_poll): it returns as soon as work is pending, stops when its hold
 * ends or its time is up, sleeps between rounds once *nap is set (a
 * bounded number of looks however long it runs), and sets *nap when a
 * thread that wants the same cpu makes its yields come back late (the
 * busy host of docs/virtio.md), and, napping on a host that wakes it
 * late, counts its naps rather than the wall time they were stretched to
 * (up to its stretch bound). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "io/pvdev_thread.h"

#include "check.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static _Atomic bool work, held, stop_spinning;
static _Atomic unsigned long looks;

static bool pending(void *arg)
{
	(void)arg;
	looks++;
	return atomic_load(&work);
}

static bool hold(void *arg)
{
	(void)arg;
	return atomic_load(&held);
}

/* A thread that sets `work` (or clears `held`) after 2 ms. */
static void *later(void *arg)
{
	usleep(2000);
	if (arg)
		atomic_store(&work, true);
	else
		atomic_store(&held, false);
	return 0;
}

/* Work that comes during the poll ends it with true, yielding or napping;
 * a hold that ends stops it with false long before its time. */
static void test_ends(void)
{
	for (int napping = 0; napping < 2; napping++) {
		bool nap = napping;
		pthread_t t;
		uint64_t t0;

		atomic_store(&work, false);
		pthread_create(&t, 0, later, (void *)1);
		t0 = now_ns();
		CHECK(pvdev_poll(pending, 0, NULL, NULL, 10000000000ull, &nap));
		CHECK(now_ns() - t0 < 5000000000ull);
		pthread_join(t, 0);

		atomic_store(&work, false);
		atomic_store(&held, true);
		pthread_create(&t, 0, later, NULL);
		t0 = now_ns();
		CHECK(!pvdev_poll(pending, 0, hold, 0, 10000000000ull, &nap));
		CHECK(now_ns() - t0 < 5000000000ull);
		pthread_join(t, 0);
	}
	/* Nothing pending, no hold: the time bound. */
	atomic_store(&work, false);
	uint64_t t0 = now_ns();
	CHECK(!pvdev_poll(pending, 0, NULL, NULL, 3000000, NULL));
	CHECK(now_ns() - t0 >= 3000000);
}

/* Napping, the poll looks at most one round per PVDEV_NAP_NS. */
static void test_naps_bound_looks(void)
{
	bool nap = true;
	uint64_t ns = 20000000, t0;
	unsigned long rounds;

	atomic_store(&work, false);
	looks = 0;
	t0 = now_ns();
	CHECK(!pvdev_poll(pending, 0, NULL, NULL, ns, &nap));
	rounds = (now_ns() - t0) / PVDEV_NAP_NS + 1;
	CHECK_MSG(looks <= 64 * rounds, "%lu looks in %lu naps' time", looks,
		  rounds);
	CHECK(nap); /* stays set */
}

static _Atomic uint64_t late_ns; /* the simulated scheduler's delay */

/* pending, on a host that takes the cpu away for late_ns once a round (64
 * looks): the poll's thread is off the cpu that long, as when the
 * scheduler wakes a napping thread late. */
static bool pending_late(void *arg)
{
	if (looks % 64 == 0) {
		struct timespec ts = { 0, (long)atomic_load(&late_ns) };

		while (nanosleep(&ts, &ts))
			;
	}
	return pending(arg);
}

/* Napping on a late host, the poll makes its ns / PVDEV_NAP_NS rounds
 * (or runs into its wall bound, PVDEV_NAP_STRETCH * ns), and no more:
 * the old poll ended at ns of wall time after a few rounds, before the
 * guest's vCPU, as late as it, had posted its request. */
static void test_naps_count_not_wall(void)
{
	uint64_t ns = 2000000, rounds = ns / PVDEV_NAP_NS, t0, wall;
	bool nap = true;

	atomic_store(&work, false);
	atomic_store(&late_ns, 3 * PVDEV_NAP_NS);
	looks = 0;
	t0 = now_ns();
	CHECK(!pvdev_poll(pending_late, 0, NULL, NULL, ns, &nap));
	wall = now_ns() - t0;
	CHECK_MSG(looks >= 64 * rounds || wall >= PVDEV_NAP_STRETCH * ns,
		  "%lu rounds in %llu us: ended at the wall time", looks / 64,
		  (unsigned long long)wall / 1000);
	CHECK_MSG(looks <= 64 * (rounds + 1), "%lu rounds for %llu naps",
		  looks / 64, (unsigned long long)rounds);
	/* A stalled host: the wall bound ends it after fewer rounds. */
	atomic_store(&late_ns, 2 * PVDEV_NAP_STRETCH * PVDEV_NAP_NS);
	looks = 0;
	t0 = now_ns();
	CHECK(!pvdev_poll(pending_late, 0, NULL, NULL, ns, &nap));
	wall = now_ns() - t0;
	CHECK_MSG(looks < 64 * rounds && wall >= PVDEV_NAP_STRETCH * ns,
		  "%lu rounds in %llu us", looks / 64,
		  (unsigned long long)wall / 1000);
	/* Not napping (a host with a cpu to spare), wall time it is. */
	atomic_store(&late_ns, 0);
	t0 = now_ns();
	CHECK(!pvdev_poll(pending, 0, NULL, NULL, ns, NULL));
	CHECK(now_ns() - t0 >= ns);
}

static void *spin(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop_spinning))
		;
	return 0;
}

/* A runnable thread on the poller's only cpu makes a yield come back late
 * (it runs a slice first): the poll sets *nap. */
static void test_busy_cpu_sets_nap(void)
{
	cpu_set_t mine, one;
	pthread_attr_t attr;
	pthread_t t;
	bool nap = false;
	int cpu = -1;

	CHECK(!sched_getaffinity(0, sizeof(mine), &mine));
	for (int c = 0; c < CPU_SETSIZE && cpu < 0; c++)
		if (CPU_ISSET(c, &mine))
			cpu = c;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	CHECK(!sched_setaffinity(0, sizeof(one), &one));
	pthread_attr_init(&attr);
	pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	atomic_store(&stop_spinning, false);
	CHECK(!pthread_create(&t, &attr, spin, 0));
	atomic_store(&work, false);
	/* Sharing one cpu fairly, the spinner runs half of this second. */
	CHECK(!pvdev_poll(pending, 0, NULL, NULL, 1000000000ull, &nap) && nap);
	atomic_store(&stop_spinning, true);
	pthread_join(t, 0);
	pthread_attr_destroy(&attr);
	CHECK(!sched_setaffinity(0, sizeof(mine), &mine));
}

int main(void)
{
	test_ends();
	test_naps_bound_looks();
	test_naps_count_not_wall();
	test_busy_cpu_sets_nap();
	return check_done("pvdev_poll");
}
