/* Connecting a paravirtual device without xenstore (atoll-specific).
 *
 * Xen's front-ends publish their ring reference and event-channel port in
 * xenstore and the back-end reads them from there; atoll has no xenstore,
 * so the guest hands both to atoll in one hypercall:
 *
 *   a7 = ATOLL_SBI_EXT, a6 = __HYPERVISOR_atoll_pvdev_op,
 *   a0 = PVDEVOP_connect or PVDEVOP_disconnect,
 *   a1 = guest-virtual address of struct pvdev_op
 *   returns a1 = 0 or -errno (Linux values)
 *
 * Before connecting, the front-end grants its ring page to domain 0
 * (DOMID_BACKEND, read-write) and allocates an unbound event-channel port
 * offered to domain 0.  atoll then maps the ring and binds the port for
 * the back-end of `type`.  Errors:
 *   -EINVAL  unknown type, index >= PVDEV_MAX_INDEX, a bad ring
 *            reference (grant_map) or a port not unbound for domain 0
 *   -ENODEV  the type has no back-end in this atoll
 *   -EEXIST  connect: the device is connected already
 *   -ENOENT  connect: no grant table registered; disconnect: not
 *            connected
 *   -EPERM   the ring is not granted read-write to domain 0
 *   -EFAULT  bad pointer; -ENOSYS unknown operation
 *
 * Console (PVDEV_TYPE_CONSOLE): the ring page is a struct
 * xencons_interface (atoll/abi/console.h).  atoll consumes `out`, writes
 * the bytes to the domain's console (as the UART's) and advances
 * out_cons; it sends an event after each pass that consumed bytes (never
 * for nothing).  The front-end sends an event after pushing a batch.  An
 * out_prod more than the ring size past out_cons disconnects the device
 * (one log line); the domain carries on.  Console input (the terminal of
 * `atoll run`/`boot`, or an `atoll console` client) is written to `in`,
 * as much as fits; atoll advances in_prod and sends an event after each
 * pass that wrote bytes.  The front-end advances in_cons and sends an
 * event when it frees room in a full `in` ring (atoll also retries every
 * 50 ms while input waits).  An in_cons more than the ring size behind
 * in_prod disconnects the device likewise.
 *
 * Block (PVDEV_TYPE_BLOCK): the ring page is a blkif ring
 * (atoll/abi/blkif.h) on the domain's disk; -ENODEV if the domain has no
 * disk.  Invalid requests get BLKIF_RSP_ERROR (or _EOPNOTSUPP); a req_prod
 * claiming more requests than the ring holds disconnects the device (one
 * log line).  atoll notifies only when rsp_event asks for it.
 *
 * Network (PVDEV_TYPE_NET): two rings, so the front-end connects with
 * PVDEVOP_connect_net and a struct pvdev_net_op: tx_ring_ref is a netif_tx
 * ring, rx_ring_ref a netif_rx ring (atoll/abi/netif.h), both granted
 * read-write to domain 0; one port serves both directions.  atoll writes
 * the interface's MAC address back into `mac` (the domain's `mac=` key,
 * else 02:a7:0d:00:DD:II for domain DD, index II).  Frames go to atoll's
 * virtual switch (docs/pv-io.md).  -ENODEV if the domain has no network.
 *
 * Echo (PVDEV_TYPE_ECHO): a ring of 64-byte messages (atoll/abi/echo.h)
 * that atoll answers with their id and nothing else, to measure the ring
 * and notification path alone (the guest's ringbench workload). */
#ifndef ATOLL_ABI_PVDEV_H
#define ATOLL_ABI_PVDEV_H

#include <stdint.h>

/* Xen's first architecture-specific hypercall number (__HYPERVISOR_arch_0):
 * atoll is the architecture. */
#define __HYPERVISOR_atoll_pvdev_op 48

#define PVDEVOP_connect 0
#define PVDEVOP_disconnect 1
#define PVDEVOP_connect_net 2

#define PVDEV_TYPE_CONSOLE 0
#define PVDEV_TYPE_BLOCK 1
#define PVDEV_TYPE_NET 2
#define PVDEV_TYPE_ECHO 3
#define PVDEV_TYPE_MAX 4

#define PVDEV_MAX_INDEX 4 /* devices of one type per domain */

/* 16 bytes.  disconnect reads only type and index. */
struct pvdev_op {
	uint32_t type; /* PVDEV_TYPE_* */
	uint32_t index; /* < PVDEV_MAX_INDEX */
	uint32_t ring_ref; /* grant_ref_t of the ring page */
	uint32_t port; /* evtchn_port_t, unbound for domain 0 */
};

/* 24 bytes: PVDEVOP_connect_net.  mac is written by atoll. */
struct pvdev_net_op {
	uint32_t type; /* PVDEV_TYPE_NET */
	uint32_t index; /* < PVDEV_MAX_INDEX */
	uint32_t tx_ring_ref; /* grant_ref_t of the netif_tx ring page */
	uint32_t port; /* evtchn_port_t, unbound for domain 0 */
	uint32_t rx_ring_ref; /* grant_ref_t of the netif_rx ring page */
	uint8_t mac[6]; /* out */
	uint16_t pad;
};

#endif
