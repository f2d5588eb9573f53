/* A domain's life in a running host (host.h): domains added by `atoll
 * create` (all or nothing), restarted after a reset or a power-off as
 * their on_reboot / on_poweroff / on_crash say (xl.cfg's), reset by
 * `atoll reboot`; and what they point to, kept until the host goes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "machine/devices.h"
#include "vmm/domain.h"

struct host_kept {
	void *p;
	void (*fn)(void *p);
	struct host_kept *next;
};

int host_keep(struct host *h, void *p, void (*fn)(void *p))
{
	struct host_kept *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->p = p;
	k->fn = fn;
	pthread_mutex_lock(&h->lock);
	k->next = h->kept;
	h->kept = k;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void host_free_kept(struct host *h)
{
	while (h->kept) {
		struct host_kept *k = h->kept;

		h->kept = k->next;
		k->fn(k->p);
		free(k);
	}
}

int host_create_domains(struct host *h, const struct domain_config *cfg,
			unsigned n, struct domain **out, char *why, size_t len)
{
	unsigned i;
	int err = 0;

	why[0] = 0;
	for (i = 0; i < n && !err; i++) {
		err = host_domain_create(h, &cfg[i], &out[i]);
		if (err == -EEXIST)
			snprintf(why, len, "a domain '%s' exists already",
				 cfg[i].name);
		else if (err == -ENOMEM)
			snprintf(why, len,
				 "domain '%s' cannot be created: its "
				 "reservation cannot be guaranteed next to the "
				 "running domains', or out of memory",
				 cfg[i].name);
		else if (err)
			snprintf(why, len, "domain '%s' cannot be created: %s",
				 cfg[i].name, strerror(-err));
	}
	if (err) {
		/* Nothing half-started: the ones built go, unstarted. */
		for (unsigned k = 0; k + 1 < i; k++)
			domain_destroy(out[k]);
		return err;
	}
	for (i = 0; i < n; i++) {
		log_info("domain %s created: %u vCPU%s, memory %llu MiB of "
			 "maxmem %llu MiB",
			 cfg[i].name, cfg[i].machine.nr_harts,
			 cfg[i].machine.nr_harts == 1 ? "" : "s",
			 (unsigned long long)(cfg[i].memory >> 20),
			 (unsigned long long)(cfg[i].machine.ram_size >> 20));
		if (!domain_start(out[i]))
			log_info("domain %s started", cfg[i].name);
	}
	return 0;
}

enum domain_action domain_end_action(const struct domain *d)
{
	if (d->reboot)
		return d->cfg.on_reboot;
	return d->status == 0 ? d->cfg.on_poweroff : d->cfg.on_crash;
}

int domain_reset(struct domain *d)
{
	struct host *h = d->host;
	int err = -EINVAL;

	pthread_mutex_lock(&h->lock);
	if (d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED) {
		pthread_mutex_lock(&d->exit_lock);
		if (!d->exiting)
			d->reboot = true; /* before domain_exit fixes it */
		pthread_mutex_unlock(&d->exit_lock);
		err = 0;
	}
	pthread_mutex_unlock(&h->lock);
	if (!err)
		domain_exit(d, 0);
	return err;
}

static uint64_t lc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int domain_shutdown(struct domain *d, unsigned timeout_s, bool *held)
{
	struct host *h = d->host;
	int err = -EINVAL;

	*held = false;
	pthread_mutex_lock(&h->lock);
	if ((d->state == DOMAIN_RUNNING || d->state == DOMAIN_PAUSED) && d->m)
		err = powerkey_press(d->m);
	if (err == -EBUSY) {
		*held = true;
		err = 0;
	}
	if (!err && timeout_s) {
		d->shutdown_timeout_s = timeout_s;
		d->shutdown_deadline_ns =
			lc_now_ns() + (uint64_t)timeout_s * 1000000000u;
	}
	pthread_mutex_unlock(&h->lock);
	if (!err && timeout_s)
		host_wake(h); /* the host's wait now has a deadline */
	return err;
}

int host_shutdown_deadlines(struct host *h)
{
	struct domain *late[16], *d;
	unsigned n = 0;
	uint64_t now = lc_now_ns(), next = 0;

	pthread_mutex_lock(&h->lock);
	for (d = h->domains; d; d = d->next) {
		if (!d->shutdown_deadline_ns || d->destroying ||
		    (d->state != DOMAIN_RUNNING && d->state != DOMAIN_PAUSED))
			continue;
		if (d->shutdown_deadline_ns <= now && n < 16) {
			d->shutdown_deadline_ns = 0;
			late[n++] = d;
		} else if (!next || d->shutdown_deadline_ns < next) {
			next = d->shutdown_deadline_ns;
		}
	}
	pthread_mutex_unlock(&h->lock);
	/* Outside the lock: destroy takes it.  d stays valid (host_destroy
	 * frees domains). */
	for (unsigned i = 0; i < n; i++) {
		log_error("domain %s did not power off within %u s of its "
			  "shutdown request: destroying it",
			  late[i]->name, late[i]->shutdown_timeout_s);
		domain_destroy(late[i]);
	}
	if (n)
		return 0; /* look again at once: more may be due */
	if (!next)
		return -1;
	return (int)((next - now) / 1000000u) + 1;
}

/* Host lock held: take d (torn down) off the list, as destroyed. */
static void host_retire(struct host *h, struct domain *d)
{
	struct domain **pp;

	for (pp = &h->domains; *pp && *pp != d; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = d->next;
	d->state = DOMAIN_DESTROYED;
	d->final.state = DOMAIN_DESTROYED;
	d->next_dead = h->dead;
	h->dead = d;
}

unsigned host_restart_ended(struct host *h)
{
	struct domain_config cfg[16];
	unsigned restarts[16], n = 0, done = 0;
	struct domain *d, *next, *nd;

	pthread_mutex_lock(&h->lock);
	for (d = h->domains; d && n < 16; d = next) {
		next = d->next;
		if (!d->restart)
			continue;
		d->restart = false;
		cfg[n] = d->cfg;
		restarts[n++] = d->restarts + 1;
		host_retire(h, d);
	}
	pthread_mutex_unlock(&h->lock);
	for (unsigned i = 0; i < n; i++) {
		if (host_domain_create(h, &cfg[i], &nd)) {
			log_error("domain %s: cannot restart it", cfg[i].name);
			continue;
		}
		nd->restarts = restarts[i];
		if (!domain_start(nd)) {
			log_info("domain %s restarted (restart %u)", nd->name,
				 nd->restarts);
			done++;
		}
	}
	return done;
}
