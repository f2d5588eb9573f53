/* The accept/poll loop of the control socket (the HTTP page runs on
 * libmicrohttpd: http.c).  One thread polls the listening socket and every client that
 * is still sending its request, each with its own deadline; a client whose
 * request is complete is answered on a short-lived handler thread (at most
 * SERVE_HANDLERS at once), so neither a silent client nor a slow command
 * delays anybody else.  Design and limits: docs/control-api.md. */
#ifndef ATOLL_CONTROL_SERVE_H
#define ATOLL_CONTROL_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "control/conn_io.h"

/* Clients polled at once (a new one beyond this evicts the oldest). */
#define SERVE_CLIENTS 256
/* Requests answered at once (more wait, already read, for a slot). */
#define SERVE_HANDLERS 16

/* What serve_ops.complete answers when the request is not complete. */
#define SERVE_MORE (-2) /* read more */
#define SERVE_DROP (-1) /* drop the client unanswered */

struct serve_ops {
	const char *name; /* for log lines: "control socket", "--http" */
	size_t req_max; /* bytes of request buffered per client */
	long client_ms; /* the whole exchange: request and reply */
	/* Is the request in buf[0..n) (NUL-terminated) complete?  The length
	 * to hand to handle (>= 0), SERVE_MORE or SERVE_DROP.  eof: the
	 * client will send nothing more; full: n == req_max (SERVE_MORE then
	 * drops it). */
	long (*complete)(const char *buf, size_t n, bool eof, bool full);
	/* Is the freshly accepted client fd acceptable (peer credentials)? */
	bool (*admit)(void *ctx, int fd);
	/* On a handler thread: answer req (len bytes, NUL-terminated) on c,
	 * bounded by c's deadline.  Returns true if it kept c->fd (handed it
	 * over), false to have it closed. */
	bool (*handle)(void *ctx, struct conn *c, char *req, size_t len);
};

struct serve;

/* Serve the listening socket lfd (non-blocking; the server owns it from
 * now on, even on failure) on a thread of its own.  0 or -errno. */
int serve_start(int lfd, const struct serve_ops *ops, void *ctx,
		struct serve **out);
/* Stop accepting, drop waiting clients, wait for running handlers to
 * finish, close the listening socket.  NULL is fine. */
void serve_stop(struct serve *s);

#endif
