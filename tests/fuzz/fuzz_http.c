/* Fuzz target: the --http page's request head (src/control/http_parse.c),
 * as anyone who can reach the port sends it: where the head ends, then
 * what it asks for, against a fixed token.
 *
 * Invariants: a head is complete only at a blank line and then its full
 * length; the route is one of enum http_route; the page and the
 * statistics are granted only to a request that carries the token (its 32
 * characters appear in the input after "token="), and only to GET with an
 * HTTP/1.x version. */
#define _GNU_SOURCE /* memmem */
#include <stdbool.h>

#include "control/http_parse.h"
#include "control/serve.h"
#include "fuzz_util.h"

static const char fz_token[HTTP_TOKEN_HEX + 1] =
	"0123456789abcdef0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *tok;
	enum http_route r;
	bool blank;
	long done;

	FZ_ASSERT(buf);
	memcpy(buf, data, size);
	buf[size] = 0;
	blank = strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n");
	done = http_head_complete(buf, size, false, false);
	FZ_ASSERT(blank ? done == (long)size : done == SERVE_MORE);
	tok = strstr(buf, "token=");
	while (tok && strncmp(tok + 6, fz_token, HTTP_TOKEN_HEX))
		tok = strstr(tok + 1, "token=");
	r = http_parse(buf, fz_token);
	FZ_ASSERT(r >= HTTP_BAD && r <= HTTP_NOT_FOUND);
	if (r >= HTTP_PAGE) {
		FZ_ASSERT(tok);
		FZ_ASSERT(!memcmp(data, "GET ", 4));
		FZ_ASSERT(memmem(data, size, " HTTP/1.", 8));
	}
	free(buf);
	return 0;
}
