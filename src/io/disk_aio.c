/* Requests in flight on a host disk (disk_aio.h): io_uring where the host
 * has it, else synchronous calls completed at the next reap.
 *
 * With io_uring, a read or write is first tried at once without blocking
 * (RWF_NOWAIT): a read the page cache holds is a copy, and handing it to
 * io_uring only adds a submission, an eventfd wake-up and a reap.  Only
 * what would wait for the disk goes to io_uring.  Where the file system
 * cannot write without blocking (ext4's buffered writes answer
 * EOPNOTSUPP) io_uring would hand every write to one of its kernel
 * workers, which makes the same blocking call a thread hop away: such
 * writes are made here, at once (docs/virtio.md "Requests in flight"). */
#define _GNU_SOURCE
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <sys/uio.h>

#include "io/disk.h"
#include "io/disk_aio.h"

enum { AIO_READ, AIO_WRITE, AIO_FLUSH };

struct aio_slot {
	void *tag;
	const struct iovec *iov;
	int n;
	uint8_t op;
	uint64_t off, len;
	int res; /* synchronous mode: the result, reaped later */
};

struct disk_aio {
	struct disk *disk;
	unsigned depth, inflight;
	bool uring, queued; /* io_uring; SQEs not yet submitted */
	bool write_blocks; /* RWF_NOWAIT writes unsupported: write at once */
	unsigned flushing; /* flushes in io_uring: later requests follow them */
	struct io_uring ring;
	struct aio_slot *slot;
	unsigned *free, nfree;
	/* Requests done when queued (synchronous mode, or done at once):
	 * their slots in order, a ring of depth. */
	unsigned *done, done_head, ndone;
};

int disk_aio_create(struct disk *d, unsigned depth, int notify_fd,
		    unsigned flags, struct disk_aio **out)
{
	struct disk_aio *a = calloc(1, sizeof(*a));

	if (!a || !depth)
		goto err;
	a->disk = d;
	a->depth = depth;
	a->slot = calloc(depth, sizeof(*a->slot));
	a->free = calloc(depth, sizeof(*a->free));
	a->done = calloc(depth, sizeof(*a->done));
	if (!a->slot || !a->free || !a->done)
		goto err;
	for (unsigned i = 0; i < depth; i++)
		a->free[a->nfree++] = depth - 1 - i;
	/* The completion ring holds twice the depth (liburing's default):
	 * it never overflows, so a submission never fails for room. */
	/* ATOLL_NO_URING=1: the synchronous way on any host (comparisons,
	 * and the tests of that path on hosts with io_uring). */
	if (getenv("ATOLL_NO_URING"))
		flags |= DISK_AIO_SYNC;
	if (!(flags & DISK_AIO_SYNC) && d->fd >= 0 &&
	    !io_uring_queue_init(depth, &a->ring, 0)) {
		a->uring = true;
		if (notify_fd >= 0 &&
		    io_uring_register_eventfd(&a->ring, notify_fd) < 0) {
			io_uring_queue_exit(&a->ring);
			a->uring = false;
		}
	}
	*out = a;
	return 0;

err:
	if (a) {
		free(a->slot);
		free(a->free);
		free(a->done);
		free(a);
	}
	return depth ? -ENOMEM : -EINVAL;
}

/* The request in slot s, done synchronously from byte `skip` on (0, or
 * what io_uring moved before a short transfer). */
static int aio_sync(struct disk_aio *a, const struct aio_slot *s, uint64_t skip)
{
	const struct disk_ops *ops = a->disk->ops;
	struct iovec v[DISK_IOV_MAX];
	uint64_t off = s->off + skip;
	int n = 0;

	if (s->op == AIO_FLUSH)
		return ops->flush(a->disk);
	for (int i = 0; i < s->n; i++) {
		const struct iovec *p = &s->iov[i];

		if (skip >= p->iov_len) {
			skip -= p->iov_len;
			continue;
		}
		v[n].iov_base = (char *)p->iov_base + skip;
		v[n++].iov_len = p->iov_len - skip;
		skip = 0;
	}
	if (!n)
		return 0;
	if (s->op == AIO_WRITE && ops->writev)
		return ops->writev(a->disk, off, v, n);
	if (s->op == AIO_READ && ops->readv)
		return ops->readv(a->disk, off, v, n);
	for (int i = 0; i < n; i++) {
		int err = s->op == AIO_WRITE
				  ? ops->write(a->disk, off, v[i].iov_base,
					       v[i].iov_len)
				  : ops->read(a->disk, off, v[i].iov_base,
					      v[i].iov_len);
		if (err)
			return err;
		off += v[i].iov_len;
	}
	return 0;
}

/* With io_uring: do s now if that cannot block, or if the file system
 * cannot write without blocking (then blocking here is what io_uring's
 * worker would do): true with s->res its result; false: to io_uring.  A
 * short transfer (part in the page cache) goes to io_uring whole: moving
 * the same bytes again is harmless. */
static bool aio_now(struct disk_aio *a, struct aio_slot *s)
{
	ssize_t r;

	if (s->op == AIO_FLUSH || a->flushing)
		return false; /* a flush orders what follows it: io_uring's */
	if (s->op == AIO_WRITE && !a->write_blocks) {
		r = pwritev2(a->disk->fd, s->iov, s->n, (off_t)s->off,
			     RWF_NOWAIT);
		a->write_blocks = r < 0 && errno == EOPNOTSUPP;
	} else if (s->op == AIO_READ) {
		r = preadv2(a->disk->fd, s->iov, s->n, (off_t)s->off,
			    RWF_NOWAIT);
	} else {
		r = -1;
	}
	if (r >= 0 && (uint64_t)r == s->len) {
		s->res = 0;
		return true;
	}
	if (s->op == AIO_WRITE && a->write_blocks) {
		s->res = aio_sync(a, s, 0);
		return true;
	}
	return false;
}

/* Take a slot and queue it: to io_uring, or done now. */
static int aio_queue(struct disk_aio *a, struct aio_slot *req)
{
	unsigned i;
	struct aio_slot *s;
	struct io_uring_sqe *sqe;

	if (!a->nfree)
		return -EBUSY;
	i = a->free[--a->nfree];
	s = &a->slot[i];
	*s = *req;
	a->inflight++;
	if (!a->uring || aio_now(a, s)) {
		if (!a->uring)
			s->res = aio_sync(a, s, 0);
		a->done[(a->done_head + a->ndone++) % a->depth] = i;
		return 0;
	}
	/* The submission ring has depth entries and no more than depth
	 * requests are queued or in flight: NULL only if that broke. */
	sqe = io_uring_get_sqe(&a->ring);
	if (!sqe) {
		a->inflight--;
		a->free[a->nfree++] = i;
		return -EBUSY;
	}
	if (s->op == AIO_FLUSH) {
		io_uring_prep_fsync(sqe, a->disk->fd, IORING_FSYNC_DATASYNC);
		a->flushing++;
		/* After everything before it; everything after waits. */
		io_uring_sqe_set_flags(sqe, IOSQE_IO_DRAIN);
	} else if (s->op == AIO_WRITE) {
		io_uring_prep_writev(sqe, a->disk->fd, s->iov, (unsigned)s->n,
				     s->off);
	} else {
		io_uring_prep_readv(sqe, a->disk->fd, s->iov, (unsigned)s->n,
				    s->off);
	}
	io_uring_sqe_set_data(sqe, (void *)(uintptr_t)i);
	a->queued = true;
	return 0;
}

int disk_aio_rw(struct disk_aio *a, bool write, uint64_t off,
		const struct iovec *iov, int n, void *tag)
{
	struct aio_slot s = { .tag = tag, .iov = iov, .n = n, .off = off };

	if (n < 1 || n > DISK_IOV_MAX)
		return -EINVAL;
	s.op = write ? AIO_WRITE : AIO_READ;
	for (int i = 0; i < n; i++)
		s.len += iov[i].iov_len;
	return aio_queue(a, &s);
}

int disk_aio_flush(struct disk_aio *a, void *tag)
{
	struct aio_slot s = { .tag = tag, .op = AIO_FLUSH };

	return aio_queue(a, &s);
}

void disk_aio_submit(struct disk_aio *a)
{
	/* The ring never lacks room (see create), so this only fails if
	 * interrupted; what stays queued goes with the next submit or reap. */
	if (a->queued && io_uring_submit(&a->ring) >= 0)
		a->queued = false;
}

/* Slot i is done with io_uring's result res: its final result. */
static int aio_result(struct disk_aio *a, unsigned i, int res)
{
	struct aio_slot *s = &a->slot[i];

	if (res < 0 || s->op == AIO_FLUSH)
		return res;
	if ((uint64_t)res == s->len)
		return 0;
	if (res == 0 && s->op == AIO_READ)
		return -EIO; /* the image shrank under us */
	return aio_sync(a, s, (uint64_t)res); /* short: finish it here */
}

static void aio_complete(struct disk_aio *a, unsigned i, int res,
			 disk_aio_done_fn fn, void *ctx)
{
	void *tag = a->slot[i].tag;

	a->free[a->nfree++] = i;
	a->inflight--;
	fn(ctx, tag, res);
}

unsigned disk_aio_reap(struct disk_aio *a, disk_aio_done_fn fn, void *ctx,
		       unsigned max)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	/* Done at once (synchronous mode, or tried now): taken off the
	 * ring before fn runs, as fn may queue more. */
	for (; n < max && a->ndone; n++) {
		unsigned i = a->done[a->done_head];

		a->done_head = (a->done_head + 1) % a->depth;
		a->ndone--;
		aio_complete(a, i, a->slot[i].res, fn, ctx);
	}
	if (!a->uring)
		return n;
	disk_aio_submit(a);
	while (n < max && io_uring_peek_cqe(&a->ring, &cqe) == 0) {
		unsigned i = (unsigned)(uintptr_t)io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&a->ring, cqe);
		if (i >= a->depth)
			continue; /* not ours: cannot happen */
		if (a->slot[i].op == AIO_FLUSH)
			a->flushing--;
		aio_complete(a, i, aio_result(a, i, res), fn, ctx);
		n++;
	}
	return n;
}

void disk_aio_drain(struct disk_aio *a, disk_aio_done_fn fn, void *ctx)
{
	struct io_uring_cqe *cqe;

	disk_aio_reap(a, fn, ctx, a->depth);
	while (a->uring && a->inflight) {
		disk_aio_submit(a);
		int err = io_uring_wait_cqe(&a->ring, &cqe);

		if (err && err != -EINTR && err != -EAGAIN)
			break; /* the ring itself broke: nothing will come */
		disk_aio_reap(a, fn, ctx, a->depth);
	}
}

unsigned disk_aio_inflight(const struct disk_aio *a)
{
	return a->inflight;
}

bool disk_aio_ready(const struct disk_aio *a)
{
	return a->ndone != 0 || (a->uring && io_uring_cq_ready(&a->ring) != 0);
}

bool disk_aio_async(const struct disk_aio *a)
{
	return a->uring;
}

static void aio_drop(void *ctx, void *tag, int res)
{
}

void disk_aio_destroy(struct disk_aio *a)
{
	if (!a)
		return;
	disk_aio_drain(a, aio_drop, 0);
	if (a->uring)
		io_uring_queue_exit(&a->ring);
	free(a->slot);
	free(a->free);
	free(a->done);
	free(a);
}
