/* The reference layout table, from Xen's own public headers (libxen-dev). */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/grant_table.h>
#include <xen/io/ring.h>
#include <xen/io/blkif.h>
#include <xen/io/netif.h>
#include <xen/io/console.h>

#include "abi_layout.h"

#define GRANT_ENTRY struct grant_entry_v1
#define BLK_REQ struct blkif_request
#define BLK_SEG struct blkif_request_segment
#define BLK_DISCARD struct blkif_request_discard
#define BLK_RSP struct blkif_response
#define BLK_SRING struct blkif_sring
#define BLK_ENTRY union blkif_sring_entry
#define TX_REQ struct netif_tx_request
#define TX_RSP struct netif_tx_response
#define RX_REQ struct netif_rx_request
#define RX_RSP struct netif_rx_response
#define TX_ENTRY union netif_tx_sring_entry
#define RX_ENTRY union netif_rx_sring_entry
#define TX_SRING struct netif_tx_sring
#define RX_SRING struct netif_rx_sring
#define CONS struct xencons_interface
#define RING_SLOTS_BLK __CONST_RING_SIZE(blkif, 4096)
#define RING_SLOTS_TX __CONST_RING_SIZE(netif_tx, 4096)
#define RING_SLOTS_RX __CONST_RING_SIZE(netif_rx, 4096)

const struct abi_row abi_xen_rows[] = { ABI_ROWS(ABI_SIZE, ABI_OFF,
						 ABI_CONST) };
const unsigned abi_xen_nrows = sizeof(abi_xen_rows) / sizeof(abi_xen_rows[0]);
