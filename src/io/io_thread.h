/* The one way a host back-end runs its own thread: started with a stop
 * eventfd beside it, told to stop through that eventfd (the thread polls
 * it with its other descriptors), joined.  The PV back-ends (block, net,
 * console, echo, through struct pvdev), the NAT uplink and the terminal's
 * readers all use it. */
#ifndef ATOLL_IO_IO_THREAD_H
#define ATOLL_IO_IO_THREAD_H

#include <pthread.h>
#include <stdbool.h>

struct io_thread {
	pthread_t thread;
	int stop_efd; /* readable once a stop was asked; -1 before init */
	bool started; /* a thread to join */
};

/* Before anything else (zeroed memory is not enough: stop_efd -1). */
void io_thread_clear(struct io_thread *t);
/* Create the stop eventfd (if not yet) and start fn(arg); a stop asked
 * before is forgotten.  0, or -errno with no thread running. */
int io_thread_start(struct io_thread *t, void *(*fn)(void *), void *arg);
/* Ask the thread to stop and join it (it may have ended already).  The
 * eventfd stays for a next start.  Nothing to do if none was started. */
void io_thread_stop(struct io_thread *t);
/* io_thread_stop, then close the eventfd: back to io_thread_clear's. */
void io_thread_destroy(struct io_thread *t);
/* Has a stop been asked?  (Non-blocking; the thread's own loop test.) */
bool io_thread_stop_requested(const struct io_thread *t);

#endif
