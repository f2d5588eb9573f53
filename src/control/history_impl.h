/* Inside the history (history.c samples, history_json.c prints). */
#ifndef ATOLL_CONTROL_HISTORY_IMPL_H
#define ATOLL_CONTROL_HISTORY_IMPL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "control/history.h"
#include "vmm/host.h"

struct hist_dom {
	uint16_t id;
	uint8_t state;
	uint32_t held, target, ballooned, swapped, shared; /* frames */
	uint32_t active; /* sampled working set (wss.h), frames */
	uint64_t cpu_ns, instret, io_requests, io_bytes;
};

struct hist_sample {
	uint64_t t_ms; /* from the start of the run */
	uint32_t frames, free, state, swap_used;
	uint64_t reclaim_runs;
	unsigned n;
	struct hist_dom dom[HISTORY_DOMS];
};

#define HIST_NAMES 64 /* domains ever named (ids are not reused) */

struct history {
	struct host *h;
	pthread_t thread;
	pthread_mutex_t lock; /* everything below */
	pthread_cond_t wake;
	bool stopping;
	uint64_t t0_ns;
	unsigned period_ms;
	unsigned n;
	struct hist_sample *s; /* [HISTORY_SAMPLES] */
	unsigned nr_names;
	struct {
		uint16_t id;
		char name[DOMAIN_NAME_MAX + 1];
	} names[HIST_NAMES];
};

#endif
