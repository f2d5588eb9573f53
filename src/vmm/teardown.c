/* The end of a domain: stop and join its vCPUs, keep its statistics,
 * return every frame and swap slot to the host, free the board; and the
 * statistics themselves. */
#include <errno.h>
#include <pthread.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/jit.h"
#include "cpu/trap.h"
#include "io/io_dom.h"
#include "io/pvdev.h"
#include "lib/log.h"
#include "machine/devices.h"
#include "virtio/virtio.h"
#include "vmm/domain.h"

/* vCPU figures, live or final. */
static void domain_vcpu_stats(struct domain *d, struct domain_stats *st)
{
	struct timespec ts;

	st->instret = 0;
	st->shootdowns = 0;
	st->cpu_ns = 0;
	for (unsigned i = 0; i < atomic_load(&d->sd_nr); i++) {
		struct vcpu *v = &d->vcpus[i];

		st->instret += v->hart.instret;
		st->shootdowns += v->hart.stat_shootdowns;
		/* A thread that ends meanwhile leaves its final figure. */
		if (atomic_load(&v->clock_live) &&
		    !clock_gettime(v->cpu_clock, &ts))
			st->cpu_ns += (uint64_t)ts.tv_sec * 1000000000u +
				      (uint64_t)ts.tv_nsec;
		else
			st->cpu_ns += v->cpu_ns;
	}
}

void domain_get_stats(struct domain *d, struct domain_stats *st)
{
	uint64_t n, ns;

	if (d->torn_down) {
		*st = d->final;
		st->state = d->state;
		return;
	}
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", d->name);
	st->id = d->id;
	st->state = d->state;
	st->exit_status = d->status;
	st->vcpus = d->nr_vcpus;
	domain_vcpu_stats(d, st);
	n = atomic_load(&d->sd_count);
	ns = atomic_load(&d->sd_ns);
	st->shootdown_ns_avg = n ? (double)ns / (double)n : 0;
	if (d->mem)
		dom_mem_get_stats(d->mem, &st->mem);
	if (d->m && d->m->ata) {
		st->has_ata = true;
		ata_get_stats(d->m, &st->ata);
	}
}

/* Memory and shootdown figures of one domain, one line. */
static void domain_print_mem_stats(struct domain *d)
{
	struct domain_stats st;
	uint64_t cpu_ns = 0, sys_ns = 0;

	for (unsigned i = 0; d->vcpus && i < d->nr_vcpus; i++) {
		cpu_ns += d->vcpus[i].cpu_ns;
		sys_ns += d->vcpus[i].sys_ns;
	}
	domain_get_stats(d, &st);
	log_info("stats domain=%s cpu_ms=%.3f sys_ms=%.3f populate_faults=%llu "
		 "swap_outs=%llu swap_ins=%llu retries=%llu shootdowns=%llu "
		 "shootdowns_served=%llu shootdown_ns_avg=%.0f",
		 d->name, (double)cpu_ns / 1e6, (double)sys_ns / 1e6,
		 (unsigned long long)st.mem.populate_faults,
		 (unsigned long long)st.mem.swap_outs,
		 (unsigned long long)st.mem.swap_ins,
		 (unsigned long long)st.mem.retries,
		 (unsigned long long)atomic_load(&d->sd_count),
		 (unsigned long long)st.shootdowns, st.shootdown_ns_avg);
}

/* The translator's line of --stats (nothing for the interpreter). */
static void hart_print_jit_stats(const struct hart *h, unsigned i)
{
	struct jit_stats s;

	if (!jit_get_stats(h, &s))
		return;
	log_info("stats hart=%u engine=jit blocks=%llu "
		 "insns_translated=%llu translate_ms=%.1f code_kib=%llu/%llu "
		 "cache_flushes=%llu lookups=%llu hit_rate=%.4f refills=%llu "
		 "cold=%llu "
		 "chains=%llu interp_insns=%llu retranslated=%llu",
		 i, (unsigned long long)s.blocks, (unsigned long long)s.insns,
		 (double)s.translate_ns / 1e6,
		 (unsigned long long)(s.code_bytes >> 10),
		 (unsigned long long)(s.code_size >> 10),
		 (unsigned long long)s.flushes, (unsigned long long)s.lookups,
		 s.lookups ? (double)s.hits / (double)s.lookups : 0.0,
		 (unsigned long long)s.refills, (unsigned long long)s.cold,
		 (unsigned long long)s.chains, (unsigned long long)s.steps,
		 (unsigned long long)s.retrans);
}

/* Each virtio device's counters: kicks and interrupts per request are
 * what EVENT_IDX and the I/O threads' spin save. */
static void domain_print_virtio_stats(struct domain *d)
{
	for (unsigned i = 0; d->m && i < VIRT_VIRTIO_COUNT; i++) {
		struct virtio_dev *dev = virtio_slot_dev(d->m, i);
		struct virtio_stats st;

		if (!dev)
			continue;
		virtio_dev_get_stats(dev, &st);
		log_info("stats %s requests=%llu bytes=%llu errors=%llu "
			 "notifies=%llu interrupts=%llu passes=%llu "
			 "sleeps=%llu poll_us=%llu poll_busy=%llu "
			 "io_us=%.1f ack_us=%.1f",
			 dev->name, (unsigned long long)st.requests,
			 (unsigned long long)st.bytes,
			 (unsigned long long)st.errors,
			 (unsigned long long)st.notifies,
			 (unsigned long long)st.interrupts,
			 (unsigned long long)st.passes,
			 (unsigned long long)st.sleeps,
			 (unsigned long long)st.poll_us,
			 (unsigned long long)st.poll_busy,
			 (double)st.io_ns / 1e3, (double)st.ack_ns / 1e3);
	}
}

static void domain_print_stats(struct domain *d)
{
	domain_print_mem_stats(d);
	domain_print_virtio_stats(d);
	for (unsigned i = 0; i < atomic_load(&d->sd_nr); i++) {
		const struct hart *h = &d->vcpus[i].hart;
		log_info("stats hart=%u cpu_ns=%llu instret=%llu tlb_miss=%llu "
			 "page_walks=%llu traps=%llu irqs=%llu wfi=%llu "
			 "wfi_polled=%llu wfi_poll_missed=%llu "
			 "icache_fills=%llu icache_flushes=%llu "
			 "tlb_flush_all=%llu tlb_flush_page=%llu",
			 i, (unsigned long long)d->vcpus[i].cpu_ns,
			 (unsigned long long)h->instret,
			 (unsigned long long)h->stat_tlb_miss,
			 (unsigned long long)h->stat_page_walks,
			 (unsigned long long)h->stat_traps,
			 (unsigned long long)h->stat_irqs,
			 (unsigned long long)h->stat_wfi,
			 (unsigned long long)h->stat_wfi_polled,
			 (unsigned long long)h->stat_wfi_poll_missed,
			 (unsigned long long)h->stat_icache_fills,
			 (unsigned long long)h->stat_icache_flushes,
			 (unsigned long long)h->tlb.stat_flush_all,
			 (unsigned long long)h->tlb.stat_flush_page);
		hart_print_jit_stats(h, i);
	}
}

/* Stop every vCPU thread and wait for it. */
static void domain_join_vcpus(struct domain *d)
{
	if (!d->exiting)
		domain_exit(d, 0);
	for (unsigned i = 0; d->vcpus && i < d->nr_vcpus; i++)
		if (d->vcpus[i].thread_started) {
			pthread_join(d->vcpus[i].thread, 0);
			d->vcpus[i].thread_started = false;
		}
}

void domain_teardown(struct domain *d)
{
	struct host *h = d->host;

	if (d->torn_down)
		return;
	if (d->tearing) { /* another thread is at it: wait for its end */
		while (!d->torn_down)
			pthread_cond_wait(&h->torn_cond, &h->lock);
		return;
	}
	d->tearing = true;
	/* The waits, without the host lock: the vCPUs leave hart_run, the
	 * back-ends stop (flushing their output) while the console and the
	 * grant mappings are still there, the console thread ends.  Readers
	 * under the lock still find the board and memory whole. */
	pthread_mutex_unlock(&h->lock);
	domain_join_vcpus(d);
	if (d->mem)
		pvdev_domain_gone(d->id);
	if (d->m)
		machine_stop(d->m);
	pthread_mutex_lock(&h->lock);
	/* A pause still looking at the vCPUs (it saw stopping, or will). */
	while (d->pausing)
		pthread_cond_wait(&h->torn_cond, &h->lock);
	if (d->host->stats && d->state != DOMAIN_CREATED)
		domain_print_stats(d);
	domain_get_stats(d, &d->final);
	/* No vCPU runs: its PV state (event channels other domains may still
	 * signal, pinned grant and shared-info pages) goes first, then the
	 * frames go back, before the board. */
	if (d->mem) {
		io_dom_detach(d->id);
		dom_mem_destroy(d->mem);
	}
	d->mem = 0;
	d->final.mem.populated = d->final.mem.swapped = 0;
	d->final.mem.ballooned = d->final.mem.shared = 0;
	for (unsigned i = 0; d->vcpus && i < d->nr_vcpus; i++) {
		if (d->vcpus[i].dom)
			pthread_cond_destroy(&d->vcpus[i].wake);
		hart_destroy(&d->vcpus[i].hart);
	}
	atomic_store(&d->sd_nr, 0);
	free(d->vcpus);
	d->vcpus = 0;
	machine_destroy(d->m);
	d->m = 0;
	d->torn_down = true;
	d->state = DOMAIN_SHUTDOWN;
	d->final.state = DOMAIN_SHUTDOWN;
	d->final.exit_status = d->status;
	pthread_cond_broadcast(&h->torn_cond);
}

void domain_free(struct domain *d)
{
	pthread_mutex_destroy(&d->hsm_lock);
	pthread_mutex_destroy(&d->run_lock);
	pthread_cond_destroy(&d->run_cond);
	pthread_mutex_destroy(&d->exit_lock);
	pthread_mutex_destroy(&d->sd_lock);
	free(d);
}

int domain_destroy(struct domain *d)
{
	struct host *h = d->host;
	struct domain **pp;

	pthread_mutex_lock(&h->lock);
	if (d->destroying) {
		pthread_mutex_unlock(&h->lock);
		return -EALREADY;
	}
	d->destroying = true;
	domain_teardown(d); /* drops the lock while it waits */
	for (pp = &h->domains; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	d->state = DOMAIN_DESTROYED;
	d->final.state = DOMAIN_DESTROYED;
	/* Not freed: a control client may hold d (host_destroy frees it). */
	d->next_dead = h->dead;
	h->dead = d;
	pthread_mutex_unlock(&h->lock);
	host_wake(h);
	return 0;
}
