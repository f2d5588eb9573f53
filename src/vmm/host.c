/* The host: machine memory, the list of domains, and
 * host_run, the main thread's loop that reaps ended domains and turns
 * signals into a clean stop.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are blocked in every thread and read
 * by the main thread through a signalfd, so a signal never interrupts a
 * vCPU in the middle of an instruction. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "io/vswitch.h"
#include "lib/log.h"
#include "vmm/domain.h"

void host_wake(struct host *h)
{
	uint64_t one = 1;

	if (write(h->wake_fd, &one, sizeof(one)) < 0)
		log_error("cannot wake the host: %s", strerror(errno));
}

/* The signals host_run reads; blocked before any thread exists so that
 * every thread (vCPUs, consoles, reclaimer, control) inherits the mask. */
static void host_signal_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int host_create(struct host **out, const struct host_config *cfg)
{
	struct host *h = calloc(1, sizeof(*h));
	sigset_t set;
	int err;

	if (!h) {
		log_error("out of memory");
		return -ENOMEM;
	}
	host_signal_set(&set);
	pthread_sigmask(SIG_BLOCK, &set, &h->old_mask);
	pthread_mutex_init(&h->lock, 0);
	pthread_cond_init(&h->torn_cond, 0);
	h->next_id = 1;
	h->stats = cfg->stats;
	h->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->wake_fd < 0) {
		err = -errno;
		log_error("eventfd: %s", strerror(-err));
		goto err;
	}
	err = mem_host_init(&h->mem, &cfg->mem); /* prints its own line */
	if (err)
		goto err;
	h->mem_ready = true;
	err = mem_policy_start(&h->mem); /* the memory manager thread */
	if (err)
		goto err;
	err = vswitch_create(&h->vswitch);
	if (err) {
		log_error("cannot create the virtual switch: %s",
			  strerror(-err));
		goto err;
	}
	if (cfg->nat.enabled) {
		err = netnat_start(h->vswitch, &cfg->nat, &h->nat);
		if (err) /* it printed the line */
			goto err;
	}
	*out = h;
	return 0;
err:
	host_destroy(h);
	return err;
}

/* Host lock held: end every domain still alive. */
static void host_stop_all(struct host *h, int status)
{
	h->stopping = true;
	for (struct domain *d = h->domains; d; d = d->next)
		if (!d->torn_down)
			domain_exit(d, status);
	for (struct domain *d = h->domains; d; d = d->next)
		domain_teardown(d);
}

void host_destroy(struct host *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	host_stop_all(h, 0);
	while (h->domains) {
		struct domain *d = h->domains;
		h->domains = d->next;
		domain_free(d);
	}
	while (h->dead) {
		struct domain *d = h->dead;
		h->dead = d->next_dead;
		domain_free(d);
	}
	pthread_mutex_unlock(&h->lock);
	host_free_kept(h);
	netnat_stop(h->nat); /* its port, before the switch */
	vswitch_destroy(h->vswitch); /* every domain's ports are gone */
	if (h->mem_ready)
		mem_host_destroy(&h->mem);
	if (h->wake_fd >= 0)
		close(h->wake_fd);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->torn_cond);
	pthread_sigmask(SIG_SETMASK, &h->old_mask, 0);
	free(h);
}

struct domain *host_find_domain_locked(struct host *h, const char *name_or_id)
{
	char *end;
	unsigned long id = strtoul(name_or_id, &end, 10);
	bool numeric = *name_or_id && !*end;

	for (struct domain *d = h->domains; d; d = d->next)
		if (!strcmp(d->name, name_or_id) || (numeric && d->id == id))
			return d;
	return 0;
}

struct domain *host_find_domain(struct host *h, const char *name_or_id)
{
	struct domain *d;

	pthread_mutex_lock(&h->lock);
	d = host_find_domain_locked(h, name_or_id);
	pthread_mutex_unlock(&h->lock);
	return d;
}

void host_for_each_domain(struct host *h,
			  void (*fn)(struct domain *d, void *arg), void *arg)
{
	pthread_mutex_lock(&h->lock);
	for (struct domain *d = h->domains; d; d = d->next)
		fn(d, arg);
	pthread_mutex_unlock(&h->lock);
}

struct dom_mem *domain_mem(struct domain *d)
{
	return d->mem;
}

const char *domain_state_name(enum domain_state s)
{
	static const char *const names[] = { "created", "running", "paused",
					     "shutdown", "destroyed" };

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s]
							      : "unknown";
}

void host_get_mem_stats(struct host *h, struct mem_host_stats *st)
{
	mem_host_get_stats(&h->mem, st);
}

int host_set_share_rate(struct host *h, uint64_t rate)
{
	return share_set_rate(&h->mem, rate);
}

struct mem_host *host_mem(struct host *h)
{
	return &h->mem;
}

/* Host lock held: tear down the domains whose guest ended.  Returns true
 * while some domain may still run (created, running or paused). */
static bool host_reap(struct host *h)
{
	bool live = false;

	for (struct domain *d = h->domains; d; d = d->next) {
		if (d->state == DOMAIN_SHUTDOWN)
			continue;
		if (!d->exiting) {
			live = true;
			continue;
		}
		domain_teardown(d);
		if (!h->stopping &&
		    domain_end_action(d) == DOMAIN_ACTION_RESTART) {
			d->restart = true;
			live = true;
			log_info("domain %s %s (status %d): restarting it",
				 d->name, d->reboot ? "reset" : "shut down",
				 d->status);
		} else if (h->nr_created > 1) {
			log_error("domain %s shut down (status %d)", d->name,
				  d->status);
		}
	}
	return live;
}

/* With one domain its status; with several 0 if all ended with 0. */
static int host_status(struct host *h)
{
	int status = 0;
	unsigned n = 0;

	for (struct domain *d = h->domains; d; d = d->next, n++)
		if (d->status)
			status = d->status;
	if (n == 1 && h->nr_created == 1)
		return status;
	return status ? 1 : 0;
}

/* Block on the wake-up eventfd and the signalfd.  Returns 0 after a
 * wake-up, 128 + signal for a signal. */
/* Until a domain ends, a signal, or timeout_ms (-1: no limit). */
static int host_wait(struct host *h, int sfd, int timeout_ms)
{
	struct pollfd pfd[2] = { { .fd = h->wake_fd, .events = POLLIN },
				 { .fd = sfd, .events = POLLIN } };
	struct signalfd_siginfo si;
	uint64_t v;

	for (;;) {
		int r = poll(pfd, 2, timeout_ms);

		if ((r < 0 && errno != EINTR) || r == 0)
			return 0;
		if (pfd[1].revents &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			log_error("terminating on signal %u (%s)", si.ssi_signo,
				  strsignal((int)si.ssi_signo));
			return 128 + (int)si.ssi_signo;
		}
		if (pfd[0].revents) {
			if (read(h->wake_fd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				return 0;
			return 0;
		}
	}
}

int host_run(struct host *h)
{
	sigset_t set;
	int sfd, sig = 0, status;

	host_signal_set(&set);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0)
		log_error("signalfd: %s", strerror(errno));
	for (;;) {
		bool live;

		pthread_mutex_lock(&h->lock);
		if (sig || sfd < 0 || atomic_load(&h->quit))
			host_stop_all(h, sig ? sig : sfd < 0 ? 1 : 0);
		live = host_reap(h);
		pthread_mutex_unlock(&h->lock);
		if (!live)
			break;
		if (host_restart_ended(h))
			continue;
		sig = host_wait(h, sfd, host_shutdown_deadlines(h));
	}
	pthread_mutex_lock(&h->lock);
	status = sig ? sig : sfd < 0 ? 1 : host_status(h);
	pthread_mutex_unlock(&h->lock);
	if (sfd >= 0)
		close(sfd);
	return status;
}
