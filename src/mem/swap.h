/* Hypervisor swap: a file of 4 KiB slots where atoll puts frames it steals
 * from domains without their cooperation (the last resort; see docs).  The
 * file is atoll's alone and cannot outlive it (swap_file.c); every slot
 * carries a checksum of its page, checked when it is read back. */
#ifndef ATOLL_MEM_SWAP_H
#define ATOLL_MEM_SWAP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct swap {
	int fd; /* the unnamed data file; -1: no swap configured */
	int lock_fd; /* the file named swap_file, flock()ed; -1: none */
	char *path;
	uint32_t nslots;
	uint32_t *free_stack; /* free slot numbers */
	uint64_t *sum; /* per slot: checksum of the page written there */
	uint32_t nfree;
	pthread_mutex_t lock;
	uint64_t stat_out, stat_in, stat_errors, stat_corrupt;
	bool broken; /* a write failed: no more swap_alloc (said once) */
};

/* Take the swap file at path for this atoll alone and make room for
 * `bytes` of slots (swap_file.c: the path is an exclusive lock file, the
 * data an unnamed file next to it).  A failure, such as another atoll
 * holding the path, is reported as one line naming the file and changes
 * nothing; returns -errno (-EBUSY: in use). */
int swap_init(struct swap *s, const char *path, uint64_t bytes);
/* No swap: every swap_alloc fails. */
void swap_init_none(struct swap *s);
void swap_destroy(struct swap *s); /* frees the data, unlinks the lock */

/* Slot management; -ENOSPC when full, -ENODEV with no (or a broken)
 * swap. */
int swap_alloc(struct swap *s, uint32_t *slot);
void swap_free(struct swap *s, uint32_t slot);
uint32_t swap_nfree(struct swap *s);
/* Write/read one 4 KiB page; 0 or -errno (a write error leaves the page
 * where it was: the caller must keep the frame).  swap_read returns
 * -EBADMSG when the page read back does not match the checksum written
 * with it (the file changed behind atoll's back): the page is lost. */
int swap_write(struct swap *s, uint32_t slot, const void *page);
int swap_read(struct swap *s, uint32_t slot, void *page);

/* swap_file.c: the lock and data files of swap_init, and their end. */
int swap_file_open(struct swap *s, const char *path, uint64_t bytes);
void swap_file_close(struct swap *s, const char *path);

#endif
