/* The host's runnable threads against its cpus (hostload.h), from the
 * fourth field of /proc/loadavg ("running/total": the kernel's count of
 * runnable threads now, not an average). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "machine/hostload.h"

#define HOSTLOAD_PERIOD_NS 1000000 /* read at most this often */

void hostload_init(struct hostload *l)
{
	cpu_set_t set;

	l->ncpu = 1;
	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) > 0)
		l->ncpu = (unsigned)CPU_COUNT(&set);
	l->fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
	atomic_store(&l->checked_ns, 0);
	atomic_store(&l->spare, true);
}

void hostload_destroy(struct hostload *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Runnable threads now, from "0.50 0.40 0.30 3/157 1234"; 0 if unreadable. */
static unsigned long hostload_running(int fd)
{
	char buf[128], *p = buf;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = 0;
	for (int field = 0; field < 3; field++) {
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return strtoul(p, NULL, 10);
}

bool hostload_spare(struct hostload *l)
{
	struct timespec ts;
	uint64_t now, last;

	if (l->fd < 0)
		return true;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	last = atomic_load_explicit(&l->checked_ns, memory_order_relaxed);
	/* One thread reads when the count is due; the others use the last. */
	if (now - last >= HOSTLOAD_PERIOD_NS &&
	    atomic_compare_exchange_strong(&l->checked_ns, &last, now)) {
		unsigned long running = hostload_running(l->fd);

		atomic_store_explicit(&l->spare, running && running <= l->ncpu,
				      memory_order_relaxed);
	}
	return atomic_load_explicit(&l->spare, memory_order_relaxed);
}
