/* Fuzz target: event channels (src/io/evtchn*.c).  The input is a
 * sequence of operations of two hostile guests (domains 1 and 2) and of
 * atoll's back-ends: event_channel_op hypercalls with arguments from the
 * input, the guests scribbling over their shared-info pages (pending and
 * mask bits, selectors, upcall flags) and acknowledging, back-ends binding,
 * notifying and unbinding, and the memory manager moving frames.
 *
 * Invariants, after every operation: interdomain bindings are symmetric
 * (each end names the other); the shared-info page stays the P2M's frame
 * of its gfn, pinned; the accounting adds up; at the end, once the
 * domains are gone, every frame and swap slot is free. */
#include "atoll/abi/hypercall.h"
#include "io/evtchn.h"
#include "mem/p2m.h"

#include "fuzz_io.h"

#define FZ_OPS 64 /* operations per input: bound the work */
#define FZ_EFDS 8

static int fz_level[3];
static struct {
	int fd;
	struct io_dom *d;
	evtchn_port_t port;
} fz_efd[FZ_EFDS];

static void fz_upcall(void *ctx, int level)
{
	fz_level[(intptr_t)ctx] = level;
}

static struct io_dom *pick(struct fz_in *in)
{
	return fz_dom[fz_u8(in) & 1];
}

static evtchn_port_t fz_port(struct fz_in *in)
{
	uint8_t v = fz_u8(in);

	return v < 240 ? v % 12 : fz_u32(in);
}

static const uint64_t fz_cmds[] = {
	EVTCHNOP_bind_interdomain,
	EVTCHNOP_close,
	EVTCHNOP_send,
	EVTCHNOP_status,
	EVTCHNOP_alloc_unbound,
	EVTCHNOP_unmask,
	EVTCHNOP_atoll_register_shared_info,
	EVTCHNOP_atoll_ack,
};

/* A hypercall: a known command with a structured argument, or raw. */
static void op_hcall(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	uint8_t c = fz_u8(in);
	uint64_t cmd = c < 248 ? fz_cmds[c % 8] : fz_u64(in);
	uint8_t a[24];

	memset(a, 0, sizeof(a));
	/* Plausible fields in the usual places, then raw bytes. */
	switch (cmd) {
	case EVTCHNOP_alloc_unbound:
	case EVTCHNOP_status: {
		uint16_t dom = fz_domid(in), rdom = fz_domid(in);
		uint32_t port = fz_port(in);

		memcpy(a, &dom, 2);
		memcpy(a + 2, &rdom, 2);
		memcpy(a + 4, &port, 4);
		break;
	}
	case EVTCHNOP_bind_interdomain: {
		uint16_t rdom = fz_domid(in);
		uint32_t port = fz_port(in);

		memcpy(a, &rdom, 2);
		memcpy(a + 4, &port, 4);
		break;
	}
	case EVTCHNOP_atoll_register_shared_info: {
		uint64_t g = fz_gfn(in);

		memcpy(a, &g, 8);
		break;
	}
	default: {
		uint32_t port = fz_port(in);

		memcpy(a, &port, 4);
	}
	}
	if (fz_u8(in) >= 224)
		fz_bytes(in, a, sizeof(a));
	memcpy(it_gmem, a, sizeof(a));
	evtchn_hcall(d, &it_guest, cmd, fz_u8(in) < 248 ? 0 : fz_arg(in, 24));
}

/* The guest writes its shared info (or any of its frames). */
static void op_guest_write(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	uint64_t g = fz_u8(in) & 1 && d->ev.si ? d->ev.si_gfn : fz_gfn(in);
	unsigned off = fz_u16(in) % PAGE_SIZE, len = fz_u8(in) % 65;
	uint8_t buf[64];

	fz_bytes(in, buf, len);
	if (len > PAGE_SIZE - off)
		len = PAGE_SIZE - off;
	dom_mem_write(d->mem, (g << PAGE_SHIFT) + off, buf, len);
}

/* The guest's handler: clear what it saw, ack. */
static void op_guest_ack(struct fz_in *in)
{
	struct io_dom *d = pick(in);

	if (d->ev.si && (fz_u8(in) & 1)) {
		d->ev.si->vcpu_info[0].evtchn_upcall_pending = 0;
		d->ev.si->vcpu_info[0].evtchn_pending_sel = 0;
	}
	evtchn_hcall(d, &it_guest, EVTCHNOP_atoll_ack, 0);
}

/* A back-end binds, notifies or unbinds a port. */
static void op_backend(struct fz_in *in)
{
	unsigned s = fz_u8(in) % FZ_EFDS;
	struct io_dom *d = pick(in);
	evtchn_port_t port = fz_port(in);
	uint64_t count;
	int fd;

	if (fz_efd[s].fd < 0) {
		fd = evtchn_bind_backend(d, port);
		if (fd >= 0)
			fz_efd[s] = (typeof(fz_efd[s])){ fd, d, port };
		return;
	}
	switch (fz_u8(in) % 3) {
	case 0: evtchn_notify(fz_efd[s].d, fz_efd[s].port); break;
	case 1:
		if (read(fz_efd[s].fd, &count, sizeof(count)) < 0)
			count = 0;
		break;
	default:
		evtchn_unbind_backend(fz_efd[s].d, fz_efd[s].port);
		close(fz_efd[s].fd);
		fz_efd[s].fd = -1;
	}
}

static void op_memory(struct fz_in *in)
{
	struct io_dom *d = pick(in);
	uint8_t what = fz_u8(in) % 3;
	uint64_t g = fz_gfn(in);

	if (what == 0)
		dom_mem_swap_out(d->mem, fz_u8(in) % 32);
	else if (what == 1)
		dom_mem_decrease(d->mem, &g, 1, 0);
	else
		dom_mem_populate(d->mem, &g, 1, 0);
}

static void check_dom(struct io_dom *d)
{
	for (evtchn_port_t p = 0; p < ATOLL_EVTCHN_MAX_PORTS; p++) {
		const struct evtchn_port *e = &d->ev.port[p];
		const struct evtchn_port *r;

		if (e->state != EVTCHN_INTERDOMAIN)
			continue;
		CHECK(e->remote_dom == 1 || e->remote_dom == 2);
		CHECK(e->remote_port < ATOLL_EVTCHN_MAX_PORTS);
		r = &fz_dom[e->remote_dom - 1]->ev.port[e->remote_port];
		CHECK(r->state == EVTCHN_INTERDOMAIN);
		CHECK(r->remote_dom == d->domid && r->remote_port == p);
	}
	if (d->ev.si) {
		struct p2m_entry e = p2m_get(&d->mem->p2m, gfn(d->ev.si_gfn));

		CHECK(e.type == P2M_PRESENT && e.val == d->ev.si_mfn);
		CHECK(atomic_load(&fz_mh.pool.ft[e.val].refs) > 0);
	}
}

static void (*const fz_ops[])(struct fz_in *) = {
	op_hcall,     op_hcall,	  op_hcall,  op_guest_write,
	op_guest_ack, op_backend, op_memory,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };

	for (unsigned s = 0; s < FZ_EFDS; s++)
		fz_efd[s].fd = -1;
	fz_doms_create(fz_upcall);
	for (unsigned k = 0; k < FZ_OPS && in.n; k++) {
		fz_ops[fz_u8(&in) % (sizeof(fz_ops) / sizeof(fz_ops[0]))](&in);
		check_dom(fz_dom[0]);
		check_dom(fz_dom[1]);
		fz_check();
	}
	/* Back-ends stop first, as pvdev does before the domain goes. */
	for (unsigned s = 0; s < FZ_EFDS; s++) {
		if (fz_efd[s].fd < 0)
			continue;
		evtchn_unbind_backend(fz_efd[s].d, fz_efd[s].port);
		close(fz_efd[s].fd);
	}
	fz_doms_destroy();
	return 0;
}
