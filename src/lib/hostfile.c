/* See hostfile.h: open a user-named path without ever blocking on it. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hostfile.h"

int hostfile_open(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, err;

	/* O_NONBLOCK: a FIFO opened for reading would wait for a writer
	 * (and for writing, fail with ENXIO instead of waiting for a reader);
	 * on a regular file it changes nothing.  ENXIO is that FIFO (or a
	 * device with nothing behind it): not a regular file either. */
	fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == ENXIO ? HOSTFILE_NOT_REGULAR : -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
		goto err_close;
	}
	if (!S_ISREG(st.st_mode)) {
		err = HOSTFILE_NOT_REGULAR;
		goto err_close;
	}
	if (!(flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		err = -errno;
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return err;
}

const char *hostfile_strerror(int err)
{
	if (err == HOSTFILE_NOT_REGULAR)
		return "not a regular file (a FIFO, socket, device or "
		       "directory)";
	return strerror(-err);
}
