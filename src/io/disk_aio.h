/* Several requests in flight on one host disk (disk.h): vectored reads and
 * writes straight between the image and the caller's buffers, and flushes
 * ordered after everything queued before them.  Served by io_uring on an
 * image with a host descriptor (raw), after a try that cannot block (a
 * read the page cache holds is done at once; so is a write where the
 * file system cannot write without blocking: disk_aio.c says why); where
 * io_uring is missing (an old kernel, a container that filters it) or the format has none, each
 * request is done synchronously when it is queued and completes at the
 * next reap, so callers are written once for both.
 *
 * One thread at a time per disk_aio (the owner's: a device's I/O thread
 * under its queue lock).  The iovec array and the buffers of a request
 * belong to the caller until its completion is reaped. */
#ifndef ATOLL_IO_DISK_AIO_H
#define ATOLL_IO_DISK_AIO_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

struct disk;
struct disk_aio;

/* flag: never io_uring (tests, comparisons; also the environment's
 * ATOLL_NO_URING, for every disk) */
#define DISK_AIO_SYNC 1u

/* Up to depth requests in flight on d; notify_fd (an eventfd, or -1) is
 * signalled when io_uring has a completion ready to reap (a synchronous
 * request's completion is ready when it is queued: look with
 * disk_aio_ready after queueing).  0 or -errno. */
int disk_aio_create(struct disk *d, unsigned depth, int notify_fd,
		    unsigned flags, struct disk_aio **out);
/* Wait for every request in flight (their completions are dropped: the
 * caller has released their buffers' owners' interest), then free. */
void disk_aio_destroy(struct disk_aio *a);

/* Queue a read (write = false) or write of iov[0..n) contiguous on disk
 * from byte off; tag comes back with its result.  0, or -EBUSY when depth
 * requests are in flight, -EINVAL for n outside 1..DISK_IOV_MAX. */
int disk_aio_rw(struct disk_aio *a, bool write, uint64_t off,
		const struct iovec *iov, int n, void *tag);
/* Queue a flush: it starts after every request queued before it has
 * completed and makes their writes durable; later requests start after
 * it.  0 or -EBUSY. */
int disk_aio_flush(struct disk_aio *a, void *tag);
/* Hand what was queued to the host (one system call). */
void disk_aio_submit(struct disk_aio *a);

/* Called for each completion: res 0, or -errno (a short transfer is
 * finished synchronously inside, so 0 means every byte moved). */
typedef void (*disk_aio_done_fn)(void *ctx, void *tag, int res);
/* Reap up to max ready completions without waiting: how many. */
unsigned disk_aio_reap(struct disk_aio *a, disk_aio_done_fn fn, void *ctx,
		       unsigned max);
/* Wait until nothing is in flight, reaping everything with fn. */
void disk_aio_drain(struct disk_aio *a, disk_aio_done_fn fn, void *ctx);
/* Requests queued and not yet reaped. */
unsigned disk_aio_inflight(const struct disk_aio *a);
/* Is a completion ready to reap?  (A cheap look, no system call.) */
bool disk_aio_ready(const struct disk_aio *a);
/* Does this one use io_uring (else: synchronous)? */
bool disk_aio_async(const struct disk_aio *a);

#endif
