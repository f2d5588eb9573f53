/* The domain's TLB shootdown (dom_mem's callback): every vCPU forgets the
 * translations of some guest-physical pages before their frames are
 * reused.
 *
 * Ordering.  The initiator posts to every vCPU's mailbox first and reads
 * its in_run flag afterwards; a vCPU sets in_run before it serves its
 * mailbox on the way into hart_run, and clears it before serving again on
 * the way out (domain.c).  So a vCPU the initiator sees outside hart_run
 * serves the request before its next guest access, and one it sees inside
 * serves it at its next poll (run loop, WFI, mem_wait) or on its way out:
 * waiting only for those never waits for a thread that will not answer.
 *
 * Initiators are serialized per domain (a mailbox takes any number, but
 * one at a time keeps each initiator's wait its own).
 * An initiator may be one of the domain's own vCPUs (a memory hypercall):
 * it serves its own mailbox directly and, while it waits for the lock or
 * for the others, keeps serving requests posted to it, so two vCPUs that
 * initiate at once never wait for each other forever. */
#define _GNU_SOURCE
#include <time.h>

#include "cpu/shootdown.h"
#include "vmm/domain.h"

_Static_assert(DOM_MEM_SD_CODE == SHOOTDOWN_CODE,
	       "dom_mem marks code pages as the cpu layer reads them");
_Static_assert(DOM_MEM_SD_PAGES <= SHOOTDOWN_MAX_PAGES,
	       "a mailbox holds the largest request whole");

static uint64_t sd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A short pause for an initiator that must keep serving its own hart. */
static void sd_nap(struct vcpu *self)
{
	struct timespec ts = { 0, 20000 };

	hart_shootdown_service(&self->hart);
	nanosleep(&ts, 0);
}

static void sd_lock(struct domain *d, struct vcpu *self)
{
	if (!self) {
		pthread_mutex_lock(&d->sd_lock);
		return;
	}
	while (pthread_mutex_trylock(&d->sd_lock))
		sd_nap(self);
}

/* Wait until v served `ticket` or left hart_run (it serves on the way
 * out, after clearing in_run). */
static void sd_wait(struct vcpu *v, uint32_t ticket, struct vcpu *self)
{
	if (!self) {
		hart_shootdown_wait(&v->hart, ticket);
		return;
	}
	while (!hart_shootdown_done(&v->hart, ticket))
		sd_nap(self);
}

void domain_shootdown(void *ctx, const uint64_t *gpa_pages, unsigned n)
{
	struct domain *d = ctx;
	struct vcpu *self = vcpu_current();
	unsigned nr = atomic_load_explicit(&d->sd_nr, memory_order_acquire);
	uint32_t ticket[MACHINE_MAX_HARTS];
	uint64_t t0 = sd_now_ns();

	if (self && self->dom != d)
		self = 0; /* another domain's vCPU: an outsider here */
	if (nr == 0)
		return; /* no hart exists yet: nothing is cached */
	/* Its own translations it forgets itself, at once: no mailbox, no
	 * wake-up; a vCPU alone in its domain (a copy-on-write break) needs
	 * nothing else, not even the lock (it posts to no one). */
	if (self) {
		hart_shootdown_local(&self->hart, gpa_pages, n, !gpa_pages);
		if (nr == 1)
			goto out;
	}
	sd_lock(d, self);
	for (unsigned i = 0; i < nr; i++)
		if (&d->vcpus[i] != self)
			ticket[i] = hart_shootdown_post(
				&d->vcpus[i].hart, gpa_pages, n, !gpa_pages);
	if (self)
		hart_shootdown_service(&self->hart);
	for (unsigned i = 0; i < nr; i++) {
		struct vcpu *v = &d->vcpus[i];

		if (v != self && atomic_load(&v->in_run))
			sd_wait(v, ticket[i], self);
	}
	pthread_mutex_unlock(&d->sd_lock);
out:
	atomic_fetch_add(&d->sd_count, 1);
	atomic_fetch_add(&d->sd_ns, sd_now_ns() - t0);
}
