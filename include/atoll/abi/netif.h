/* Network device: two shared rings, transmit and receive (Xen netif,
 * byte-compatible).  TX: the guest posts a granted buffer holding one
 * frame (or the first fragment when NETTXF_more_data).  RX: the guest posts
 * empty granted buffers; atoll fills one per received frame. */
#ifndef ATOLL_ABI_NETIF_H
#define ATOLL_ABI_NETIF_H

#include <stdint.h>

#include "atoll/abi/grant_table.h"
#include "atoll/abi/ring.h"

#define NETTXF_csum_blank (1u << 0)
#define NETTXF_data_validated (1u << 1)
#define NETTXF_more_data (1u << 2)
#define NETTXF_extra_info (1u << 3)

#define NETRXF_data_validated (1u << 0)
#define NETRXF_csum_blank (1u << 1)
#define NETRXF_more_data (1u << 2)
#define NETRXF_extra_info (1u << 3)

#define NETIF_RSP_DROPPED -2
#define NETIF_RSP_ERROR -1
#define NETIF_RSP_OKAY 0
#define NETIF_RSP_NULL 1

struct netif_tx_request {
	grant_ref_t gref;
	uint16_t offset; /* of the frame within the granted page */
	uint16_t flags; /* NETTXF_* */
	uint16_t id; /* echoed in the response */
	uint16_t size; /* bytes of the whole packet (first fragment) */
};

struct netif_tx_response {
	uint16_t id;
	int16_t status; /* NETIF_RSP_* */
};

struct netif_rx_request {
	uint16_t id;
	uint16_t pad;
	grant_ref_t gref;
};

struct netif_rx_response {
	uint16_t id;
	uint16_t offset;
	uint16_t flags;
	int16_t status; /* > 0: bytes received; < 0: NETIF_RSP_* */
};

ATOLL_RING_DEFINE(netif_tx, struct netif_tx_request, struct netif_tx_response)
ATOLL_RING_DEFINE(netif_rx, struct netif_rx_request, struct netif_rx_response)

#endif
