/* atoll console [--socket PATH] DOMAIN: attach this terminal to a domain's
 * console through the control socket.  The terminal is raw while attached
 * (when it is one) and always restored; Ctrl-] or the end of input
 * detaches and leaves the domain running. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "lib/log.h"
#include "control/control_sock.h"

#define CONSOLE_ESCAPE 0x1d /* Ctrl-], as virsh and telnet */
#define CONSOLE_REPLY_MAX 4096

const char console_usage[] =
	"usage: atoll console [--socket PATH] DOMAIN\n"
	"  attach this terminal to the console of DOMAIN (a name or id) of\n"
	"  the running atoll: its output appears here, what you type is its\n"
	"  input.  Ctrl-] (or the end of input) detaches; the domain keeps\n"
	"  running.  One client per domain at a time.\n";

static struct termios console_saved;
static volatile sig_atomic_t console_raw;

static void console_restore(void)
{
	if (console_raw) {
		tcsetattr(STDIN_FILENO, TCSADRAIN, &console_saved);
		console_raw = 0;
	}
}

static void console_on_signal(int sig)
{
	console_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Raw terminal (no echo, no line editing, keys are bytes), as ssh does. */
static void console_make_raw(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &console_saved))
		return;
	t = console_saved;
	cfmakeraw(&t);
	t.c_oflag |= OPOST; /* a guest's bare "\n" still starts a line */
	atexit(console_restore);
	signal(SIGTERM, console_on_signal);
	signal(SIGHUP, console_on_signal);
	signal(SIGINT, console_on_signal);
	if (!tcsetattr(STDIN_FILENO, TCSADRAIN, &t))
		console_raw = 1;
}

/* Read the reply line byte by byte (nothing of the stream after it may
 * be swallowed).  Returns it NUL-terminated, or NULL after one line. */
static char *console_reply(int fd, const char *path)
{
	char *buf = malloc(CONSOLE_REPLY_MAX + 1);
	size_t n = 0;

	while (buf && n < CONSOLE_REPLY_MAX) {
		ssize_t r = recv(fd, buf + n, 1, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (buf[n] == '\n') {
			buf[n] = 0;
			return buf;
		}
		n++;
	}
	free(buf);
	log_error("console: no reply from %s (not an atoll?)", path);
	return NULL;
}

/* Ask for the console; 0, or the exit status after one line. */
static int console_request(int fd, const char *path, const char *dom)
{
	cJSON *req = cJSON_CreateObject(), *rep = NULL;
	char *line = NULL, *text = NULL;
	const cJSON *ok;
	int r = 1;

	if (req && cJSON_AddStringToObject(req, "cmd", "console") &&
	    cJSON_AddStringToObject(req, "domain", dom))
		text = cJSON_PrintUnformatted(req);
	if (!text || dprintf(fd, "%s\n", text) < 0) {
		log_error("console: cannot send to %s", path);
		goto out;
	}
	line = console_reply(fd, path);
	rep = line ? cJSON_Parse(line) : NULL;
	ok = cJSON_GetObjectItemCaseSensitive(rep, "ok");
	if (line && !cJSON_IsBool(ok)) {
		log_error("console: %s did not answer as atoll does", path);
		r = CLI_EXIT_USAGE;
	} else if (cJSON_IsFalse(ok)) {
		const char *code = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(rep, "code"));
		log_error("console: %s",
			  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				  rep, "error")));
		r = code && !strcmp(code, "no_such_domain") ? CLI_EXIT_USAGE
							    : 1;
	} else if (line) {
		r = 0;
	}
out:
	cJSON_Delete(req);
	cJSON_Delete(rep);
	free(text);
	free(line);
	return r;
}

static bool console_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		n -= (size_t)r;
	}
	return true;
}

/* Copy both ways until the domain's side closes or the user detaches. */
static void console_pump(int fd)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
			       { .fd = STDIN_FILENO, .events = POLLIN } };
	char buf[4096];
	ssize_t n;

	for (;;) {
		if (poll(p, p[1].fd < 0 ? 1 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents) {
			n = recv(fd, buf, sizeof(buf), 0);
			if ((n < 0 && errno != EINTR && errno != EAGAIN) ||
			    n == 0 || (n > 0 && !console_write_all(1, buf, n)))
				return;
		}
		if (p[1].fd >= 0 && p[1].revents) {
			char *esc;

			n = read(STDIN_FILENO, buf, sizeof(buf));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			esc = n > 0 ? memchr(buf, CONSOLE_ESCAPE, n) : NULL;
			if (esc)
				n = esc - buf;
			if (n > 0 && !console_write_all(fd, buf, (size_t)n))
				return;
			if (esc)
				return;
			if (n <= 0) { /* end of input: detach */
				shutdown(fd, SHUT_WR);
				p[1].fd = -1;
			}
		}
	}
}

int cmd_console(int argc, char **argv)
{
	const char *path = control_default_path(), *dom = NULL;
	struct timeval none = { 0 };
	int fd, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(console_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--socket")) {
			if (++i == argc) {
				log_error("console: --socket needs a PATH");
				return CLI_EXIT_USAGE;
			}
			path = argv[i];
		} else if (!strncmp(argv[i], "--socket=", 9)) {
			path = argv[i] + 9;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			log_error("console: unknown option '%s'", argv[i]);
			return CLI_EXIT_USAGE;
		} else if (dom) {
			log_error("console: unexpected argument '%s' (usage: "
				  "atoll console [--socket PATH] DOMAIN)",
				  argv[i]);
			return CLI_EXIT_USAGE;
		} else {
			dom = argv[i];
		}
	}
	if (!dom) {
		log_error("console: missing DOMAIN (usage: atoll console "
			  "[--socket PATH] DOMAIN)");
		return CLI_EXIT_USAGE;
	}
	fd = ctl_connect(path);
	if (fd < 0)
		return CLI_EXIT_USAGE;
	r = console_request(fd, path, dom);
	if (!r) {
		/* A stream now: no time limit on either direction. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none));
		console_make_raw();
		if (console_raw)
			fprintf(stderr,
				"atoll: console of %s (Ctrl-] to "
				"detach)\r\n",
				dom);
		console_pump(fd);
		console_restore();
	}
	close(fd);
	return r;
}
