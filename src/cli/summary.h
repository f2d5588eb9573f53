/* The end-of-run summary of `atoll run` (summary.c). */
#ifndef ATOLL_CLI_SUMMARY_H
#define ATOLL_CLI_SUMMARY_H

#include <stdio.h>

#include "vmm/host.h"

struct summary;

/* Sample h's domains every period_ms (0: 250 ms) on a thread of its own
 * until summary_finish.  0 or -errno. */
int summary_start(struct host *h, unsigned period_ms, struct summary **out);
/* Stop sampling; print the table and the memory chart to f; free s
 * (NULL: nothing).  Call before host_destroy. */
void summary_finish(struct summary *s, FILE *f);

#endif
