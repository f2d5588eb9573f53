/* The split virtqueue, device side (virtq.c): take descriptor chains off
 * the available ring, put them on the used ring, decide whether the driver
 * wants an interrupt, re-arm notifications before sleeping.
 *
 * Guest memory is reached only by copies through the domain's P2M
 * (dom_mem_read/dom_mem_write): a buffer may span frames that are not
 * contiguous in host memory, and nothing outside the guest's RAM (MMIO,
 * other domains) can be named.  Every chain is walked once, copied into a
 * virtq_chain and validated there (addresses, lengths, direction, loops,
 * length of the chain); the device then works on the copy.  A queue the
 * driver broke returns a negative value with a reason for the one log
 * line, and the caller marks its device DEVICE_NEEDS_RESET.
 *
 * Not thread-safe: one thread at a time per queue (the device's qlock). */
#ifndef ATOLL_VIRTIO_VIRTQ_H
#define ATOLL_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "virtio/virtio_abi.h"

struct dom_mem;

#define VIRTQ_NUM_MAX 1024 /* largest queue any device offers */
#define VIRTQ_MAX_SEGS 260 /* buffers in one chain (blk: seg_max + 2) */
#define VIRTQ_MAX_CHAIN_BYTES (64ull << 20) /* default bound of a chain */

struct virtq {
	/* Written by the transport while !ready (the driver's setup). */
	uint16_t num, num_max;
	/* The device's bound on the sum of a chain's lengths (0: the
	 * default, VIRTQ_MAX_CHAIN_BYTES); kept across resets. */
	uint64_t max_bytes;
	uint64_t desc, avail, used;
	bool ready;
	/* Negotiated features, fixed while ready. */
	bool event_idx, indirect;
	struct dom_mem *mem;
	/* The device's private state. */
	uint16_t last_avail; /* next available entry to take */
	uint16_t used_idx; /* next used entry to fill (published) */
	uint16_t signalled; /* used_idx when the driver was last told */
	/* Counters (racy snapshots). */
	uint64_t chains, notifies_sent;
};

struct virtq_seg {
	uint64_t gpa;
	uint32_t len;
};

/* One chain, copied and validated: seg[0..nout) are device-readable,
 * seg[nout..nout+nin) device-writable, in the driver's order. */
struct virtq_chain {
	uint16_t head;
	unsigned nout, nin;
	uint64_t out_len, in_len; /* bytes, each <= the queue's max_bytes */
	struct virtq_seg seg[VIRTQ_MAX_SEGS];
};

/* Check the driver's setup when it sets QueueReady: num a power of two
 * no larger than num_max, rings aligned and inside RAM.  0 or -EINVAL
 * with *why set. */
int virtq_check(const struct virtq *vq, const char **why);

/* Start serving from index 0 (after QueueReady) / forget everything
 * (reset, QueueReady = 0). */
void virtq_start(struct virtq *vq);
void virtq_reset(struct virtq *vq);

/* Take the next chain: 1 and *c filled, 0 if the ring is empty, or
 * -EPROTO (*why: the driver broke the queue; nothing was consumed). */
int virtq_pop(struct virtq *vq, struct virtq_chain *c, const char **why);

/* Put chain `head` on the used ring with `len` bytes written. */
int virtq_push(struct virtq *vq, uint16_t head, uint32_t len);

/* After pushes: does the driver want an interrupt now (EVENT_IDX's
 * used_event, else the NO_INTERRUPT flag)? */
bool virtq_should_interrupt(struct virtq *vq);

/* Are there chains not taken yet?  (Reads the driver's index.) */
bool virtq_pending(struct virtq *vq);

/* About to sleep: ask the driver for a notification on its next chain,
 * then look again.  True if chains came meanwhile (do not sleep). */
bool virtq_enable_notify(struct virtq *vq);

/* Copy between a chain's buffers and host memory, starting `off` bytes
 * into its readable (read) or writable (write) part.  0, or -EFAULT if
 * the range passes the end of that part or the memory vanished. */
int virtq_read(const struct virtq *vq, const struct virtq_chain *c,
	       uint64_t off, void *buf, uint64_t len);
int virtq_write(const struct virtq *vq, const struct virtq_chain *c,
		uint64_t off, const void *buf, uint64_t len);

/* Host views of a chain's buffers (virtq_map.c), for I/O straight
 * between a host file and guest memory: each guest page pinned
 * (io_pin) while the view exists, pieces contiguous in host memory
 * merged into one iovec. */
struct virtq_map {
	struct iovec *iov; /* the caller's arrays and their sizes */
	uint32_t *mfn;
	unsigned iov_max, pin_max;
	unsigned niov, npin; /* filled */
	uint64_t bytes; /* mapped */
};

/* Map bytes [off, off + len) of c's readable (in = false) or writable
 * part, as many as fit in m's arrays (m->bytes < len: map the rest
 * later).  0; -EFAULT past the part's end; -EINVAL or -EAGAIN if a page
 * cannot be pinned (ballooned, busy): nothing stays pinned then. */
int virtq_map(const struct virtq *vq, const struct virtq_chain *c, bool in,
	      uint64_t off, uint64_t len, struct virtq_map *m);
/* Drop the pins of a map (m->npin becomes 0). */
void virtq_unmap(const struct virtq *vq, struct virtq_map *m);

#endif
