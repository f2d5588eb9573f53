/* The PV network back-end (netback.c): its ops are netback_ops
 * (io/pvdev.h); this adds the interface's switch-port counters. */
#ifndef ATOLL_IO_NETBACK_H
#define ATOLL_IO_NETBACK_H

#include "io/pvdev.h"
#include "io/vswitch.h"

/* dev's switch-port counters (zero if it has no port any more). */
void netback_get_port_stats(const struct pvdev *dev,
			    struct vswitch_port_stats *st);

#endif
