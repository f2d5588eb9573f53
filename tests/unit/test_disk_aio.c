/* Requests in flight on a raw image (src/io/disk_aio.c), through io_uring
 * where this host has it and synchronously (DISK_AIO_SYNC) always: the
 * same results either way, a flush after the writes before it, the
 * depth bound, completions with their tags, a drain, a read that has to
 * wait for the disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "io/disk.h"
#include "io/disk_aio.h"

#define DEPTH 8
#define BLK 4096

static int done_tag[64], done_res[64], ndone;

static void on_done(void *ctx, void *tag, int res)
{
	(void)ctx;
	if (ndone < 64) {
		done_tag[ndone] = (int)(intptr_t)tag;
		done_res[ndone++] = res;
	}
}

/* Reap until n completions came (bounded: 10 s). */
static void reap_until(struct disk_aio *a, int n)
{
	for (int i = 0; i < 100000 && ndone < n; i++) {
		if (!disk_aio_reap(a, on_done, 0, 64))
			usleep(100);
	}
}

static void run(const char *path, unsigned flags)
{
	static uint8_t buf[DEPTH][2][BLK / 2], back[BLK * DEPTH];
	struct iovec iov[DEPTH][2];
	struct disk *d;
	struct disk_aio *a;
	bool seen[DEPTH + 1] = { false };
	int fd = open(path, O_RDONLY);

	CHECK_EQ(disk_raw_open(path, &d), 0);
	CHECK_EQ(disk_aio_create(d, DEPTH, -1, flags, &a), 0);
	if (!(flags & DISK_AIO_SYNC))
		printf("disk_aio: io_uring %s on this host\n",
		       disk_aio_async(a) ? "used" : "unavailable");
	ndone = 0;
	/* DEPTH - 1 writes of two half-blocks each, then a flush */
	for (int k = 0; k < DEPTH - 1; k++) {
		memset(buf[k][0], 'a' + k, BLK / 2);
		memset(buf[k][1], 'A' + k, BLK / 2);
		iov[k][0] = (struct iovec){ buf[k][0], BLK / 2 };
		iov[k][1] = (struct iovec){ buf[k][1], BLK / 2 };
		CHECK_EQ(disk_aio_rw(a, true, (uint64_t)BLK * k, iov[k], 2,
				     (void *)(intptr_t)k),
			 0);
	}
	CHECK_EQ(disk_aio_flush(a, (void *)(intptr_t)DEPTH), 0);
	/* the depth is the bound */
	CHECK_EQ(disk_aio_flush(a, 0), -EBUSY);
	CHECK_EQ(disk_aio_rw(a, false, 0, iov[0], 0, 0), -EINVAL);
	CHECK_EQ(disk_aio_inflight(a), DEPTH);
	disk_aio_submit(a);
	reap_until(a, DEPTH);
	CHECK_EQ(ndone, DEPTH);
	for (int i = 0; i < ndone; i++) {
		CHECK_EQ(done_res[i], 0);
		CHECK(done_tag[i] >= 0 && done_tag[i] <= DEPTH);
		seen[done_tag[i]] = true;
	}
	/* the flush came after every write before it */
	CHECK_EQ(done_tag[ndone - 1], DEPTH);
	for (int k = 0; k < DEPTH - 1; k++)
		CHECK(seen[k]);
	CHECK_EQ(pread(fd, back, BLK * (DEPTH - 1), 0), BLK * (DEPTH - 1));
	for (int k = 0; k < DEPTH - 1; k++) {
		CHECK_EQ(back[BLK * k], 'a' + k);
		CHECK_EQ(back[BLK * k + BLK - 1], 'A' + k);
	}
	/* read them back in one vectored request; past the end fails */
	ndone = 0;
	iov[0][0] = (struct iovec){ back, sizeof(back) };
	memset(back, 0, sizeof(back));
	CHECK_EQ(disk_aio_rw(a, false, 0, iov[0], 1, (void *)1), 0);
	iov[1][0] = (struct iovec){ buf[0][0], BLK / 2 };
	CHECK_EQ(disk_aio_rw(a, false, 1 << 20, iov[1], 1, (void *)2), 0);
	disk_aio_drain(a, on_done, 0);
	CHECK_EQ(ndone, 2);
	CHECK_EQ(disk_aio_inflight(a), 0);
	CHECK(!disk_aio_ready(a));
	for (int i = 0; i < ndone; i++)
		CHECK_EQ(done_res[i], done_tag[i] == 1 ? 0 : -EIO);
	CHECK_EQ(back[BLK * 3 + 1], 'a' + 3);
	/* out of the page cache: a read that must wait for the disk (with
	 * io_uring: not done at once, handed over) reads the same */
	CHECK_EQ(fdatasync(fd), 0);
	CHECK_EQ(posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	ndone = 0;
	memset(back, 0, sizeof(back));
	CHECK_EQ(disk_aio_rw(a, false, 0, iov[0], 1, (void *)1), 0);
	disk_aio_drain(a, on_done, 0);
	CHECK_EQ(ndone, 1);
	CHECK_EQ(done_res[0], 0);
	CHECK_EQ(back[BLK * 5 + BLK - 1], 'A' + 5);
	/* destroyed with a request in flight: waited for */
	CHECK_EQ(disk_aio_rw(a, true, 0, iov[0], 1, 0), 0);
	disk_aio_submit(a);
	disk_aio_destroy(a);
	disk_close(d);
	close(fd);
}

int main(void)
{
	char path[] = "/tmp/atoll-test-aio-XXXXXX";
	int fd = mkstemp(path);

	CHECK(fd >= 0 && !ftruncate(fd, 1 << 20));
	close(fd);
	run(path, 0);
	run(path, DISK_AIO_SYNC);
	unlink(path);
	return check_done("disk_aio");
}
