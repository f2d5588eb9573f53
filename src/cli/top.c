/* atoll top [--socket PATH] [-b] [-d SECS] [-n N]: the running atoll's
 * domains, refreshed in place, from the control socket's "stats" reply:
 * state, millions of instructions per second and CPU% (its share of all
 * instructions the domains retired in the interval), memory
 * held/target/ballooned/swapped (MiB), PV I/O requests per second and
 * events sent per request, and a bar per domain. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "lib/log.h"
#include "control/control_sock.h"

#define TOP_MAX_DOMAINS 64
#define TOP_BAR 50 /* characters of the widest memory bar */
#define MIB (1024.0 * 1024.0)

const char top_usage[] =
	"usage: atoll top [--socket PATH] [-b] [-d SECS] [-n N]\n"
	"  live view of the running atoll's domains: CPU, memory, I/O\n"
	"  -b        batch: plain frames one after another (for scripts)\n"
	"  -d SECS   seconds between frames (default 1, at least 0.1)\n"
	"  -n N      stop after N frames (default: until atoll exits)\n";

struct top_prev {
	double id, instret, io_req, io_ntf;
};

struct top {
	const char *socket;
	bool batch;
	double delay;
	unsigned long frames; /* 0: no limit */
	struct top_prev prev[TOP_MAX_DOMAINS];
	unsigned nprev;
	double t_prev; /* seconds, 0 before the first frame */
};

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
static void top_host(const cJSON *host, unsigned ndom)
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

	printf("domains: %u   memory: %.1f MiB, free %.1f MiB (%.0f%%)", ndom,
	       all * fs / MIB, fr * fs / MIB, all ? 100 * fr / all : 0);
	if (sw)
		printf("   swap used %.1f/%.1f MiB",
		       (sw - top_num(host, "swap_free")) * fs / MIB,
		       sw * fs / MIB);
	if (st)
		printf("   policy: %s", st);
	printf("\n\n%3s %-10s %-8s %6s %4s %6s %6s %6s %6s %6s %6s %6s\n", "ID",
	       "NAME", "STATE", "MIPS", "CPU%", "HELD", "ACTIVE", "TARGET",
	       "BALLN", "SWAP", "IO/s", "EV/RQ");
}

/* One domain's row; records its counters for the next frame. */
static void top_row(struct top *t, const cJSON *d, double fs, double dt,
		    double all_insn, struct top_prev *now)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "mem");
	const struct top_prev *p = top_find_prev(t, top_num(d, "id"));
	char mips[16] = "-", cpu[16] = "-", io[16] = "-", ev[16] = "-";

	now->id = top_num(d, "id");
	now->instret = top_num(d, "instret");
	top_io(d, &now->io_req, &now->io_ntf);
	/* A domain that ended has no devices (and no rates) any more. */
	if (p && dt > 0 && now->io_req >= p->io_req) {
		double di = now->instret - p->instret;
		double dr = now->io_req - p->io_req;

		snprintf(mips, sizeof(mips), "%.1f", di / dt / 1e6);
		snprintf(cpu, sizeof(cpu), "%.0f",
			 all_insn > 0 ? 100 * di / all_insn : 0);
		snprintf(io, sizeof(io), "%.0f", dr / dt);
		if (dr > 0)
			snprintf(ev, sizeof(ev), "%.2f",
				 (now->io_ntf - p->io_ntf) / dr);
	}
	printf("%3.0f %-10.10s %-8.8s %6s %4s %6.1f %6.1f %6.1f %6.1f %6.1f "
	       "%6s %6s%s\n",
	       now->id,
	       cJSON_GetStringValue(
		       cJSON_GetObjectItemCaseSensitive(d, "name")),
	       cJSON_GetStringValue(
		       cJSON_GetObjectItemCaseSensitive(d, "state")),
	       mips, cpu, top_num(m, "populated") * fs / MIB,
	       top_num(m, "wss_active") * fs / MIB, /* sampled working set */
	       top_num(m, "target") * fs / MIB,
	       top_num(m, "ballooned") * fs / MIB,
	       top_num(m, "swapped") * fs / MIB, io, ev,
	       cJSON_IsTrue(
		       cJSON_GetObjectItemCaseSensitive(m, "ignoring_balloon"))
		       ? "  ignores its balloon"
		       : "");
}

/* Bars: '#' held, '.' the rest of the target, scaled to the largest
 * maxmem. */
static void top_bars(const cJSON *doms, double fs)
{
	const cJSON *d;
	double max = 0;

	cJSON_ArrayForEach(d, doms) max =
		fmax(max, top_num(cJSON_GetObjectItemCaseSensitive(d, "mem"),
				  "maxmem"));
	if (max <= 0)
		return;
	printf("\nmemory held (#) and target (.), MiB of %.0f:\n",
	       max * fs / MIB);
	cJSON_ArrayForEach(d, doms)
	{
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "mem");
		int held = (int)lround(TOP_BAR * top_num(m, "populated") / max);
		int tgt = (int)lround(TOP_BAR * top_num(m, "target") / max);
		char bar[TOP_BAR + 1];

		for (int i = 0; i < TOP_BAR; i++)
			bar[i] = i < held ? '#' : i < tgt ? '.' : ' ';
		bar[TOP_BAR] = 0;
		printf("%-10.10s |%s| %.1f\n",
		       cJSON_GetStringValue(
			       cJSON_GetObjectItemCaseSensitive(d, "name")),
		       bar, top_num(m, "populated") * fs / MIB);
	}
}

/* Instructions all domains retired since the last frame. */
static double top_all_insn(const struct top *t, const cJSON *doms)
{
	const struct top_prev *p;
	const cJSON *d;
	double sum = 0;

	cJSON_ArrayForEach(d,
			   doms) if ((p = top_find_prev(t, top_num(d, "id"))))
		sum += top_num(d, "instret") - p->instret;
	return sum;
}

static void top_frame(struct top *t, const cJSON *reply)
{
	const cJSON *host = cJSON_GetObjectItemCaseSensitive(reply, "host");
	const cJSON *doms = cJSON_GetObjectItemCaseSensitive(reply, "domains");
	const cJSON *d;
	double now = top_now(), fs = top_num(host, "frame_size");
	double dt = t->t_prev ? now - t->t_prev : 0;
	double all = top_all_insn(t, doms);
	struct top_prev cur[TOP_MAX_DOMAINS];
	unsigned n = 0;
	time_t wall = time(NULL);
	char hms[16];

	strftime(hms, sizeof(hms), "%H:%M:%S", localtime(&wall));
	printf(t->batch ? "atoll top %s\n" : "\033[H\033[2Jatoll top %s\n",
	       hms);
	top_host(host, (unsigned)cJSON_GetArraySize(doms));
	cJSON_ArrayForEach(d, doms)
	{
		if (n == TOP_MAX_DOMAINS)
			break;
		top_row(t, d, fs, dt, all, &cur[n++]);
	}
	top_bars(doms, fs);
	if (t->batch)
		printf("\n");
	fflush(stdout);
	memcpy(t->prev, cur, n * sizeof(cur[0]));
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

int cmd_top(int argc, char **argv)
{
	struct top t = { .socket = control_default_path(), .delay = 1 };
	unsigned long shown = 0;
	cJSON *req, *reply;
	char *text;
	int r = top_parse(argc, argv, &t);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	req = cJSON_CreateObject();
	if (!req || !cJSON_AddStringToObject(req, "cmd", "stats")) {
		cJSON_Delete(req);
		log_error("out of memory");
		return 1;
	}
	while (!t.frames || shown < t.frames) {
		if (shown)
			nanosleep(&(struct timespec){ (time_t)t.delay,
						      (long)(fmod(t.delay, 1) *
							     1e9) },
				  NULL);
		/* After the first frame, atoll going away ends the view. */
		r = ctl_call(t.socket, req, &reply, &text);
		if (r) {
			r = shown ? 0 : r;
			break;
		}
		top_frame(&t, reply);
		cJSON_Delete(reply);
		free(text);
		shown++;
	}
	cJSON_Delete(req);
	return r;
}
