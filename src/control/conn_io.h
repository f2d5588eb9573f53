/* Answering one client connection with a deadline (the control socket, the
 * HTTP page; serve.c read the request): reading the request is bounded by
 * limit_ms since the connection was accepted (t0), sending the reply by
 * limit_ms without progress, so a client that stalls cannot hold the
 * handler thread for long. */
#ifndef ATOLL_CONTROL_CONN_IO_H
#define ATOLL_CONTROL_CONN_IO_H

#include <stddef.h>
#include <time.h>

struct conn {
	int fd;
	struct timespec t0;
	long limit_ms;
};

/* Send all of p; give up silently on an error (the client has gone), when
 * the client has taken nothing for limit_ms, or after a minute in all
 * (conn_io.c: the reply's own clock, which starts here). */
void conn_send(struct conn *c, const void *p, size_t n);

#endif
