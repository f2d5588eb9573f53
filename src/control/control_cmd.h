/* The control protocol's requests and replies (docs/control-api.md),
 * apart from the socket that carries them (control.c), so that they can be
 * tested without one. */
#ifndef ATOLL_CONTROL_CONTROL_CMD_H
#define ATOLL_CONTROL_CONTROL_CMD_H

#include <stddef.h>

struct host;

/* A request larger than this is refused unread. */
#define CONTROL_REQUEST_MAX (64 * 1024)
/* Version of the protocol, reported by the "version" command. */
#define CONTROL_PROTOCOL 1
/* The replies' members (docs/control-api.md "Schema"): every reply
 * carries "schema"; it goes up when members are added, and members are
 * never removed or change meaning. */
#define CONTROL_SCHEMA 2
/* "shutdown": seconds before a domain that has not powered off is
 * destroyed, by default and at most. */
#define CONTROL_SHUTDOWN_TIMEOUT_S 60
#define CONTROL_SHUTDOWN_TIMEOUT_MAX_S 86400

/* Answer one request of len bytes (JSON text, not necessarily terminated;
 * hostile: anything may be in it).  Returns the reply, one line of JSON
 * ending in "\n", malloc'd; NULL only when out of memory. */
char *control_handle(struct host *h, const char *req, size_t len);

struct domain;
/* As control_handle, on a connection that can become a console stream: a
 * "console" request that succeeds sets *attach to its domain, and the
 * caller, after writing the reply, hands the connection over with
 * control_console_attach (control/control_console.h).  control_handle refuses
 * "console". */
char *control_handle_conn(struct host *h, const char *req, size_t len,
			  struct domain **attach);

#endif
