/* The history as JSON for the live page (history.h; the format is in
 * docs/control-api.md): one array per series, a value per sample, null
 * where a domain did not exist yet or any more.  Written as text: a whole
 * run is ~10^5 numbers. */
#define _GNU_SOURCE /* open_memstream */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/policy.h"
#include "mem/types.h"
#include "control/control_cmd.h"
#include "control/history_impl.h"

/* The samples to print and the names, copied under the lock. */
struct hist_copy {
	struct hist_sample *s;
	unsigned n, period_ms, nr_names;
	uint16_t ids[HIST_NAMES];
	char names[HIST_NAMES][DOMAIN_NAME_MAX + 1];
};

static const struct hist_dom *hist_find(const struct hist_sample *s,
					uint16_t id)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->dom[i].id == id)
			return &s->dom[i];
	return NULL;
}

enum hist_field {
	F_HELD,
	F_TARGET,
	F_BALLOONED,
	F_SWAPPED,
	F_SHARED,
	F_ACTIVE,
	F_CPU,
	F_INSTRET,
	F_IOREQ,
	F_IOBYTES,
	F_NR
};

static const char *const field_names[F_NR] = {
	[F_HELD] = "held",	     [F_TARGET] = "target",
	[F_BALLOONED] = "ballooned", [F_SWAPPED] = "swapped",
	[F_SHARED] = "shared",	     [F_ACTIVE] = "active",
	[F_CPU] = "cpu_ns",	     [F_INSTRET] = "instret",
	[F_IOREQ] = "io_requests",   [F_IOBYTES] = "io_bytes",
};

static uint64_t hist_value(const struct hist_dom *d, enum hist_field f)
{
	switch (f) {
	case F_HELD: return d->held;
	case F_TARGET: return d->target;
	case F_BALLOONED: return d->ballooned;
	case F_SWAPPED: return d->swapped;
	case F_SHARED: return d->shared;
	case F_ACTIVE: return d->active;
	case F_CPU: return d->cpu_ns;
	case F_INSTRET: return d->instret;
	case F_IOREQ: return d->io_requests;
	default: return d->io_bytes;
	}
}

/* "name":[v, v, null, ...] of one domain's field. */
static void hist_series(FILE *f, const struct hist_copy *c, uint16_t id,
			enum hist_field k)
{
	fprintf(f, ",\"%s\":[", field_names[k]);
	for (unsigned i = 0; i < c->n; i++) {
		const struct hist_dom *d = hist_find(&c->s[i], id);

		if (d)
			fprintf(f, "%s%" PRIu64, i ? "," : "",
				hist_value(d, k));
		else
			fprintf(f, "%snull", i ? "," : "");
	}
	fputc(']', f);
}

static void hist_domain(FILE *f, const struct hist_copy *c, unsigned k)
{
	uint16_t id = c->ids[k];

	/* Names are [A-Za-z0-9_.-]: nothing to escape. */
	fprintf(f, "%s{\"id\":%u,\"name\":\"%s\",\"state\":[", k ? "," : "", id,
		c->names[k]);
	for (unsigned i = 0; i < c->n; i++) {
		const struct hist_dom *d = hist_find(&c->s[i], id);

		if (d)
			fprintf(f, "%s\"%s\"", i ? "," : "",
				domain_state_name((enum domain_state)d->state));
		else
			fprintf(f, "%snull", i ? "," : "");
	}
	fputc(']', f);
	for (int j = 0; j < F_NR; j++)
		hist_series(f, c, id, (enum hist_field)j);
	fputc('}', f);
}

/* One host series ("name":[...]) from the member at offset off. */
#define HOST_SERIES(f, c, name, member)                                        \
	do {                                                                   \
		fprintf(f, "\"%s\":[", name);                                  \
		for (unsigned i_ = 0; i_ < (c)->n; i_++)                       \
			fprintf(f, "%s%" PRIu64, i_ ? "," : "",                \
				(uint64_t)(c)->s[i_].member);                  \
		fputc(']', f);                                                 \
	} while (0)

static void hist_print(FILE *f, const struct hist_copy *c)
{
	fprintf(f,
		"{\"ok\":true,\"schema\":%d,\"frame_size\":%u,\"period_ms\":%"
		"u,",
		CONTROL_SCHEMA, PAGE_SIZE, c->period_ms);
	HOST_SERIES(f, c, "t_ms", t_ms);
	fputs(",\"host\":{", f);
	HOST_SERIES(f, c, "frames", frames);
	fputc(',', f);
	HOST_SERIES(f, c, "free", free);
	fputc(',', f);
	HOST_SERIES(f, c, "swap_used", swap_used);
	fputc(',', f);
	HOST_SERIES(f, c, "reclaim_runs", reclaim_runs);
	fputs(",\"state\":[", f);
	for (unsigned i = 0; i < c->n; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "",
			mem_state_name((enum mem_state)c->s[i].state));
	fputs("]},\"domains\":[", f);
	for (unsigned k = 0; k < c->nr_names; k++)
		hist_domain(f, c, k);
	fputs("]}\n", f);
}

char *history_json(struct history *hs, uint64_t since_ms)
{
	struct hist_copy c = { 0 };
	unsigned first = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	pthread_mutex_lock(&hs->lock);
	while (first < hs->n && hs->s[first].t_ms <= since_ms && since_ms)
		first++;
	c.n = hs->n - first;
	c.s = malloc((c.n ? c.n : 1) * sizeof(*c.s));
	if (c.s)
		memcpy(c.s, hs->s + first, c.n * sizeof(*c.s));
	c.period_ms = hs->period_ms;
	c.nr_names = hs->nr_names;
	for (unsigned k = 0; k < c.nr_names; k++) {
		c.ids[k] = hs->names[k].id;
		memcpy(c.names[k], hs->names[k].name, sizeof(c.names[k]));
	}
	pthread_mutex_unlock(&hs->lock);
	if (!c.s)
		return NULL;
	f = open_memstream(&text, &len);
	if (f) {
		hist_print(f, &c);
		if (fclose(f)) {
			free(text);
			text = NULL;
		}
	}
	free(c.s);
	return text;
}
