/* `atoll run --http [ADDR:]PORT`: the live page (docs/control-api.md "The
 * web page") on libmicrohttpd, on 127.0.0.1 unless told.  It serves the
 * page's files (web/, embedded at build time; web_files.h), Debian's
 * Chart.js, the run's history from its start (history.h), the control
 * socket's "stats" reply, and control requests (POST, the same code as
 * the CLI).  Every request needs the per-run token. */
#ifndef ATOLL_CONTROL_HTTP_H
#define ATOLL_CONTROL_HTTP_H

struct host;
struct http;

#define HTTP_TOKEN_HEX 32 /* the per-run token: 128 random bits in hex */
#define HTTP_CLIENTS 256 /* connections at once (more wait in the backlog) */
#define HTTP_CLIENT_S 2 /* a connection idle this long is closed */
#define HTTP_BODY_MAX 4096 /* a control request's body */
/* Where Debian's libjs-chart.js puts the library the page draws with. */
#define HTTP_CHARTJS "/usr/share/javascript/chart.js/chart.min.js"

/* Bind and listen on addr:port (addr NULL: 127.0.0.1; an IPv4 address)
 * before anything else starts, so that a port in use stops atoll with
 * nothing half-started, and draw the run's token.  0, or -errno after one
 * line naming --http. */
int http_bind(const char *addr, unsigned port, struct http **out);
/* "http://ADDR:PORT/?token=TOKEN": the page, for the user. */
const char *http_url(const struct http *s);
/* Serve h (and start keeping its history).  0 or -errno (one line). */
int http_serve(struct http *s, struct host *h);
/* Stop serving (if started) and close the socket; NULL is fine. */
void http_close(struct http *s);

#endif
