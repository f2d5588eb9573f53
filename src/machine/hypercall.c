/* Hypercall dispatch (hypercall.h) and the bridge between memop and the
 * calling hart: guest pointers are guest-virtual, translated with the
 * caller's own page tables and permissions (cpu/guest_copy.h). */
#include <errno.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/pvdev.h"
#include "cpu/guest_copy.h"
#include "cpu/shootdown.h"
#include "cpu/trap.h"
#include "io/io_dom.h"
#include "io/pvdev.h"
#include "machine/devices.h"
#include "io/hostcon.h"
#include "machine/hypercall.h"
#include "mem/memop.h"

static int hypercall_read(void *ctx, uint64_t va, void *buf, size_t len)
{
	return copy_from_guest(ctx, buf, va, len);
}

static int hypercall_write(void *ctx, uint64_t va, const void *buf, size_t len)
{
	return copy_to_guest(ctx, va, buf, len);
}

/* memory_op(a0 = cmd, a1 = arg).  -EAGAIN means nothing was done and the
 * hart is being stopped or paused while it waited for memory: the ecall is
 * then undone (pc back on it, a0/a1 as they were) so that it runs again,
 * whole, when the hart resumes. */
static struct sbiret hypercall_memory_op(struct machine *m, struct hart *h,
					 const uint64_t *a)
{
	const struct guest_access g = { hypercall_read, hypercall_write, h };
	long rc;

	if (!m->ram.mem)
		return (struct sbiret){ SBI_SUCCESS, (uint64_t)-ENOSYS };
	rc = memop_call(m->ram.mem, &g, a[0], a[1]);
	if (rc == -EAGAIN) {
		h->pc -= 4; /* ecall has no compressed form */
		h->exit_retired = 0;
		return (struct sbiret){ (long)a[0], a[1] };
	}
	return (struct sbiret){ SBI_SUCCESS, (uint64_t)rc };
}

/* The event-channel upcall line of a board: a PLIC source. */
static void hypercall_upcall(void *ctx, int level)
{
	struct machine *m = ctx;

	if (m->plic)
		plic_set_irq(m->plic, ATOLL_EVTCHN_IRQ, level);
}

/* io_pin's wait on a vCPU thread: as guest_copy's, serve shootdowns and
 * give up when the hart must leave its run loop. */
static int hypercall_io_wait(void *ctx, struct dom_mem *mem)
{
	struct hart *h = ctx;

	if (atomic_load(&h->requests) & (REQ_STOP | REQ_PAUSE))
		return -EAGAIN;
	atomic_fetch_and(&h->requests, ~(uint32_t)REQ_SHOOTDOWN);
	hart_shootdown_service(h);
	if (h->bus.ops->mem_wait)
		h->bus.ops->mem_wait(h->bus.ctx, h);
	return 0;
}

/* grant_table_op(a0 = cmd, a1 = arg, a2 = count),
 * atoll_pvdev_op(a0 = cmd, a1 = arg) and
 * event_channel_op(a0 = cmd, a1 = arg) on the caller's PV state (created
 * at its first such call). */
static struct sbiret hypercall_io(struct machine *m, struct hart *h,
				  uint64_t nr, const uint64_t *a)
{
	const struct guest_access g = { hypercall_read, hypercall_write, h };
	struct io_dom *d;
	long rc;

	if (!m->ram.mem)
		return (struct sbiret){ SBI_SUCCESS, (uint64_t)-ENOSYS };
	d = io_dom_get_or_attach(m->ram.mem, hypercall_upcall, m);
	if (!d)
		return (struct sbiret){ SBI_SUCCESS, (uint64_t)-ENOMEM };
	io_set_wait(hypercall_io_wait, h);
	if (nr == __HYPERVISOR_grant_table_op) {
		rc = grant_hcall(d, &g, a[0], a[1], a[2]);
	} else if (nr == __HYPERVISOR_atoll_pvdev_op) {
		/* The PV console writes where the board's UART writes and
		 * reads the terminal (or `atoll console`) through its own
		 * port. */
		const struct pvdev_env env = {
			.con = m->con ? hostcon_port(m->con, HOSTCON_PORT_PV)
				      : NULL,
			.disk = m->disk,
			.net = m->net,
		};

		rc = pvdev_hcall(d, &g, a[0], a[1], &env);
	} else {
		rc = evtchn_hcall(d, &g, a[0], a[1]);
	}
	io_set_wait(NULL, NULL);
	io_dom_put(d);
	if (rc == -EAGAIN) {
		/* As memory_op: stopped while waiting; run it again later. */
		h->pc -= 4;
		h->exit_retired = 0;
		return (struct sbiret){ (long)a[0], a[1] };
	}
	return (struct sbiret){ SBI_SUCCESS, (uint64_t)rc };
}

struct sbiret hypercall_sbi(struct machine *m, struct hart *h, uint64_t nr,
			    const uint64_t *a)
{
	switch (nr) {
	case __HYPERVISOR_memory_op: return hypercall_memory_op(m, h, a);
	case __HYPERVISOR_grant_table_op:
	case __HYPERVISOR_atoll_pvdev_op:
	case __HYPERVISOR_event_channel_op: return hypercall_io(m, h, nr, a);
	case __HYPERVISOR_console_io:
	case __HYPERVISOR_sched_op:
		return (struct sbiret){ SBI_SUCCESS, (uint64_t)-ENOSYS };
	}
	return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
