/* Has the host a cpu to spare?  Asked before a vCPU polls instead of
 * sleeping (its WFI, cpu/trap.c): polling is worth it only when no other
 * thread wants the cpu (docs/virtio.md "The vCPU's side"). */
#ifndef ATOLL_MACHINE_HOSTLOAD_H
#define ATOLL_MACHINE_HOSTLOAD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct hostload {
	int fd; /* /proc/loadavg, or -1 (then: always a cpu to spare) */
	unsigned ncpu; /* cpus this process may run on */
	_Atomic uint64_t checked_ns; /* when the count was last read */
	_Atomic bool spare;
};

/* Open what hostload_spare reads (never fails: without /proc the answer
 * is always yes, and the poll's own guards remain). */
void hostload_init(struct hostload *l);
void hostload_destroy(struct hostload *l);
/* Are no more threads runnable on the host than it has cpus (the caller
 * included)?  The kernel's count, read at most once a millisecond; any
 * thread. */
bool hostload_spare(struct hostload *l);

#endif
