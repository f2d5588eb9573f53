/* Fuzz target: the PV console back-end's consumption of the out ring
 * (consback_pass, src/io/consback.c).  The input is the hostile front-end:
 * the initial ring page, then after every chunk atoll writes out, the
 * guest's next move (a new out_prod, bytes written into the ring, garbage
 * in out_cons), so indices change between atoll's reads as a racing
 * guest's would.
 *
 * Invariants: every byte written out is the ring byte at atoll's own
 * out_cons; no chunk is larger than the ring; a pass does bounded work and
 * reports exactly what it wrote; atoll's out_cons is what it publishes; a
 * pass that stops before its bound of rounds left the ring drained;
 * -EPROTO only when out_prod was more than a ring ahead. */
#include <errno.h>

#include "fuzz_util.h"
#include "io/chardev.h"
#include "io/consback_internal.h"

#define RING sizeof(((struct xencons_interface *)0)->out)
#define ROUNDS 16 /* CONSBACK_ROUNDS */
#define MAX_PASS (ROUNDS * RING)

static union {
	struct xencons_interface ring;
	uint8_t page[4096];
} fz_page;
static struct fz_in fz_guest;
static struct consback fz_cb;
static uint64_t fz_written; /* bytes written out in this pass */
static unsigned fz_chunks; /* con_write calls in this pass */

/* The front-end's move between two of atoll's reads. */
static void guest_move(struct fz_in *in)
{
	struct xencons_interface *r = &fz_page.ring;
	uint8_t op = fz_u8(in);
	uint16_t at = fz_u16(in) % RING, len = fz_u8(in);

	/* Mostly plausible producer indices, sometimes wild ones. */
	if (op & 1)
		r->out_prod = fz_cb.cons + fz_u16(in) % (RING + 8);
	else if (op & 2)
		r->out_prod = fz_u32(in);
	if (op & 4)
		r->out_cons = fz_u32(in); /* ignored by atoll */
	for (uint16_t k = 0; k < len; k++)
		r->out[(at + k) % RING] = (char)fz_u8(in);
}

static ssize_t fz_con_write(void *ctx, const void *buf, size_t n)
{
	const struct xencons_interface *r = &fz_page.ring;
	const char *b = buf;
	xencons_ring_idx_t start = fz_cb.cons - (xencons_ring_idx_t)n;

	FZ_ASSERT(n > 0 && n <= RING);
	for (size_t i = 0; i < n; i++)
		FZ_ASSERT(b[i] == r->out[XENCONS_IDX(start + i, r->out)]);
	fz_written += n;
	fz_chunks++;
	guest_move(&fz_guest);
	return (ssize_t)n;
}

static const struct chardev_ops fz_con_ops = { .write = fz_con_write };
static struct chardev fz_con = { &fz_con_ops, NULL };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pvdev dev = { .domid = 1, .index = 0 };
	struct xencons_interface *r = &fz_page.ring;

	fz_guest = (struct fz_in){ data, size };
	fz_bytes(&fz_guest, fz_page.page, 64);
	memset(r->out, 0, sizeof(r->out));
	dev.ring.ptr = r;
	dev.env.con = &fz_con;
	memset(&fz_cb, 0, sizeof(fz_cb));
	fz_cb.cons = r->out_cons; /* as consback_start */
	for (int pass = 0; pass < 8 && fz_guest.n; pass++) {
		xencons_ring_idx_t before = fz_cb.cons;
		long rc;

		guest_move(&fz_guest);
		fz_written = 0;
		fz_chunks = 0;
		rc = consback_pass(&dev, &fz_cb);
		FZ_ASSERT(fz_cb.cons - before == fz_written);
		FZ_ASSERT(fz_written <= MAX_PASS);
		if (fz_written)
			FZ_ASSERT(r->out_cons == fz_cb.cons);
		if (rc == -EPROTO) {
			FZ_ASSERT((xencons_ring_idx_t)(r->out_prod -
						       fz_cb.cons) > RING);
			break; /* disconnected */
		}
		FZ_ASSERT(rc >= 0 && (uint64_t)rc == fz_written);
		FZ_ASSERT(fz_chunks <= ROUNDS);
		/* Stopped before its bound: it saw the ring empty. */
		if (fz_chunks < ROUNDS)
			FZ_ASSERT(r->out_prod == fz_cb.cons);
	}
	return 0;
}
