/* The "console" control command's second half: the connection that asked
 * is handed to the domain's host console (io/hostcon.c), which copies
 * the domain's output to it and takes its bytes as input until either side
 * closes.  The control thread goes back to serving other clients. */
#include <errno.h>
#include <pthread.h>

#include "io/hostcon.h"
#include "machine/machine.h"
#include "control/control_console.h"
#include "vmm/domain.h"

int control_console_check(struct domain *d)
{
	if (d->tearing || d->torn_down || !d->m || !d->m->con ||
	    d->state == DOMAIN_SHUTDOWN || d->state == DOMAIN_DESTROYED)
		return -ESRCH;
	return hostcon_attached(d->m->con) ? -EBUSY : 0;
}

int control_console_attach(struct host *h, struct domain *d, int fd)
{
	int r;

	/* Under the host lock: teardown (which detaches and frees the
	 * console) cannot run at the same time. */
	pthread_mutex_lock(&h->lock);
	r = control_console_check(d);
	if (!r)
		r = hostcon_attach(d->m->con, fd);
	pthread_mutex_unlock(&h->lock);
	return r;
}
