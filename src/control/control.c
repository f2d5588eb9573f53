/* The control socket: a Unix-domain stream socket served by a thread of its
 * own, one request and one reply per connection (control_cmd.c answers).
 * A client is hostile or may simply hang: its request is bounded in size
 * and time, so one client cannot stall the socket for long. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "control/conn_io.h"
#include "control/control.h"
#include "control/control_cmd.h"
#include "control/control_console.h"

/* How long one client may take to send its request or read the reply. */
#define CONTROL_CLIENT_MS 2000

struct control {
	struct host *h;
	int lfd; /* listening socket */
	int wake_fd; /* eventfd: control_stop wakes the thread */
	pthread_t thread;
	dev_t dev; /* the socket file we bound, to unlink only that */
	ino_t ino;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

const char *control_default_path(void)
{
	static char buf[PATH_MAX];
	const char *s = getenv("ATOLL_SOCKET");
	const char *run = getenv("XDG_RUNTIME_DIR");

	if (s && *s)
		return s;
	if (run && *run &&
	    snprintf(buf, sizeof(buf), "%s/atoll.sock", run) < (int)sizeof(buf))
		return buf;
	snprintf(buf, sizeof(buf), "/tmp/atoll-%u.sock", (unsigned)getuid());
	return buf;
}

/* Read the request: up to a newline or the end of the stream.  Returns its
 * length (without what follows a newline); CONTROL_REQUEST_MAX + 1 if too
 * long; -1 on error or timeout. */
static long client_read(struct conn *c, char *buf)
{
	size_t n = 0;
	long r;
	char *nl;

	while (n <= CONTROL_REQUEST_MAX) {
		r = conn_recv(c, buf + n, CONTROL_REQUEST_MAX + 1 - n);
		if (r < 0)
			return -1;
		if (r == 0)
			return (long)n;
		nl = memchr(buf + n, '\n', (size_t)r);
		if (nl)
			return nl - buf;
		n += (size_t)r;
	}
	return (long)n;
}

/* One connection: request, reply.  Returns true if the connection became
 * a console stream (then it is not ours to close). */
static bool control_serve(struct control *c, int fd, char *buf)
{
	struct conn conn;
	struct domain *attach = NULL;
	long n;
	char *reply;

	conn_begin(&conn, fd, CONTROL_CLIENT_MS);
	n = client_read(&conn, buf);
	if (n < 0)
		return false;
	reply = control_handle_conn(c->h, buf, (size_t)n, &attach);
	if (reply)
		conn_send(&conn, reply, strlen(reply));
	free(reply);
	return reply && attach && !control_console_attach(c->h, attach, fd);
}

static void *control_thread(void *arg)
{
	struct control *c = arg;
	struct pollfd p[2] = { { .fd = c->lfd, .events = POLLIN },
			       { .fd = c->wake_fd, .events = POLLIN } };
	char *buf = malloc(CONTROL_REQUEST_MAX + 1);
	int fd;

	while (buf) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {
			/* Out of descriptors: the client stays queued;
			 * do not spin on it. */
			nanosleep(&(struct timespec){ .tv_nsec = 50000000 },
				  NULL);
			continue;
		}
		if (fd < 0)
			continue; /* the client went away */
		if (!control_serve(c, fd, buf))
			close(fd);
	}
	free(buf);
	return NULL;
}

static int control_addr(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof(*a));
	a->sun_family = AF_UNIX;
	if (!*path || strlen(path) >= sizeof(a->sun_path)) {
		log_error("control socket path '%s' is empty or longer than "
			  "%zu bytes",
			  path, sizeof(a->sun_path) - 1);
		return -ENAMETOOLONG;
	}
	memcpy(a->sun_path, path, strlen(path));
	return 0;
}

/* Make the path free for us: refuse if an atoll (or anything) answers
 * there or it is not a socket; remove a stale socket file. */
static int control_claim(const char *path, const struct sockaddr_un *a)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		log_error("control socket %s: exists and is not a socket",
			  path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	close(fd);
	if (!r) {
		log_error("control socket %s: another atoll is running there",
			  path);
		return -EADDRINUSE;
	}
	if (errno != ECONNREFUSED)
		return -errno;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/* Socket bound, listening, private to the user. */
static int control_listen(struct control *c, const struct sockaddr_un *a)
{
	struct stat st;
	int r;

	c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->lfd < 0)
		return -errno;
	if (bind(c->lfd, (const struct sockaddr *)a, sizeof(*a)))
		return -errno;
	if (chmod(c->path, 0600) || stat(c->path, &st))
		goto err_unlink;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (listen(c->lfd, 16))
		goto err_unlink;
	return 0;
err_unlink:
	r = -errno;
	unlink(c->path);
	return r;
}

int control_start(struct host *h, const char *path, struct control **out)
{
	struct sockaddr_un a;
	struct control *c;
	int r;

	r = control_addr(path, &a);
	if (r)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->h = h;
	c->lfd = c->wake_fd = -1;
	memcpy(c->path, a.sun_path, sizeof(c->path));
	r = control_claim(path, &a);
	if (r == -EEXIST || r == -EADDRINUSE)
		goto err_free;
	if (!r)
		r = control_listen(c, &a);
	if (r)
		goto err_report;
	c->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (c->wake_fd < 0) {
		r = -errno;
		goto err_unlink;
	}
	r = -pthread_create(&c->thread, NULL, control_thread, c);
	if (r)
		goto err_unlink;
	*out = c;
	return 0;
err_unlink:
	unlink(c->path);
err_report:
	log_error("control socket %s: %s", path, strerror(-r));
err_free:
	if (c->wake_fd >= 0)
		close(c->wake_fd);
	if (c->lfd >= 0)
		close(c->lfd);
	free(c);
	return r;
}

void control_stop(struct control *c)
{
	uint64_t one = 1;
	struct stat st;

	if (!c)
		return;
	if (write(c->wake_fd, &one, sizeof(one)) != sizeof(one))
		log_error("control socket %s: cannot stop its thread", c->path);
	pthread_join(c->thread, NULL);
	/* Only our own socket: never one that replaced it. */
	if (!stat(c->path, &st) && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	close(c->lfd);
	close(c->wake_fd);
	free(c);
}
