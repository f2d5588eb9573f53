/* Host console: stdout for output; stdin read on one thread into a ring per
 * open port that the guest-visible consoles drain.  Raw mode follows QEMU's -nographic stdio
 * (no echo, no line editing, no signals from keys; output post-processing
 * kept so a bare "\n" still starts a new line). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "lib/log.h"
#include "io/hostcon.h"
#include "io/io_thread.h"

#define HOSTCON_RING 4096
#define HOSTCON_ESC 0x01 /* Ctrl-A, as QEMU */
#define HOSTCON_LINE 256 /* prefixed output: longest line kept whole */
#define HOSTCON_PREFIX 40

/* One reader of the input: its copy of every byte since it opened. */
struct hostcon_port {
	struct chardev cd; /* ctx: this port */
	struct hostcon *c;
	bool open; /* under c->lock */
	uint8_t ring[HOSTCON_RING];
	size_t head, count; /* next byte to hand out; bytes buffered */
	void (*ready)(void *arg); /* under c->ready_lock */
	void *ready_arg;
};

struct hostcon {
	const struct hostcon_ops *ops;
	void *ctx;
	int in_fd, out_fd;
	struct io_thread reader; /* its stop eventfd wakes it out of poll() */
	bool stopping;
	bool escape; /* the previous input byte was Ctrl-A */
	pthread_mutex_t lock; /* the ports' rings */
	pthread_cond_t space; /* the lead port's ring has room again */
	struct hostcon_port port[HOSTCON_PORTS];
	unsigned lead; /* the port flow control follows */
	pthread_mutex_t ready_lock; /* the ports' ready calls */

	bool no_input; /* another console owns the terminal */
	char prefix[HOSTCON_PREFIX]; /* "" for none */
	size_t prefix_len;
	char line[HOSTCON_PREFIX + HOSTCON_LINE]; /* prefix + pending line */
	size_t line_len; /* bytes of line[] in use, prefix included */

	/* The client of `atoll console` (hostcon_attach). */
	pthread_mutex_t att_lock; /* att_fd against writers and detach */
	_Atomic int att_fd; /* -1: none */
	struct io_thread
		att; /* its reader (it may have ended): stop = detach */
};

/* Whole prefixed lines go out one at a time, whichever console they
 * belong to. */
static pthread_mutex_t hostcon_out_lock = PTHREAD_MUTEX_INITIALIZER;

/* The terminal is process-wide, so is the copy needed to restore it; an
 * atexit hook restores it even if something calls exit() on the way. */
static struct termios saved_tio;
static bool tio_saved;

static void hostcon_restore_tty(void)
{
	if (tio_saved) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
		tio_saved = false;
	}
}

static int hostcon_raw_tty(void)
{
	static bool hooked;
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		return -errno;
	t = saved_tio;
	t.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR |
		       ICRNL | IXON);
	t.c_oflag |= OPOST;
	t.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
	t.c_cflag &= ~(CSIZE | PARENB);
	t.c_cflag |= CS8;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (!hooked && atexit(hostcon_restore_tty) == 0)
		hooked = true;
	tio_saved = true;
	if (tcsetattr(STDIN_FILENO, TCSADRAIN, &t) < 0) {
		tio_saved = false;
		return -errno;
	}
	return 0;
}

static const struct chardev_ops hostcon_port_ops;

int hostcon_create(struct hostcon **out, const struct hostcon_ops *ops,
		   void *ctx)
{
	struct hostcon *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->ops = ops;
	c->ctx = ctx;
	c->in_fd = STDIN_FILENO;
	c->out_fd = STDOUT_FILENO;
	io_thread_clear(&c->reader);
	c->att_fd = -1;
	io_thread_clear(&c->att);
	for (unsigned i = 0; i < HOSTCON_PORTS; i++)
		c->port[i] = (struct hostcon_port){
			{ &hostcon_port_ops, &c->port[i] }, c
		};
	c->port[HOSTCON_PORT_BOARD].open = true;
	pthread_mutex_init(&c->lock, 0);
	pthread_mutex_init(&c->att_lock, 0);
	pthread_mutex_init(&c->ready_lock, 0);
	pthread_cond_init(&c->space, 0);
	*out = c;
	return 0;
}

/* Room for input, lock held: the lead port's (see hostcon_port). */
static size_t hostcon_room_locked(const struct hostcon *c)
{
	return HOSTCON_RING - c->port[c->lead].count;
}

/* Buffer one input byte for every open port: full means the oldest byte
 * is dropped (never the lead port's: room was checked), never a stalled
 * reader.  Lock held. */
static void hostcon_put(struct hostcon *c, uint8_t b)
{
	for (unsigned i = 0; i < HOSTCON_PORTS; i++) {
		struct hostcon_port *p = &c->port[i];

		if (!p->open)
			continue;
		if (p->count == HOSTCON_RING) {
			p->head = (p->head + 1) % HOSTCON_RING;
			p->count--;
		}
		p->ring[(p->head + p->count) % HOSTCON_RING] = b;
		p->count++;
	}
}

/* Tell every port's reader that input arrived. */
static void hostcon_notify(struct hostcon *c)
{
	pthread_mutex_lock(&c->ready_lock);
	for (unsigned i = 0; i < HOSTCON_PORTS; i++)
		if (c->port[i].ready)
			c->port[i].ready(c->port[i].ready_arg);
	pthread_mutex_unlock(&c->ready_lock);
}

/* Put one input byte through the Ctrl-A escape.  Returns 1 if it was
 * buffered, -1 if the user asked to quit, 0 otherwise.  Lock held. */
static int hostcon_feed_byte(struct hostcon *c, uint8_t b)
{
	if (c->escape) {
		c->escape = false;
		if (b == 'x' || b == 'X')
			return -1;
		if (b == 'h' || b == 'H') {
			fprintf(stderr, "\r\nC-a h    print this help\r\n"
					"C-a x    exit atoll\r\n"
					"C-a C-a  send C-a\r\n");
			return 0;
		}
		if (b != HOSTCON_ESC)
			return 0;
	} else if (b == HOSTCON_ESC) {
		c->escape = true;
		return 0;
	}
	hostcon_put(c, b);
	return 1;
}

/* Buffer n bytes (the caller read no more than the free space). */
static void hostcon_feed(struct hostcon *c, const uint8_t *buf, size_t n)
{
	bool got = false, quit = false;

	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < n && !quit; i++) {
		int r = hostcon_feed_byte(c, buf[i]);
		got |= r > 0;
		quit |= r < 0;
	}
	pthread_mutex_unlock(&c->lock);
	if (got)
		hostcon_notify(c);
	if (quit && c->ops->quit)
		c->ops->quit(c->ctx);
}

/* Wait until the ring has room; returns the room, or 0 when stopping. */
static size_t hostcon_wait_space(struct hostcon *c)
{
	size_t room;

	pthread_mutex_lock(&c->lock);
	while (!c->stopping && !hostcon_room_locked(c))
		pthread_cond_wait(&c->space, &c->lock);
	room = c->stopping ? 0 : hostcon_room_locked(c);
	pthread_mutex_unlock(&c->lock);
	return room;
}

static void *hostcon_reader(void *arg)
{
	struct hostcon *c = arg;
	struct pollfd pfd[2] = { { .fd = c->in_fd, .events = POLLIN },
				 { .fd = c->reader.stop_efd,
				   .events = POLLIN } };
	uint8_t buf[256];
	size_t room;

	while ((room = hostcon_wait_space(c)) != 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		ssize_t n = read(c->in_fd, buf,
				 room < sizeof(buf) ? room : sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break; /* end of input: the guest just sees none */
		hostcon_feed(c, buf, (size_t)n);
	}
	return 0;
}

/* Only touch the terminal when it is ours: a background job that changed
 * the modes would be stopped by SIGTTOU, and reading stops it by SIGTTIN. */
static bool hostcon_foreground(void)
{
	return isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
}

int hostcon_configure(struct hostcon *c, const char *prefix, bool input)
{
	c->no_input = !input;
	c->prefix_len = 0;
	if (prefix && *prefix) {
		int n = snprintf(c->prefix, sizeof(c->prefix), "%s| ", prefix);
		c->prefix_len = n < (int)sizeof(c->prefix)
					? (size_t)n
					: sizeof(c->prefix) - 1;
	}
	return 0;
}

int hostcon_start(struct hostcon *c)
{
	int err;

	if (c->no_input)
		return 0;
	if (isatty(STDIN_FILENO) && !hostcon_foreground())
		return 0; /* no input at all */
	if (isatty(STDIN_FILENO)) {
		err = hostcon_raw_tty();
		if (err < 0)
			return err;
	}
	err = io_thread_start(&c->reader, hostcon_reader, c);
	if (err < 0) {
		hostcon_restore_tty();
		io_thread_destroy(&c->reader);
	}
	return err;
}

static void hostcon_detach(struct hostcon *c);

void hostcon_stop(struct hostcon *c)
{
	hostcon_detach(c);

	/* Out of its wait for room first, then out of poll(). */
	if (c->reader.started) {
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		pthread_cond_broadcast(&c->space);
		pthread_mutex_unlock(&c->lock);
	}
	io_thread_destroy(&c->reader);
	hostcon_restore_tty();
}

static ssize_t hostcon_write_raw(struct hostcon *c, const void *buf, size_t n);

/* Write out the pending prefixed line.  hostcon_out_lock held. */
static void hostcon_flush_line(struct hostcon *c)
{
	if (c->line_len > c->prefix_len)
		hostcon_write_raw(c, c->line, c->line_len);
	c->line_len = 0;
}

void hostcon_destroy(struct hostcon *c)
{
	if (!c)
		return;
	hostcon_stop(c);
	pthread_mutex_lock(&hostcon_out_lock);
	if (c->line_len) { /* the guest's last words, even without "\n" */
		c->line[c->line_len++] = '\n';
		hostcon_flush_line(c);
	}
	pthread_mutex_unlock(&hostcon_out_lock);
	pthread_cond_destroy(&c->space);
	pthread_mutex_destroy(&c->ready_lock);
	pthread_mutex_destroy(&c->att_lock);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

static ssize_t hostcon_write_raw(struct hostcon *c, const void *buf, size_t n)
{
	const uint8_t *p = buf;
	size_t done = 0;

	while (done < n) {
		ssize_t r = write(c->out_fd, p + done, n - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = c->out_fd,
					      .events = POLLOUT };
			poll(&pfd, 1, 100);
			continue;
		}
		if (r <= 0)
			return done ? (ssize_t)done : r < 0 ? -errno : -EIO;
		done += (size_t)r;
	}
	return (ssize_t)done;
}

/* Collect bytes into lines that start with the prefix; a line longer
 * than HOSTCON_LINE goes out in pieces, each prefixed. */
static ssize_t hostcon_write_prefixed(struct hostcon *c, const uint8_t *p,
				      size_t n)
{
	pthread_mutex_lock(&hostcon_out_lock);
	for (size_t i = 0; i < n; i++) {
		if (c->line_len == 0) {
			memcpy(c->line, c->prefix, c->prefix_len);
			c->line_len = c->prefix_len;
		}
		c->line[c->line_len++] = (char)p[i];
		if (p[i] == '\n' || c->line_len == sizeof(c->line))
			hostcon_flush_line(c);
	}
	pthread_mutex_unlock(&hostcon_out_lock);
	return (ssize_t)n;
}

/* Copy output to the attached client.  Never blocks: a client that does
 * not keep up loses bytes rather than stalling the vCPU that writes. */
static void hostcon_copy_out(struct hostcon *c, const void *buf, size_t n)
{
	if (atomic_load_explicit(&c->att_fd, memory_order_relaxed) < 0)
		return;
	pthread_mutex_lock(&c->att_lock);
	if (c->att_fd >= 0 &&
	    send(c->att_fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
	    errno != EAGAIN)
		shutdown(c->att_fd, SHUT_RDWR); /* the reader then detaches */
	pthread_mutex_unlock(&c->att_lock);
}

/* Output of every port. */
static ssize_t hostcon_write(struct hostcon *c, const void *buf, size_t n)
{
	hostcon_copy_out(c, buf, n);
	if (c->prefix_len)
		return hostcon_write_prefixed(c, buf, n);
	return hostcon_write_raw(c, buf, n);
}

/* The chardev's read: take from this port's copy of the input. */
static size_t hostcon_port_read(void *ctx, void *buf, size_t n)
{
	struct hostcon_port *p = ctx;
	struct hostcon *c = p->c;
	uint8_t *out = buf;
	size_t got = 0;

	pthread_mutex_lock(&c->lock);
	while (got < n && p->count) {
		out[got++] = p->ring[p->head];
		p->head = (p->head + 1) % HOSTCON_RING;
		p->count--;
	}
	if (got)
		pthread_cond_signal(&c->space);
	pthread_mutex_unlock(&c->lock);
	return got;
}

static ssize_t hostcon_port_write(void *ctx, const void *buf, size_t n)
{
	struct hostcon_port *p = ctx;

	return hostcon_write(p->c, buf, n);
}

static void hostcon_port_set_ready(void *ctx, void (*ready)(void *arg),
				   void *arg)
{
	struct hostcon_port *p = ctx;

	pthread_mutex_lock(&p->c->ready_lock);
	if (ready || p->ready_arg == arg) {
		p->ready = ready;
		p->ready_arg = ready ? arg : NULL;
	}
	pthread_mutex_unlock(&p->c->ready_lock);
}

static const struct chardev_ops hostcon_port_ops = {
	.write = hostcon_port_write,
	.read = hostcon_port_read,
	.set_ready = hostcon_port_set_ready,
};

struct chardev *hostcon_port(struct hostcon *c, enum hostcon_port_id i)
{
	pthread_mutex_lock(&c->lock);
	if (!c->port[i].open) {
		c->port[i].open = true;
		c->lead = i;
	}
	pthread_mutex_unlock(&c->lock);
	return &c->port[i].cd;
}

/* Bytes from the client, as typed input but without the Ctrl-A escape
 * (the client detaches itself; it may not stop atoll).  At most the free
 * room of the ring is passed. */
static void hostcon_feed_raw(struct hostcon *c, const uint8_t *buf, size_t n)
{
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < n && hostcon_room_locked(c); i++)
		hostcon_put(c, buf[i]);
	pthread_mutex_unlock(&c->lock);
	hostcon_notify(c);
}

/* Free room of the input ring (0: full). */
static size_t hostcon_room(struct hostcon *c)
{
	size_t room;

	pthread_mutex_lock(&c->lock);
	room = hostcon_room_locked(c);
	pthread_mutex_unlock(&c->lock);
	return room;
}

/* The client's reader: its bytes become input until it closes, fails or
 * is told to stop; then it is detached (socket closed). */
static void *hostcon_att_reader(void *arg)
{
	struct hostcon *c = arg;
	struct pollfd pfd[2] = { { .fd = c->att_fd, .events = POLLIN },
				 { .fd = c->att.stop_efd, .events = POLLIN } };
	uint8_t buf[256];
	size_t room;
	ssize_t n;

	for (;;) {
		room = hostcon_room(c);
		/* A full ring: wait for the guest to read, still stoppable. */
		if ((room ? poll(pfd, 2, -1) : poll(&pfd[1], 1, 20)) < 0 &&
		    errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!room || !(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = recv(c->att_fd, buf,
			 room < sizeof(buf) ? room : sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			break;
		hostcon_feed_raw(c, buf, (size_t)n);
	}
	pthread_mutex_lock(&c->att_lock);
	close(c->att_fd);
	c->att_fd = -1;
	pthread_mutex_unlock(&c->att_lock);
	return NULL;
}

int hostcon_attach(struct hostcon *c, int fd)
{
	int err;

	if (hostcon_attached(c))
		return -EBUSY;
	io_thread_stop(&c->att); /* a client that left: join its reader */
	c->att_fd = fd;
	err = io_thread_start(&c->att, hostcon_att_reader, c);
	if (err)
		c->att_fd = -1;
	return err;
}

bool hostcon_attached(struct hostcon *c)
{
	return atomic_load(&c->att_fd) >= 0;
}

/* Detach the client (if any) and wait for its reader. */
static void hostcon_detach(struct hostcon *c)
{
	io_thread_destroy(&c->att);
}
