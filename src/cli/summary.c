/* The end-of-run summary of `atoll run`: a thread samples every domain's
 * statistics (every policy period, else every 250 ms) into a bounded
 * history; at the end a table per domain and a one-line chart of the
 * memory it held over time go to stderr (stdout is the guests'). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/summary.h"
#include "io/pvdev.h"
#include "mem/types.h"

#define SUM_DOMAINS 64
#define SUM_SAMPLES 64 /* chart width; older samples are merged */
#define MIB (1024.0 * 1024.0)

struct sum_dom {
	domid_t id;
	char name[DOMAIN_NAME_MAX + 1];
	enum domain_state state;
	int exit_status;
	double t_start, t_end; /* seconds since the sampler started */
	uint64_t instret, io_req;
	uint64_t held, peak, ballooned, swapped, maxmem; /* frames */
	float hist[SUM_SAMPLES]; /* frames held, one per sample slot */
	bool seen; /* in the host's list at the last sample */
};

struct summary {
	struct host *h;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct timespec t0;
	unsigned period_ms; /* grows as the history is merged */
	unsigned slot; /* samples merged into one chart column */
	unsigned nslots, in_slot; /* columns used; samples in the last */
	struct sum_dom dom[SUM_DOMAINS];
	unsigned ndom;
};

static double sum_now(const struct summary *s)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - s->t0.tv_sec) +
	       (double)(t.tv_nsec - s->t0.tv_nsec) / 1e9;
}

static struct sum_dom *sum_find(struct summary *s, domid_t id)
{
	for (unsigned i = 0; i < s->ndom; i++)
		if (s->dom[i].id == id)
			return &s->dom[i];
	if (s->ndom == SUM_DOMAINS)
		return NULL;
	memset(&s->dom[s->ndom], 0, sizeof(s->dom[0]));
	s->dom[s->ndom].id = id;
	s->dom[s->ndom].t_start = -1;
	s->dom[s->ndom].t_end = -1;
	return &s->dom[s->ndom++];
}

static void sum_io(const struct pvdev *dev, const struct pvdev_stats *st,
		   void *arg)
{
	*(uint64_t *)arg += st->requests;
}

static bool sum_alive(enum domain_state st)
{
	return st == DOMAIN_RUNNING || st == DOMAIN_PAUSED;
}

/* Under the host lock: fold one domain's figures in. */
static void sum_visit(struct domain *d, void *arg)
{
	struct summary *s = arg;
	struct domain_stats st;
	struct sum_dom *sd;
	double now = sum_now(s);

	domain_get_stats(d, &st);
	sd = sum_find(s, st.id);
	if (!sd)
		return;
	memcpy(sd->name, st.name, sizeof(sd->name));
	sd->seen = true;
	sd->state = st.state;
	sd->exit_status = st.exit_status;
	if (!sum_alive(st.state)) {
		if (sd->t_start >= 0 && sd->t_end < 0) {
			sd->t_end = now;
			sd->instret = st.instret; /* its final count */
		}
		return; /* keep the last memory figures of its life */
	}
	if (sd->t_start < 0)
		sd->t_start = now;
	sd->instret = st.instret;
	sd->held = st.mem.populated;
	sd->peak = sd->held > sd->peak ? sd->held : sd->peak;
	sd->ballooned = st.mem.ballooned;
	sd->swapped = st.mem.swapped;
	sd->maxmem = st.mem.maxmem;
	sd->io_req = 0;
	pvdev_for_each(st.id, sum_io, &sd->io_req);
	/* A column keeps the largest value of the samples it merges. */
	if (s->in_slot == 0 || sd->held > sd->hist[s->nslots - 1])
		sd->hist[s->nslots - 1] = (float)sd->held;
}

/* Halve the history when it is full: pairs of columns become one. */
static void sum_merge(struct summary *s)
{
	for (unsigned i = 0; i < s->ndom; i++) {
		float *h = s->dom[i].hist;

		for (unsigned k = 0; k < SUM_SAMPLES / 2; k++)
			h[k] = h[2 * k] > h[2 * k + 1] ? h[2 * k]
						       : h[2 * k + 1];
		memset(&h[SUM_SAMPLES / 2], 0, sizeof(float) * SUM_SAMPLES / 2);
	}
	s->nslots = SUM_SAMPLES / 2;
	s->slot *= 2;
}

static void sum_sample(struct summary *s)
{
	if (s->in_slot == 0) {
		if (s->nslots == SUM_SAMPLES)
			sum_merge(s);
		s->nslots++;
		/* Columns start where the previous one ended. */
		for (unsigned i = 0; i < s->ndom; i++)
			s->dom[i].hist[s->nslots - 1] = 0;
	}
	for (unsigned i = 0; i < s->ndom; i++)
		s->dom[i].seen = false;
	host_for_each_domain(s->h, sum_visit, s);
	/* Gone from the list: destroyed (by a user, or for a restart). */
	for (unsigned i = 0; i < s->ndom; i++) {
		struct sum_dom *sd = &s->dom[i];

		if (sd->seen || sd->state == DOMAIN_DESTROYED)
			continue;
		sd->state = DOMAIN_DESTROYED;
		if (sd->t_start >= 0 && sd->t_end < 0)
			sd->t_end = sum_now(s);
	}
	s->in_slot = (s->in_slot + 1) % s->slot;
}

static void *sum_thread(void *arg)
{
	struct summary *s = arg;
	struct timespec until;

	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		pthread_mutex_unlock(&s->lock);
		sum_sample(s);
		pthread_mutex_lock(&s->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += (long)s->period_ms * 1000000;
		until.tv_sec += until.tv_nsec / 1000000000;
		until.tv_nsec %= 1000000000;
		while (!s->stop &&
		       pthread_cond_timedwait(&s->cond, &s->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

int summary_start(struct host *h, unsigned period_ms, struct summary **out)
{
	struct summary *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->h = h;
	s->period_ms = period_ms ? period_ms : 250;
	s->slot = 1;
	clock_gettime(CLOCK_MONOTONIC, &s->t0);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->cond, NULL);
	err = -pthread_create(&s->thread, NULL, sum_thread, s);
	if (err) {
		free(s);
		return err;
	}
	*out = s;
	return 0;
}

/* One domain's chart: ten levels of the largest peak of all. */
static void sum_chart(FILE *f, const struct summary *s, const struct sum_dom *d,
		      double max)
{
	static const char lv[] = " .:-=+*#%@";
	char line[SUM_SAMPLES + 1];

	for (unsigned k = 0; k < s->nslots; k++) {
		int i = max > 0 ? (int)(d->hist[k] / max * 9 + 0.5) : 0;

		line[k] = lv[i < 0 ? 0 : i > 9 ? 9 : i];
	}
	line[s->nslots] = 0;
	fprintf(f, "  %-10.10s |%s| peak %.1f MiB\n", d->name, line,
		(double)(d->peak << PAGE_SHIFT) / MIB);
}

static void sum_status(const struct sum_dom *d, char *buf, size_t n)
{
	if (d->state == DOMAIN_SHUTDOWN)
		snprintf(buf, n, "exit %d", d->exit_status);
	else
		snprintf(buf, n, "%s", domain_state_name(d->state));
}

void summary_finish(struct summary *s, FILE *f)
{
	double end, max = 0;

	if (!s)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	sum_sample(s); /* the final states */
	end = sum_now(s);
	fprintf(f, "\natoll: summary after %.1f s\n", end);
	fprintf(f, "  %-10s %-9s %6s %12s %6s %6s %6s %6s %7s\n", "DOMAIN",
		"STATUS", "TIME", "INSTRUCTIONS", "PEAK", "FINAL", "BALLN",
		"SWAP", "IO REQS");
	for (unsigned i = 0; i < s->ndom; i++) {
		const struct sum_dom *d = &s->dom[i];
		double t = d->t_start < 0 ? 0
					  : (d->t_end < 0 ? end : d->t_end) -
						    d->t_start;
		char st[24];

		sum_status(d, st, sizeof(st));
		fprintf(f,
			"  %-10.10s %-9.9s %5.1fs %12llu %6.1f %6.1f %6.1f "
			"%6.1f %7llu\n",
			d->name, st, t, (unsigned long long)d->instret,
			(double)(d->peak << PAGE_SHIFT) / MIB,
			(double)(d->held << PAGE_SHIFT) / MIB,
			(double)(d->ballooned << PAGE_SHIFT) / MIB,
			(double)(d->swapped << PAGE_SHIFT) / MIB,
			(unsigned long long)d->io_req);
		max = (double)d->peak > max ? (double)d->peak : max;
	}
	fprintf(f,
		"(memory in MiB: peak and final held, ballooned, "
		"swapped)\nmemory held over time (a column per %.2f s):\n",
		s->slot * s->period_ms / 1000.0);
	for (unsigned i = 0; i < s->ndom; i++)
		sum_chart(f, s, &s->dom[i], max);
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
