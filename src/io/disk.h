/* Host block images behind the PV block back-end: a narrow ops table so
 * other formats (qcow2, a block device) can plug in beside the raw file.
 * Offsets and lengths are bytes; every call is whole (short transfers are
 * retried inside) and returns 0 or -errno. */
#ifndef ATOLL_IO_DISK_H
#define ATOLL_IO_DISK_H

#include <stdint.h>
#include <sys/uio.h>

#define DISK_IOV_MAX 1024 /* UIO_MAXIOV */

struct disk;

struct disk_ops {
	int (*read)(struct disk *d, uint64_t off, void *buf, uint64_t len);
	int (*write)(struct disk *d, uint64_t off, const void *buf,
		     uint64_t len);
	/* Every write completed before the call is durable after it. */
	int (*flush)(struct disk *d);
	/* The range reads as zeros afterwards (a hint to free the space). */
	int (*discard)(struct disk *d, uint64_t off, uint64_t len);
	void (*close)(struct disk *d);
	/* Optional (NULL: callers loop over read/write): iov[0..n) in order,
	 * contiguous on disk from off, in one host call where the format
	 * allows (raw: preadv/pwritev).  n <= DISK_IOV_MAX. */
	int (*readv)(struct disk *d, uint64_t off, const struct iovec *iov,
		     int n);
	int (*writev)(struct disk *d, uint64_t off, const struct iovec *iov,
		      int n);
};

struct disk {
	const struct disk_ops *ops;
	uint64_t size; /* bytes, a multiple of 512 (the rest is ignored) */
	int fd;
};

/* Open a raw image read-write and lock it (flock, exclusive): 0, -EBUSY
 * if another disk holds it, -EINVAL if not a regular file, or -errno. */
int disk_raw_open(const char *path, struct disk **out);
/* The same read-only, with a shared lock (no writer while it is open):
 * writes and discards fail with -EBADF. */
int disk_raw_open_ro(const char *path, struct disk **out);

static inline void disk_close(struct disk *d)
{
	if (d)
		d->ops->close(d);
}

#endif
