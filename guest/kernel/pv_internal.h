/* Shared between the PV core's files (pv_core.c, pv_evtchn.c): not for
 * front-ends, which use pv.h. */
#ifndef ATOLL_OS_PV_INTERNAL_H
#define ATOLL_OS_PV_INTERNAL_H

#include "atoll/abi/shared_info.h"
#include "kernel.h"
#include "pv.h"

extern struct shared_info pv_shinfo;
extern struct pv_stats pv_stats;
extern unsigned pv_irq;

/* A counted hypercall: a6 = nr, a0 = cmd, a1 = arg, a2 = count. */
long pv_hcall(long nr, long cmd, void *arg, long count);

#endif
