/* Hypervisor swap: a file of 4 KiB slots where atoll puts frames it steals
 * from domains without their cooperation (the last resort; see docs). */
#ifndef ATOLL_MEM_SWAP_H
#define ATOLL_MEM_SWAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct swap {
	int fd; /* -1: no swap configured */
	char *path;
	bool created; /* atoll created the file: unlink it when done */
	uint32_t nslots;
	uint32_t *free_stack; /* free slot numbers */
	uint32_t nfree;
	pthread_mutex_t lock;
	uint64_t stat_out, stat_in, stat_errors;
	bool broken; /* a write failed: no more swap_alloc (said once) */
};

/* Create (or truncate) the swap file at path with room for `bytes`.  A
 * failure is reported as one line naming the file; returns -errno. */
int swap_init(struct swap *s, const char *path, uint64_t bytes);
/* No swap: every swap_alloc fails. */
void swap_init_none(struct swap *s);
void swap_destroy(struct swap *s); /* closes and unlinks the file */

/* Slot management; -ENOSPC when full, -ENODEV with no (or a broken)
 * swap. */
int swap_alloc(struct swap *s, uint32_t *slot);
void swap_free(struct swap *s, uint32_t slot);
uint32_t swap_nfree(struct swap *s);
/* Write/read one 4 KiB page; 0 or -errno (a write error leaves the page
 * where it was: the caller must keep the frame). */
int swap_write(struct swap *s, uint32_t slot, const void *page);
int swap_read(struct swap *s, uint32_t slot, void *page);

#endif
