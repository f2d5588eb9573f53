/* A host character back-end as the guest-visible consoles see it: bytes
 * out, bytes in, and a call when input arrives.  The UART, the SBI and HTIF
 * consoles, the PV console and the virtio console all use this and nothing
 * else of the host's terminal (io/hostcon.h is the one implementation
 * today; tests bring their own).  TinyEMU's CharacterDevice is the model. */
#ifndef ATOLL_IO_CHARDEV_H
#define ATOLL_IO_CHARDEV_H

#include <stddef.h>
#include <sys/types.h>

struct chardev_ops {
	/* Write n bytes to the host; returns bytes written or -errno.  May
	 * wait for the host (a slow terminal), never for the guest. */
	ssize_t (*write)(void *ctx, const void *buf, size_t n);
	/* Take up to n buffered input bytes; returns how many (0 if none).
	 * Never blocks. */
	size_t (*read)(void *ctx, void *buf, size_t n);
	/* Call ready(arg) whenever new input can be read, from the back-end's
	 * own thread; ready must not block, nor call set_ready.  ready NULL
	 * removes arg's call (if it is the current one) and returns only when
	 * that call is not running any more.  May be NULL: then nobody is
	 * told, readers poll. */
	void (*set_ready)(void *ctx, void (*ready)(void *arg), void *arg);
};

struct chardev {
	const struct chardev_ops *ops;
	void *ctx;
};

static inline ssize_t chardev_write(struct chardev *cd, const void *buf,
				    size_t n)
{
	return cd->ops->write(cd->ctx, buf, n);
}

static inline size_t chardev_read(struct chardev *cd, void *buf, size_t n)
{
	return cd->ops->read ? cd->ops->read(cd->ctx, buf, n) : 0;
}

static inline void chardev_set_ready(struct chardev *cd,
				     void (*ready)(void *arg), void *arg)
{
	if (cd->ops->set_ready)
		cd->ops->set_ready(cd->ctx, ready, arg);
}

#endif
