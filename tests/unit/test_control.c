/* The control socket against a real host with two running domains (a
 * bare-metal idle loop each): every command, the checks on hostile
 * requests, one request over the socket itself, a second atoll refused on
 * the same path, a stale socket file replaced, the socket removed at
 * exit. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "check.h"
#include "control/control.h"
#include "control/control_cmd.h"
#include "vmm/host.h"

static char dir[64];

/* control_handle on a string; the parsed reply (never NULL). */
static cJSON *ask(struct host *h, const char *req)
{
	char *text = control_handle(h, req, strlen(req));
	cJSON *r;

	if (!text || !strchr(text, '\n'))
		printf("FAIL: no reply line to %s\n", req), exit(1);
	r = cJSON_Parse(text);
	if (!r)
		printf("FAIL: reply is not JSON: %s\n", text), exit(1);
	free(text);
	return r;
}

static bool is_ok(const cJSON *r)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "ok"));
}

static const char *code_of(const cJSON *r)
{
	const char *s = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(r, "code"));

	return s ? s : "";
}

/* The request's reply is an error with this code. */
static void expect_code(struct host *h, const char *req, const char *code)
{
	cJSON *r = ask(h, req);

	if (is_ok(r) || strcmp(code_of(r), code) ||
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "error"))) {
		FAIL("%s: expected %s, got code '%s'", req, code, code_of(r));
	}
	cJSON_Delete(r);
}

static void expect_ok(struct host *h, const char *req)
{
	cJSON *r = ask(h, req);

	if (!is_ok(r))
		FAIL("%s: %s", req, code_of(r));
	cJSON_Delete(r);
}

/* state of the idx-th domain in "list" ("" if absent). */
static const char *list_state(struct host *h, int idx, int *n, char *buf)
{
	cJSON *r = ask(h, "{\"cmd\":\"list\"}");
	cJSON *ds = cJSON_GetObjectItemCaseSensitive(r, "domains");
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(ds, idx), "state"));

	*n = cJSON_GetArraySize(ds);
	snprintf(buf, 16, "%s", s ? s : "");
	cJSON_Delete(r);
	return buf;
}

static struct domain *start_domain(struct host *h, const char *name,
				   const char *kernel, unsigned vcpus)
{
	struct domain_config dc = { .memory = 2 << 20 };
	struct domain *d = NULL;

	snprintf(dc.name, sizeof(dc.name), "%s", name);
	dc.machine.ram_size = 4 << 20;
	dc.machine.nr_harts = vcpus;
	dc.machine.mode = BOOT_BIOS_NONE;
	dc.machine.kernel = kernel;
	dc.machine.console_detached = true;
	if (host_domain_create(h, &dc, &d) || domain_start(d))
		printf("FAIL: domain %s does not start\n", name), exit(1);
	return d;
}

static void test_commands(struct host *h)
{
	char st[16];
	int n;
	cJSON *r;

	expect_ok(h, "{\"cmd\":\"version\"}");
	CHECK(!strcmp(list_state(h, 0, &n, st), "running") && n == 2);
	r = ask(h, "{\"cmd\":\"p2m\",\"domain\":\"alpha\"}");
	CHECK(is_ok(r));
	CHECK(strstr(
		cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "p2m"))
			?: "",
		"0x80000"));
	cJSON_Delete(r);
	r = ask(h, "{\"cmd\":\"stats\",\"domain\":2}");
	CHECK(is_ok(r) && cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
				  r, "domains")) == 1);
	CHECK(cJSON_GetObjectItemCaseSensitive(r, "host"));
	cJSON_Delete(r);
	expect_ok(h, "{\"cmd\":\"mem-set\",\"domain\":\"alpha\","
		     "\"bytes\":1048576}");
	expect_code(h,
		    "{\"cmd\":\"mem-set\",\"domain\":\"alpha\","
		    "\"bytes\":1073741824}",
		    "failed");
	expect_ok(h, "{\"cmd\":\"pause\",\"domain\":\"alpha\"}");
	CHECK(!strcmp(list_state(h, 0, &n, st), "paused"));
	expect_code(h, "{\"cmd\":\"pause\",\"domain\":\"alpha\"}",
		    "invalid_state");
	expect_ok(h, "{\"cmd\":\"unpause\",\"domain\":\"1\"}");
	CHECK(!strcmp(list_state(h, 0, &n, st), "running"));
	expect_ok(h, "{\"cmd\":\"destroy\",\"domain\":\"beta\"}");
	list_state(h, 0, &n, st);
	CHECK(n == 1);
	expect_code(h, "{\"cmd\":\"p2m\",\"domain\":\"beta\"}",
		    "no_such_domain");
}

static void test_hostile(struct host *h)
{
	static const char *const bad[] = {
		"",
		"nonsense",
		"[]",
		"{\"cmd\":7}",
		"{\"cmd\":\"list\"} trailing",
		"{\"cmd\":\"list\",\"cmd\":\"list\"}",
		"{\"cmd\":\"list\",\"extra\":1}",
		"{\"cmd\":\"p2m\"}",
		"{\"cmd\":\"p2m\",\"domain\":1.5}",
		"{\"cmd\":\"p2m\",\"domain\":{}}",
		"{\"cmd\":\"mem-set\",\"domain\":\"alpha\",\"bytes\":-1}",
		"{\"cmd\":\"mem-set\",\"domain\":\"alpha\",\"bytes\":4095}",
		"{\"cmd\":\"mem-set\",\"domain\":\"alpha\",\"bytes\":1e99}",
	};
	char *big = malloc(CONTROL_REQUEST_MAX + 64), *reply;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_code(h, bad[i], "bad_request");
	expect_code(h, "{\"cmd\":\"frobnicate\"}", "unknown_command");
	expect_code(h, "{\"cmd\":\"p2m\",\"domain\":\"nobody\"}",
		    "no_such_domain");
	expect_code(h, "{\"cmd\":\"p2m\",\"domain\":\"a\\u0001b\"}",
		    "no_such_domain");
	/* Deep nesting and an oversized request: refused, no crash. */
	memset(big, '[', CONTROL_REQUEST_MAX + 63);
	big[CONTROL_REQUEST_MAX + 63] = 0;
	reply = control_handle(h, big, 4000);
	CHECK(reply && strstr(reply, "bad_request"));
	free(reply);
	reply = control_handle(h, big, CONTROL_REQUEST_MAX + 1);
	CHECK(reply && strstr(reply, "larger than"));
	free(reply);
	free(big);
}

/* One request over the socket; the reply line, malloc'd, or NULL. */
static char *sock_ask(const char *path, const char *req)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	char *buf = calloc(1, 65536);
	size_t n = 0;
	ssize_t r;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		free(buf);
		buf = NULL;
	}
	shutdown(fd, SHUT_WR);
	while (buf && (r = read(fd, buf + n, 65535 - n)) > 0)
		n += (size_t)r;
	close(fd);
	return buf;
}

static void test_socket(struct host *h, const char *path)
{
	char p2[96], p3[96], *reply;
	struct control *c;
	int fd;
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	reply = sock_ask(path, "{\"cmd\":\"list\"}\n");
	CHECK(reply && !strncmp(reply, "{\"ok\":true", 10));
	free(reply);
	/* A second atoll on the same path is refused. */
	CHECK(control_start(h, path, &c) == -EADDRINUSE);
	/* A stale socket (nobody listening) is replaced. */
	snprintf(p2, sizeof(p2), "%s/stale.sock", dir);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", p2);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(!bind(fd, (struct sockaddr *)&a, sizeof(a)));
	close(fd);
	CHECK(control_start(h, p2, &c) == 0);
	reply = sock_ask(p2, "{\"cmd\":\"version\"}");
	CHECK(reply && strstr(reply, "\"protocol\""));
	free(reply);
	control_stop(c);
	CHECK(access(p2, F_OK) && errno == ENOENT);
	/* A live listener that does not accept (its backlog full): in use,
	 * answered at once, not a connect that blocks with the directory
	 * locked. */
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/busy.sock", dir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(!bind(fd, (struct sockaddr *)&a, sizeof(a)) && !listen(fd, 0));
	for (int k = 0, q; k < 4; k++) {
		q = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(q, (struct sockaddr *)&a, sizeof(a)); /* kept open */
	}
	alarm(20); /* a blocking connect would hang here */
	CHECK(control_start(h, a.sun_path, &c) == -EADDRINUSE);
	alarm(0);
	close(fd);
	unlink(a.sun_path);
	/* A file that is not a socket is left alone. */
	snprintf(p3, sizeof(p3), "%s/file", dir);
	fclose(fopen(p3, "w"));
	CHECK(control_start(h, p3, &c) == -EEXIST);
	CHECK(!access(p3, F_OK));
	unlink(p3);
}

int main(void)
{
	/* wfi; j .-4: an idle loop, loaded raw at 0x80000000. */
	static const unsigned char loop[] = { 0x73, 0x00, 0x50, 0x10,
					      0x6f, 0xf0, 0xdf, 0xff };
	char kernel[96], sock[96];
	struct host_config hc = { .mem.machine_memory = 16 << 20 };
	struct control *ctl;
	struct host *h;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/atoll-ctl.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return perror("mkdtemp"), 1;
	snprintf(kernel, sizeof(kernel), "%s/loop.bin", dir);
	snprintf(sock, sizeof(sock), "%s/atoll.sock", dir);
	f = fopen(kernel, "wb");
	if (!f || fwrite(loop, sizeof(loop), 1, f) != 1 || fclose(f))
		return perror(kernel), 1;
	if (host_create(&h, &hc) || control_start(h, sock, &ctl))
		return printf("FAIL: host_create\n"), 1;
	start_domain(h, "alpha", kernel, 1);
	start_domain(h, "beta", kernel, 2);
	test_commands(h);
	test_hostile(h);
	test_socket(h, sock);
	control_stop(ctl);
	host_destroy(h);
	CHECK(access(sock, F_OK) && errno == ENOENT);
	unlink(kernel);
	rmdir(dir);
	return check_done("test_control");
}
