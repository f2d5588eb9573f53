/* Back-end threads with a stop eventfd (io_thread.h). */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "io/io_thread.h"
#include "lib/log.h"

void io_thread_clear(struct io_thread *t)
{
	t->stop_efd = -1;
	t->started = false;
}

int io_thread_start(struct io_thread *t, void *(*fn)(void *), void *arg)
{
	uint64_t v;
	int err;

	if (t->started)
		return -EBUSY;
	if (t->stop_efd < 0) {
		t->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (t->stop_efd < 0)
			return -errno;
	} else if (read(t->stop_efd, &v, sizeof(v)) < 0 && errno != EAGAIN) {
		return -errno; /* forget an old stop request */
	}
	err = -pthread_create(&t->thread, NULL, fn, arg);
	if (err)
		return err;
	t->started = true;
	return 0;
}

void io_thread_stop(struct io_thread *t)
{
	uint64_t one = 1;

	if (!t->started)
		return;
	/* A full counter (never: one write per stop) would still wake it. */
	if (write(t->stop_efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_error("io thread: cannot ask it to stop: %s",
			  strerror(errno));
	pthread_join(t->thread, NULL);
	t->started = false;
}

void io_thread_destroy(struct io_thread *t)
{
	io_thread_stop(t);
	if (t->stop_efd >= 0)
		close(t->stop_efd);
	t->stop_efd = -1;
}

bool io_thread_stop_requested(const struct io_thread *t)
{
	struct pollfd pfd = { t->stop_efd, POLLIN, 0 };

	/* Look without reading: the request stays for the thread's poll. */
	return t->stop_efd >= 0 && poll(&pfd, 1, 0) > 0 && pfd.revents;
}
