/* Event delivery into a domain's shared-info page (shared_info.h's
 * steps), unmask, the upcall line, and shared-info registration.  Every
 * access to the page is a single atomic read or read-modify-write: the
 * guest changes it concurrently. */
#include <errno.h>

#include "io/evtchn_internal.h"
#include "io/io_dom.h"

static void evtchn_upcall(struct io_dom *d, int level)
{
	if (d->upcall)
		d->upcall(d->upcall_ctx, level);
}

/* Steps 3-4 (the port is pending and unmasked).  Caller holds ev.lock. */
static void evtchn_raise_sel(struct io_dom *d, evtchn_port_t port)
{
	struct shared_info *si = d->ev.si;
	struct vcpu_info *v = &si->vcpu_info[0];

	__atomic_fetch_or(&v->evtchn_pending_sel, 1ull << (port / 64),
			  __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&v->evtchn_upcall_mask, __ATOMIC_SEQ_CST)) {
		d->ev.upcalls++;
		evtchn_upcall(d, 1);
	}
}

void evtchn_deliver_locked(struct io_dom *d, evtchn_port_t port)
{
	struct shared_info *si = d->ev.si;
	uint64_t bit = 1ull << (port % 64);

	d->ev.delivered++;
	if (!si) {
		d->ev.early[port / 64] |= bit;
		return;
	}
	if (__atomic_fetch_or(&si->evtchn_pending[port / 64], bit,
			      __ATOMIC_SEQ_CST) &
	    bit)
		return;
	if (__atomic_load_n(&si->evtchn_mask[port / 64], __ATOMIC_SEQ_CST) &
	    bit)
		return;
	evtchn_raise_sel(d, port);
}

void evtchn_clear_pending_locked(struct io_dom *d, evtchn_port_t port)
{
	uint64_t bit = 1ull << (port % 64);

	d->ev.early[port / 64] &= ~bit;
	if (d->ev.si)
		__atomic_fetch_and(&d->ev.si->evtchn_pending[port / 64], ~bit,
				   __ATOMIC_SEQ_CST);
}

int evtchn_unmask(struct io_dom *d, evtchn_port_t port)
{
	struct shared_info *si;
	uint64_t bit = 1ull << (port % 64);

	if (port >= ATOLL_EVTCHN_MAX_PORTS)
		return -EINVAL;
	pthread_mutex_lock(&d->ev.lock);
	si = d->ev.si;
	if (si) {
		__atomic_fetch_and(&si->evtchn_mask[port / 64], ~bit,
				   __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&si->evtchn_pending[port / 64],
				    __ATOMIC_SEQ_CST) &
		    bit)
			evtchn_raise_sel(d, port);
	}
	pthread_mutex_unlock(&d->ev.lock);
	return 0;
}

bool evtchn_is_pending(struct io_dom *d, evtchn_port_t port)
{
	bool pending = false;

	if (port >= ATOLL_EVTCHN_MAX_PORTS)
		return false;
	pthread_mutex_lock(&d->ev.lock);
	if (d->ev.si)
		pending = __atomic_load_n(&d->ev.si->evtchn_pending[port / 64],
					  __ATOMIC_SEQ_CST) &
			  (1ull << (port % 64));
	pthread_mutex_unlock(&d->ev.lock);
	return pending;
}

void evtchn_resample(struct io_dom *d)
{
	struct vcpu_info *v;
	int level;

	pthread_mutex_lock(&d->ev.lock);
	if (d->ev.si) {
		v = &d->ev.si->vcpu_info[0];
		level = __atomic_load_n(&v->evtchn_upcall_pending,
					__ATOMIC_SEQ_CST) &&
			!__atomic_load_n(&v->evtchn_upcall_mask,
					 __ATOMIC_SEQ_CST);
		evtchn_upcall(d, level);
	}
	pthread_mutex_unlock(&d->ev.lock);
}

int evtchn_set_shared_info(struct io_dom *d, uint64_t gfn)
{
	void *p;
	uint32_t m;
	int rc;

	pthread_mutex_lock(&d->ev.lock);
	if (d->ev.si || d->detached) {
		rc = -EBUSY;
		goto out;
	}
	rc = io_pin(d->mem, gfn, true, &p, &m);
	if (rc)
		goto out;
	d->ev.si = p;
	d->ev.si_gfn = gfn;
	d->ev.si_mfn = m;
	/* Replay what came before the page existed. */
	for (unsigned w = 0; w < EVTCHN_EARLY_WORDS; w++) {
		uint64_t bits = d->ev.early[w];

		d->ev.early[w] = 0;
		while (bits) {
			evtchn_port_t port = w * 64 + __builtin_ctzll(bits);

			bits &= bits - 1;
			d->ev.delivered--; /* counted when it was raised */
			evtchn_deliver_locked(d, port);
		}
	}
out:
	pthread_mutex_unlock(&d->ev.lock);
	return rc;
}

void evtchn_release_shared_info(struct io_dom *d)
{
	pthread_mutex_lock(&d->ev.lock);
	if (d->ev.si) {
		io_unpin(d->mem, d->ev.si_mfn);
		d->ev.si = NULL;
	}
	pthread_mutex_unlock(&d->ev.lock);
}
