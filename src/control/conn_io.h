/* Serving one client connection with a deadline (the control socket, the
 * HTTP page): every wait is bounded by what is left of limit_ms since the
 * connection began, so a client that stalls cannot hold the serving
 * thread for longer. */
#ifndef ATOLL_CONTROL_CONN_IO_H
#define ATOLL_CONTROL_CONN_IO_H

#include <stddef.h>
#include <time.h>

struct conn {
	int fd;
	struct timespec t0;
	long limit_ms;
};

void conn_begin(struct conn *c, int fd, long limit_ms);
/* What has arrived, waiting up to the deadline: bytes (> 0), 0 at the end
 * of the stream, -1 on an error or at the deadline. */
long conn_recv(struct conn *c, void *buf, size_t n);
/* Send all of p; give up silently at the deadline or on an error (the
 * client has gone). */
void conn_send(struct conn *c, const void *p, size_t n);

#endif
