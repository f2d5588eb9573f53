/* atoll's memory manager for the whole host: the machine memory pool, the
 * swap file, the list of domains' memories and the reclaimer thread that
 * keeps frames available when the pool runs dry (by swapping from domains
 * above their reservation, random victims, as ESX does). */
#ifndef ATOLL_MEM_MEMHOST_H
#define ATOLL_MEM_MEMHOST_H

#include <pthread.h>
#include <stdbool.h>

#include "mem/dom_mem.h"
#include "mem/pool.h"
#include "mem/swap.h"

struct mem_host_config {
	uint64_t machine_memory; /* bytes */
	const char *swap_path; /* NULL: no swap */
	uint64_t swap_size; /* bytes (0: machine_memory * 2) */
};

struct mem_host_stats {
	uint64_t frames, free, reserved_unheld;
	uint64_t swap_slots, swap_free;
	uint64_t swap_outs, swap_ins, reclaim_runs, waits;
};

struct mem_host {
	struct mpool pool;
	struct swap swap;
	pthread_mutex_t lock; /* the domain list, reservations */
	struct dom_mem *domains;
	uint64_t reserved; /* sum of reservations, frames */
	pthread_t reclaimer;
	bool reclaimer_started, stopping;
	pthread_cond_t need_reclaim; /* a populate found the pool dry */
	uint64_t waiting; /* populates waiting for frames */
	uint64_t stat_reclaim_runs, stat_waits;
};

int mem_host_init(struct mem_host *mh, const struct mem_host_config *cfg);
void mem_host_destroy(struct mem_host *mh);

/* Frames a domain may take from the pool now without breaking any other
 * domain's reservation (reservations not yet held are set aside). */
uint64_t mem_host_available(struct mem_host *mh, const struct dom_mem *d);

/* Ask the reclaimer to free frames (called when a populate fails). */
void mem_host_kick_reclaim(struct mem_host *mh);

void mem_host_get_stats(struct mem_host *mh, struct mem_host_stats *st);

#endif
