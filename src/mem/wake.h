/* Waking the threads that wait for memory: a vCPU whose access got
 * PAGE_RETRY (no frame free, its allowance reached, a page in transition)
 * or a host copy that must retry.  They sleep on a futex word until
 * something that may let them go on happens anywhere in the host (frames
 * freed to the pool, a target raised, a page settled: mem_wake_kick), or
 * until a bound, which is only a safety net.
 *
 * Lost wake-ups are excluded by a count of events: the waiter notes it
 * (mem_wake_seen) before it looks at what made it wait, and the wait
 * returns at once if a kick came since.  A vCPU sleeps on its hart's own
 * futex word, so the hart's requests (a shootdown to serve, stop, pause)
 * wake it as well. */
#ifndef ATOLL_MEM_WAKE_H
#define ATOLL_MEM_WAKE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Threads that can sleep at once with a wake-up; any more poll every
 * millisecond (never more than one per vCPU and host copy in practice). */
#define MEM_WAKE_SLOTS 64

struct mem_wake {
	_Atomic uint32_t events; /* kicks so far */
	_Atomic uint32_t nwaiting; /* slots in use */
	pthread_mutex_t lock; /* the slots; a leaf lock */
	_Atomic uint32_t *word[MEM_WAKE_SLOTS]; /* sleepers' futex words */
	_Atomic uint64_t stat_waits, stat_woken, stat_timeouts;
};

void mem_wake_init(struct mem_wake *w);
void mem_wake_destroy(struct mem_wake *w);
/* Something a waiter may be waiting for happened: wake every sleeper.
 * Takes only the leaf lock, and only while someone sleeps. */
void mem_wake_kick(struct mem_wake *w);
/* The count to pass to mem_wake_wait, read before the look that decides
 * to wait. */
uint32_t mem_wake_seen(struct mem_wake *w);
/* Sleep until a kick after `seen`, a change of *word from `word_seen`
 * (read by the caller before it looked at what else may wake it; word
 * NULL: a word of the calling thread's own) or `ms` milliseconds.  True
 * when woken, false when the bound ran out. */
bool mem_wake_wait(struct mem_wake *w, uint32_t seen, _Atomic uint32_t *word,
		   uint32_t word_seen, unsigned ms);

#endif
