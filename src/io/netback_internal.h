/* The network back-end's per-pass logic, exposed for the fuzz target
 * (tests/fuzz/fuzz_netback.c) so that it drives the real code with a
 * hostile ring rather than a copy of it.  Not for other callers. */
#ifndef ATOLL_IO_NETBACK_INTERNAL_H
#define ATOLL_IO_NETBACK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>

#include "atoll/abi/netif.h"
#include "io/grant.h"
#include "io/pvdev.h"
#include "io/vswitch.h"

#define NETBACK_BUDGET 64 /* frames per direction per pass: bound the work */
#define NETBACK_BATCH 16 /* responses per push */
#define NETBACK_RXQ 256 /* frames from the switch waiting for rx buffers */

/* One received frame waiting for a guest buffer. */
struct netback_frame {
	uint16_t len;
	uint8_t data[VSWITCH_FRAME_MAX];
};

struct netback {
	struct netif_tx_back tx;
	struct netif_rx_back rx;
	struct grant_mapping rx_ring; /* dev->ring2_ref, writable */
	struct vswitch_port *port;
	/* Inside a NETTXF_more_data chain being refused (across passes). */
	bool tx_in_chain;
	uint8_t tx_buf[VSWITCH_FRAME_MAX]; /* the frame being sent */
	/* Frames from the switch: deliver appends under rxq_lock, the thread
	 * takes from the head (slots [head, head + count) are the queue's). */
	pthread_mutex_t rxq_lock;
	unsigned rxq_head, rxq_count;
	struct netback_frame rxq[NETBACK_RXQ];
	int rx_efd; /* deliver wakes the thread: the queue became non-empty */
	_Atomic uint64_t rx_drops; /* queue full */
	struct pvdev_stats st;
};

/* Initialise nb's queue and rings (tx on dev->ring, rx on nb->rx_ring,
 * both mapped) and add its switch port.  0 or -errno.  netback_fini
 * undoes it. */
int netback_init(struct pvdev *dev, struct netback *nb, struct vswitch *sw);
void netback_fini(struct netback *nb);

/* Serve up to NETBACK_BUDGET transmit requests: the number consumed, or
 * -EPROTO if the front-end broke the protocol (logged). */
long netback_tx_pass(struct pvdev *dev, struct netback *nb);
/* Fill up to NETBACK_BUDGET posted receive buffers from the queue: the
 * number of frames handed over, or -EPROTO (logged). */
long netback_rx_pass(struct pvdev *dev, struct netback *nb);

#endif
