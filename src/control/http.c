/* The HTTP server of `atoll run --http [ADDR:]PORT`, on the shared accept
 * loop (serve.c), GET only.  Any local user can reach the port, so every
 * request must carry the per-run token atoll printed (?token=, else 403),
 * is bounded in size (HTTP_REQ_MAX) and time (HTTP_CLIENT_MS), and a
 * malformed one gets 400 and one log line.  It reads the statistics the
 * control socket reads (control_handle), never touching a vCPU. */
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "control/control_cmd.h"
#include "control/conn_io.h"
#include "control/http.h"
#include "control/http_parse.h"
#include "control/serve.h"

#define HTTP_REQ_MAX 8192
#define HTTP_CLIENT_MS 2000

struct http {
	struct host *h;
	int lfd;
	struct serve *srv;
	char where[64]; /* "ADDR:PORT" for log lines and the URL */
	char token[HTTP_TOKEN_HEX + 1];
	char url[128];
};

/* The per-run token: 128 bits from the kernel's random pool. */
static int http_make_token(struct http *s)
{
	unsigned char r[HTTP_TOKEN_HEX / 2];
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(r)) {
		n = getrandom(r + got, sizeof(r) - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		got += (size_t)n;
	}
	for (size_t i = 0; i < sizeof(r); i++)
		snprintf(s->token + 2 * i, 3, "%02x", r[i]);
	return 0;
}

int http_bind(const char *addr, unsigned port, struct http **out)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port) };
	struct http *s;
	int one = 1, err;

	if (!addr)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
		log_error("--http %s:%u: '%s' is not an IPv4 address", addr,
			  port, addr);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	snprintf(s->where, sizeof(s->where), "%s:%u", addr, port);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0)
		goto err;
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(s->lfd, 64))
		goto err;
	err = http_make_token(s);
	if (err) {
		errno = -err;
		goto err;
	}
	snprintf(s->url, sizeof(s->url), "http://%s/?token=%s", s->where,
		 s->token);
	*out = s;
	return 0;
err:
	err = -errno;
	log_error("--http %u: cannot listen on %s: %s", port, s->where,
		  strerror(-err));
	http_close(s);
	return err;
}

const char *http_url(const struct http *s)
{
	return s->url;
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

/* Answer one request head. */
static void http_route(struct http *s, struct conn *c, char *req)
{
	static const char stats_req[] = "{\"cmd\":\"stats\"}";
	static const char forbidden[] =
		"token missing or wrong (use the URL atoll printed)\n";
	char *json;

	switch (http_parse(req, s->token)) {
	case HTTP_BAD:
		log_error("--http: malformed request refused");
		http_reply(c, "400 Bad Request", "text/plain", "bad request\n",
			   12);
		break;
	case HTTP_METHOD:
		http_reply(c, "405 Method Not Allowed", "text/plain",
			   "GET only\n", 9);
		break;
	case HTTP_FORBIDDEN:
		http_reply(c, "403 Forbidden", "text/plain", forbidden,
			   sizeof(forbidden) - 1);
		break;
	case HTTP_PAGE:
		http_reply(c, "200 OK", "text/html; charset=utf-8", http_page,
			   http_page_len);
		break;
	case HTTP_STATS:
		json = control_handle(s->h, stats_req, sizeof(stats_req) - 1);
		if (json)
			http_reply(c, "200 OK", "application/json", json,
				   strlen(json));
		free(json);
		break;
	case HTTP_NOT_FOUND:
		http_reply(c, "404 Not Found", "text/plain", "not found\n", 10);
		break;
	}
}

static bool http_answer(void *ctx, struct conn *c, char *req, size_t len)
{
	http_route(ctx, c, req);
	return false;
}

static const struct serve_ops http_ops = {
	.name = "--http",
	.req_max = HTTP_REQ_MAX,
	.client_ms = HTTP_CLIENT_MS,
	.complete = http_head_complete,
	.handle = http_answer,
};

int http_serve(struct http *s, struct host *h)
{
	int err;

	s->h = h;
	err = serve_start(s->lfd, &http_ops, s, &s->srv);
	s->lfd = -1; /* the server's now, even on failure */
	if (err)
		log_error("--http %s: %s", s->where, strerror(-err));
	return err;
}

void http_close(struct http *s)
{
	if (!s)
		return;
	serve_stop(s->srv);
	if (s->lfd >= 0)
		close(s->lfd);
	free(s);
}
