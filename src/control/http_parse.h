/* The HTTP request head of the --http page, apart from the socket (so it
 * can be fuzzed alone): where a head ends, and what it asks for.  Anyone
 * who can reach the port writes these bytes. */
#ifndef ATOLL_CONTROL_HTTP_PARSE_H
#define ATOLL_CONTROL_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_TOKEN_HEX 32 /* the per-run token: 128 random bits in hex */

enum http_route {
	HTTP_BAD, /* not "METHOD TARGET HTTP/1.x": 400 */
	HTTP_METHOD, /* not GET: 405 */
	HTTP_FORBIDDEN, /* no ?token= or a wrong one: 403 */
	HTTP_PAGE, /* / or /index.html */
	HTTP_STATS, /* /stats.json */
	HTTP_NOT_FOUND,
};

/* The head in buf[0..n) (NUL-terminated) ends at its blank line: its
 * length, or SERVE_MORE (control/serve.h) while it has not. */
long http_head_complete(const char *buf, size_t n, bool eof, bool full);

/* What the head req (NUL-terminated; cut up in place) asks of a server
 * whose token is token (HTTP_TOKEN_HEX characters).  The token is
 * compared in constant time. */
enum http_route http_parse(char *req, const char *token);

#endif
