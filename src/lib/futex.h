/* The two futex operations atoll's threads sleep and wake with (private
 * to the process; glibc has no wrapper). */
#ifndef ATOLL_LIB_FUTEX_H
#define ATOLL_LIB_FUTEX_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Sleep while *word == seen, at most *ts (NULL: no bound).  Returns on a
 * wake, a change, a signal or the bound alike: callers look again. */
static inline void futex_wait(_Atomic uint32_t *word, uint32_t seen,
			      const struct timespec *ts)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, seen, ts, NULL,
		0);
}

/* Wake up to n threads sleeping on word. */
static inline void futex_wake(_Atomic uint32_t *word, int n)
{
	syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, n, NULL, NULL,
		0);
}

#endif
