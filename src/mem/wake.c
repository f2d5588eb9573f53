/* Waking the threads that wait for memory (see wake.h). */
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "lib/futex.h"
#include "mem/wake.h"

static _Thread_local _Atomic uint32_t wake_own_word;

void mem_wake_init(struct mem_wake *w)
{
	atomic_store(&w->events, 0);
	atomic_store(&w->nwaiting, 0);
	pthread_mutex_init(&w->lock, NULL);
	for (unsigned i = 0; i < MEM_WAKE_SLOTS; i++)
		w->word[i] = NULL;
}

void mem_wake_destroy(struct mem_wake *w)
{
	pthread_mutex_destroy(&w->lock);
}

uint32_t mem_wake_seen(struct mem_wake *w)
{
	return atomic_load(&w->events);
}

void mem_wake_kick(struct mem_wake *w)
{
	/* seq_cst, as the waiter's counterparts: either this kick sees the
	 * sleeper's slot, or the sleeper sees this kick's event. */
	atomic_fetch_add(&w->events, 1);
	if (!atomic_load(&w->nwaiting))
		return;
	pthread_mutex_lock(&w->lock);
	for (unsigned i = 0; i < MEM_WAKE_SLOTS; i++) {
		if (!w->word[i])
			continue;
		atomic_fetch_add(w->word[i], 1);
		futex_wake(w->word[i], INT_MAX);
	}
	pthread_mutex_unlock(&w->lock);
}

static int wake_slot_take(struct mem_wake *w, _Atomic uint32_t *word)
{
	int slot = -1;

	pthread_mutex_lock(&w->lock);
	for (unsigned i = 0; i < MEM_WAKE_SLOTS && slot < 0; i++) {
		if (!w->word[i]) {
			w->word[i] = word;
			slot = (int)i;
		}
	}
	pthread_mutex_unlock(&w->lock);
	if (slot >= 0)
		atomic_fetch_add(&w->nwaiting, 1);
	return slot;
}

static void wake_slot_give(struct mem_wake *w, int slot)
{
	if (slot < 0)
		return;
	pthread_mutex_lock(&w->lock);
	w->word[slot] = NULL;
	pthread_mutex_unlock(&w->lock);
	atomic_fetch_sub(&w->nwaiting, 1);
}

bool mem_wake_wait(struct mem_wake *w, uint32_t seen, _Atomic uint32_t *word,
		   uint32_t word_seen, unsigned ms)
{
	uint32_t v = word_seen;
	struct timespec ts;
	int slot;
	bool woken;

	if (!word) {
		word = &wake_own_word;
		v = atomic_load(word);
	}
	slot = wake_slot_take(w, word);
	atomic_fetch_add(&w->stat_waits, 1);
	if (atomic_load(&w->events) != seen) {
		wake_slot_give(w, slot);
		atomic_fetch_add(&w->stat_woken, 1);
		return true;
	}
	if (slot < 0 && ms > 1)
		ms = 1; /* no slot: nobody will wake us */
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	/* Any bump of the word after v was read (a kick, or the hart's own
	 * requests) makes this return at once or wakes it. */
	futex_wait(word, v, &ts);
	wake_slot_give(w, slot);
	woken = atomic_load(word) != v || atomic_load(&w->events) != seen;
	atomic_fetch_add(woken ? &w->stat_woken : &w->stat_timeouts, 1);
	return woken;
}
