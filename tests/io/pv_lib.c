/* Helpers of the PV guest tests (pv_lib.h). */
#include "pv_lib.h"
#include "atoll/abi/hypercall.h"
#include "lib_cmdline.h"
#include "rt.h"

#define PLIC 0x0c000000ul
#define PLIC_CTX 1 /* hart 0, S-mode */
#define PLIC_PRIO(s) (PLIC + 4 * (s))
#define PLIC_ENABLE (PLIC + 0x2000 + 0x80 * PLIC_CTX)
#define PLIC_THRESHOLD (PLIC + 0x200000 + 0x1000 * PLIC_CTX)
#define PLIC_CLAIM (PLIC_THRESHOLD + 4)
#define IRQ_SEXT (1ul << 63 | 9)

struct shared_info pv_si __attribute__((aligned(4096)));
volatile unsigned pv_upcalls, pv_spurious;
union pv_arg pv_arg;
static volatile uint64_t seen[ATOLL_EVTCHN_WORDS];

long pv_ev_op(long cmd)
{
	long ret = 0, err = rt_sbi(ATOLL_SBI_EXT, __HYPERVISOR_event_channel_op,
				   cmd, (long)&pv_arg, 0, &ret);

	return err ? -1000 + err : ret;
}

long pv_gnt_op(long cmd, long count)
{
	long ret = 0, err = rt_sbi(ATOLL_SBI_EXT, __HYPERVISOR_grant_table_op,
				   cmd, (long)&pv_arg, count, &ret);

	return err ? -1000 + err : ret;
}

long pv_port_op(long cmd, evtchn_port_t port)
{
	pv_arg.port = port;
	return pv_ev_op(cmd);
}

/* The upcall handler, as a front-end's: claim, clear upcall_pending, take
 * the selector, handle pending & ~mask, ack (lowers the line), complete. */
static void pv_upcall(void)
{
	uint32_t src = *(volatile uint32_t *)PLIC_CLAIM;
	struct vcpu_info *v = &pv_si.vcpu_info[0];
	uint64_t sel;

	if (src != ATOLL_EVTCHN_IRQ) {
		pv_spurious++;
		goto out;
	}
	pv_upcalls++;
	__atomic_store_n(&v->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned w = __builtin_ctzll(sel);
		uint64_t bits = pv_si.evtchn_pending[w] & ~pv_si.evtchn_mask[w];

		sel &= sel - 1;
		__atomic_fetch_and(&pv_si.evtchn_pending[w], ~bits,
				   __ATOMIC_SEQ_CST);
		seen[w] |= bits;
	}
	pv_ev_op(EVTCHNOP_atoll_ack);
out:
	if (src)
		*(volatile uint32_t *)PLIC_CLAIM = src;
}

uintptr_t rt_trap(uintptr_t cause, uintptr_t epc, uintptr_t tval,
		  uint64_t *regs)
{
	if (cause == IRQ_SEXT) {
		pv_upcall();
		return epc;
	}
	rt_printf("FAIL trap cause %lx epc %lx tval %lx\n", (long)cause,
		  (long)epc, (long)tval);
	rt_exit(99);
}

long pv_shinfo_on(void)
{
	long rc;

	pv_arg.shinfo.gfn = (uintptr_t)&pv_si >> 12;
	rc = pv_ev_op(EVTCHNOP_atoll_register_shared_info);
	*(volatile uint32_t *)PLIC_PRIO(ATOLL_EVTCHN_IRQ) = 1;
	*(volatile uint32_t *)PLIC_ENABLE |= 1u << ATOLL_EVTCHN_IRQ;
	*(volatile uint32_t *)PLIC_THRESHOLD = 0;
	__asm__ volatile("csrs sie, %0" ::"r"(1ul << 9));
	__asm__ volatile("csrs sstatus, %0" ::"r"(2ul));
	return rc;
}

unsigned pv_wait_upcalls(unsigned want, unsigned ms)
{
	uint64_t end = wl_time() + (uint64_t)ms * 10000;

	while (pv_upcalls < want && wl_time() < end)
		__asm__ volatile("nop");
	return pv_upcalls;
}

int pv_seen(evtchn_port_t port)
{
	uint64_t bit = 1ull << (port % 64);
	int was = (seen[port / 64] & bit) != 0;

	seen[port / 64] &= ~bit;
	return was;
}
