/* The control protocol's reply objects.  Counts are JSON numbers, exact up
 * to 2^53; memory sizes in "list" are bytes, in "stats" frames of
 * "frame_size" bytes, as the memory manager counts them. */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/pvdev.h"
#include "mem/p2m.h"
#include "mem/types.h"
#include "control/control_json.h"

struct kv {
	const char *key;
	uint64_t v;
};

#define NKV(a) (sizeof(a) / sizeof((a)[0]))

static cJSON *json_kvs(cJSON *obj, const struct kv *kv, size_t n)
{
	if (!obj)
		return NULL;
	for (size_t i = 0; i < n; i++)
		cJSON_AddNumberToObject(obj, kv[i].key, (double)kv[i].v);
	return obj;
}

/* id, name and state, the first fields of every domain object. */
static cJSON *json_domain_head(const struct domain_stats *st)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddNumberToObject(o, "id", st->id);
	cJSON_AddStringToObject(o, "name", st->name);
	cJSON_AddStringToObject(o, "state", domain_state_name(st->state));
	if (st->state == DOMAIN_SHUTDOWN)
		cJSON_AddNumberToObject(o, "exit_status", st->exit_status);
	cJSON_AddNumberToObject(o, "vcpus", st->vcpus);
	return o;
}

cJSON *control_json_list_entry(const struct domain_stats *st)
{
	const struct dom_mem_stats *m = &st->mem;
	const struct kv kv[] = {
		{ "held_bytes", m->populated << PAGE_SHIFT },
		{ "target_bytes", m->target << PAGE_SHIFT },
		{ "maxmem_bytes", m->maxmem << PAGE_SHIFT },
		{ "ballooned_frames", m->ballooned },
		{ "swapped_frames", m->swapped },
		{ "ballooned_bytes", m->ballooned << PAGE_SHIFT },
		{ "swapped_bytes", m->swapped << PAGE_SHIFT },
	};

	cJSON *o = json_kvs(json_domain_head(st), kv, NKV(kv));

	if (o)
		cJSON_AddStringToObject(o, "target_set_by",
					m->user_target ? "user" : "manager");
	return o;
}

/* Copy-on-write break times (share.h), ns: quantiles of the whole break
 * and the medians and 90th percentiles of its parts. */
static cJSON *control_json_cow_time(const struct share_time_stats *t)
{
	const struct kv kv[] = {
		{ "n", t->n },
		{ "mean", t->mean },
		{ "p10", t->p10 },
		{ "p25", t->p25 },
		{ "p50", t->p50 },
		{ "p75", t->p75 },
		{ "p90", t->p90 },
		{ "p99", t->p99 },
		{ "wait_p50", t->wait_p50 },
		{ "wait_p90", t->wait_p90 },
		{ "locked_p50", t->locked_p50 },
		{ "locked_p90", t->locked_p90 },
		{ "copy_p50", t->copy_p50 },
		{ "copy_p90", t->copy_p90 },
		{ "shootdown_p50", t->shootdown_p50 },
		{ "shootdown_p90", t->shootdown_p90 },
	};

	return json_kvs(cJSON_CreateObject(), kv, NKV(kv));
}

cJSON *control_json_mem(const struct dom_mem_stats *m)
{
	const struct kv kv[] = {
		{ "populated", m->populated },
		{ "reservation", m->reservation },
		{ "target", m->target },
		{ "limit", m->limit },
		{ "maxmem", m->maxmem },
		{ "ballooned", m->ballooned },
		{ "swapped", m->swapped },
		{ "shared", m->shared },
		{ "share_zero", m->share_zero },
		{ "share_saved", m->share_saved },
		{ "cow_breaks", m->cow_breaks },
		{ "populate_faults", m->populate_faults },
		{ "swap_ins", m->swap_ins },
		{ "swap_outs", m->swap_outs },
		{ "shootdowns", m->shootdowns },
		{ "retries", m->retries },
		{ "shares", m->shares },
		{ "pressure", m->pressure },
		{ "guest_free", m->guest_free },
		{ "reclaimed_by_balloon", m->reclaimed_by_balloon },
		{ "reclaimed_by_swap", m->reclaimed_by_swap },
		{ "time_to_target_ms", m->time_to_target_ms },
		{ "over_target_ms", m->over_target_ms },
		{ "wss_active", m->wss_active },
		{ "wss_last", m->wss_last },
		{ "wss_periods", m->wss_periods },
	};
	cJSON *o = json_kvs(cJSON_CreateObject(), kv, NKV(kv));

	/* Above its target past the grace period (docs/policy.md). */
	if (o)
		cJSON_AddBoolToObject(o, "ignoring_balloon",
				      m->ignoring_balloon);
	if (o)
		cJSON_AddBoolToObject(o, "sharing", m->sharing);
	if (o)
		cJSON_AddItemToObject(o, "cow_break_ns",
				      control_json_cow_time(&m->cow_time));
	/* Set by a user: it holds until a user changes it. */
	if (o)
		cJSON_AddStringToObject(o, "target_set_by",
					m->user_target ? "user" : "manager");
	return o;
}

/* The emulated disk's counters: every register access is a device exit. */
static cJSON *control_json_ata(const struct ata_stats *a)
{
	const struct kv kv[] = {
		{ "exits", a->exits },
		{ "data_exits", a->data },
		{ "commands", a->commands },
		{ "sectors_read", a->sectors_read },
		{ "sectors_written", a->sectors_written },
		{ "errors", a->errors },
		{ "flushes", a->flushes },
	};

	return json_kvs(cJSON_CreateObject(), kv, NKV(kv));
}

cJSON *control_json_domain_stats(const struct domain_stats *st)
{
	cJSON *o = json_domain_head(st);
	const struct kv kv[] = {
		{ "instret", st->instret },
		{ "cpu_ns", st->cpu_ns },
		{ "shootdowns", st->shootdowns },
	};

	if (!json_kvs(o, kv, NKV(kv)))
		return NULL;
	cJSON_AddNumberToObject(o, "shootdown_ns_avg", st->shootdown_ns_avg);
	cJSON_AddItemToObject(o, "mem", control_json_mem(&st->mem));
	if (st->has_ata)
		cJSON_AddItemToObject(o, "ata", control_json_ata(&st->ata));
	return o;
}

static void json_io_dev(const struct pvdev *dev, const struct pvdev_stats *st,
			void *arr)
{
	cJSON *o = cJSON_CreateObject();
	const struct kv kv[] = {
		{ "index", dev->index },      { "requests", st->requests },
		{ "bytes", st->bytes },	      { "errors", st->errors },
		{ "notifies", st->notifies }, { "wakeups", st->wakeups },
		{ "passes", st->passes },
	};

	if (o)
		cJSON_AddStringToObject(o, "type", dev->ops->name);
	cJSON_AddItemToArray(arr, json_kvs(o, kv, NKV(kv)));
}

cJSON *control_json_io(domid_t domid)
{
	cJSON *arr = cJSON_CreateArray();

	if (arr)
		pvdev_for_each(domid, json_io_dev, arr);
	return arr;
}

cJSON *control_json_host(const struct mem_host_stats *hs)
{
	const struct kv kv[] = {
		{ "frame_size", PAGE_SIZE },
		{ "frames", hs->frames },
		{ "free", hs->free },
		{ "reserved_unheld", hs->reserved_unheld },
		{ "swap_slots", hs->swap_slots },
		{ "swap_free", hs->swap_free },
		{ "swap_outs", hs->swap_outs },
		{ "swap_ins", hs->swap_ins },
		{ "reclaim_runs", hs->reclaim_runs },
		{ "waits", hs->waits },
		{ "mem_waits", hs->mem_waits },
		{ "mem_waits_woken", hs->mem_waits_woken },
		{ "mem_waits_timed_out", hs->mem_waits_timed_out },
		{ "transitions", hs->transitions },
		{ "policy_runs", hs->policy_runs },
		{ "wss_passes", hs->wss_passes },
		{ "wss_cpu_ms", hs->wss_cpu_ns / 1000000u },
	};
	const struct share_stats *s = &hs->share;
	/* Content-based sharing (docs/sharing.md); frames, pages/s, ns. */
	const struct kv share[] = {
		{ "frames", s->frames },
		{ "mappings", s->mappings },
		{ "saved", s->saved },
		{ "saved_bytes", s->saved << PAGE_SHIFT },
		{ "zero_mappings", s->zero_mappings },
		{ "scanned", s->scanned },
		{ "merged", s->merged },
		{ "cow_breaks", s->cow_breaks },
		{ "passes", s->passes },
		{ "spares", s->spares },
		{ "rate", s->rate },
		{ "scan_rate", s->scan_rate },
		{ "cpu_ns", s->cpu_ns },
	};
	cJSON *o = json_kvs(cJSON_CreateObject(), kv, NKV(kv));
	cJSON *sh = json_kvs(cJSON_CreateObject(), share, NKV(share));

	if (o)
		cJSON_AddStringToObject(
			o, "state", mem_state_name((enum mem_state)hs->state));
	if (sh)
		cJSON_AddItemToObject(sh, "cow_break_ns",
				      control_json_cow_time(&s->cow_time));
	if (o)
		cJSON_AddItemToObject(o, "share", sh);
	else
		cJSON_Delete(sh);
	return o;
}

struct json_ranges {
	FILE *f;
	uint64_t n;
	bool cut;
};

/* One range as {"gfn", "count", "state"[, "mfn" | "slot"]}, written as
 * text: a P2M being swapped has tens of thousands of ranges, and an object
 * per range would cost the reply several times the text's time. */
static void json_range(const struct p2m_range *r, void *arg)
{
	struct json_ranges *j = arg;
	const char *val = NULL;

	if (j->n == CONTROL_P2M_RANGES_MAX) {
		j->cut = true;
		return;
	}
	if (r->type == P2M_PRESENT || r->type == P2M_SHARED)
		val = "mfn";
	else if (r->type == P2M_SWAPPED)
		val = "slot";
	fprintf(j->f,
		"%s{\"gfn\":%" PRIu64 ",\"count\":%" PRIu64 ",\"state\":\"%s\"",
		j->n++ ? "," : "", r->gfn_first, r->gfn_last - r->gfn_first + 1,
		p2m_type_name(r->type));
	if (val)
		fprintf(j->f, ",\"%s\":%u", val, r->first_val);
	if (r->type == P2M_SHARED && r->refs)
		fprintf(j->f, ",\"refs\":%u", r->refs);
	fputc('}', j->f);
}

/* "ranges" (objects), "ranges_truncated" and "counts" (frames per state). */
static int control_json_ranges(cJSON *obj, struct dom_mem *dm)
{
	struct json_ranges j = { 0 };
	uint64_t count[P2M_BUSY + 1] = { 0 };
	char *text = NULL;
	size_t len = 0;
	cJSON *c;
	int r = 0;

	j.f = open_memstream(&text, &len);
	if (!j.f)
		return -ENOMEM;
	fputc('[', j.f);
	dom_mem_for_each_range(dm, json_range, &j, count);
	fputc(']', j.f);
	if (fclose(j.f) || !text) {
		free(text);
		return -ENOMEM;
	}
	c = cJSON_CreateObject();
	if (!cJSON_AddRawToObject(obj, "ranges", text) ||
	    !cJSON_AddBoolToObject(obj, "ranges_truncated", j.cut) ||
	    !cJSON_AddItemToObject(obj, "counts", c)) {
		cJSON_Delete(c);
		r = -ENOMEM;
	}
	for (int t = 0; !r && t <= P2M_BUSY; t++)
		cJSON_AddNumberToObject(c, p2m_type_name((enum p2m_type)t),
					(double)count[t]);
	free(text);
	return r;
}

int control_json_p2m(cJSON *obj, struct dom_mem *dm)
{
	char *text = NULL;
	size_t len = 0;
	bool cut = false;
	FILE *f = open_memstream(&text, &len);
	int r = 0;

	if (!f)
		return -ENOMEM;
	dom_mem_print_p2m(dm, f);
	if (fclose(f) || !text) {
		free(text);
		return -ENOMEM;
	}
	if (len > CONTROL_P2M_TEXT_MAX) {
		char *nl = memrchr(text, '\n', CONTROL_P2M_TEXT_MAX);

		text[nl ? (size_t)(nl - text) + 1 : 0] = 0;
		cut = true;
	}
	if (!cJSON_AddStringToObject(obj, "p2m", text) ||
	    !cJSON_AddBoolToObject(obj, "truncated", cut))
		r = -ENOMEM;
	free(text);
	return r ? r : control_json_ranges(obj, dm);
}
