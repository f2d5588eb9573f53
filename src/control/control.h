/* The control socket: a Unix-domain socket through which `atoll list`,
 * `atoll p2m`, `atoll stats` … (and any other program) talk to a running
 * atoll, one JSON request and one JSON reply per connection (protocol in
 * docs/control-api.md). */
#ifndef ATOLL_CONTROL_CONTROL_H
#define ATOLL_CONTROL_CONTROL_H

#include <stdbool.h>

struct host;
struct control;

/* Claim the socket before anything else starts, so that a refusal leaves
 * nothing changed.  path NULL: the default, in the user's private
 * directory (control_sock.h), or beside it (atoll-PID.sock, see
 * control_beside_default) if another atoll holds it.  An explicit path is exclusive:
 * -EADDRINUSE if an atoll answers there.  0 or -errno after one line. */
int control_bind(const char *path, struct control **out);
/* Serve h from now on (a thread of its own).  0 or -errno (one line). */
int control_serve(struct control *c, struct host *h);
/* control_bind then control_serve. */
int control_start(struct host *h, const char *path, struct control **out);
/* The path it listens on. */
const char *control_path(const struct control *c);
/* Did the default belong to another atoll (so that this one listens
 * beside it, and the user should be told where)? */
bool control_beside_default(const struct control *c);
/* Stop serving (waits for the requests being answered) and unlink the
 * socket.  NULL is fine. */
void control_stop(struct control *c);

#endif
