/* The hypervisor swap file (see swap.h): 4 KiB slots, a stack of free slot
 * numbers, pwrite/pread, a checksum per slot kept in memory (XXH3-64 of
 * the page: the file is outside atoll's control while a page sits in it).
 * After the first write error the swap is broken: one line says so and
 * every later swap_alloc fails, so domains keep their frames instead of
 * failing over and over. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_INLINE_ALL /* header-only: the hash inlined, no library */
#include <xxhash.h>

#include "lib/log.h"
#include "mem/swap.h"
#include "mem/types.h"

void swap_init_none(struct swap *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->lock_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
}

int swap_init(struct swap *s, const char *path, uint64_t bytes)
{
	uint64_t n = bytes / PAGE_SIZE;
	int err;

	swap_init_none(s);
	if (n == 0 || n > UINT32_MAX) {
		log_error("swap file %s: bad size %llu bytes", path,
			  (unsigned long long)bytes);
		return -EINVAL;
	}
	s->path = strdup(path);
	s->free_stack = malloc(n * sizeof(*s->free_stack));
	s->sum = malloc(n * sizeof(*s->sum));
	if (!s->path || !s->free_stack || !s->sum) {
		err = -ENOMEM;
		goto err_free;
	}
	err = swap_file_open(s, path, n * PAGE_SIZE);
	if (err)
		goto err_free;
	s->nslots = (uint32_t)n;
	for (uint32_t k = 0; k < s->nslots; k++)
		s->free_stack[k] = s->nslots - 1 - k;
	s->nfree = s->nslots;
	return 0;

err_free:
	free(s->path);
	free(s->free_stack);
	free(s->sum);
	s->path = NULL;
	s->free_stack = NULL;
	s->sum = NULL;
	return err;
}

void swap_destroy(struct swap *s)
{
	swap_file_close(s, s->path);
	free(s->path);
	free(s->free_stack);
	free(s->sum);
	pthread_mutex_destroy(&s->lock);
	s->path = NULL;
	s->free_stack = NULL;
	s->sum = NULL;
}

int swap_alloc(struct swap *s, uint32_t *slot)
{
	int err = 0;

	pthread_mutex_lock(&s->lock);
	if (s->fd < 0 || s->broken)
		err = -ENODEV;
	else if (!s->nfree)
		err = -ENOSPC;
	else
		*slot = s->free_stack[s->nfree - 1];
	if (!err) /* atomic: swap_nfree reads it without the lock */
		__atomic_store_n(&s->nfree, s->nfree - 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&s->lock);
	return err;
}

void swap_free(struct swap *s, uint32_t slot)
{
	pthread_mutex_lock(&s->lock);
	if (slot < s->nslots && s->nfree < s->nslots) {
		s->free_stack[s->nfree] = slot;
		__atomic_store_n(&s->nfree, s->nfree + 1, __ATOMIC_RELAXED);
	}
	pthread_mutex_unlock(&s->lock);
}

uint32_t swap_nfree(struct swap *s)
{
	return __atomic_load_n(&s->nfree, __ATOMIC_RELAXED);
}

/* The first write error breaks the swap, with one line naming the file. */
static void swap_mark_broken(struct swap *s, int err)
{
	bool first;

	pthread_mutex_lock(&s->lock);
	first = !s->broken;
	s->broken = true;
	s->stat_errors++;
	pthread_mutex_unlock(&s->lock);
	if (first)
		log_error("swap file %s: write failed: %s; swapping "
			  "disabled, domains keep their frames",
			  s->path ? s->path : "?", strerror(-err));
}

int swap_write(struct swap *s, uint32_t slot, const void *page)
{
	off_t off = (off_t)slot * PAGE_SIZE;
	size_t done = 0;

	while (done < PAGE_SIZE) {
		ssize_t r = pwrite(s->fd, (const char *)page + done,
				   PAGE_SIZE - done, off + (off_t)done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int err = r < 0 ? -errno : -ENOSPC;

			swap_mark_broken(s, err);
			return err;
		}
		done += (size_t)r;
	}
	/* The slot is the caller's alone until swap_free: no lock.  The
	 * page does not change meanwhile (its frame is BUSY, shot down). */
	s->sum[slot] = XXH3_64bits(page, PAGE_SIZE);
	__atomic_add_fetch(&s->stat_out, 1, __ATOMIC_RELAXED);
	return 0;
}

int swap_read(struct swap *s, uint32_t slot, void *page)
{
	off_t off = (off_t)slot * PAGE_SIZE;
	size_t done = 0;

	while (done < PAGE_SIZE) {
		ssize_t r = pread(s->fd, (char *)page + done, PAGE_SIZE - done,
				  off + (off_t)done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			__atomic_add_fetch(&s->stat_errors, 1,
					   __ATOMIC_RELAXED);
			return r < 0 ? -errno : -EIO;
		}
		done += (size_t)r;
	}
	if (XXH3_64bits(page, PAGE_SIZE) != s->sum[slot]) {
		__atomic_add_fetch(&s->stat_corrupt, 1, __ATOMIC_RELAXED);
		return -EBADMSG;
	}
	__atomic_add_fetch(&s->stat_in, 1, __ATOMIC_RELAXED);
	return 0;
}
