/* Event channels: the EVTCHNOP_* calls, per-port handlers, the upcall
 * (a supervisor external interrupt from PLIC source pv_irq) and the
 * wait/wake pair front-ends sleep on (docs/pv-io.md, "Event channels"). */
#include <errno.h>

#include "atoll/abi/hypercall.h"
#include "kernel.h"
#include "pv.h"
#include "pv_internal.h"

#define NPORTS ATOLL_EVTCHN_MAX_PORTS
#define WORD_BITS ATOLL_EVTCHN_WORD_BITS

static struct {
	evtchn_handler_t fn;
	void *arg;
} handlers[NPORTS];

static long evtchn_op(long cmd, void *arg)
{
	return pv_hcall(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound a = { .dom = DOMID_SELF,
					  .remote_dom = remote };
	long rc = evtchn_op(EVTCHNOP_alloc_unbound, &a);

	if (rc)
		return (int)rc;
	if (!a.port || a.port >= NPORTS)
		return -EINVAL;
	*port = a.port;
	return 0;
}

int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
			    evtchn_port_t *port)
{
	struct evtchn_bind_interdomain b = { .remote_dom = remote,
					     .remote_port = remote_port };
	long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);

	if (rc)
		return (int)rc;
	if (!b.local_port || b.local_port >= NPORTS)
		return -EINVAL;
	*port = b.local_port;
	return 0;
}

void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *arg)
{
	unsigned long s;

	if (port >= NPORTS)
		return;
	s = irq_save();
	handlers[port].fn = fn;
	handlers[port].arg = arg;
	irq_restore(s);
}

int evtchn_notify(evtchn_port_t port)
{
	struct evtchn_send snd = { .port = port };

	__atomic_fetch_add(&pv_stats.notifies, 1, __ATOMIC_RELAXED);
	return (int)evtchn_op(EVTCHNOP_send, &snd);
}

void evtchn_mask(evtchn_port_t port)
{
	if (port < NPORTS)
		__atomic_fetch_or(&pv_shinfo.evtchn_mask[port / WORD_BITS],
				  1ull << (port % WORD_BITS), __ATOMIC_SEQ_CST);
}

/* Clear the mask bit, then let atoll deliver an event that came while the
 * port was masked (EVTCHNOP_unmask re-raises it if pending). */
void evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask u = { .port = port };

	if (port >= NPORTS)
		return;
	__atomic_fetch_and(&pv_shinfo.evtchn_mask[port / WORD_BITS],
			   ~(1ull << (port % WORD_BITS)), __ATOMIC_SEQ_CST);
	evtchn_op(EVTCHNOP_unmask, &u);
}

int evtchn_close(evtchn_port_t port)
{
	struct evtchn_close c = { .port = port };

	evtchn_mask(port);
	evtchn_set_handler(port, NULL, NULL);
	return (int)evtchn_op(EVTCHNOP_close, &c);
}

/* Call the handlers of the pending, unmasked ports of bitmap word w,
 * clearing each pending bit first so an event raised during the handler
 * is seen again. */
static void pv_handle_word(unsigned w)
{
	uint64_t bits =
		__atomic_load_n(&pv_shinfo.evtchn_pending[w],
				__ATOMIC_ACQUIRE) &
		~__atomic_load_n(&pv_shinfo.evtchn_mask[w], __ATOMIC_ACQUIRE);

	while (bits) {
		unsigned b = (unsigned)__builtin_ctzll(bits);
		evtchn_port_t port = w * WORD_BITS + b;

		bits &= bits - 1;
		__atomic_fetch_and(&pv_shinfo.evtchn_pending[w], ~(1ull << b),
				   __ATOMIC_SEQ_CST);
		if (port < NPORTS && handlers[port].fn)
			handlers[port].fn(port, handlers[port].arg);
	}
}

/* Routed only once the shared info is registered (pv_init_once). */
void pv_upcall(void)
{
	struct vcpu_info *v = &pv_shinfo.vcpu_info[0];
	uint64_t sel;

	__atomic_fetch_add(&pv_stats.upcalls, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&v->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
	sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned w = (unsigned)__builtin_ctzll(sel);

		sel &= sel - 1;
		if (w < NPORTS / WORD_BITS)
			pv_handle_word(w);
	}
	/* Lowers the line unless an event came meanwhile. */
	evtchn_op(EVTCHNOP_atoll_ack, NULL);
}

/* Interrupts off: the wake-up cannot slip between the check and the
 * sleep. */
int pv_wait(struct pv_waiter *w, uint64_t ticks)
{
	unsigned long s = irq_save();
	uint64_t end = timer_ticks() + ticks;
	int woken;

	w->t = thread_current();
	while (!w->woken) {
		uint64_t now = timer_ticks();

		if (ticks && now >= end)
			break;
		thread_sleep(ticks ? end - now : UINT64_MAX / 2);
	}
	woken = w->woken;
	w->woken = 0;
	w->t = NULL;
	irq_restore(s);
	return woken;
}

void pv_wake(struct pv_waiter *w)
{
	unsigned long s = irq_save();
	struct thread *t = w->t;

	w->woken = 1;
	if (t)
		thread_wake(t);
	irq_restore(s);
}
