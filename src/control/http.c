/* The HTTP server of `atoll run --http PORT`: one thread, one connection at
 * a time, GET only.  Anything that can reach 127.0.0.1 may connect, so a
 * request is bounded in size (HTTP_REQ_MAX) and time (HTTP_CLIENT_MS) and
 * a malformed one gets 400 and one log line.  It reads the statistics the
 * control socket reads (control_handle), never touching a vCPU. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "control/control_cmd.h"
#include "control/conn_io.h"
#include "control/http.h"

#define HTTP_REQ_MAX 8192
#define HTTP_CLIENT_MS 2000

struct http {
	struct host *h;
	int lfd, wake_fd;
	unsigned port;
	pthread_t thread;
	bool running;
};

int http_bind(unsigned port, struct http **out)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct http *s = calloc(1, sizeof(*s));
	int one = 1, err;

	if (!s)
		return -ENOMEM;
	s->port = port;
	s->wake_fd = -1;
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0)
		goto err;
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) || listen(s->lfd, 8))
		goto err;
	s->wake_fd = eventfd(0, EFD_CLOEXEC);
	if (s->wake_fd < 0)
		goto err;
	*out = s;
	return 0;
err:
	err = -errno;
	log_error("--http %u: cannot listen on 127.0.0.1:%u: %s", port, port,
		  strerror(-err));
	http_close(s);
	return err;
}

/* The request head (up to the blank line), NUL-terminated in buf.
 * Returns its length, or -1 (closed, timed out or too large). */
static long http_read(struct conn *c, char *buf)
{
	size_t n = 0;
	long r;

	while (n < HTTP_REQ_MAX) {
		r = conn_recv(c, buf + n, HTTP_REQ_MAX - n);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		buf[n] = 0;
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			return (long)n;
	}
	return -1;
}

static void http_reply(struct conn *c, const char *status, const char *type,
		       const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
			 "Content-Length: %zu\r\nCache-Control: no-store\r\n"
			 "Connection: close\r\n\r\n",
			 status, type, len);

	conn_send(c, head, (size_t)n);
	conn_send(c, body, len);
}

/* Route one request head. */
static void http_route(struct http *s, struct conn *c, char *req)
{
	static const char stats_req[] = "{\"cmd\":\"stats\"}";
	char *sp1 = strchr(req, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char *json;

	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7)) {
		log_error("--http: malformed request refused");
		http_reply(c, "400 Bad Request", "text/plain", "bad request\n",
			   12);
		return;
	}
	*sp2 = 0;
	if (strncmp(req, "GET ", 4)) {
		http_reply(c, "405 Method Not Allowed", "text/plain",
			   "GET only\n", 9);
	} else if (!strcmp(sp1 + 1, "/") || !strcmp(sp1 + 1, "/index.html")) {
		http_reply(c, "200 OK", "text/html; charset=utf-8", http_page,
			   http_page_len);
	} else if (!strcmp(sp1 + 1, "/stats.json")) {
		json = control_handle(s->h, stats_req, sizeof(stats_req) - 1);
		if (json)
			http_reply(c, "200 OK", "application/json", json,
				   strlen(json));
		free(json);
	} else {
		http_reply(c, "404 Not Found", "text/plain", "not found\n", 10);
	}
}

static void *http_thread(void *arg)
{
	struct http *s = arg;
	struct pollfd p[2] = { { .fd = s->lfd, .events = POLLIN },
			       { .fd = s->wake_fd, .events = POLLIN } };
	char *buf = malloc(HTTP_REQ_MAX + 1);
	struct conn c;
	int fd;

	while (buf) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			/* Out of descriptors: do not spin on the backlog. */
			if (errno == EMFILE || errno == ENFILE)
				nanosleep(
					&(struct timespec){ .tv_nsec =
								    50000000 },
					NULL);
			continue;
		}
		conn_begin(&c, fd, HTTP_CLIENT_MS);
		if (http_read(&c, buf) >= 0)
			http_route(s, &c, buf);
		close(fd);
	}
	free(buf);
	return NULL;
}

int http_serve(struct http *s, struct host *h)
{
	int err;

	s->h = h;
	err = -pthread_create(&s->thread, NULL, http_thread, s);
	if (err) {
		log_error("--http %u: %s", s->port, strerror(-err));
		return err;
	}
	s->running = true;
	return 0;
}

void http_close(struct http *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (s->running) {
		if (write(s->wake_fd, &one, sizeof(one)) != sizeof(one))
			log_error("--http: cannot stop its thread");
		pthread_join(s->thread, NULL);
	}
	if (s->wake_fd >= 0)
		close(s->wake_fd);
	if (s->lfd >= 0)
		close(s->lfd);
	free(s);
}
