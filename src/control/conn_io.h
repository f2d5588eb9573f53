/* Answering one client connection with a deadline (the control socket, the
 * HTTP page; serve.c read the request): every wait is bounded by what is
 * left of limit_ms since the connection was accepted (t0), so a client
 * that stalls cannot hold the handler thread for longer. */
#ifndef ATOLL_CONTROL_CONN_IO_H
#define ATOLL_CONTROL_CONN_IO_H

#include <stddef.h>
#include <time.h>

struct conn {
	int fd;
	struct timespec t0;
	long limit_ms;
};

/* Send all of p; give up silently at the deadline or on an error (the
 * client has gone). */
void conn_send(struct conn *c, const void *p, size_t n);

#endif
