/* The shared-info page: one guest page atoll and the guest both read and
 * write, holding the 2-level event-channel bitmaps.  Byte-compatible with
 * Xen's struct shared_info as Xen lays it out for Arm64 (checked by
 * tests/unit/test_abi_xen.c against Debian's libxen-dev compiled for
 * aarch64).
 *
 * Why Arm's choices: like Arm guests (and unlike x86 PV), atoll's guests
 * are auto-translated (they see guest-physical memory; no PV MMU) and
 * 64-bit, so the bitmap word (xen_ulong_t) is 64 bits, there is one legacy
 * vcpu_info slot (XEN_LEGACY_MAX_VCPUS = 1: later vCPUs would register
 * their own vcpu_info, not served yet) and the arch-specific parts are
 * empty.
 *
 * Registration: the guest picks a page of its RAM and passes its gfn with
 * EVTCHNOP_atoll_register_shared_info (event_channel.h); atoll pins that
 * frame for the domain's life (it is never swapped or ballooned).  Xen's
 * HVM/Arm guests use XENMEM_add_to_physmap(XENMAPSPACE_shared_info) to map
 * a Xen-owned page instead; atoll lets the guest own the page so no frame
 * is created outside the domain's allowance.
 *
 * Delivery of an event on port p (atoll's side):
 *   1. set bit p of evtchn_pending (atomic OR); if it was already set, stop;
 *   2. if bit p of evtchn_mask is set, stop;
 *   3. set bit p/64 of vcpu_info[0].evtchn_pending_sel (atomic OR);
 *   4. set vcpu_info[0].evtchn_upcall_pending = 1; unless
 *      evtchn_upcall_mask is set, interrupt vCPU 0 (event_channel.h says
 *      how).
 * The guest clears upcall_pending, exchanges pending_sel with 0, and for
 * each selected word handles pending & ~mask bits, clearing each pending
 * bit (atomic AND) before handling the port.  Every word is read by atoll
 * with single atomic accesses: the guest may change any of it at any time.
 */
#ifndef ATOLL_ABI_SHARED_INFO_H
#define ATOLL_ABI_SHARED_INFO_H

#include <stdint.h>

#define ATOLL_LEGACY_MAX_VCPUS 1 /* Xen's XEN_LEGACY_MAX_VCPUS on Arm */
#define ATOLL_EVTCHN_WORD_BITS 64 /* xen_ulong_t is 64 bits on Arm */
#define ATOLL_EVTCHN_WORDS 64 /* bitmap words: 4096 ports addressable */

/* Xen's vcpu_time_info (atoll does not fill it yet: time comes from the
 * SBI timer and the rdtime CSR). */
struct vcpu_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad1[2];
};

struct vcpu_info {
	uint8_t evtchn_upcall_pending; /* atoll sets, guest clears */
	uint8_t evtchn_upcall_mask; /* guest: no interrupt while set */
	uint64_t evtchn_pending_sel; /* bit w: word w of evtchn_pending */
	/* Arm's arch_vcpu_info is empty */
	struct vcpu_time_info time;
};

struct shared_info {
	struct vcpu_info vcpu_info[ATOLL_LEGACY_MAX_VCPUS];
	uint64_t evtchn_pending[ATOLL_EVTCHN_WORDS];
	uint64_t evtchn_mask[ATOLL_EVTCHN_WORDS];
	uint32_t wc_version; /* wall clock: not filled yet */
	uint32_t wc_sec;
	uint32_t wc_nsec;
	uint32_t wc_sec_hi;
	/* Arm's arch_shared_info is empty */
};

#endif
