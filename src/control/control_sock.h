/* Where the control socket lives and who may be at either end of it
 * (docs/control-api.md, "Security").  The default is a private directory
 * of the user's own, so no other local user can listen in our place; both
 * ends check each other's uid (the socket file's owner, SO_PEERCRED). */
#ifndef ATOLL_CONTROL_CONTROL_SOCK_H
#define ATOLL_CONTROL_CONTROL_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The private directory of the default socket: $XDG_RUNTIME_DIR/atoll,
 * else /tmp/atoll-$UID.  Returns a static buffer. */
const char *control_default_dir(void);
/* The default socket path: $ATOLL_SOCKET, else control_default_dir()
 * + "/atoll.sock".  Returns a static buffer. */
const char *control_default_path(void);

/* The directory dir is ours alone: a real directory (not a symlink),
 * owned by this uid, no group or other permission bits.  With create, it
 * is made (0700) if missing.  0, or -errno after one line naming it. */
int control_private_dir(const char *dir, bool create);

/* The uid of the process at the other end of the connected Unix socket
 * fd; 0 or -errno. */
int control_peer_uid(int fd, uid_t *uid);

/* Client side: the socket file at path is a socket owned by this uid.
 * 0, -ENOENT (missing; nothing printed), or -EPERM / -ENOTSOCK after one
 * line naming it. */
int control_check_socket_file(const char *path);

#endif
