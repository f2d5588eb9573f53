/* Waiting for a domain to reach its memory target (mem_wait.h).  The
 * target is reached when the domain holds no more than it and its balloon
 * leaves it at least that much, both within a tolerance: the larger of
 * 1 MiB and 1 % of the target (a balloon moves in batches and keeps a few
 * free pages).  Holdings going down are shown as "held"; going up, the
 * memory the balloon leaves the guest ("usable": maxmem - ballooned),
 * since an idle guest does not touch what it is given. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "cli/mem_wait.h"
#include "cli/progress.h"
#include "lib/log.h"

#define MIB (1024.0 * 1024.0)
#define MEM_WAIT_POLL_NS 200000000L
#define MEM_WAIT_TOL_MIN MIB

int mem_wait_option(const char *verb, const char *arg, unsigned *secs)
{
	if (strcmp(arg, "--wait") && strncmp(arg, "--wait=", 7))
		return 0;
	*secs = MEM_WAIT_DEFAULT_S;
	if (arg[6] == '=' && parse_uint(arg + 7, 0, MEM_WAIT_MAX_S, secs)) {
		log_error("%s: --wait=%s: SECS must be a whole number of "
			  "seconds from 0 to %u",
			  verb, arg + 7, MEM_WAIT_MAX_S);
		return -1;
	}
	return 1;
}

static double mw_num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) && v->valuedouble >= 0 ? v->valuedouble : 0;
}

/* The sample from a stats reply; -1 if it names no domain. */
static int mw_parse(const cJSON *reply, struct mem_sample *s)
{
	const cJSON *d = cJSON_GetArrayItem(
		cJSON_GetObjectItemCaseSensitive(reply, "domains"), 0);
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(d, "mem");
	const char *st = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(d, "state"));

	if (!cJSON_IsObject(m))
		return -1;
	s->frame_size = mw_num(cJSON_GetObjectItemCaseSensitive(reply, "host"),
			       "frame_size");
	if (!s->frame_size)
		s->frame_size = 4096;
	s->populated = mw_num(m, "populated");
	s->target = mw_num(m, "target");
	s->maxmem = mw_num(m, "maxmem");
	s->ballooned = mw_num(m, "ballooned");
	s->swapped = mw_num(m, "swapped");
	s->by_balloon = mw_num(m, "reclaimed_by_balloon");
	s->by_swap = mw_num(m, "reclaimed_by_swap");
	snprintf(s->state, sizeof(s->state), "%s", st ? st : "?");
	return 0;
}

int mem_wait_sample(const char *socket, const char *verb, const char *dom,
		    struct mem_sample *s)
{
	cJSON *req = cJSON_CreateObject(), *reply = NULL;
	char *text = NULL;
	const char *code, *err;
	int r = 1;

	if (!req || !cJSON_AddStringToObject(req, "cmd", "stats") ||
	    !cJSON_AddStringToObject(req, "domain", dom)) {
		log_error("out of memory");
		goto out;
	}
	r = ctl_call(socket, req, &reply, &text);
	if (r)
		goto out;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "ok"))) {
		code = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(reply, "code"));
		err = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(reply, "error"));
		log_error("%s: %s", verb, err);
		r = code && !strcmp(code, "no_such_domain") ? CLI_EXIT_USAGE
							    : 1;
	} else if (mw_parse(reply, s)) {
		log_error("%s: atoll's stats reply has no memory for '%s'",
			  verb, dom);
		r = 1;
	}
out:
	cJSON_Delete(req);
	cJSON_Delete(reply);
	free(text);
	return r;
}

static double mw_tolerance(const struct mem_sample *s)
{
	double t = s->target * s->frame_size / 100;

	return (t > MEM_WAIT_TOL_MIN ? t : MEM_WAIT_TOL_MIN) / s->frame_size;
}

static bool mw_reached(const struct mem_sample *s)
{
	double tol = mw_tolerance(s);

	return s->populated <= s->target + tol &&
	       s->maxmem - s->ballooned + tol >= s->target;
}

/* The value shown: held going down, usable going up; MiB. */
static double mw_value(const struct mem_sample *s, bool down)
{
	return (down ? s->populated : s->maxmem - s->ballooned) *
	       s->frame_size / MIB;
}

/* "balloon 12.0, swap 0.0 MiB" reclaimed since before (down) or
 * "balloon returned 40.0 MiB" (up). */
static void mw_note(const struct mem_sample *b, const struct mem_sample *s,
		    bool down, char *buf, size_t len)
{
	double fs = s->frame_size / MIB;

	if (down)
		snprintf(buf, len, "balloon %.1f, swap %.1f MiB",
			 (s->by_balloon - b->by_balloon) * fs,
			 (s->by_swap - b->by_swap) * fs);
	else
		snprintf(buf, len, "balloon returned %.1f MiB",
			 fmax(b->ballooned - s->ballooned, 0) * fs);
}

/* The final line: "web: target 40.0 MiB reached in 1.9 s: held ..." */
static void mw_final(struct progress *p, const char *dom,
		     const struct mem_sample *b, const struct mem_sample *s,
		     bool down, bool ok)
{
	char line[320], note[96];
	double fs = s->frame_size / MIB;

	mw_note(b, s, down, note, sizeof(note));
	snprintf(line, sizeof(line),
		 "%s: target %.1f MiB %s in %.1f s: held %.1f MiB, "
		 "ballooned %.1f MiB, swapped %.1f MiB (%s)",
		 dom, s->target * fs, ok ? "reached" : "NOT reached",
		 progress_elapsed(p), s->populated * fs, s->ballooned * fs,
		 s->swapped * fs, note);
	progress_end(p, line);
}

int mem_wait_run(const char *socket, const char *verb, const char *dom,
		 const struct mem_sample *before, unsigned secs, FILE *out)
{
	const struct timespec poll = { 0, MEM_WAIT_POLL_NS };
	struct mem_sample s;
	struct progress p;
	char what[64], note[96];
	bool down;

	if (mem_wait_sample(socket, verb, dom, &s))
		return 1;
	down = before->populated > s.target;
	snprintf(what, sizeof(what), "%s: %s", dom, down ? "held" : "usable");
	progress_start(&p, out, what, "MiB", mw_value(before, down),
		       s.target * s.frame_size / MIB);
	for (;;) {
		if (strcmp(s.state, "running") && strcmp(s.state, "paused") &&
		    strcmp(s.state, "created")) {
			mw_final(&p, dom, before, &s, down, false);
			log_error("%s: %s is %s: stopped waiting", verb, dom,
				  s.state);
			return 1;
		}
		if (mw_reached(&s)) {
			mw_final(&p, dom, before, &s, down, true);
			return 0;
		}
		if (progress_elapsed(&p) >= secs)
			break;
		p.to = s.target * s.frame_size / MIB;
		mw_note(before, &s, down, note, sizeof(note));
		progress_show(&p, mw_value(&s, down), note);
		nanosleep(&poll, NULL);
		if (mem_wait_sample(socket, verb, dom, &s)) {
			progress_end(&p, NULL);
			return 1;
		}
	}
	mw_final(&p, dom, before, &s, down, false);
	log_error("%s: %s did not reach its target %.1f MiB within %u s "
		  "(holds %.1f MiB; the target stays set)",
		  verb, dom, s.target * s.frame_size / MIB, secs,
		  s.populated * s.frame_size / MIB);
	return 1;
}
