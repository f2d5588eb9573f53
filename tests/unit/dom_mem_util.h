/* Shared by test_dom_mem.c and its churn test: a memory host on a
 * temporary swap file, and a vCPU-like access with retries. */
#ifndef ATOLL_TESTS_DOM_MEM_UTIL_H
#define ATOLL_TESTS_DOM_MEM_UTIL_H

#include "cpu/bus.h"
#include "mem/memhost.h"

#define GUEST_RAM 0x80000000ull
#define BASE_GFN 0x80000ull

/* Host of `frames` frames with a swap file in a fresh temporary folder
 * (swap_frames slots).  0 or -1. */
int util_host(struct mem_host *mh, uint32_t frames, uint32_t swap_frames);
void util_host_done(struct mem_host *mh);

/* dom_mem_page, retried (dom_mem_wait) up to ~10 s; NULL on failure. */
void *util_touch(struct dom_mem *d, uint64_t gpa, bool write);

/* The multi-threaded churn test (dom_mem_churn.c); returns failures. */
int churn_run(void);

#endif
