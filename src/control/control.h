/* The control socket: a Unix-domain socket through which `atoll list`,
 * `atoll p2m`, `atoll stats` … (and any other program) talk to a running
 * atoll, one JSON request and one JSON reply per connection (protocol in
 * docs/control-api.md). */
#ifndef ATOLL_CONTROL_CONTROL_H
#define ATOLL_CONTROL_CONTROL_H

struct host;
struct control;

/* Bind `path` and serve it on a thread of its own.  Refuses (-EADDRINUSE,
 * one line printed) if another atoll already answers there; a stale socket
 * file is replaced.  0 or -errno. */
int control_start(struct host *h, const char *path, struct control **out);
/* Stop serving and unlink the socket. */
void control_stop(struct control *c);
/* The default socket path: $ATOLL_SOCKET, else $XDG_RUNTIME_DIR/atoll.sock,
 * else /tmp/atoll-$UID.sock.  Returns a static buffer. */
const char *control_default_path(void);

#endif
