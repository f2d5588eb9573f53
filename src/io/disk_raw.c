/* Raw image files (disk.h): the disk's bytes are the file's bytes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/disk.h"
#include "lib/hostfile.h"

static int disk_raw_read(struct disk *d, uint64_t off, void *buf, uint64_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = pread(d->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) /* the file shrank under us: read zeros */
			return -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

static int disk_raw_write(struct disk *d, uint64_t off, const void *buf,
			  uint64_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = pwrite(d->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		p += n;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* preadv/pwritev until every byte of iov[0..n) moved: a short transfer
 * goes on from where it stopped, in a copy of the vector. */
static int disk_raw_rwv(struct disk *d, uint64_t off, const struct iovec *iov,
			int n, bool write)
{
	struct iovec v[DISK_IOV_MAX], *p = v;

	if (n < 0 || n > DISK_IOV_MAX)
		return -EINVAL;
	memcpy(v, iov, (size_t)n * sizeof(*v));
	while (n) {
		ssize_t k = write ? pwritev(d->fd, p, n, (off_t)off)
				  : preadv(d->fd, p, n, (off_t)off);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) /* 0: the file shrank under us */
			return k < 0 ? -errno : -EIO;
		off += (uint64_t)k;
		for (; n && (size_t)k >= p->iov_len; p++, n--)
			k -= (ssize_t)p->iov_len;
		if (n) {
			p->iov_base = (char *)p->iov_base + k;
			p->iov_len -= (size_t)k;
		}
	}
	return 0;
}

static int disk_raw_readv(struct disk *d, uint64_t off, const struct iovec *iov,
			  int n)
{
	return disk_raw_rwv(d, off, iov, n, false);
}

static int disk_raw_writev(struct disk *d, uint64_t off,
			   const struct iovec *iov, int n)
{
	return disk_raw_rwv(d, off, iov, n, true);
}

static int disk_raw_flush(struct disk *d)
{
	return fdatasync(d->fd) < 0 ? -errno : 0;
}

/* Punch a hole: the file keeps its size and the range reads as zeros.  A
 * file system without holes gets the zeros written instead. */
static int disk_raw_discard(struct disk *d, uint64_t off, uint64_t len)
{
	static const char zero[4096];
	int err;

	if (!fallocate(d->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       (off_t)off, (off_t)len))
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	while (len) {
		uint64_t n = len < sizeof(zero) ? len : sizeof(zero);

		err = disk_raw_write(d, off, zero, n);
		if (err)
			return err;
		off += n;
		len -= n;
	}
	return 0;
}

static void disk_raw_close(struct disk *d)
{
	close(d->fd);
	free(d);
}

static const struct disk_ops disk_raw_ops = {
	.read = disk_raw_read,
	.write = disk_raw_write,
	.flush = disk_raw_flush,
	.discard = disk_raw_discard,
	.close = disk_raw_close,
	.readv = disk_raw_readv,
	.writev = disk_raw_writev,
};

/* Read-write images are locked exclusively (one writer: two domains on
 * one disk corrupt it), read-only ones shared (any number of readers, no
 * writer). */
static int disk_raw_open_mode(const char *path, bool readonly,
			      struct disk **out)
{
	struct disk *d;
	struct stat st;
	int err;

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	/* A regular file only (block devices: not yet, docs/pv-io.md). */
	d->fd = hostfile_open(path, readonly ? O_RDONLY : O_RDWR, 0);
	if (d->fd < 0) {
		err = d->fd;
		goto err_free;
	}
	if (fstat(d->fd, &st) < 0) {
		err = -errno;
		goto err_close;
	}
	if (flock(d->fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto err_close;
	}
	d->ops = &disk_raw_ops;
	d->size = (uint64_t)st.st_size & ~511ull;
	*out = d;
	return 0;

err_close:
	close(d->fd);
err_free:
	free(d);
	return err;
}

int disk_raw_open(const char *path, struct disk **out)
{
	return disk_raw_open_mode(path, false, out);
}

int disk_raw_open_ro(const char *path, struct disk **out)
{
	return disk_raw_open_mode(path, true, out);
}
