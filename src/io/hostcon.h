/* The host terminal as a character back-end (io/chardev.h): bytes out to
 * stdout, bytes in from stdin on a reader thread (raw mode while stdin is
 * our terminal), the QEMU-style escape Ctrl-A x to quit, and the client of
 * `atoll console`.  One per domain.
 *
 * Several guest consoles may read the same input, each through its own
 * port (its own copy of every byte): HOSTCON_PORT_BOARD for the board's
 * UART, SBI DBCN and HTIF consoles, others for the PV and virtio consoles.
 * All ports write to the same output. */
#ifndef ATOLL_IO_HOSTCON_H
#define ATOLL_IO_HOSTCON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "io/chardev.h"

struct hostcon;

struct hostcon_ops {
	void (*quit)(void *ctx); /* the user typed Ctrl-A x */
};

enum hostcon_port_id {
	HOSTCON_PORT_BOARD, /* open from the start */
	HOSTCON_PORT_PV,
	HOSTCON_PORT_VIRTIO,
	HOSTCON_PORTS
};

/* Allocate (no thread, terminal untouched).  Returns 0 or -ENOMEM. */
int hostcon_create(struct hostcon **out, const struct hostcon_ops *ops,
		   void *ctx);
/* Before hostcon_start: prefix every output line with `prefix` (NULL:
 * none; copied) and whether to read input at all (false: the terminal
 * belongs to another console).  Prefixed output is written a whole line at
 * a time, so the lines of several consoles sharing stdout never mix.
 * Returns 0 or -ENOMEM. */
int hostcon_configure(struct hostcon *c, const char *prefix, bool input);
/* Enter raw mode if stdin is our foreground terminal; start the reader.
 * Returns 0 or -errno (then nothing is left changed). */
int hostcon_start(struct hostcon *c);
/* Stop the reader and restore the terminal.  Idempotent. */
void hostcon_stop(struct hostcon *c);
void hostcon_destroy(struct hostcon *c);

/* The character device of port p: from this call on, that port keeps a
 * copy of every input byte, and input flow control follows it (the
 * console the guest reads last opened is the one that must not lose
 * bytes; the other ports keep the newest ones).  Idempotent. */
struct chardev *hostcon_port(struct hostcon *c, enum hostcon_port_id p);

/* Attach the client of `atoll console` (fd: a connected stream socket,
 * owned from now on): output is copied to it as it is written (dropped if
 * the client does not keep up), its bytes become input (no Ctrl-A escape).
 * Detached when it closes its side or hostcon_stop runs.  Returns 0, or
 * -EBUSY if a client is attached already (fd then stays the caller's).
 * Callers serialize attach, stop and destroy. */
int hostcon_attach(struct hostcon *c, int fd);
bool hostcon_attached(struct hostcon *c);

#endif
