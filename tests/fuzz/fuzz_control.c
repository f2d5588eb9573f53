/* Fuzz target: the JSON control protocol's request parsing and dispatch
 * (control_handle_conn, src/control/control_cmd.c), as any process of the
 * user's uid can send it.  The host is a fake with zero domains (below),
 * so every command runs to its checks and its "no such domain" without a
 * board; the protocol code itself is the real one.
 *
 * Half the inputs are raw bytes; the other half (first byte odd) build a
 * request from the protocol's own words (a command, then fields of the
 * names it uses with values of every JSON type), so that the fuzzer gets
 * past the JSON parser, which carries no coverage, to the dispatch.
 *
 * Invariants: every request gets a reply that is one line of JSON ending
 * in "\n", an object with a boolean "ok", an "error" string and a "code"
 * when ok is false; no request ever asks to attach a console (there is no
 * domain to attach); control_handle refuses what control_handle_conn
 * refuses. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdbool.h>

#include "control/control_cmd.h"
#include "control/control_console.h"
#include "fuzz_util.h"
#include "mem/memhost.h"
#include "vmm/host.h"

/* The fake host: no domain, empty statistics. */
struct domain *host_find_domain(struct host *h, const char *name_or_id)
{
	return NULL;
}

void host_for_each_domain(struct host *h,
			  void (*fn)(struct domain *d, void *arg), void *arg)
{
}

void host_get_mem_stats(struct host *h, struct mem_host_stats *st)
{
	memset(st, 0, sizeof(*st));
}

int host_set_share_rate(struct host *h, uint64_t rate)
{
	return 0; /* the request's checks are what is fuzzed */
}

/* A memory host with no frames and no domains ("memmap"); all-zero
 * mutexes are unlocked ones. */
struct mem_host *host_mem(struct host *h)
{
	static struct mem_host mh;

	return &mh;
}

void domain_get_stats(struct domain *d, struct domain_stats *st)
{
	abort(); /* no domain exists: nothing may ask */
}

struct dom_mem *domain_mem(struct domain *d)
{
	abort();
}

const char *domain_state_name(enum domain_state s)
{
	return "running";
}

int domain_pause(struct domain *d)
{
	abort();
}

int domain_unpause(struct domain *d)
{
	abort();
}

int domain_destroy(struct domain *d)
{
	abort();
}

int domain_reset(struct domain *d)
{
	abort();
}

int domain_shutdown(struct domain *d, unsigned timeout_s, bool *held)
{
	abort();
}

/* A configuration that checks out (it may name any readable file) is
 * refused here: the fake host builds nothing. */
int host_create_domains(struct host *h, const struct domain_config *cfg,
			unsigned n, struct domain **out, char *why, size_t len)
{
	snprintf(why, len, "the fuzzing host builds no domain");
	return -ENOMEM;
}

int host_keep(struct host *h, void *p, void (*fn)(void *p))
{
	abort();
}

int control_console_check(struct domain *d)
{
	abort();
}

int control_console_attach(struct host *h, struct domain *d, int fd)
{
	abort();
}

static void fz_check_reply(char *reply)
{
	size_t n;
	cJSON *r, *ok;

	CHECK(reply);
	n = strlen(reply);
	CHECK(n > 1 && reply[n - 1] == '\n' && !memchr(reply, '\n', n - 1));
	r = cJSON_Parse(reply);
	CHECK(cJSON_IsObject(r));
	ok = cJSON_GetObjectItemCaseSensitive(r, "ok");
	CHECK(cJSON_IsBool(ok));
	if (cJSON_IsFalse(ok)) {
		CHECK(cJSON_IsString(
			cJSON_GetObjectItemCaseSensitive(r, "error")));
		CHECK(cJSON_IsString(
			cJSON_GetObjectItemCaseSensitive(r, "code")));
	}
	cJSON_Delete(r);
	free(reply);
}

static const char *const fz_words[] = {
	"list",
	"stats",
	"p2m",
	"memmap",
	"pause",
	"unpause",
	"destroy",
	"mem-set",
	"sla",
	"console",
	"version",
	"cmd",
	"domain",
	"bytes",
	"reservation",
	"limit",
	"shares",
	"target",
	"",
	"1",
	"0",
	"65535",
	"65536",
	"-1",
	"x",
	"create",
	"reboot",
	"shutdown",
	"timeout",
	"config",
	"cwd",
	"auto",
	"name",
	"[domain a]\nkernel = /bin/sh\nmemory = 8\n",
};
#define FZ_NWORDS (sizeof(fz_words) / sizeof(fz_words[0]))

/* A JSON value of a type the input picks. */
static cJSON *fz_value(struct fz_in *in, int depth)
{
	static const double nums[] = {
		0, 1, -1, 0.5, 4096, 1e300, 65535, 65536, 4294967296.0, 1e19
	};
	uint8_t t = fz_u8(in);
	cJSON *v;

	switch (t % 8) {
	case 0: return cJSON_CreateString(fz_words[fz_u8(in) % FZ_NWORDS]);
	case 1: return cJSON_CreateNumber(nums[fz_u8(in) % 10]);
	case 2: return cJSON_CreateNumber((double)fz_u64(in));
	case 3: return cJSON_CreateBool(t & 8);
	case 4: return cJSON_CreateNull();
	case 5:
		v = cJSON_CreateArray();
		if (depth < 3)
			cJSON_AddItemToArray(v, fz_value(in, depth + 1));
		return v;
	case 6: {
		char s[17];

		fz_bytes(in, s, 16);
		s[16] = 0;
		return cJSON_CreateString(s);
	}
	default: return cJSON_CreateObject();
	}
}

/* A request made of the protocol's words; its text, malloc'd. */
static char *fz_request(struct fz_in *in)
{
	cJSON *r = cJSON_CreateObject();
	char *text;
	unsigned n = fz_u8(in) % 6;

	cJSON_AddStringToObject(r, "cmd", fz_words[fz_u8(in) % 8]);
	for (unsigned i = 0; i < n && in->n; i++)
		cJSON_AddItemToObject(r, fz_words[9 + fz_u8(in) % 8],
				      fz_value(in, 0));
	text = cJSON_PrintUnformatted(r);
	cJSON_Delete(r);
	return text;
}

static void fz_ask(const char *req, size_t len)
{
	static int fake_host;
	struct host *h = (struct host *)&fake_host;
	struct domain *attach = NULL;

	fz_check_reply(control_handle_conn(h, req, len, &attach));
	CHECK(!attach);
	fz_check_reply(control_handle(h, req, len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data + 1, size ? size - 1 : 0 };
	char *req;

	if (size > CONTROL_REQUEST_MAX + 1)
		return 0;
	if (!size || !(data[0] & 1)) {
		fz_ask((const char *)data, size);
		return 0;
	}
	req = fz_request(&in);
	CHECK(req);
	fz_ask(req, strlen(req));
	free(req);
	return 0;
}
