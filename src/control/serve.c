/* The accept/poll loop of the control socket
 * (serve.h).  Reading requests costs no thread: every client is a buffer
 * and a deadline in one poll set.  Answering may wait (destroy joins a
 * domain's threads, a client reads its reply slowly), so it runs on a
 * detached handler thread, a bounded number at a time. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "control/serve.h"
#include "lib/log.h"

struct client {
	int fd;
	char *buf;
	size_t n, cap; /* cap includes the terminating NUL */
	struct timespec t0; /* accepted: the deadline counts from here */
	long ready; /* >= 0: complete, waiting for a handler slot */
};

struct serve {
	const struct serve_ops *ops;
	void *ctx;
	int lfd, wake_fd;
	pthread_t thread;
	pthread_mutex_t lock; /* active, stopping */
	pthread_cond_t idle;
	unsigned active; /* handler threads running */
	bool stopping;
	unsigned nr;
	struct client cl[SERVE_CLIENTS];
};

struct job {
	struct serve *s;
	struct conn c;
	char *buf;
	size_t len;
};

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void wake(struct serve *s)
{
	uint64_t one = 1;

	if (write(s->wake_fd, &one, sizeof(one)) != sizeof(one))
		log_error("%s: cannot wake its thread", s->ops->name);
}

static void client_drop(struct serve *s, unsigned i)
{
	close(s->cl[i].fd);
	free(s->cl[i].buf);
	s->cl[i] = s->cl[--s->nr];
}

/* The client accepted first: the one a full table or fd limit evicts. */
static unsigned client_oldest(const struct serve *s)
{
	unsigned o = 0;

	for (unsigned i = 1; i < s->nr; i++)
		if (s->cl[i].t0.tv_sec < s->cl[o].t0.tv_sec ||
		    (s->cl[i].t0.tv_sec == s->cl[o].t0.tv_sec &&
		     s->cl[i].t0.tv_nsec < s->cl[o].t0.tv_nsec))
			o = i;
	return o;
}

static void *job_main(void *arg)
{
	struct job *j = arg;
	struct serve *s = j->s;

	if (!s->ops->handle(s->ctx, &j->c, j->buf, j->len))
		close(j->c.fd);
	free(j->buf);
	free(j);
	/* The last touch of s: serve_stop frees it once active is 0. */
	pthread_mutex_lock(&s->lock);
	s->active--;
	pthread_cond_broadcast(&s->idle);
	wake(s); /* a request may be waiting for this slot */
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Hand client i's complete request to a handler thread if a slot is
 * free.  Returns true if the client left the poll set. */
static bool client_dispatch(struct serve *s, unsigned i)
{
	struct client *cl = &s->cl[i];
	struct job *j;
	pthread_attr_t a;
	pthread_t t;
	int err;

	pthread_mutex_lock(&s->lock);
	if (s->active >= SERVE_HANDLERS) {
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	s->active++;
	pthread_mutex_unlock(&s->lock);
	j = malloc(sizeof(*j));
	err = ENOMEM;
	if (j) {
		*j = (struct job){ s,
				   { cl->fd, cl->t0, s->ops->client_ms },
				   cl->buf,
				   (size_t)cl->ready };
		pthread_attr_init(&a);
		pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
		err = pthread_create(&t, &a, job_main, j);
		pthread_attr_destroy(&a);
	}
	if (!err) {
		cl->buf = NULL; /* the job's now, as the fd */
		s->cl[i] = s->cl[--s->nr];
		return true;
	}
	free(j);
	pthread_mutex_lock(&s->lock);
	s->active--;
	pthread_mutex_unlock(&s->lock);
	log_error("%s: cannot start a handler: %s", s->ops->name,
		  strerror(err));
	client_drop(s, i);
	return true;
}

/* Read what client i sent.  Returns false if it was dropped. */
static bool client_read(struct serve *s, unsigned i)
{
	struct client *cl = &s->cl[i];
	size_t max = s->ops->req_max;
	bool eof = false;
	ssize_t r;
	long done;
	char *nb;

	if (cl->n + 1 == cl->cap && cl->n < max) {
		size_t cap = cl->cap * 2 > max + 1 ? max + 1 : cl->cap * 2;

		nb = realloc(cl->buf, cap);
		if (!nb) {
			client_drop(s, i);
			return false;
		}
		cl->buf = nb;
		cl->cap = cap;
	}
	r = recv(cl->fd, cl->buf + cl->n, cl->cap - 1 - cl->n, MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (r < 0) {
		client_drop(s, i);
		return false;
	}
	eof = r == 0;
	cl->n += (size_t)r;
	cl->buf[cl->n] = 0;
	done = s->ops->complete(cl->buf, cl->n, eof, cl->n == max);
	if (done == SERVE_MORE && !eof && cl->n < max)
		return true;
	if (done < 0) {
		client_drop(s, i);
		return false;
	}
	cl->ready = done;
	return true;
}

/* Take every waiting connection; a full table evicts its oldest. */
static void serve_accept(struct serve *s)
{
	struct client *cl;
	int fd;

	for (;;) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE) && s->nr) {
			client_drop(s, client_oldest(s)); /* room for one */
			continue;
		}
		if (fd < 0 && (errno == EMFILE || errno == ENFILE))
			nanosleep(&(struct timespec){ .tv_nsec = 50000000 },
				  NULL); /* do not spin on the backlog */
		if (fd < 0)
			return;
		if (s->ops->admit && !s->ops->admit(s->ctx, fd)) {
			close(fd);
			continue;
		}
		if (s->nr == SERVE_CLIENTS)
			client_drop(s, client_oldest(s));
		cl = &s->cl[s->nr];
		*cl = (struct client){ .fd = fd, .ready = -1, .cap = 512 };
		cl->buf = malloc(cl->cap);
		if (!cl->buf) {
			close(fd);
			return;
		}
		clock_gettime(CLOCK_MONOTONIC, &cl->t0);
		s->nr++;
	}
}

/* Drop clients past their deadline; the poll timeout until the next. */
static int serve_expire(struct serve *s)
{
	long left, next = -1;

	for (unsigned i = 0; i < s->nr;) {
		left = s->ops->client_ms - ms_since(&s->cl[i].t0);
		if (left <= 0) {
			client_drop(s, i);
			continue;
		}
		if (next < 0 || left < next)
			next = left;
		i++;
	}
	return (int)next;
}

static void *serve_main(void *arg)
{
	struct serve *s = arg;
	struct pollfd p[SERVE_CLIENTS + 2];
	unsigned idx[SERVE_CLIENTS], np, i;
	uint64_t v;
	bool stop;
	int timeout;

	for (;;) {
		for (i = 0; i < s->nr;) /* answer what waited for a slot */
			if (s->cl[i].ready < 0 || !client_dispatch(s, i))
				i++;
		timeout = serve_expire(s);
		p[0] = (struct pollfd){ .fd = s->wake_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		np = 2;
		for (i = 0; i < s->nr; i++)
			if (s->cl[i].ready < 0) {
				idx[np - 2] = i;
				p[np++] = (struct pollfd){ .fd = s->cl[i].fd,
							   .events = POLLIN };
			}
		if (poll(p, np, timeout) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			if (read(s->wake_fd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				break;
			pthread_mutex_lock(&s->lock);
			stop = s->stopping;
			pthread_mutex_unlock(&s->lock);
			if (stop)
				break;
		}
		/* Clients first, from the last: a drop moves the last slot
		 * into the dropped one, which was already looked at. */
		for (i = np; i-- > 2;)
			if (p[i].revents)
				client_read(s, idx[i - 2]);
		if (p[1].revents & POLLIN)
			serve_accept(s);
	}
	return NULL;
}

int serve_start(int lfd, const struct serve_ops *ops, void *ctx,
		struct serve **out)
{
	struct serve *s = calloc(1, sizeof(*s));
	int err;

	if (!s) {
		close(lfd);
		return -ENOMEM;
	}
	s->ops = ops;
	s->ctx = ctx;
	s->lfd = lfd;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->wake_fd < 0) {
		err = -errno;
		goto err;
	}
	err = -pthread_create(&s->thread, NULL, serve_main, s);
	if (err)
		goto err;
	*out = s;
	return 0;
err:
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	close(lfd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s);
	return err;
}

void serve_stop(struct serve *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	wake(s);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	while (s->nr)
		client_drop(s, 0);
	pthread_mutex_lock(&s->lock);
	while (s->active)
		pthread_cond_wait(&s->idle, &s->lock);
	pthread_mutex_unlock(&s->lock);
	close(s->lfd);
	close(s->wake_fd);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s);
}
