/* `atoll run --http [ADDR:]PORT`: a small HTTP/1.1 server (127.0.0.1
 * unless told) with one page that plots memory per domain live
 * (http_page.c) and the control socket's "stats" reply as /stats.json
 * (docs/control-api.md).  Every request needs the per-run token. */
#ifndef ATOLL_CONTROL_HTTP_H
#define ATOLL_CONTROL_HTTP_H

struct host;
struct http;

/* Bind and listen on addr:port (addr NULL: 127.0.0.1; an IPv4 address)
 * before anything else starts, so that a port in use stops atoll with
 * nothing half-started, and draw the run's token.  0, or -errno after one
 * line naming --http. */
int http_bind(const char *addr, unsigned port, struct http **out);
/* "http://ADDR:PORT/?token=TOKEN": the page, for the user. */
const char *http_url(const struct http *s);
/* Serve h on a thread of its own.  0 or -errno (one line). */
int http_serve(struct http *s, struct host *h);
/* Stop serving (if started) and close the socket; NULL is fine. */
void http_close(struct http *s);

/* The page served at "/", and its length. */
extern const char http_page[];
extern const unsigned long http_page_len;

#endif
