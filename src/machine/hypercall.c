/* Hypercall dispatch (hypercall.h) and the bridge between memop and the
 * calling hart: guest pointers are guest-virtual, translated with the
 * caller's own page tables and permissions (cpu/guest_copy.h). */
#include <errno.h>

#include "atoll/abi/hypercall.h"
#include "cpu/guest_copy.h"
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
	const struct memop_guest g = { hypercall_read, hypercall_write, h };
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

struct sbiret hypercall_sbi(struct machine *m, struct hart *h, uint64_t nr,
			    const uint64_t *a)
{
	switch (nr) {
	case __HYPERVISOR_memory_op: return hypercall_memory_op(m, h, a);
	case __HYPERVISOR_console_io:
	case __HYPERVISOR_grant_table_op:
	case __HYPERVISOR_sched_op:
	case __HYPERVISOR_event_channel_op:
		return (struct sbiret){ SBI_SUCCESS, (uint64_t)-ENOSYS };
	}
	return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
}
