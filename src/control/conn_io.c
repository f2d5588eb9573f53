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

/* A reply may be large (a p2m of a big domain is megabytes) and the
 * machine loaded: its clock starts when atoll has built it, restarts
 * whenever the client takes some of it, and all of it must go within
 * CONN_SEND_MAX_MS, so a stalled client still frees the handler. */
#define CONN_SEND_MAX_MS 60000

void conn_send(struct conn *c, const void *p, size_t n)
{
	const char *s = p;
	struct timespec start;
	ssize_t r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	c->t0 = start;
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
		clock_gettime(CLOCK_MONOTONIC, &c->t0);
		if ((c->t0.tv_sec - start.tv_sec) * 1000 +
			    (c->t0.tv_nsec - start.tv_nsec) / 1000000 >
		    CONN_SEND_MAX_MS)
			return;
	}
}
