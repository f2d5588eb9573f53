/* Opening a file a user named (kernel, initrd, firmware, disk image,
 * configuration, swap file, output) so that it can never hang atoll: a FIFO
 * would block open() until a peer shows up, a device or socket is not an
 * image.  One helper, used wherever such a path is opened. */
#ifndef ATOLL_LIB_HOSTFILE_H
#define ATOLL_LIB_HOSTFILE_H

#include <errno.h>
#include <sys/types.h>

/* The error of a path that names anything but a regular file. */
#define HOSTFILE_NOT_REGULAR (-EMEDIUMTYPE)

/* open(path, flags | O_CLOEXEC, mode) that never blocks: opened with
 * O_NONBLOCK, refused (closed, HOSTFILE_NOT_REGULAR) unless fstat says it
 * is a regular file, then O_NONBLOCK is cleared unless the caller asked for
 * it.  Returns the descriptor or -errno; prints nothing (the caller names
 * the file and its role in its own line, with hostfile_strerror). */
int hostfile_open(const char *path, int flags, mode_t mode);

/* strerror for hostfile_open's results (-errno). */
const char *hostfile_strerror(int err);

#endif
