/* One domain: its memory (dom_mem), its board (machine) over that memory,
 * one host thread per vCPU; start, pause, unpause, the end of the guest
 * and the teardown that returns every frame.
 *
 * A vCPU thread loops: park while the domain is paused, sleep while its
 * HSM state is STOPPED, run the hart.  Pausing posts REQ_PAUSE to every
 * hart and waits until none is inside hart_run.  The guest ending (test
 * device, SBI reset, HTIF) posts REQ_STOP to its own harts only and wakes
 * host_run, which tears the domain down while the others keep running. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cpu/shootdown.h"
#include "cpu/trap.h"
#include "io/pvdev.h"
#include "lib/log.h"
#include "vmm/domain.h"

static _Thread_local struct vcpu *current_vcpu;

struct vcpu *vcpu_current(void)
{
	return current_vcpu;
}

static void domain_quit(void *ctx)
{
	struct domain *d = ctx;

	atomic_store(&d->host->quit, true);
	host_wake(d->host);
}

static const struct machine_host_ops domain_host_ops = {
	.exit = domain_exit,
	.hart_start = dom_hart_start,
	.hart_stop = dom_hart_stop,
	.hart_status = dom_hart_status,
	.hart_suspend = dom_hart_suspend,
	.quit = domain_quit,
};

void domain_exit(void *ctx, int status)
{
	struct domain *d = ctx;

	pthread_mutex_lock(&d->exit_lock);
	if (!d->exiting) {
		d->exiting = true;
		d->status = status;
		d->reboot =
			d->reboot || (d->m && atomic_load(&d->m->reboot_req));
	}
	pthread_mutex_unlock(&d->exit_lock);
	/* stopping first: a vCPU that sees REQ_STOP must also see it. */
	atomic_store(&d->stopping, true);
	for (unsigned i = 0; i < atomic_load(&d->sd_nr); i++)
		hart_request(&d->vcpus[i].hart, REQ_STOP);
	hsm_wake_all(d);
	pthread_mutex_lock(&d->run_lock);
	pthread_cond_broadcast(&d->run_cond);
	pthread_mutex_unlock(&d->run_lock);
	host_wake(d->host);
}

void vcpu_enter_run(struct vcpu *v)
{
	atomic_store(&v->in_run, true);
	/* Whatever was posted while we were outside, before any access. */
	hart_shootdown_service(&v->hart);
}

void vcpu_leave_run(struct vcpu *v)
{
	struct domain *d = v->dom;

	pthread_mutex_lock(&d->run_lock);
	atomic_store(&v->in_run, false);
	pthread_cond_broadcast(&d->run_cond);
	pthread_mutex_unlock(&d->run_lock);
	/* A request posted while in_run was still set has an initiator
	 * waiting for it: serve it now (shootdown_vmm.c). */
	hart_shootdown_service(&v->hart);
}

/* Block while the domain is paused.  -1 when it is stopping. */
static int vcpu_wait_unpaused(struct vcpu *v)
{
	struct domain *d = v->dom;

	pthread_mutex_lock(&d->run_lock);
	while (atomic_load(&d->paused) && !atomic_load(&d->stopping))
		pthread_cond_wait(&d->run_cond, &d->run_lock);
	pthread_mutex_unlock(&d->run_lock);
	return atomic_load(&d->stopping) ? -1 : 0;
}

static void *vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct domain *d = v->dom;
	struct timespec ts;
	struct rusage ru;

	current_vcpu = v;
	if (!pthread_getcpuclockid(pthread_self(), &v->cpu_clock))
		atomic_store(&v->clock_live, true);
	while (vcpu_wait_unpaused(v) == 0 && hsm_wait_runnable(v) == 0) {
		int r;

		vcpu_enter_run(v);
		/* A pause that began after the wait above: the pauser may
		 * have seen in_run clear and stopped waiting for us. */
		if (atomic_load(&d->paused)) {
			vcpu_leave_run(v);
			continue;
		}
		r = hart_run(&v->hart);
		vcpu_leave_run(v);
		if (r == HART_EXIT_STOP || atomic_load(&d->stopping))
			break;
		hsm_after_run(v);
	}
	/* For --stats: on a shared host CPU time, unlike wall time, is what
	 * the guest's work cost (bench/ uses it). */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	v->cpu_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
	/* The host kernel's part (first touches of frames, futex waits):
	 * the rest is the guest's code and atoll's. */
	if (!getrusage(RUSAGE_THREAD, &ru))
		v->sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000u +
			    (uint64_t)ru.ru_stime.tv_usec * 1000u;
	atomic_store(&v->clock_live, false);
	return 0;
}

static int domain_create_vcpus(struct domain *d, enum cpu_engine engine)
{
	struct machine *m = d->m;

	d->vcpus = calloc(d->nr_vcpus, sizeof(*d->vcpus));
	if (!d->vcpus)
		return -ENOMEM;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		int err = hart_init(&v->hart, i, m->entry, &m->bus);
		if (err)
			return err;
		err = hart_set_engine(&v->hart, engine);
		if (err)
			return err;
		v->dom = d;
		v->hart.owner = v;
		machine_setup_hart(m, &v->hart);
		/* With atoll's SBI only hart 0 boots; the others wait
		 * for sbi_hart_start.  Firmware and bare-metal code see
		 * every hart come out of reset at once. */
		hsm_init(v, m->mode != BOOT_SBI || i == 0);
	}
	/* From here on shootdowns and REQ_STOP reach every hart. */
	atomic_store_explicit(&d->sd_nr, d->nr_vcpus, memory_order_release);
	return 0;
}

static uint64_t frames(uint64_t bytes)
{
	return bytes >> 12;
}

/* dom_mem_config.crash: the memory said why; the domain ends (status 1),
 * the others run on. */
static void domain_mem_crash(void *ctx)
{
	domain_exit(ctx, 1);
}

static int domain_create_mem(struct domain *d, const struct domain_config *c)
{
	uint64_t maxmem = c->machine.ram_size;
	struct dom_mem_config mc = {
		.domid = d->id,
		.name = d->name,
		.base_gfn = VIRT_DRAM_BASE >> 12,
		.memory = frames(c->memory ? c->memory : maxmem),
		.maxmem = frames(maxmem),
		.reservation = frames(c->reservation),
		.limit = frames(c->limit ? c->limit : maxmem),
		.shares = c->shares,
		.no_sharing = c->no_sharing,
		.shootdown = domain_shootdown,
		.shootdown_ctx = d,
		.crash = domain_mem_crash,
		.crash_ctx = d,
	};

	return dom_mem_create(&d->host->mem, &mc, &d->mem);
}

static struct domain *domain_alloc(struct host *h,
				   const struct domain_config *c)
{
	struct domain *d = calloc(1, sizeof(*d));

	if (!d)
		return 0;
	d->host = h;
	d->id = (domid_t)h->next_id;
	snprintf(d->name, sizeof(d->name), "%s", c->name);
	if (!d->name[0])
		snprintf(d->name, sizeof(d->name), "dom%u", d->id);
	d->nr_vcpus = c->machine.nr_harts;
	d->state = DOMAIN_CREATED;
	d->cfg = *c;
	pthread_mutex_init(&d->hsm_lock, 0);
	pthread_mutex_init(&d->run_lock, 0);
	pthread_cond_init(&d->run_cond, 0);
	pthread_mutex_init(&d->exit_lock, 0);
	pthread_mutex_init(&d->sd_lock, 0);
	return d;
}

/* Host lock held.  Memory, board, harts; nothing started. */
static int domain_build(struct domain *d, const struct domain_config *c)
{
	static const uint8_t none[6];
	struct machine_config mc = c->machine;
	int err = domain_create_mem(d, c);

	if (err)
		return err;
	mc.mem = d->mem;
	mc.vswitch = d->host->vswitch;
	if (mc.net && !memcmp(mc.mac, none, sizeof(none)))
		pvdev_default_mac(d->id, 0, mc.mac);
	/* virtio-net interfaces: 02:a7:0d:00:DD:1k beside the PV one. */
	for (unsigned k = 0; k < mc.nr_virtio; k++)
		if (mc.virtio[k].type == MACHINE_VIRTIO_NET &&
		    !memcmp(mc.virtio[k].mac, none, sizeof(none)))
			pvdev_default_mac(d->id, 0x10 + k, mc.virtio[k].mac);
	if (c->console_prefix)
		mc.console_prefix = d->name;
	err = machine_create(&d->m, &mc, &domain_host_ops, d);
	if (err)
		return err;
	err = domain_create_vcpus(d, mc.engine);
	if (err)
		log_error("domain %s: cannot create harts: %s", d->name,
			  strerror(-err));
	return err;
}

static void domain_link(struct host *h, struct domain *d)
{
	struct domain **pp = &h->domains;

	while (*pp)
		pp = &(*pp)->next;
	*pp = d;
	h->next_id++;
	h->nr_created++;
}

int host_domain_create(struct host *h, const struct domain_config *cfg,
		       struct domain **out)
{
	struct domain *d;
	int err;

	if (cfg->machine.nr_harts == 0 ||
	    cfg->machine.nr_harts > MACHINE_MAX_HARTS) {
		log_error("domain %s: %u vCPUs (1 to %d)", cfg->name,
			  cfg->machine.nr_harts, MACHINE_MAX_HARTS);
		return -EINVAL;
	}
	pthread_mutex_lock(&h->lock);
	if (host_find_domain_locked(h, cfg->name)) {
		log_error("domain %s: the name is taken", cfg->name);
		err = -EEXIST;
		goto out;
	}
	d = domain_alloc(h, cfg);
	err = -ENOMEM;
	if (!d) {
		log_error("out of memory");
		goto out;
	}
	err = domain_build(d, cfg);
	if (err) {
		d->exiting = true;
		domain_teardown(d);
		domain_free(d);
		goto out;
	}
	domain_link(h, d);
	*out = d;
out:
	pthread_mutex_unlock(&h->lock);
	return err;
}

/* Start one thread per vCPU.  On failure the caller ends the domain. */
static int domain_start_vcpus(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = &d->vcpus[i];
		int err = pthread_create(&v->thread, 0, vcpu_main, v);
		if (err) {
			log_error("domain %s: cannot start vCPU %u: %s",
				  d->name, i, strerror(err));
			return -err;
		}
		v->thread_started = true;
	}
	return 0;
}

int domain_start(struct domain *d)
{
	struct host *h = d->host;
	int err = -EINVAL;

	pthread_mutex_lock(&h->lock);
	if (d->state != DOMAIN_CREATED)
		goto out;
	err = machine_start(d->m);
	if (!err)
		err = domain_start_vcpus(d);
	/* Running either way: a failed start ends like a guest exit. */
	d->state = DOMAIN_RUNNING;
	if (err)
		domain_exit(d, 1);
out:
	pthread_mutex_unlock(&h->lock);
	return err;
}

/* Without the host lock: wait until no vCPU is inside hart_run, or the
 * pause was cancelled (unpause) or the domain is stopping. */
static void domain_wait_out_of_run(struct domain *d)
{
	pthread_mutex_lock(&d->run_lock);
	for (;;) {
		bool any = false;

		for (unsigned i = 0; i < d->nr_vcpus; i++)
			any |= atomic_load(&d->vcpus[i].in_run);
		if (!any || atomic_load(&d->stopping) ||
		    !atomic_load(&d->paused))
			break;
		pthread_cond_wait(&d->run_cond, &d->run_lock);
	}
	pthread_mutex_unlock(&d->run_lock);
}

/* Mark the domain paused under the host lock, wait for its vCPUs to park
 * without it (a slow vCPU must not stall every other control request),
 * then make the state say so unless an unpause or the end came first.
 * The vCPUs array cannot go meanwhile: a teardown joins the vCPUs first,
 * and they leave hart_run once stopping is set. */
int domain_pause(struct domain *d)
{
	struct host *h = d->host;

	pthread_mutex_lock(&h->lock);
	if (d->state != DOMAIN_RUNNING || atomic_load(&d->stopping) ||
	    atomic_load(&d->paused) || d->tearing) {
		pthread_mutex_unlock(&h->lock);
		return -EINVAL;
	}
	atomic_store(&d->paused, true);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		hart_request(&d->vcpus[i].hart, REQ_PAUSE);
	d->pausing = true;
	pthread_mutex_unlock(&h->lock);
	domain_wait_out_of_run(d);
	pthread_mutex_lock(&h->lock);
	d->pausing = false;
	if (d->state == DOMAIN_RUNNING && atomic_load(&d->paused) &&
	    !atomic_load(&d->stopping))
		d->state = DOMAIN_PAUSED;
	pthread_cond_broadcast(&h->torn_cond);
	pthread_mutex_unlock(&h->lock);
	return 0;
}

int domain_unpause(struct domain *d)
{
	struct host *h = d->host;
	int err = 0;

	pthread_mutex_lock(&h->lock);
	/* Paused, or a pause still waiting for its vCPUs (cancelled). */
	if (d->state != DOMAIN_PAUSED &&
	    !(d->state == DOMAIN_RUNNING && atomic_load(&d->paused))) {
		err = -EINVAL;
		goto out;
	}
	pthread_mutex_lock(&d->run_lock);
	atomic_store(&d->paused, false);
	pthread_cond_broadcast(&d->run_cond);
	pthread_mutex_unlock(&d->run_lock);
	d->state = DOMAIN_RUNNING;
out:
	pthread_mutex_unlock(&h->lock);
	return err;
}
