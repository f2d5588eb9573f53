/* atoll top [--socket PATH] [-b] [-d SECS] [-n N]: the running atoll's
 * domains from the control socket's "stats" reply, as xentop shows a Xen
 * host: state, millions of instructions per second, CPU% (the host CPU
 * time its vCPU threads used in the interval, per cent of one CPU),
 * memory held/active/target/ballooned/swapped (MiB), PV I/O requests per
 * second and events sent per request, and a bar per domain.  On a
 * terminal the view is an ncurses screen (top_screen.c: q quits, keys
 * sort); -b prints plain frames one after another, for scripts. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "lib/log.h"
#include "control/control_sock.h"

#define TOP_BAR 50 /* characters of the widest memory bar */
#define MIB (1024.0 * 1024.0)

const char top_usage[] =
	"usage: atoll top [--socket PATH] [-b] [-d SECS] [-n N]\n"
	"  live view of the running atoll's domains: CPU, memory, I/O;\n"
	"  on a terminal: q quits; c, m, i, n sort by CPU, memory, I/O,\n"
	"  name (again: reverse); d id order\n"
	"  -b        batch: plain frames one after another (for scripts)\n"
	"  -d SECS   seconds between frames (default 1, at least 0.1)\n"
	"  -n N      stop after N frames (default: until atoll exits)\n";

#include "cli/top.h"

static double top_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static double top_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Sum of the domain's PV devices' requests and events sent ("io"). */
static void top_io(const cJSON *dom, double *req, double *ntf)
{
	const cJSON *dev;

	*req = *ntf = 0;
	cJSON_ArrayForEach(dev, cJSON_GetObjectItemCaseSensitive(dom, "io"))
	{
		*req += top_num(dev, "requests");
		*ntf += top_num(dev, "notifies");
	}
}

static const struct top_prev *top_find_prev(const struct top *t, double id)
{
	for (unsigned i = 0; i < t->nprev; i++)
		if (t->prev[i].id == id)
			return &t->prev[i];
	return NULL;
}

/* The host line: pool, free, swap, and the policy's state if reported. */
static void top_host(FILE *f, const cJSON *host, unsigned ndom)
{
	double fs = top_num(host, "frame_size"), all = top_num(host, "frames");
	double fr = top_num(host, "free"), sw = top_num(host, "swap_slots");
	const cJSON *pol = cJSON_GetObjectItemCaseSensitive(host, "policy");
	const char *st = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(pol, "state"));

	/* The policy's host state, where this atoll reports one. */
	if (!st)
		st = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(host, "state"));

	fprintf(f, "domains: %u   memory: %.1f MiB, free %.1f MiB (%.0f%%)",
		ndom, all * fs / MIB, fr * fs / MIB, all ? 100 * fr / all : 0);
	if (sw)
		fprintf(f, "   swap used %.1f/%.1f MiB",
			(sw - top_num(host, "swap_free")) * fs / MIB,
			sw * fs / MIB);
	if (st)
		fprintf(f, "   policy: %s", st);
	/* Page sharing: frames saved (docs/sharing.md). */
	if (cJSON_GetObjectItemCaseSensitive(host, "share"))
		fprintf(f, "   sharing saves %.1f MiB",
			top_num(cJSON_GetObjectItemCaseSensitive(host, "share"),
				"saved") *
				fs / MIB);
	fprintf(f,
		"\n\n%3s %-10s %-8s %6s %4s %6s %6s %6s %6s %6s %6s %6s %6s\n",
		"ID", "NAME", "STATE", "MIPS", "CPU%", "HELD", "ACTIVE",
		"TARGET", "BALLN", "SWAP", "IO/s", "EV/RQ", "SHARED");
}

/* One domain's figures; records its counters for the next frame. */
static void top_measure(const struct top *t, const cJSON *d, double dt,
			struct top_row *r)
{
	const struct top_prev *p = top_find_prev(t, top_num(d, "id"));
	struct top_prev *now = &r->now;

	r->d = d;
	now->id = top_num(d, "id");
	now->instret = top_num(d, "instret");
	now->cpu_ns = top_num(d, "cpu_ns");
	top_io(d, &now->io_req, &now->io_ntf);
	r->held = top_num(cJSON_GetObjectItemCaseSensitive(d, "mem"),
			  "populated");
	r->rates = false;
	/* A domain that ended has no devices (and no rates) any more. */
	if (p && dt > 0 && now->io_req >= p->io_req) {
		r->rates = true;
		r->mips = (now->instret - p->instret) / dt / 1e6;
		/* xentop's CPU%: host CPU time per wall time. */
		r->cpu = fmax(0, (now->cpu_ns - p->cpu_ns) / dt / 1e7);
		r->io = (now->io_req - p->io_req) / dt;
		r->ev = now->io_req > p->io_req
				? (now->io_ntf - p->io_ntf) /
					  (now->io_req - p->io_req)
				: -1;
	}
}

static void top_print_row(FILE *f, const struct top_row *r, double fs)
{
	const cJSON *d = r->d;
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "mem");
	char mips[16] = "-", cpu[16] = "-", io[16] = "-", ev[16] = "-";

	if (r->rates) {
		snprintf(mips, sizeof(mips), "%.1f", r->mips);
		snprintf(cpu, sizeof(cpu), "%.0f", r->cpu);
		snprintf(io, sizeof(io), "%.0f", r->io);
		if (r->ev >= 0)
			snprintf(ev, sizeof(ev), "%.2f", r->ev);
	}
	fprintf(f,
		"%3.0f %-10.10s %-8.8s %6s %4s %6.1f %6.1f %6.1f %6.1f %6.1f "
		"%6s %6s %6.1f%s\n",
		r->now.id,
		cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(d, "name")),
		cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(d, "state")),
		mips, cpu, top_num(m, "populated") * fs / MIB,
		top_num(m, "wss_active") * fs / MIB, /* sampled working set */
		top_num(m, "target") * fs / MIB,
		top_num(m, "ballooned") * fs / MIB,
		top_num(m, "swapped") * fs / MIB, io, ev,
		top_num(m, "shared") * fs / MIB,
		cJSON_IsTrue(
			cJSON_GetObjectItemCaseSensitive(m, "ignoring_balloon"))
			? "  ignores its balloon"
			: "");
}

/* Bars: '#' held, '.' the rest of the target, scaled to the largest
 * maxmem. */
static void top_bars(FILE *f, const struct top_row *rows, unsigned n, double fs)
{
	double max = 0;

	for (unsigned i = 0; i < n; i++)
		max = fmax(max, top_num(cJSON_GetObjectItemCaseSensitive(
						rows[i].d, "mem"),
					"maxmem"));
	if (max <= 0)
		return;
	fprintf(f, "\nmemory held (#) and target (.), MiB of %.0f:\n",
		max * fs / MIB);
	for (unsigned i = 0; i < n; i++) {
		const cJSON *d = rows[i].d;
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "mem");
		int held = (int)lround(TOP_BAR * top_num(m, "populated") / max);
		int tgt = (int)lround(TOP_BAR * top_num(m, "target") / max);
		char bar[TOP_BAR + 1];

		for (int k = 0; k < TOP_BAR; k++)
			bar[k] = k < held ? '#' : k < tgt ? '.' : ' ';
		bar[TOP_BAR] = 0;
		fprintf(f, "%-10.10s |%s| %.1f\n",
			cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(d, "name")),
			bar, top_num(m, "populated") * fs / MIB);
	}
}

static enum top_sort sort_key;
static bool sort_reverse;

/* Larger first for the figures, a-z for names, ids ascending. */
static int top_cmp(const void *pa, const void *pb)
{
	const struct top_row *a = pa, *b = pb;
	double x = 0, y = 0;
	int c;

	switch (sort_key) {
	case TOP_SORT_CPU: x = b->cpu, y = a->cpu; break;
	case TOP_SORT_MEM: x = b->held, y = a->held; break;
	case TOP_SORT_IO: x = b->io, y = a->io; break;
	case TOP_SORT_NAME:
		c = strcmp(
			cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(a->d, "name")),
			cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				b->d, "name")));
		return sort_reverse ? -c : c;
	default: break;
	}
	if (x == y)
		x = a->now.id, y = b->now.id;
	c = x < y ? -1 : x > y;
	return sort_reverse ? -c : c;
}

void top_frame(struct top *t, const cJSON *reply, FILE *f)
{
	const cJSON *host = cJSON_GetObjectItemCaseSensitive(reply, "host");
	const cJSON *doms = cJSON_GetObjectItemCaseSensitive(reply, "domains");
	const cJSON *d;
	double now = top_now(), fs = top_num(host, "frame_size");
	double dt = t->t_prev ? now - t->t_prev : 0;
	struct top_row rows[TOP_MAX_DOMAINS];
	unsigned n = 0;
	time_t wall = time(NULL);
	char hms[16];

	cJSON_ArrayForEach(d, doms)
	{
		if (n == TOP_MAX_DOMAINS)
			break;
		top_measure(t, d, dt, &rows[n++]);
	}
	sort_key = t->sort;
	sort_reverse = t->reverse;
	if (t->sort != TOP_SORT_ID || t->reverse)
		qsort(rows, n, sizeof(rows[0]), top_cmp);
	strftime(hms, sizeof(hms), "%H:%M:%S", localtime(&wall));
	fprintf(f, "atoll top %s\n", hms);
	top_host(f, host, (unsigned)cJSON_GetArraySize(doms));
	for (unsigned i = 0; i < n; i++)
		top_print_row(f, &rows[i], fs);
	top_bars(f, rows, n, fs);
	for (unsigned i = 0; i < n; i++)
		t->prev[i] = rows[i].now;
	t->nprev = n;
	t->t_prev = now;
}

static int top_parse(int argc, char **argv, struct top *t)
{
	char *end;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(top_usage, stdout);
			return 1;
		} else if (!strcmp(s, "-b")) {
			t->batch = true;
		} else if (!strcmp(s, "--socket") && v) {
			t->socket = argv[++i];
		} else if (!strcmp(s, "-d") && v) {
			t->delay = strtod(argv[++i], &end);
			if (*end || !(t->delay >= 0.1 && t->delay <= 3600)) {
				log_error("top: -d '%s': seconds in 0.1..3600",
					  v);
				return -1;
			}
		} else if (!strcmp(s, "-n") && v) {
			errno = 0;
			t->frames = strtoul(argv[++i], &end, 10);
			if (*end || errno || !t->frames || *v == '-') {
				log_error("top: -n '%s': a count of frames "
					  "(1 or more)",
					  v);
				return -1;
			}
		} else {
			log_error("top: %s '%s' (usage: atoll top [--socket "
				  "PATH] [-b] [-d SECS] [-n N])",
				  s[0] == '-' ? "unknown option or missing "
						"value"
					      : "unexpected argument",
				  s);
			return -1;
		}
	}
	return 0;
}

/* Batch: a plain frame every delay, -n of them. */
static int top_batch(struct top *t, cJSON *req)
{
	unsigned long shown = 0;
	cJSON *reply;
	char *text;
	int r = 0;

	while (!t->frames || shown < t->frames) {
		if (shown)
			nanosleep(&(struct timespec){ (time_t)t->delay,
						      (long)(fmod(t->delay, 1) *
							     1e9) },
				  NULL);
		/* After the first frame, atoll going away ends the view. */
		r = ctl_call(t->socket, req, &reply, &text);
		if (r) {
			r = shown ? 0 : r;
			break;
		}
		top_frame(t, reply, stdout);
		printf("\n");
		fflush(stdout);
		cJSON_Delete(reply);
		free(text);
		shown++;
	}
	return r;
}

int cmd_top(int argc, char **argv)
{
	struct top t = { .socket = control_default_path(), .delay = 1 };
	cJSON *req;
	int r = top_parse(argc, argv, &t);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	req = cJSON_CreateObject();
	if (!req || !cJSON_AddStringToObject(req, "cmd", "stats")) {
		cJSON_Delete(req);
		log_error("out of memory");
		return 1;
	}
	if (t.batch || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		r = top_batch(&t, req);
	else
		r = top_screen(&t, req);
	cJSON_Delete(req);
	return r;
}
