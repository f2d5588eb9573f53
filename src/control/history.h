/* The run's history for the live page (docs/control-api.md "The web
 * page"): a sampler thread records every domain's memory, CPU time, I/O
 * and state, and the host's pool and policy state, from the start of the
 * run.  The buffer is bounded: when it is full, every other sample is
 * dropped and the period doubles, so it always covers the whole run at a
 * resolution that degrades gracefully (0.5 s for the first ~10 minutes). */
#ifndef ATOLL_CONTROL_HISTORY_H
#define ATOLL_CONTROL_HISTORY_H

#include <stdint.h>

struct host;
struct history;

#define HISTORY_SAMPLES 1200 /* kept at most */
#define HISTORY_DOMS 16 /* domains per sample (more: not recorded) */
#define HISTORY_PERIOD_MS 500 /* at the start */

/* Start sampling h on a thread of its own.  0 or -errno (one line). */
int history_start(struct host *h, struct history **out);
/* Stop the thread and free everything; NULL is fine. */
void history_stop(struct history *hs);

/* The samples taken after since_ms (ms from the start of the run) as one
 * JSON object (docs/control-api.md), malloc'd; NULL when out of memory. */
char *history_json(struct history *hs, uint64_t since_ms);

#endif
