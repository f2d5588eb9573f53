/* Shared I/O rings: the guest <-> back-end transport of atoll's PV devices.
 *
 * Byte-compatible with Xen's public io/ring.h (checked by
 * tests/unit/test_abi_xen.c against Debian's libxen-dev headers).
 *
 * Layout of one shared page (4 KiB):
 *   offset  0  req_prod   written by the front-end: requests [0, req_prod)
 *   offset  4  req_event  written by the back-end: "notify me when req_prod
 *                         passes this index"
 *   offset  8  rsp_prod   written by the back-end: responses [0, rsp_prod)
 *   offset 12  rsp_event  written by the front-end, same meaning for rsp_prod
 *   offset 16  4 private bytes, 44 bytes of padding
 *   offset 64  slots: a power of two of them, each a union of one request and
 *              one response; a response reuses the slot of a request.
 * Indices are free-running 32-bit counters; a slot is index & (size - 1).
 *
 * Each side keeps private counters (req_prod_pvt/rsp_cons at the front,
 * rsp_prod_pvt/req_cons at the back), fills slots, then publishes them with
 * one store to the shared producer index ("push").  It also remembers what
 * it last published (req_pushed/rsp_pushed), so a push never reads the
 * shared header line before writing it: a read first would fetch the line
 * shared and then upgrade it, two cache-line transfers where one does (Xen's
 * macros read it; the private copy is what makes atoll's unbatched push
 * cheaper), and a hostile peer cannot skew the notify check through it.  Notification is
 * suppressed unless the consumer asked for it through its event index.
 * The other side is hostile: a back-end copies each request out of the ring
 * once (ring_copy) and checks producer indices with *_overflow() before use.
 */
#ifndef ATOLL_ABI_RING_H
#define ATOLL_ABI_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t ring_idx_t;

#define RING_PAGE_SIZE 4096u
#define RING_HEADER_SIZE 64u

/* Full barrier: our index store is visible before we read theirs. */
#define ring_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
/* Slot contents are visible before the producer index that publishes them. */
#define ring_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
/* The producer index is read before the slots it publishes. */
#define ring_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/* Largest power of two <= n (n >= 1). */
static inline uint32_t ring_round_pow2(uint32_t n)
{
	uint32_t p = 1;
	while (p <= n / 2)
		p *= 2;
	return p;
}

/* A volatile read: the other side may change the value at any time, so we
 * read it exactly once per use and never let the compiler re-read it. */
#define ring_read_once(x) (*(const volatile __typeof__(x) *)&(x))
#define ring_write_once(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* Defines struct NAME_sring (the shared page), NAME_front and NAME_back (each
 * side's private state) and their operations, for request type REQ and
 * response type RSP. */
#define ATOLL_RING_DEFINE(name, req_t, rsp_t)                                    \
	union name##_entry {                                                     \
		req_t req;                                                       \
		rsp_t rsp;                                                       \
	};                                                                       \
	struct name##_sring {                                                    \
		ring_idx_t req_prod, req_event;                                  \
		ring_idx_t rsp_prod, rsp_event;                                  \
		uint8_t pvt[4];                                                  \
		uint8_t pad[44];                                                 \
		union name##_entry ring[];                                       \
	};                                                                       \
	struct name##_front {                                                    \
		ring_idx_t req_prod_pvt, rsp_cons;                               \
		uint32_t nr_ents;                                                \
		ring_idx_t req_pushed; /* req_prod as we last wrote it */        \
		struct name##_sring *sring;                                      \
	};                                                                       \
	struct name##_back {                                                     \
		ring_idx_t rsp_prod_pvt, req_cons;                               \
		uint32_t nr_ents;                                                \
		ring_idx_t rsp_pushed; /* rsp_prod as we last wrote it */        \
		struct name##_sring *sring;                                      \
	};                                                                       \
	/* Slots in a shared area of `bytes` bytes. */                           \
	static inline uint32_t name##_ring_size(size_t bytes)                    \
	{                                                                        \
		return ring_round_pow2(                                          \
			(uint32_t)((bytes -                                      \
				    offsetof(struct name##_sring, ring)) /       \
				   sizeof(union name##_entry)));                 \
	}                                                                        \
	/* Front-end: initialise a fresh shared page; then attach to it.  The  \
	 * back-end attaches where the ring is (its rsp_prod). */ \
	static inline void name##_sring_init(struct name##_sring *s)             \
	{                                                                        \
		s->req_prod = s->rsp_prod = 0;                                   \
		s->req_event = s->rsp_event = 1;                                 \
		for (unsigned k = 0; k < sizeof(s->pvt); k++)                    \
			s->pvt[k] = 0;                                           \
		for (unsigned k = 0; k < sizeof(s->pad); k++)                    \
			s->pad[k] = 0;                                           \
	}                                                                        \
	static inline void name##_front_init(                                    \
		struct name##_front *f, struct name##_sring *s, size_t bytes)    \
	{                                                                        \
		f->req_prod_pvt = f->rsp_cons = f->req_pushed =                  \
			ring_read_once(s->req_prod);                             \
		f->nr_ents = name##_ring_size(bytes);                            \
		f->sring = s;                                                    \
	}                                                                        \
	static inline void name##_back_init(                                     \
		struct name##_back *b, struct name##_sring *s, size_t bytes)     \
	{                                                                        \
		b->rsp_prod_pvt = b->req_cons = b->rsp_pushed =                  \
			ring_read_once(s->rsp_prod);                             \
		b->nr_ents = name##_ring_size(bytes);                            \
		b->sring = s;                                                    \
	}                                                                        \
	/* Front: free slots for new requests. */                                \
	static inline uint32_t name##_free_requests(                             \
		const struct name##_front *f)                                    \
	{                                                                        \
		return f->nr_ents - (f->req_prod_pvt - f->rsp_cons);             \
	}                                                                        \
	static inline req_t *name##_request_slot(struct name##_front *f,         \
						 ring_idx_t idx)                 \
	{                                                                        \
		return &f->sring->ring[idx & (f->nr_ents - 1)].req;              \
	}                                                                        \
	static inline rsp_t *name##_response_slot(struct name##_back *b,         \
						  ring_idx_t idx)                \
	{                                                                        \
		return &b->sring->ring[idx & (b->nr_ents - 1)].rsp;              \
	}                                                                        \
	/* Front: publish requests; true if the back-end asked to be told. */    \
	static inline bool name##_push_requests(struct name##_front *f)          \
	{                                                                        \
		ring_idx_t old = f->req_pushed, new = f->req_prod_pvt;           \
		ring_wmb(); /* back sees requests before req_prod */             \
		ring_write_once(f->sring->req_prod, new);                        \
		f->req_pushed = new;                                             \
		ring_mb(); /* back sees req_prod before we read req_event */     \
		return (ring_idx_t)(new -                                        \
				    ring_read_once(f->sring->req_event)) <       \
		       (ring_idx_t)(new - old);                                  \
	}                                                                        \
	/* Back: publish responses; true if the front-end asked to be told. */   \
	static inline bool name##_push_responses(struct name##_back *b)          \
	{                                                                        \
		ring_idx_t old = b->rsp_pushed, new = b->rsp_prod_pvt;           \
		ring_wmb(); /* front sees responses before rsp_prod */           \
		ring_write_once(b->sring->rsp_prod, new);                        \
		b->rsp_pushed = new;                                             \
		ring_mb(); /* front sees rsp_prod before we read rsp_event */    \
		return (ring_idx_t)(new -                                        \
				    ring_read_once(b->sring->rsp_event)) <       \
		       (ring_idx_t)(new - old);                                  \
	}                                                                        \
	/* Front: responses published but not consumed yet. */                   \
	static inline uint32_t name##_unconsumed_responses(                      \
		const struct name##_front *f)                                    \
	{                                                                        \
		return ring_read_once(f->sring->rsp_prod) - f->rsp_cons;         \
	}                                                                        \
	/* Back: requests it may consume now, never more than the ring holds   \
	 * beyond the responses it still owes (a hostile req_prod cannot make   \
	 * it read past the slots it owns). */ \
	static inline uint32_t name##_unconsumed_requests(                       \
		const struct name##_back *b)                                     \
	{                                                                        \
		uint32_t req =                                                   \
			ring_read_once(b->sring->req_prod) - b->req_cons;        \
		uint32_t room = b->nr_ents - (b->req_cons - b->rsp_prod_pvt);    \
		return req < room ? req : room;                                  \
	}                                                                        \
	/* Back: a req_prod that claims more outstanding requests than slots   \
	 * is a protocol violation (disconnect the front-end). */ \
	static inline bool name##_request_prod_overflow(                         \
		const struct name##_back *b, ring_idx_t prod)                    \
	{                                                                        \
		return (ring_idx_t)(prod - b->rsp_prod_pvt) > b->nr_ents;        \
	}                                                                        \
	/* Front: likewise for a hostile back-end's rsp_prod. */                 \
	static inline bool name##_response_prod_overflow(                        \
		const struct name##_front *f, ring_idx_t prod)                   \
	{                                                                        \
		return (ring_idx_t)(prod - f->rsp_cons) > f->nr_ents;            \
	}                                                                        \
	/* Back: copy request idx out of the shared page exactly once. */        \
	static inline void name##_copy_request(const struct name##_back *b,      \
					       ring_idx_t idx, req_t *out)       \
	{                                                                        \
		*out = *(const volatile req_t *)&b->sring                        \
				->ring[idx & (b->nr_ents - 1)]                   \
				.req;                                            \
	}                                                                        \
	/* Front: copy response idx out exactly once. */                         \
	static inline void name##_copy_response(const struct name##_front *f,    \
						ring_idx_t idx, rsp_t *out)      \
	{                                                                        \
		*out = *(const volatile rsp_t *)&f->sring                        \
				->ring[idx & (f->nr_ents - 1)]                   \
				.rsp;                                            \
	}                                                                        \
	/* Back: before sleeping, ask to be notified of the next request and   \
	 * re-check, so a request pushed meanwhile is not missed. */ \
	static inline bool name##_final_check_requests(struct name##_back *b)    \
	{                                                                        \
		if (name##_unconsumed_requests(b))                               \
			return true;                                             \
		ring_write_once(b->sring->req_event, b->req_cons + 1);           \
		ring_mb(); /* front sees req_event before we re-read req_prod */ \
		return name##_unconsumed_requests(b) != 0;                       \
	}                                                                        \
	/* Front: the same for responses. */                                     \
	static inline bool name##_final_check_responses(                         \
		struct name##_front *f)                                          \
	{                                                                        \
		if (name##_unconsumed_responses(f))                              \
			return true;                                             \
		ring_write_once(f->sring->rsp_event, f->rsp_cons + 1);           \
		ring_mb(); /* back sees rsp_event before we re-read rsp_prod */  \
		return name##_unconsumed_responses(f) != 0;                      \
	}

#endif
