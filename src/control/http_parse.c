/* The --http request head (http_parse.h). */
#include <string.h>

#include "control/http_parse.h"
#include "control/serve.h"

long http_head_complete(const char *buf, size_t n, bool eof, bool full)
{
	if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
		return (long)n;
	return SERVE_MORE;
}

/* Does the target's query carry token=TOKEN?  How long a wrong guess
 * took says nothing of the right one.  The query is cut off the target. */
static bool http_token_ok(char *target, const char *token)
{
	char *q = strchr(target, '?');
	unsigned char diff = 0;
	const char *v = NULL;

	if (!q)
		return false;
	*q++ = 0;
	for (char *p = q; p; p = strchr(p, '&')) {
		if (*p == '&')
			p++;
		if (!strncmp(p, "token=", 6))
			v = p + 6;
	}
	if (!v || strcspn(v, "&") != HTTP_TOKEN_HEX)
		return false;
	for (int i = 0; i < HTTP_TOKEN_HEX; i++)
		diff |= (unsigned char)(v[i] ^ token[i]);
	return diff == 0;
}

enum http_route http_parse(char *req, const char *token)
{
	char *sp1 = strchr(req, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	char *target;

	if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7))
		return HTTP_BAD;
	*sp2 = 0;
	target = sp1 + 1;
	if (strncmp(req, "GET ", 4))
		return HTTP_METHOD;
	if (!http_token_ok(target, token))
		return HTTP_FORBIDDEN;
	if (!strcmp(target, "/") || !strcmp(target, "/index.html"))
		return HTTP_PAGE;
	if (!strcmp(target, "/stats.json"))
		return HTTP_STATS;
	return HTTP_NOT_FOUND;
}
