/* Helpers of the PV guest tests (S-mode on atoll, paging off): the event
 * and grant hypercalls, the shared info with an upcall handler on PLIC
 * source ATOLL_EVTCHN_IRQ, and waiting for upcalls. */
#ifndef ATOLL_TESTS_IO_PV_LIB_H
#define ATOLL_TESTS_IO_PV_LIB_H

#include <stdint.h>

#include "atoll/abi/event_channel.h"
#include "atoll/abi/grant_table.h"
#include "atoll/abi/grant_table_op.h"
#include "atoll/abi/shared_info.h"

extern struct shared_info pv_si;
/* Upcalls taken, interrupts that were not ours. */
extern volatile unsigned pv_upcalls, pv_spurious;

/* The hypercall argument block (one call at a time). */
extern union pv_arg {
	struct evtchn_alloc_unbound alloc;
	struct evtchn_bind_interdomain bind;
	struct evtchn_status status;
	struct evtchn_atoll_shared_info shinfo;
	struct gnttab_atoll_set_table table;
	struct gnttab_copy copy;
	evtchn_port_t port;
} pv_arg;

/* event_channel_op(cmd, &pv_arg) and grant_table_op(cmd, &pv_arg, count):
 * the result, or -1000 + the SBI error if the call itself failed. */
long pv_ev_op(long cmd);
long pv_gnt_op(long cmd, long count);
long pv_port_op(long cmd, evtchn_port_t port);

/* Register pv_si as shared info; enable the upcall in the PLIC and sie. */
long pv_shinfo_on(void);
/* Busy-wait (bounded: ms milliseconds) until pv_upcalls >= want; returns
 * pv_upcalls. */
unsigned pv_wait_upcalls(unsigned want, unsigned ms);
/* Was the port seen pending by the handler (then forget it)? */
int pv_seen(evtchn_port_t port);

#endif
