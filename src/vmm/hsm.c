/* SBI Hart State Management on vCPU threads.
 *
 * A STOPPED vCPU sleeps on its condition variable.  hart_start records the
 * target and moves it to START_PENDING; the vCPU thread wakes, loads the
 * start state (S-mode, pc = start_addr, a0 = hartid, a1 = opaque, satp = 0,
 * sstatus.SIE = 0) and enters STARTED.  hart_stop and the non-retentive
 * suspend move the caller to STOP_PENDING / SUSPENDED and post REQ_PAUSE to
 * its own hart: the ecall is the last instruction it runs, hart_run returns
 * and hsm_after_run finishes the transition outside the dispatch loop.  A
 * retentive suspend is a WFI inside the call.  The state word is guarded
 * by dom->hsm_lock; the hart's registers only ever change on its own
 * thread.  A pending TLB shootdown is never dropped: the flushes here serve
 * it too (shootdown.h). */
#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/mmu.h"
#include "cpu/shootdown.h"
#include "cpu/tlb.h"
#include "cpu/trap.h"
#include "machine/sbi.h"
#include "vmm/domain.h"

void hsm_init(struct vcpu *v, bool started)
{
	v->hsm = started ? SBI_HSM_STARTED : SBI_HSM_STOPPED;
	pthread_cond_init(&v->wake, 0);
}

void hsm_wake_all(struct domain *d)
{
	pthread_mutex_lock(&d->hsm_lock);
	for (unsigned i = 0; i < atomic_load(&d->sd_nr); i++)
		pthread_cond_broadcast(&d->vcpus[i].wake);
	pthread_mutex_unlock(&d->hsm_lock);
}

/* The register state of sbi_hart_start and of a non-retentive resume.
 * Cached translations and decoded code may be stale after a stop (no
 * flush requests are served meanwhile): drop them. */
static void hsm_enter_s(struct vcpu *v, uint64_t pc, uint64_t opaque)
{
	struct hart *h = &v->hart;

	h->priv = PRIV_S;
	h->pc = pc;
	h->x[10] = h->mhartid;
	h->x[11] = opaque;
	h->satp = 0;
	h->mstatus &= ~MSTATUS_SIE;
	h->lr_valid = false;
	atomic_fetch_and(&h->requests, (uint32_t)(REQ_STOP | REQ_SHOOTDOWN));
	tlb_flush_all(&h->tlb);
	code_cache_flush(h);
	hart_shootdown_service(h);
	mmu_update_ctx(h);
}

int hsm_wait_runnable(struct vcpu *v)
{
	struct domain *d = v->dom;
	int r = 0;

	pthread_mutex_lock(&d->hsm_lock);
	while (v->hsm == SBI_HSM_STOPPED && !atomic_load(&d->stopping))
		pthread_cond_wait(&v->wake, &d->hsm_lock);
	if (atomic_load(&d->stopping)) {
		r = -1;
	} else if (v->hsm == SBI_HSM_START_PENDING) {
		hsm_enter_s(v, v->start_addr, v->start_opaque);
		v->hsm = SBI_HSM_STARTED;
	}
	pthread_mutex_unlock(&d->hsm_lock);
	return r;
}

/* Sleep until an interrupt enabled in mie is pending (the wake-up event of
 * a non-retentive suspend) or the domain stops.  Flush requests are
 * dropped (the resume flushes everything); shootdowns are served. */
static void hsm_wait_irq(struct vcpu *v)
{
	struct hart *h = &v->hart;

	while (!atomic_load(&v->dom->stopping) &&
	       !(atomic_load(&h->mip) & h->mie)) {
		hart_shootdown_service(h);
		atomic_fetch_and(&h->requests, (uint32_t)REQ_STOP);
		if (atomic_load(&h->requests))
			break;
		trap_wfi(h);
	}
}

void hsm_after_run(struct vcpu *v)
{
	struct domain *d = v->dom;

	pthread_mutex_lock(&d->hsm_lock);
	if (v->hsm == SBI_HSM_STOP_PENDING) {
		v->hsm = SBI_HSM_STOPPED;
	} else if (v->hsm == SBI_HSM_SUSPENDED) {
		pthread_mutex_unlock(&d->hsm_lock);
		hsm_wait_irq(v);
		pthread_mutex_lock(&d->hsm_lock);
		hsm_enter_s(v, v->start_addr, v->start_opaque);
		v->hsm = SBI_HSM_STARTED;
	}
	pthread_mutex_unlock(&d->hsm_lock);
}

long dom_hart_start(void *ctx, uint64_t hartid, uint64_t addr, uint64_t opaque)
{
	struct domain *d = ctx;
	struct vcpu *v;
	long r = SBI_SUCCESS;

	if (hartid >= d->nr_vcpus)
		return SBI_ERR_INVALID_PARAM;
	v = &d->vcpus[hartid];
	pthread_mutex_lock(&d->hsm_lock);
	if (v->hsm != SBI_HSM_STOPPED) {
		r = SBI_ERR_ALREADY_AVAILABLE;
	} else {
		v->start_addr = addr;
		v->start_opaque = opaque;
		v->hsm = SBI_HSM_START_PENDING;
		pthread_cond_signal(&v->wake);
	}
	pthread_mutex_unlock(&d->hsm_lock);
	return r;
}

long dom_hart_stop(void *ctx, struct hart *h)
{
	struct domain *d = ctx;
	struct vcpu *v = h->owner;
	long r = SBI_SUCCESS;

	pthread_mutex_lock(&d->hsm_lock);
	if (v->hsm != SBI_HSM_STARTED)
		r = SBI_ERR_FAILED;
	else
		v->hsm = SBI_HSM_STOP_PENDING;
	pthread_mutex_unlock(&d->hsm_lock);
	if (r == SBI_SUCCESS)
		hart_request(h, REQ_PAUSE);
	return r;
}

long dom_hart_status(void *ctx, uint64_t hartid)
{
	struct domain *d = ctx;
	long r;

	if (hartid >= d->nr_vcpus)
		return SBI_ERR_INVALID_PARAM;
	pthread_mutex_lock(&d->hsm_lock);
	r = d->vcpus[hartid].hsm;
	pthread_mutex_unlock(&d->hsm_lock);
	return r;
}

static void hsm_set(struct vcpu *v, int state)
{
	pthread_mutex_lock(&v->dom->hsm_lock);
	v->hsm = state;
	pthread_mutex_unlock(&v->dom->hsm_lock);
}

/* The type and address were checked by the SBI layer. */
long dom_hart_suspend(void *ctx, struct hart *h, uint64_t type, uint64_t addr,
		      uint64_t opaque)
{
	struct vcpu *v = h->owner;

	if (type == SBI_HSM_SUSPEND_RETENTIVE) {
		hsm_set(v, SBI_HSM_SUSPENDED);
		trap_wfi(h);
		hsm_set(v, SBI_HSM_STARTED);
		return SBI_SUCCESS;
	}
	pthread_mutex_lock(&v->dom->hsm_lock);
	v->start_addr = addr;
	v->start_opaque = opaque;
	v->hsm = SBI_HSM_SUSPENDED;
	pthread_mutex_unlock(&v->dom->hsm_lock);
	hart_request(h, REQ_PAUSE);
	return SBI_SUCCESS;
}
