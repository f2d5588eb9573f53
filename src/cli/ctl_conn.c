/* The client side of the control socket: one request, one reply.  What
 * answers may not be atoll at all (a stale or foreign socket), so the reply
 * is bounded in size and time and checked before it is believed. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "control/control_sock.h"
#include "lib/log.h"

#define CTL_TIMEOUT_S 5
#define CTL_REPLY_MAX (64u << 20)

const char *cli_socket_path(const char *explicit_path)
{
	const char *env = getenv("ATOLL_SOCKET");

	if (explicit_path)
		return explicit_path;
	return env && *env ? env : NULL;
}

/* The server at the other end of fd runs as us (a socket file of ours
 * can still be answered by a process of another uid if it was handed
 * over); 0, or -1 after one line. */
static int ctl_check_peer(int fd, const char *path)
{
	uid_t uid;
	int r = control_peer_uid(fd, &uid);

	if (r) {
		log_error("%s: cannot tell who answers: %s", path,
			  strerror(-r));
		return -1;
	}
	if (uid != geteuid()) {
		log_error("%s is answered by uid %u, not by you (uid %u): "
			  "refusing to talk to it",
			  path, (unsigned)uid, (unsigned)geteuid());
		return -1;
	}
	return 0;
}

/* A connected socket, or -1 after one line saying why not (ctl.h). */
int ctl_connect(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = CTL_TIMEOUT_S };
	int fd, e;

	if (!*path || strlen(path) >= sizeof(a.sun_path)) {
		log_error("--socket '%s': not a usable socket path", path);
		return -1;
	}
	memcpy(a.sun_path, path, strlen(path));
	/* Whose socket it is, before a request (maybe "destroy") goes to
	 * it. */
	e = control_check_socket_file(path);
	if (e && e != -ENOENT)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		log_error("socket: %s", strerror(errno));
		return -1;
	}
	/* Bounds connect (a full backlog), send and every recv. */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (!ctl_check_peer(fd, path))
			return fd;
		close(fd);
		return -1;
	}
	e = errno;
	close(fd);
	if (e == ENOENT)
		log_error("no control socket at %s (is atoll running? "
			  "see --socket)",
			  path);
	else if (e == ECONNREFUSED)
		log_error("nothing listens on %s (atoll is not running there)",
			  path);
	else
		log_error("cannot connect to %s: %s", path, strerror(e));
	return -1;
}

static int ctl_send(int fd, const char *s, size_t n)
{
	ssize_t r;

	while (n) {
		r = send(fd, s, n, MSG_NOSIGNAL);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		s += r;
		n -= (size_t)r;
	}
	return 0;
}

/* The whole reply (up to end of stream), NUL-terminated; NULL after one
 * line saying why. */
static char *ctl_recv(int fd, const char *path)
{
	time_t t0 = time(NULL);
	size_t n = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t r;

	while (buf) {
		if (n + 1 == cap) {
			nb = cap < CTL_REPLY_MAX ? realloc(buf, cap * 2) : NULL;
			if (!nb) {
				log_error("%s: reply too large (not an atoll "
					  "control socket?)",
					  path);
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = recv(fd, buf + n, cap - 1 - n, 0);
		if (r > 0)
			n += (size_t)r;
		if (r == 0) {
			buf[n] = 0;
			return buf;
		}
		if (r < 0 && errno == EINTR && time(NULL) - t0 <= CTL_TIMEOUT_S)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			log_error("%s did not answer within %d s (not an "
				  "atoll control socket?)",
				  path, CTL_TIMEOUT_S);
			break;
		}
		if (r < 0) {
			log_error("%s: %s (not an atoll control socket?)", path,
				  strerror(errno));
			break;
		}
		if (time(NULL) - t0 > CTL_TIMEOUT_S) {
			log_error("%s did not finish its reply within %d s",
				  path, CTL_TIMEOUT_S);
			break;
		}
	}
	free(buf);
	return NULL;
}

/* A reply atoll could have sent: an object with a boolean "ok", and an
 * "error" string when ok is false. */
static bool ctl_reply_valid(const cJSON *r)
{
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(r, "ok");

	if (!cJSON_IsObject(r) || !cJSON_IsBool(ok))
		return false;
	return cJSON_IsTrue(ok) ||
	       cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "error"));
}

int ctl_call(const char *path, const cJSON *req, cJSON **reply, char **text)
{
	char *json = cJSON_PrintUnformatted(req);
	char *line = json ? malloc(strlen(json) + 2) : NULL;
	int fd = -1, r = CLI_EXIT_USAGE;

	*reply = NULL;
	*text = NULL;
	if (!line) {
		free(json);
		log_error("out of memory");
		return r;
	}
	/* One send for the request and its newline: a peer that answers
	 * after its first read and closes must not make the second send fail
	 * before we read its answer. */
	strcpy(line, json);
	strcat(line, "\n");
	free(json);
	fd = ctl_connect(path);
	if (fd < 0)
		goto out;
	if (ctl_send(fd, line, strlen(line))) {
		log_error("%s: %s (not an atoll control socket?)", path,
			  strerror(errno));
		goto out;
	}
	shutdown(fd, SHUT_WR);
	*text = ctl_recv(fd, path);
	if (!*text)
		goto out;
	*reply = cJSON_Parse(*text);
	if (!(*text)[0] || !ctl_reply_valid(*reply)) {
		log_error("%s is not an atoll control socket (%s)", path,
			  (*text)[0] ? "unexpected reply" : "no reply");
		cJSON_Delete(*reply);
		*reply = NULL;
		free(*text);
		*text = NULL;
		goto out;
	}
	r = 0;
out:
	if (fd >= 0)
		close(fd);
	free(line);
	return r;
}
