/* Fuzz target: the echo back-end's request handling (echoback_pass,
 * src/io/echoback.c, reached through io/echoback_internal.h).  The input
 * is the hostile front-end of domain 1: its ring page (indices, request
 * ids, anything in the slots) and its moves between passes, including a
 * req_prod that runs ahead of the ring or backwards.
 *
 * Invariants: a pass answers at most its budget, exactly the requests it
 * consumed, each with the id that was in the request's slot, and
 * publishes its responses; -EPROTO only when req_prod ran more than a
 * ring ahead; only the ring stays pinned; at the end every frame and swap
 * slot is free. */
#include "io/echoback_internal.h"

#include "fuzz_io.h"

#define RING_GFN 0x80018ull

static struct echo_sring *fz_sring;
static struct echoback fz_eb;
static struct fz_in fz_guest;

/* The front-end queues n requests at req_prod, maybe then a wild index. */
static void guest_queue(struct fz_in *in, unsigned n)
{
	ring_idx_t prod = fz_sring->req_prod;

	for (unsigned k = 0; k < n; k++) {
		struct echo_request *r =
			&fz_sring->ring[prod++ & (fz_eb.ring.nr_ents - 1)].req;

		r->id = fz_u8(in) < 240 ? prod : fz_u64(in);
		fz_bytes(in, r->payload, fz_u8(in) % 8);
	}
	if (fz_u8(in) >= 240)
		prod = fz_u32(in);
	__atomic_store_n(&fz_sring->req_prod, prod, __ATOMIC_RELEASE);
}

static void run_passes(struct pvdev *dev)
{
	struct echo_back *r = &fz_eb.ring;
	uint64_t ids[ECHOBACK_BUDGET];

	for (int pass = 0; pass < 8 && fz_guest.n; pass++) {
		ring_idx_t cons = r->req_cons, rsp = r->rsp_prod_pvt;
		long rc;

		guest_queue(&fz_guest, fz_u8(&fz_guest) % 40);
		for (unsigned k = 0; k < ECHOBACK_BUDGET && k < r->nr_ents; k++)
			ids[k] = fz_sring->ring[(cons + k) & (r->nr_ents - 1)]
					 .req.id;
		rc = echoback_pass(dev, &fz_eb);
		fz_check();
		if (rc == -EPROTO) {
			CHECK(echo_request_prod_overflow(r,
							 fz_sring->req_prod));
			return; /* disconnected */
		}
		CHECK(rc >= 0 && rc <= ECHOBACK_BUDGET);
		CHECK((uint32_t)rc <= r->nr_ents);
		CHECK(r->req_cons - cons == (ring_idx_t)rc);
		CHECK(r->rsp_prod_pvt - rsp == (ring_idx_t)rc);
		CHECK(fz_sring->rsp_prod == r->rsp_prod_pvt);
		/* A response overwrites its request's slot: read it back. */
		for (long k = 0; k < rc; k++) {
			const struct echo_response *p =
				&fz_sring->ring[(rsp + k) & (r->nr_ents - 1)]
					 .rsp;

			CHECK(p->id == ids[k] && p->status == 0);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvdev dev = { .domid = 1, .type = PVDEV_TYPE_ECHO };
	ring_idx_t start;
	void *ring;
	uint32_t ring_mfn;

	fz_guest = (struct fz_in){ data, size };
	fz_doms_create(NULL);
	CHECK(!io_pin(fz_mem[0], RING_GFN, true, &ring, &ring_mfn));
	fz_sring = ring;
	memset(&fz_eb, 0, sizeof(fz_eb));
	start = fz_u32(&fz_guest);
	fz_sring->req_prod = fz_sring->rsp_prod = start;
	fz_sring->req_event = fz_sring->rsp_event = start + fz_u8(&fz_guest);
	echo_back_init(&fz_eb.ring, fz_sring, RING_PAGE_SIZE);
	fz_eb.ring.rsp_prod_pvt = fz_eb.ring.req_cons = start;
	dev.dom = fz_dom[0];
	dev.ring.ptr = ring;
	dev.priv = &fz_eb;
	run_passes(&dev);
	io_unpin(fz_mem[0], ring_mfn);
	fz_doms_destroy();
	return 0;
}
