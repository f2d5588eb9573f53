/* atoll's PV ABI headers must be byte-compatible with Xen's public headers:
 * every size, offset and constant in abi_layout.h's list is compared with
 * the table abi_xen_ref.c builds from Debian's libxen-dev headers. */
#include <stdio.h>
#include <string.h>

#include "atoll/abi/blkif.h"
#include "atoll/abi/console.h"
#include "atoll/abi/grant_table.h"
#include "atoll/abi/netif.h"

#include "abi_layout.h"

#define GRANT_ENTRY struct grant_entry_v1
#define BLK_REQ struct blkif_request
#define BLK_SEG struct blkif_request_segment
#define BLK_DISCARD struct blkif_request_discard
#define BLK_RSP struct blkif_response
#define BLK_SRING struct blkif_sring
#define BLK_ENTRY union blkif_entry
#define TX_REQ struct netif_tx_request
#define TX_RSP struct netif_tx_response
#define RX_REQ struct netif_rx_request
#define RX_RSP struct netif_rx_response
#define TX_ENTRY union netif_tx_entry
#define RX_ENTRY union netif_rx_entry
#define TX_SRING struct netif_tx_sring
#define RX_SRING struct netif_rx_sring
#define CONS struct xencons_interface
#define RING_SLOTS_BLK blkif_ring_size(4096)
#define RING_SLOTS_TX netif_tx_ring_size(4096)
#define RING_SLOTS_RX netif_rx_ring_size(4096)

int main(void)
{
	/* Xen declares the slots as ring[1], atoll as a flexible array, so
	 * the sring's sizeof differs by design; its slot offset is compared. */
	const struct abi_row ours[] = { ABI_ROWS(ABI_SIZE, ABI_OFF,
						 ABI_CONST) };
	unsigned n = sizeof(ours) / sizeof(ours[0]), failed = 0, checked = 0;

	if (n != abi_xen_nrows) {
		printf("FAIL: row count %u vs Xen %u\n", n, abi_xen_nrows);
		return 1;
	}
	for (unsigned k = 0; k < n; k++) {
		if (strcmp(ours[k].name, "sizeof BLK_SRING") == 0)
			continue;
		checked++;
		if (ours[k].value != abi_xen_rows[k].value) {
			printf("FAIL: %s = %zu, Xen has %zu\n", ours[k].name,
			       ours[k].value, abi_xen_rows[k].value);
			failed++;
		}
	}
	printf("abi: %u layout facts checked against Xen, %u differ\n", checked,
	       failed);
	return failed != 0;
}
