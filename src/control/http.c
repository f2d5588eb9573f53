/* The live page of `atoll run --http [ADDR:]PORT` (http.h) on
 * libmicrohttpd.  Any local user can reach the port, so every request must
 * carry the per-run token atoll printed (?token=, compared in constant
 * time, else 403).  libmicrohttpd's own polling thread serves every
 * connection without blocking (a silent or slow client costs the others
 * nothing), at most HTTP_CLIENTS at once, each closed after HTTP_CLIENT_S
 * idle; a control request's body is bounded by HTTP_BODY_MAX.  Statistics
 * come from control_handle, as the control socket's: no vCPU is touched. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "control/control_cmd.h"
#include "control/history.h"
#include "control/http.h"
#include "control/http_files.h"

struct http {
	struct host *h;
	int lfd;
	struct MHD_Daemon *d;
	struct history *hist;
	char where[64]; /* "ADDR:PORT" for log lines and the URL */
	char token[HTTP_TOKEN_HEX + 1];
	char url[128];
	_Atomic long last_log; /* second of the last library log line */
};

/* A POST's body, gathered over the handler's calls. */
struct http_body {
	size_t n;
	bool too_big;
	char buf[HTTP_BODY_MAX + 1];
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

/* Does the request carry ?token=TOKEN?  How long a wrong guess takes
 * does not depend on how much of it was right. */
static bool http_token_ok(struct http *s, struct MHD_Connection *c)
{
	const char *v =
		MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
	unsigned char diff = 0;

	if (!v || strlen(v) != HTTP_TOKEN_HEX)
		return false;
	for (size_t i = 0; i < HTTP_TOKEN_HEX; i++)
		diff |= (unsigned char)(v[i] ^ s->token[i]);
	return diff == 0;
}

/* Queue a reply: body copied (MHD_RESPMEM_MUST_COPY) unless owned, which
 * libmicrohttpd frees. */
static enum MHD_Result http_reply(struct MHD_Connection *c, unsigned status,
				  const char *type, const char *body,
				  size_t len, char *owned)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (owned)
		r = MHD_create_response_from_buffer(len, owned,
						    MHD_RESPMEM_MUST_FREE);
	else
		r = MHD_create_response_from_buffer(len, (void *)body,
						    MHD_RESPMEM_MUST_COPY);
	if (!r) {
		free(owned);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result http_text(struct MHD_Connection *c, unsigned status,
				 const char *text)
{
	return http_reply(c, status, "text/plain; charset=utf-8", text,
			  strlen(text), NULL);
}

/* A JSON reply made by the control code (or history), owned. */
static enum MHD_Result http_json(struct MHD_Connection *c, char *json)
{
	if (!json)
		return http_text(c, 500, "out of memory\n");
	return http_reply(c, 200, "application/json", NULL, strlen(json), json);
}

/* GET: the page's files, /stats.json, /history.json[?since=MS],
 * /memmap.json (the picture of machine memory, docs/working-set.md). */
static enum MHD_Result http_get(struct http *s, struct MHD_Connection *c,
				const char *url)
{
	static const char stats_req[] = "{\"cmd\":\"stats\"}";
	static const char memmap_req[] = "{\"cmd\":\"memmap\"}";
	struct http_file_data f;
	const char *since;

	if (!strcmp(url, "/stats.json"))
		return http_json(c, control_handle(s->h, stats_req,
						   sizeof(stats_req) - 1));
	if (!strcmp(url, "/memmap.json"))
		return http_json(c, control_handle(s->h, memmap_req,
						   sizeof(memmap_req) - 1));
	if (!strcmp(url, "/history.json")) {
		since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						    "since");
		if (!s->hist)
			return http_text(c, 503, "no history kept\n");
		return http_json(
			c, history_json(s->hist,
					since ? strtoull(since, NULL, 10) : 0));
	}
	if (!strcmp(url, "/"))
		url = "/index.html";
	if (http_file(url + 1, &f))
		return http_text(c, 404, "not found\n");
	return f.owned ? http_reply(c, 200, f.type, NULL, f.len, f.owned)
		       : http_reply(c, 200, f.type, f.data, f.len, NULL);
}

/* POST /control: the body is one control request (docs/control-api.md),
 * answered by the same code as the control socket's. */
static enum MHD_Result http_post(struct http *s, struct MHD_Connection *c,
				 const char *url, struct http_body *b)
{
	if (strcmp(url, "/control"))
		return http_text(c, 404, "not found\n");
	if (b->too_big)
		return http_text(c, 413,
				 "a control request is at most 4096 "
				 "bytes\n");
	b->buf[b->n] = 0;
	return http_json(c, control_handle(s->h, b->buf, b->n));
}

static enum MHD_Result http_handle(void *cls, struct MHD_Connection *c,
				   const char *url, const char *method,
				   const char *version, const char *data,
				   size_t *size, void **con_cls)
{
	struct http *s = cls;
	struct http_body *b = *con_cls;
	bool post = !strcmp(method, MHD_HTTP_METHOD_POST);

	if (!b && post) {
		/* First call: the head only.  Refuse before reading a body. */
		if (!http_token_ok(s, c))
			return http_text(c, 403,
					 "token missing or wrong (use "
					 "the URL atoll printed)\n");
		b = calloc(1, sizeof(*b));
		*con_cls = b;
		return b ? MHD_YES : MHD_NO;
	}
	if (post && *size) {
		size_t room = HTTP_BODY_MAX - b->n;

		if (*size > room)
			b->too_big = true;
		else
			memcpy(b->buf + b->n, data, *size);
		b->n += *size > room ? 0 : *size;
		*size = 0;
		return MHD_YES;
	}
	if (post)
		return http_post(s, c, url, b);
	if (strcmp(method, MHD_HTTP_METHOD_GET) &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD))
		return http_text(c, 405, "GET, HEAD or POST only\n");
	if (!http_token_ok(s, c))
		return http_text(c, 403,
				 "token missing or wrong (use the URL "
				 "atoll printed)\n");
	return http_get(s, c, url);
}

static void http_done(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode why)
{
	free(*con_cls);
	*con_cls = NULL;
}

/* libmicrohttpd's complaints (a malformed request, a client gone): one
 * line, at most one a second, whatever a client sends. */
static void http_log(void *cls, const char *fmt, va_list ap)
{
	struct http *s = cls;
	long now = (long)time(NULL);
	char msg[200];
	size_t n;

	if (s->last_log == now)
		return;
	s->last_log = now;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* The library quotes the HTML of its reply: not for a log line. */
	if (strstr(msg, " ('<"))
		strcpy(strstr(msg, " ('<"), ")");
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '.'))
		msg[--n] = 0;
	log_error("--http: %s", msg);
}

int http_serve(struct http *s, struct host *h)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO |
			 MHD_USE_ERROR_LOG;

	s->h = h;
	if (history_start(h, &s->hist))
		return -ENOMEM;
	s->d = MHD_start_daemon(
		flags, 0, NULL, NULL, http_handle, s,
		MHD_OPTION_EXTERNAL_LOGGER, http_log, s, /* first: all lines */
		MHD_OPTION_LISTEN_SOCKET, s->lfd, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)HTTP_CLIENTS, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)HTTP_CLIENT_S, MHD_OPTION_THREAD_POOL_SIZE, 2u,
		MHD_OPTION_NOTIFY_COMPLETED, http_done, s, MHD_OPTION_END);
	if (!s->d) {
		log_error("--http %s: libmicrohttpd did not start", s->where);
		return -EIO;
	}
	s->lfd = -1; /* the daemon's now */
	return 0;
}

void http_close(struct http *s)
{
	if (!s)
		return;
	if (s->d) {
		/* MHD_stop_daemon closes the listening socket it was given. */
		MHD_stop_daemon(s->d);
	}
	history_stop(s->hist);
	if (s->lfd >= 0)
		close(s->lfd);
	free(s);
}
