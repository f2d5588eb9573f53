/* Helpers shared by the event-channel files (not a contract for others). */
#ifndef ATOLL_IO_EVTCHN_INTERNAL_H
#define ATOLL_IO_EVTCHN_INTERNAL_H

#include "io/evtchn.h"

/* Raise the event on d's port (shared_info.h's delivery steps); before
 * the shared info exists it is remembered.  Caller holds d->ev.lock. */
void evtchn_deliver_locked(struct io_dom *d, evtchn_port_t port);
/* Forget a stale event of a port being (re)allocated.  Same lock. */
void evtchn_clear_pending_locked(struct io_dom *d, evtchn_port_t port);
/* Unpin the shared info (domain detach). */
void evtchn_release_shared_info(struct io_dom *d);

#endif
