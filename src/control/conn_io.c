/* Deadline-bounded client connections (conn_io.h). */
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include "control/conn_io.h"

/* Wait for the socket to be ready for ev before the deadline: 0 or -1. */
static int conn_wait(const struct conn *c, short ev)
{
	struct pollfd p = { .fd = c->fd, .events = ev };
	struct timespec t;
	long left;

	clock_gettime(CLOCK_MONOTONIC, &t);
	left = c->limit_ms - ((t.tv_sec - c->t0.tv_sec) * 1000 +
			      (t.tv_nsec - c->t0.tv_nsec) / 1000000);
	return left > 0 && poll(&p, 1, (int)left) == 1 ? 0 : -1;
}

void conn_send(struct conn *c, const void *p, size_t n)
{
	const char *s = p;
	ssize_t r;

	while (n) {
		if (conn_wait(c, POLLOUT))
			return;
		r = send(c->fd, s, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			return;
		s += r;
		n -= (size_t)r;
	}
}
