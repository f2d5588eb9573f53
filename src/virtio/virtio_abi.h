/* The virtio 1.x wire format atoll implements (OASIS virtio v1.1):
 * the virtio-mmio version-2 register block (section 4.2.2), the device
 * status and feature bits (2.1, 2.2, 6), and the split virtqueue layout
 * (2.6).  Every field is little-endian; atoll only runs on little-endian
 * hosts, so the structs are read as they are.
 *
 * Who writes what: the driver (guest) writes the descriptor table and the
 * available ring; the device (atoll) writes the used ring.  Each side
 * reads the other's part as hostile input. */
#ifndef ATOLL_VIRTIO_VIRTIO_ABI_H
#define ATOLL_VIRTIO_VIRTIO_ABI_H

#include <stdint.h>

/* virtio-mmio registers (offsets in the 4 KiB slot). */
#define VIRTIO_MMIO_MAGIC 0x000 /* "virt" */
#define VIRTIO_MMIO_VERSION 0x004 /* 2: virtio 1.x, no legacy layout */
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010 /* 32 bits chosen by _SEL */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW 0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW 0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0fc
#define VIRTIO_MMIO_CONFIG 0x100 /* device-specific, to the slot's end */

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u
#define VIRTIO_MMIO_VENDOR_QEMU 0x554d4551u /* as QEMU answers */

/* InterruptStatus bits. */
#define VIRTIO_ISR_QUEUE 1u /* a used ring changed */
#define VIRTIO_ISR_CONFIG 2u /* the config space (or NEEDS_RESET) */

/* Device status (the driver sets bits in this order; 0 resets). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u /* set by the device only */
#define VIRTIO_STATUS_FAILED 128u

/* Device types (section 5). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_BALLOON 5

/* Transport and ring features every device may offer. */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_BIT(n) (1ull << (n))

/* Split virtqueue (2.6).  Sizes for a queue of num entries: descriptor
 * table 16*num (16-aligned), available ring 6+2*num (2-aligned), used ring
 * 6+8*num (4-aligned). */
struct virtq_desc {
	uint64_t addr; /* guest-physical */
	uint32_t len;
	uint16_t flags; /* VIRTQ_DESC_F_* */
	uint16_t next; /* with F_NEXT: index of the next descriptor */
};

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 /* device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4 /* addr/len hold a table of descriptors */

/* avail: flags u16, idx u16, ring[num] u16, used_event u16 (EVENT_IDX). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define VIRTQ_AVAIL_IDX 2
#define VIRTQ_AVAIL_RING 4

/* used: flags u16, idx u16, ring[num] {id u32, len u32}, avail_event u16. */
#define VIRTQ_USED_F_NO_NOTIFY 1
#define VIRTQ_USED_IDX 2
#define VIRTQ_USED_RING 4

struct virtq_used_elem {
	uint32_t id; /* head of the chain */
	uint32_t len; /* bytes written into its device-writable buffers */
};

/* The driver wants an event when the index moves from old past event
 * (2.6.7.2; Linux's vring_need_event). */
static inline int virtq_need_event(uint16_t event, uint16_t new_idx,
				   uint16_t old)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

#endif
