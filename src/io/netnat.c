/* The NAT uplink (netnat.h): libslirp on a thread of its own, one port of
 * the virtual switch.  Frames from the switch wait in a bounded queue
 * until the thread feeds them to slirp_input; the thread sleeps in poll()
 * on slirp's sockets and the queue's eventfd, bounded by slirp's own
 * timeout and its timers. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <slirp/libslirp.h>

#include "io/io_thread.h"
#include "io/netnat.h"
#include "lib/log.h"

#define NAT_QUEUE 256 /* frames from the switch waiting for slirp */
#define NAT_TIMERS 4
#define NAT_POLL_MAX_MS 1000
#define NAT_GUEST_ERRORS 8 /* logged, then silent */

struct nat_frame {
	uint16_t len;
	uint8_t data[VSWITCH_FRAME_MAX];
};

struct nat_timer {
	bool used, armed;
	SlirpTimerId id;
	void *cb_opaque;
	int64_t expire_ms;
};

struct netnat {
	Slirp *slirp;
	struct vswitch_port *port;
	struct io_thread thread; /* its stop eventfd is polled with efd */
	int efd; /* frames queued for the guest */
	bool lock_ready;
	pthread_mutex_t lock; /* the queue, stats */
	struct nat_frame *queue;
	unsigned head, count;
	struct nat_stats_s {
		uint64_t to_slirp, from_slirp, drops;
	} st;
	struct pollfd *pfd; /* the thread's only */
	unsigned npfd, cap_pfd;
	struct nat_timer timers[NAT_TIMERS];
	unsigned guest_errors;
};

static int64_t nat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* slirp -> switch (on the NAT thread). */
static ssize_t nat_send_packet(const void *buf, size_t len, void *opaque)
{
	struct netnat *n = opaque;

	if (len < VSWITCH_FRAME_MIN || len > VSWITCH_FRAME_MAX)
		return (ssize_t)len; /* the switch would refuse it */
	vswitch_send(n->port, buf, len);
	pthread_mutex_lock(&n->lock);
	n->st.from_slirp++;
	pthread_mutex_unlock(&n->lock);
	return (ssize_t)len;
}

/* A guest's malformed traffic: a few lines, never a flood. */
static void nat_guest_error(const char *msg, void *opaque)
{
	struct netnat *n = opaque;

	if (n->guest_errors++ < NAT_GUEST_ERRORS)
		log_warn("nat: guest error: %s", msg);
}

static int64_t nat_clock_get_ns(void *opaque)
{
	return nat_now_ns();
}

static void *nat_timer_new_opaque(SlirpTimerId id, void *cb_opaque,
				  void *opaque)
{
	struct netnat *n = opaque;

	for (unsigned i = 0; i < NAT_TIMERS; i++) {
		if (!n->timers[i].used) {
			n->timers[i] = (struct nat_timer){
				.used = true, .id = id, .cb_opaque = cb_opaque
			};
			return &n->timers[i];
		}
	}
	return NULL; /* slirp then runs without that timer */
}

static void nat_timer_free(void *timer, void *opaque)
{
	if (timer)
		((struct nat_timer *)timer)->used = false;
}

static void nat_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
	struct nat_timer *t = timer;

	if (!t)
		return;
	t->expire_ms = expire_ms;
	t->armed = true;
}

static void nat_register_poll_fd(int fd, void *opaque)
{
}

static void nat_unregister_poll_fd(int fd, void *opaque)
{
}

/* slirp can take more data: the poll loop comes round anyway. */
static void nat_notify(void *opaque)
{
	struct netnat *n = opaque;
	uint64_t one = 1;

	if (write(n->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;
}

static const SlirpCb nat_callbacks = {
	.send_packet = nat_send_packet,
	.guest_error = nat_guest_error,
	.clock_get_ns = nat_clock_get_ns,
	.timer_free = nat_timer_free,
	.timer_mod = nat_timer_mod,
	.register_poll_fd = nat_register_poll_fd,
	.unregister_poll_fd = nat_unregister_poll_fd,
	.notify = nat_notify,
	.timer_new_opaque = nat_timer_new_opaque,
};

/* switch -> queue, on the sending port's thread: copy, wake, never
 * block. */
static int nat_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	struct netnat *n = vswitch_port_priv(p);
	struct nat_frame *f;
	uint64_t one = 1;
	bool was_empty;

	if (len > VSWITCH_FRAME_MAX)
		return -ENOBUFS;
	pthread_mutex_lock(&n->lock);
	if (n->count == NAT_QUEUE) {
		n->st.drops++;
		pthread_mutex_unlock(&n->lock);
		return -ENOBUFS;
	}
	f = &n->queue[(n->head + n->count) % NAT_QUEUE];
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
	was_empty = !n->count++;
	pthread_mutex_unlock(&n->lock);
	/* The thread empties the queue before sleeping again: one wake-up
	 * per batch is enough. */
	if (was_empty && write(n->efd, &one, sizeof(one)) < 0 &&
	    errno != EAGAIN)
		return 0;
	return 0;
}

static const struct vswitch_port_ops nat_port_ops = {
	.deliver = nat_deliver,
};

/* Feed every queued frame to slirp (on the NAT thread). */
static void nat_drain(struct netnat *n)
{
	static __thread struct nat_frame f;

	for (;;) {
		pthread_mutex_lock(&n->lock);
		if (!n->count) {
			pthread_mutex_unlock(&n->lock);
			return;
		}
		f = n->queue[n->head];
		n->head = (n->head + 1) % NAT_QUEUE;
		n->count--;
		n->st.to_slirp++;
		pthread_mutex_unlock(&n->lock);
		slirp_input(n->slirp, f.data, f.len);
	}
}

static int nat_add_poll(int fd, int events, void *opaque)
{
	struct netnat *n = opaque;
	short ev = 0;

	if (n->npfd == n->cap_pfd) {
		unsigned cap = n->cap_pfd ? 2 * n->cap_pfd : 16;
		struct pollfd *p = realloc(n->pfd, cap * sizeof(*p));

		if (!p)
			return -1; /* not polled this round */
		n->pfd = p;
		n->cap_pfd = cap;
	}
	if (events & SLIRP_POLL_IN)
		ev |= POLLIN;
	if (events & SLIRP_POLL_OUT)
		ev |= POLLOUT;
	if (events & SLIRP_POLL_PRI)
		ev |= POLLPRI;
	n->pfd[n->npfd] = (struct pollfd){ .fd = fd, .events = ev };
	return (int)n->npfd++;
}

static int nat_get_revents(int idx, void *opaque)
{
	struct netnat *n = opaque;
	short rev;
	int r = 0;

	if (idx < 0 || (unsigned)idx >= n->npfd)
		return 0;
	rev = n->pfd[idx].revents;
	if (rev & POLLIN)
		r |= SLIRP_POLL_IN;
	if (rev & POLLOUT)
		r |= SLIRP_POLL_OUT;
	if (rev & POLLPRI)
		r |= SLIRP_POLL_PRI;
	if (rev & POLLERR)
		r |= SLIRP_POLL_ERR;
	if (rev & POLLHUP)
		r |= SLIRP_POLL_HUP;
	return r;
}

/* Run the timers that are due; the ms until the next one (or `cap`). */
static uint32_t nat_timers_run(struct netnat *n, uint32_t cap)
{
	int64_t now = nat_now_ns() / 1000000;

	for (unsigned i = 0; i < NAT_TIMERS; i++) {
		struct nat_timer *t = &n->timers[i];

		if (!t->used || !t->armed)
			continue;
		if (t->expire_ms <= now) {
			t->armed = false;
			slirp_handle_timer(n->slirp, t->id, t->cb_opaque);
		} else if (t->expire_ms - now < cap) {
			cap = (uint32_t)(t->expire_ms - now);
		}
	}
	return cap;
}

static void *nat_thread(void *arg)
{
	struct netnat *n = arg;

	while (!io_thread_stop_requested(&n->thread)) {
		uint32_t timeout = NAT_POLL_MAX_MS;
		uint64_t v;
		int r;

		n->npfd = 0;
		nat_add_poll(n->efd, SLIRP_POLL_IN, n);
		nat_add_poll(n->thread.stop_efd, SLIRP_POLL_IN, n);
		slirp_pollfds_fill(n->slirp, &timeout, nat_add_poll, n);
		timeout = nat_timers_run(n, timeout);
		r = poll(n->pfd, n->npfd, (int)timeout);
		slirp_pollfds_poll(n->slirp, r < 0, nat_get_revents, n);
		if (n->npfd && (n->pfd[0].revents & POLLIN) &&
		    read(n->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		nat_drain(n);
		nat_timers_run(n, 0);
	}
	return NULL;
}

/* QEMU's user network: 10.0.2.0/24, host 10.0.2.2, DNS 10.0.2.3. */
static Slirp *nat_slirp_new(struct netnat *n)
{
	SlirpConfig c = { .version = 4 };

	c.in_enabled = true;
	inet_aton("10.0.2.0", &c.vnetwork);
	inet_aton("255.255.255.0", &c.vnetmask);
	inet_aton("10.0.2.2", &c.vhost);
	inet_aton("10.0.2.15", &c.vdhcp_start);
	inet_aton("10.0.2.3", &c.vnameserver);
	c.vhostname = "atoll";
	return slirp_new(&c, &nat_callbacks, n);
}

/* Every rule, or one line naming the first that cannot be set up. */
static int nat_add_fwds(struct netnat *n, const struct netnat_config *cfg)
{
	for (unsigned i = 0; i < cfg->nr_fwd; i++) {
		const struct netnat_fwd *f = &cfg->fwd[i];
		char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN];

		if (!slirp_add_hostfwd(n->slirp, f->udp, f->host_addr,
				       f->host_port, f->guest_addr,
				       f->guest_port))
			continue;
		inet_ntop(AF_INET, &f->host_addr, host, sizeof(host));
		inet_ntop(AF_INET, &f->guest_addr, guest, sizeof(guest));
		log_error("hostfwd %s:%s:%u-%s:%u: cannot listen on host "
			  "port %u (in use, or not allowed)",
			  f->udp ? "udp" : "tcp", host, f->host_port, guest,
			  f->guest_port, f->host_port);
		return -EADDRINUSE;
	}
	return 0;
}

int netnat_start(struct vswitch *sw, const struct netnat_config *cfg,
		 struct netnat **out)
{
	struct netnat *n = calloc(1, sizeof(*n));
	int err = -ENOMEM;

	if (n) {
		n->efd = -1;
		io_thread_clear(&n->thread);
	}
	if (!n || !(n->queue = calloc(NAT_QUEUE, sizeof(*n->queue)))) {
		log_error("nat: out of memory");
		goto err;
	}
	pthread_mutex_init(&n->lock, NULL);
	n->lock_ready = true;
	n->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->efd < 0) {
		err = -errno;
		log_error("nat: eventfd: %s", strerror(-err));
		goto err;
	}
	n->slirp = nat_slirp_new(n);
	if (!n->slirp) {
		log_error("nat: libslirp refused its configuration");
		goto err;
	}
	err = nat_add_fwds(n, cfg);
	if (err)
		goto err;
	n->port = vswitch_port_add(sw, "nat", &nat_port_ops, n);
	if (!n->port) {
		err = -ENOSPC;
		log_error("nat: no free port on the virtual switch");
		goto err;
	}
	err = io_thread_start(&n->thread, nat_thread, n);
	if (err) {
		log_error("nat: cannot start its thread: %s", strerror(-err));
		goto err;
	}
	*out = n;
	return 0;
err:
	netnat_stop(n);
	return err;
}

void netnat_stop(struct netnat *n)
{
	if (!n)
		return;
	/* The thread first: it sends slirp's output from n->port, which
	 * the removal frees (a send racing it read a freed port at exit). */
	io_thread_destroy(&n->thread);
	if (n->port)
		vswitch_port_remove(n->port); /* no deliver after this */
	if (n->slirp)
		slirp_cleanup(n->slirp);
	if (n->efd >= 0)
		close(n->efd);
	if (n->lock_ready)
		pthread_mutex_destroy(&n->lock);
	free(n->pfd);
	free(n->queue);
	free(n);
}

void netnat_get_stats(struct netnat *n, struct netnat_stats *st)
{
	pthread_mutex_lock(&n->lock);
	st->to_slirp = n->st.to_slirp;
	st->from_slirp = n->st.from_slirp;
	st->drops = n->st.drops;
	pthread_mutex_unlock(&n->lock);
}
