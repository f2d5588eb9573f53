/* Fault injection for tests/system/swapfail.sh, preloaded into atoll
 * (LD_PRELOAD): every pwrite/write to an open file whose path contains
 * $ATOLL_FAILWRITE fails with EIO, as a dying disk would.  Everything else
 * goes to the C library. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);
typedef ssize_t (*write_fn)(int, const void *, size_t);

/* True if fd is the file the test wants to fail. */
static int failwrite_target(int fd)
{
	const char *pat = getenv("ATOLL_FAILWRITE");
	char link[64], path[4096];
	ssize_t n;

	if (!pat || !*pat)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return 0;
	path[n] = 0;
	return strstr(path, pat) != NULL;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	static pwrite_fn real;

	if (failwrite_target(fd)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (pwrite_fn)dlsym(RTLD_NEXT, "pwrite");
	return real(fd, buf, len, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite(fd, buf, len, off);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static write_fn real;

	if (failwrite_target(fd)) {
		errno = EIO;
		return -1;
	}
	if (!real)
		real = (write_fn)dlsym(RTLD_NEXT, "write");
	return real(fd, buf, len);
}
