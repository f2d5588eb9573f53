/* The host side of the guest console: bytes out to stdout, bytes in from
 * stdin on a reader thread (raw mode while stdin is our terminal), and the
 * QEMU-style escape Ctrl-A x to quit.  UART, SBI DBCN and HTIF share it. */
#ifndef ATOLL_MACHINE_HOSTCON_H
#define ATOLL_MACHINE_HOSTCON_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct hostcon;

struct hostcon_ops {
	void (*input_ready)(void *ctx); /* new bytes for hostcon_read */
	void (*quit)(void *ctx); /* the user typed Ctrl-A x */
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

/* Write to the host console; returns bytes written or -errno. */
ssize_t hostcon_write(struct hostcon *c, const void *buf, size_t n);
/* Take up to n buffered input bytes; returns how many (0 if none). */
size_t hostcon_read(struct hostcon *c, void *buf, size_t n);
/* True if input is buffered. */
int hostcon_has_input(struct hostcon *c);

/* Attach the client of `atoll console` (fd: a connected stream socket,
 * owned from now on): output is copied to it as it is written (dropped if
 * the client does not keep up), its bytes become input (no Ctrl-A escape).
 * Detached when it closes its side or hostcon_stop runs.  Returns 0, or
 * -EBUSY if a client is attached already (fd then stays the caller's).
 * Callers serialize attach, stop and destroy. */
int hostcon_attach(struct hostcon *c, int fd);
bool hostcon_attached(struct hostcon *c);

/* Input for the PV console's `in` ring: every input byte is copied to a
 * second buffer once this has been called.  Returns an eventfd (owned by
 * the console) that counts arrivals, or -errno. */
int hostcon_pv_in_fd(struct hostcon *c);
/* Take up to n bytes of that second buffer; returns how many. */
size_t hostcon_pv_read(struct hostcon *c, void *buf, size_t n);

#endif
