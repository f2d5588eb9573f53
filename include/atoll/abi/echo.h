/* The echo device (PVDEV_TYPE_ECHO, atoll/abi/pvdev.h): a ring of 64-byte
 * messages that atoll answers with their id and nothing else.  It measures
 * the ring and notification path alone, without a disk or a network behind
 * it (the guest's ringbench workload, docs/pv-io.md).  atoll-specific: Xen
 * has no such device, but the ring is Xen's (atoll/abi/ring.h).
 *
 * The ring page is one 4 KiB struct echo_sring: 64-byte slots, so 32 of
 * them ((4096 - 64) / 64 = 63, rounded down to a power of two).
 *
 * Front-end (the guest): fills requests, pushes them, and sends an event
 * when the push says the back-end asked for one.  The payload is the
 * guest's own; atoll never reads it.
 *
 * Back-end (atoll): copies each request out once, writes a response with
 * the request's id and ECHO_RSP_OKAY into the same slot, field by field,
 * in ring order, and sends an event only when rsp_event asks for it.
 * Before sleeping it keeps looking at req_prod for a short while (tens of
 * microseconds) and then re-arms req_event (the final check), so a
 * front-end that keeps the ring busy rarely has to notify.  A req_prod
 * claiming more outstanding requests than the ring holds disconnects the
 * device (one log line); the domain carries on. */
#ifndef ATOLL_ABI_ECHO_H
#define ATOLL_ABI_ECHO_H

#include <stdint.h>

#include "atoll/abi/ring.h"

#define ECHO_PAYLOAD_SIZE 56
#define ECHO_RSP_OKAY 0

/* 64 bytes, written by the front-end. */
struct echo_request {
	uint64_t id; /* echoed in the response */
	uint8_t payload[ECHO_PAYLOAD_SIZE]; /* not read by atoll */
};

/* 16 bytes, written by atoll (pad written as zero). */
struct echo_response {
	uint64_t id; /* the request's */
	int16_t status; /* ECHO_RSP_OKAY */
	uint8_t pad[6];
};

_Static_assert(sizeof(struct echo_request) == 64, "echo request layout");
_Static_assert(sizeof(struct echo_response) == 16, "echo response layout");

ATOLL_RING_DEFINE(echo, struct echo_request, struct echo_response)

#endif
