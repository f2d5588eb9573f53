/* The control socket: a Unix-domain stream socket, one request and one
 * reply per connection (control_cmd.c answers), served by the shared loop
 * (serve.c).  A client is hostile or may simply hang: its request is
 * bounded in size and time and answered apart from the others, so no
 * client can stall the socket.  Who may connect: control_sock.h. */
#define _GNU_SOURCE /* accept4 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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
#include "control/control_sock.h"
#include "control/serve.h"

/* How long one client may take to send its request and read the reply. */
#define CONTROL_CLIENT_MS 2000

struct control {
	struct host *h;
	int lfd; /* listening socket, until control_serve takes it */
	struct serve *srv;
	bool refused_logged; /* a client of another uid: said once */
	bool beside; /* the default was taken: atoll-PID.sock */
	dev_t dev; /* the socket file we bound, to unlink only that */
	ino_t ino;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

/* The request: up to a newline or the end of the stream; one too long is
 * handed on at CONTROL_REQUEST_MAX + 1 bytes for control_handle to refuse. */
static long control_complete(const char *buf, size_t n, bool eof, bool full)
{
	const char *nl = memchr(buf, '\n', n);

	if (nl)
		return nl - buf;
	return eof || full ? (long)n : SERVE_MORE;
}

/* Only our own uid, or root, may drive us (the socket's mode says so too;
 * this holds even if someone loosens it). */
static bool control_admit(void *ctx, int fd)
{
	struct control *c = ctx;
	uid_t uid;

	if (!control_peer_uid(fd, &uid) && (uid == geteuid() || uid == 0))
		return true;
	if (!c->refused_logged) {
		c->refused_logged = true;
		log_warn("control socket %s: refused a client of uid %d "
			 "(only uid %u or root may connect)",
			 c->path, uid == (uid_t)-1 ? -1 : (int)uid,
			 (unsigned)geteuid());
	}
	return false;
}

/* One request, one reply; true if the connection became a console
 * stream (then it is not ours to close). */
static bool control_answer(void *ctx, struct conn *conn, char *req, size_t len)
{
	struct control *c = ctx;
	struct domain *attach = NULL;
	char *reply = control_handle_conn(c->h, req, len, &attach);

	if (reply)
		conn_send(conn, reply, strlen(reply));
	free(reply);
	return reply && attach &&
	       !control_console_attach(c->h, attach, conn->fd);
}

static const struct serve_ops control_ops = {
	.name = "control socket",
	.req_max = CONTROL_REQUEST_MAX + 1,
	.client_ms = CONTROL_CLIENT_MS,
	.complete = control_complete,
	.admit = control_admit,
	.handle = control_answer,
};

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
 * there (-EADDRINUSE, nothing printed), if it is not a socket or not ours
 * (one line); remove a stale socket file of ours. */
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
	if (st.st_uid != geteuid()) {
		log_error("control socket %s: belongs to uid %u, not to you "
			  "(uid %u): refusing to replace it",
			  path, (unsigned)st.st_uid, (unsigned)geteuid());
		return -EPERM;
	}
	/* Never blocking: a live atoll too busy to accept (under callgrind,
	 * or a loaded host) fills its backlog, and a blocking connect would
	 * then wait with the directory locked, failing every atoll starting
	 * beside it ("stays locked").  A full backlog means someone
	 * listens. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)a, sizeof(*a));
	r = r ? -errno : 0;
	close(fd);
	if (!r || r == -EAGAIN)
		return -EADDRINUSE;
	/* Gone since the lstat: an atoll ending there removed its own (its
	 * unlink does not take our lock).  The path is free. */
	if (r == -ENOENT)
		return 0;
	if (r != -ECONNREFUSED)
		return r;
	/* A killed atoll's socket: nobody listens, it is ours. */
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
	/* Created 0600 (umask), not chmod'ed after: no window in which
	 * another user could connect. */
	mode_t old = umask(0177);
	r = bind(c->lfd, (const struct sockaddr *)a, sizeof(*a));
	umask(old);
	if (r)
		return -errno;
	if (lstat(c->path, &st))
		goto err_unlink;
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	if (listen(c->lfd, 64))
		goto err_unlink;
	return 0;
err_unlink:
	r = -errno;
	unlink(c->path);
	return r;
}

/* Serialize claim and bind with any other atoll starting in the same
 * directory (a lock on the directory itself: nothing left behind), so two
 * cannot both find the old socket stale and take turns replacing it.  A
 * lock held by someone else for a second is refused rather than waited
 * for.  The directory's fd (locked), or -errno after one line. */
static int control_lock_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = 0;
	else
		*slash = 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fd = -errno;
		log_error("control socket %s: %s: %s", path, dir,
			  strerror(-fd));
		return fd;
	}
	for (int i = 0; flock(fd, LOCK_EX | LOCK_NB); i++) {
		if (i == 20) {
			log_error("control socket %s: %s stays locked by "
				  "another process",
				  path, dir);
			close(fd);
			return -EBUSY;
		}
		nanosleep(&(struct timespec){ .tv_nsec = 50000000 }, NULL);
	}
	return fd;
}

/* Claim and bind path.  -EADDRINUSE (nothing printed) when a live atoll
 * answers there; other errors printed. */
static int control_bind_path(const char *path, struct control **out)
{
	struct sockaddr_un a;
	struct control *c;
	int r, dfd;

	r = control_addr(path, &a);
	if (r)
		return r;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->lfd = -1;
	memcpy(c->path, a.sun_path, sizeof(c->path));
	dfd = control_lock_dir(path);
	if (dfd < 0) {
		free(c);
		return dfd;
	}
	r = control_claim(path, &a);
	if (!r) {
		r = control_listen(c, &a);
		if (r)
			log_error("control socket %s: %s", path, strerror(-r));
	} else if (r != -EADDRINUSE && r != -EEXIST && r != -EPERM) {
		log_error("control socket %s: %s", path, strerror(-r));
	}
	close(dfd); /* the lock: the socket is ours now, or not */
	if (r) {
		if (c->lfd >= 0)
			close(c->lfd);
		free(c);
		return r;
	}
	*out = c;
	return 0;
}

/* Remove the sockets atolls killed beside the default one left behind
 * (atoll-PID.sock files nobody listens on), under the directory's lock:
 * what a killed atoll owned is gone once the next one starts.  Bounded:
 * at most SWEEP_MAX names are looked at per start. */
#define SWEEP_MAX 256
static void control_sweep_beside(const char *dir)
{
	char buf[PATH_MAX];
	struct sockaddr_un a;
	struct dirent *e;
	struct stat st;
	unsigned seen = 0;
	DIR *d;
	int dfd;

	snprintf(buf, sizeof(buf), "%s/atoll.sock", dir);
	dfd = control_lock_dir(buf);
	if (dfd < 0)
		return;
	d = opendir(dir);
	while (d && (e = readdir(d)) && seen++ < SWEEP_MAX) {
		unsigned long pid;
		int n = 0;

		if (sscanf(e->d_name, "atoll-%lu.sock%n", &pid, &n) != 1 ||
		    e->d_name[n] || (long)pid == (long)getpid())
			continue;
		if (snprintf(buf, sizeof(buf), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(a.sun_path) ||
		    lstat(buf, &st) || !S_ISSOCK(st.st_mode) ||
		    st.st_uid != geteuid() || control_addr(buf, &a))
			continue;
		control_claim(buf, &a); /* unlinks it if stale */
	}
	if (d)
		closedir(d);
	close(dfd);
}

int control_bind(const char *path, struct control **out)
{
	char buf[sizeof(((struct sockaddr_un *)0)->sun_path) + 32];
	const char *dir = control_default_dir();
	int r;

	if (path) {
		r = control_bind_path(path, out);
		if (r == -EADDRINUSE)
			log_error("control socket %s: another atoll is running "
				  "there",
				  path);
		return r;
	}
	r = control_private_dir(dir, true);
	if (r)
		return r;
	control_sweep_beside(dir);
	snprintf(buf, sizeof(buf), "%s/atoll.sock", dir);
	r = control_bind_path(buf, out);
	if (r != -EADDRINUSE)
		return r;
	/* The default is another atoll's: this one listens beside it. */
	snprintf(buf, sizeof(buf), "%s/atoll-%ld.sock", dir, (long)getpid());
	r = control_bind_path(buf, out);
	if (!r)
		(*out)->beside = true;
	return r;
}

int control_serve(struct control *c, struct host *h)
{
	int r;

	c->h = h;
	r = serve_start(c->lfd, &control_ops, c, &c->srv);
	c->lfd = -1; /* the server's now, even on failure */
	if (r)
		log_error("control socket %s: %s", c->path, strerror(-r));
	return r;
}

const char *control_path(const struct control *c)
{
	return c->path;
}

bool control_beside_default(const struct control *c)
{
	return c->beside;
}

int control_start(struct host *h, const char *path, struct control **out)
{
	int r = control_bind(path, out);

	if (!r && (r = control_serve(*out, h)))
		control_stop(*out);
	return r;
}

void control_stop(struct control *c)
{
	struct stat st;

	if (!c)
		return;
	serve_stop(c->srv);
	/* Only our own socket: never one that replaced it. */
	if (!lstat(c->path, &st) && st.st_dev == c->dev && st.st_ino == c->ino)
		unlink(c->path);
	if (c->lfd >= 0)
		close(c->lfd);
	free(c);
}
