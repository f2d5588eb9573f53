/* Copy-on-write break times (share.h): each break that copies a frame is
 * timed on the writer's own vCPU thread, in parts, into log-linear
 * histograms, so the statistics can give a median and a spread that a
 * busy host does not move (a preempted break lands in the tail, not in
 * the middle, as long as most breaks run undisturbed). */
#include <string.h>

#include "mem/share.h"

/* 8 buckets per power of two: 0-7 exact, then 12.5 % wide. */
static unsigned hist_index(uint64_t ns)
{
	unsigned e, i;

	if (ns < 8)
		return (unsigned)ns;
	e = 63u - (unsigned)__builtin_clzll(ns);
	i = 8u * (e - 2u) + (unsigned)((ns >> (e - 3u)) & 7u);
	return i < SHARE_HIST_N ? i : SHARE_HIST_N - 1;
}

/* The middle of bucket i, ns. */
static uint64_t hist_value(unsigned i)
{
	unsigned e = i / 8u + 2u;
	uint64_t lo, width;

	if (i < 8)
		return i;
	lo = (uint64_t)(8u + i % 8u) << (e - 3u);
	width = (uint64_t)1 << (e - 3u);
	return lo + width / 2;
}

static void hist_add(struct share_hist *h, uint64_t ns)
{
	atomic_fetch_add_explicit(&h->b[hist_index(ns)], 1,
				  memory_order_relaxed);
}

void share_time_add(struct share_times *dom, struct share_times *host,
		    uint64_t t0, uint64_t t_locked, uint64_t t_unlocked,
		    uint64_t t_end, uint64_t copy_ns)
{
	struct share_times *t[2] = { dom, host };

	for (unsigned k = 0; k < 2; k++) {
		hist_add(&t[k]->total, t_end - t0);
		atomic_fetch_add_explicit(&t[k]->total_ns, t_end - t0,
					  memory_order_relaxed);
		hist_add(&t[k]->wait, t_locked - t0);
		hist_add(&t[k]->locked, t_unlocked - t_locked);
		hist_add(&t[k]->copy, copy_ns);
		hist_add(&t[k]->shootdown, t_end - t_unlocked);
	}
}

/* The q-th quantile (per mille) of h, whose counts are c (n in all). */
static uint64_t hist_quantile(const uint64_t *c, uint64_t n, unsigned q)
{
	/* The smallest value with at least q/1000 of the samples at or
	 * below it (rank rounded up, at least 1). */
	uint64_t rank = (n * q + 999u) / 1000u, seen = 0;

	if (!rank)
		rank = 1;
	for (unsigned i = 0; i < SHARE_HIST_N; i++) {
		seen += c[i];
		if (seen >= rank)
			return hist_value(i);
	}
	return 0;
}

/* A snapshot of h (the counts may move while it is read). */
static uint64_t hist_read(const struct share_hist *h, uint64_t *c)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < SHARE_HIST_N; i++)
		n += c[i] =
			atomic_load_explicit(&h->b[i], memory_order_relaxed);
	return n;
}

/* The median and 90th percentile of h; c is scratch. */
static void hist_p50_p90(const struct share_hist *h, uint64_t *c, uint64_t *p50,
			 uint64_t *p90)
{
	uint64_t n = hist_read(h, c);

	*p50 = hist_quantile(c, n, 500);
	*p90 = hist_quantile(c, n, 900);
}

void share_time_get(const struct share_times *t, struct share_time_stats *st)
{
	uint64_t c[SHARE_HIST_N], n;

	memset(st, 0, sizeof(*st));
	n = hist_read(&t->total, c);
	st->n = n;
	if (!n)
		return;
	st->mean = atomic_load_explicit(&t->total_ns, memory_order_relaxed) / n;
	st->p10 = hist_quantile(c, n, 100);
	st->p25 = hist_quantile(c, n, 250);
	st->p50 = hist_quantile(c, n, 500);
	st->p75 = hist_quantile(c, n, 750);
	st->p90 = hist_quantile(c, n, 900);
	st->p99 = hist_quantile(c, n, 990);
	hist_p50_p90(&t->wait, c, &st->wait_p50, &st->wait_p90);
	hist_p50_p90(&t->locked, c, &st->locked_p50, &st->locked_p90);
	hist_p50_p90(&t->copy, c, &st->copy_p50, &st->copy_p90);
	hist_p50_p90(&t->shootdown, c, &st->shootdown_p50, &st->shootdown_p90);
}
