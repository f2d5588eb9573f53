/* `atoll console DOM`: a control connection that becomes a raw byte stream
 * attached to the domain's console (docs/control-api.md, "console"). */
#ifndef ATOLL_CONTROL_CONTROL_CONSOLE_H
#define ATOLL_CONTROL_CONTROL_CONSOLE_H

struct host;
struct domain;

/* Host lock held: can d's console take a client now?  0, -EBUSY (one is
 * attached), or -ESRCH (the domain has no console any more). */
int control_console_check(struct domain *d);
/* Hand the connection fd to d's console (after the reply was written).
 * 0: fd is the console's now; -errno: fd is still the caller's. */
int control_console_attach(struct host *h, struct domain *d, int fd);

#endif
