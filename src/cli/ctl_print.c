/* Tables for people from the control socket's replies.  A field missing
 * from the reply (another atoll version) prints as 0 or "?", never
 * crashes. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/ctl.h"

static const cJSON *jget(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

static uint64_t jnum(const cJSON *o, const char *k)
{
	const cJSON *v = jget(o, k);
	double d = cJSON_IsNumber(v) ? v->valuedouble : 0;

	return d >= 0 && d < 18446744073709551616.0 ? (uint64_t)d : 0;
}

static double jdbl(const cJSON *o, const char *k)
{
	const cJSON *v = jget(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static const char *jstr(const cJSON *o, const char *k)
{
	const char *s = cJSON_GetStringValue(jget(o, k));

	return s ? s : "?";
}

/* 0, 512K, 12.5M, 2G: the largest unit that keeps a digit before the
 * point, one decimal unless exact. */
static const char *fmt_size(uint64_t b, char buf[24])
{
	static const char units[] = "KMGT";
	int u = -1;
	uint64_t div = 1;

	while (u < 3 && b >= div * 1024) {
		div *= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, 24, "%" PRIu64, b);
	else if (b % div == 0)
		snprintf(buf, 24, "%" PRIu64 "%c", b / div, units[u]);
	else
		snprintf(buf, 24, "%.1f%c", (double)b / (double)div, units[u]);
	return buf;
}

void ctl_print_list(const cJSON *reply)
{
	const cJSON *d;
	char s1[24], s2[24], s3[24];

	printf("%3s %-16s %-9s %5s %8s %8s %8s %9s %8s\n", "ID", "NAME",
	       "STATE", "VCPUS", "HELD", "TARGET", "MAXMEM", "BALLOONED",
	       "SWAPPED");
	cJSON_ArrayForEach(d, jget(reply, "domains"))
	{
		printf("%3" PRIu64 " %-16s %-9s %5" PRIu64
		       " %8s %8s %8s %9" PRIu64 " %8" PRIu64 "\n",
		       jnum(d, "id"), jstr(d, "name"), jstr(d, "state"),
		       jnum(d, "vcpus"), fmt_size(jnum(d, "held_bytes"), s1),
		       fmt_size(jnum(d, "target_bytes"), s2),
		       fmt_size(jnum(d, "maxmem_bytes"), s3),
		       jnum(d, "ballooned_frames"), jnum(d, "swapped_frames"));
	}
}

static void ctl_print_host(const cJSON *h)
{
	uint64_t fs = jnum(h, "frame_size");
	char s1[24], s2[24];

	printf("host: %" PRIu64 " frames (%s), %" PRIu64 " free (%s), %" PRIu64
	       " reserved but not held\n",
	       jnum(h, "frames"), fmt_size(jnum(h, "frames") * fs, s1),
	       jnum(h, "free"), fmt_size(jnum(h, "free") * fs, s2),
	       jnum(h, "reserved_unheld"));
	printf("swap: %" PRIu64 " slots, %" PRIu64 " free; %" PRIu64
	       " swap-outs, %" PRIu64 " swap-ins; %" PRIu64
	       " reclaim runs, %" PRIu64 " waits for frames\n",
	       jnum(h, "swap_slots"), jnum(h, "swap_free"),
	       jnum(h, "swap_outs"), jnum(h, "swap_ins"),
	       jnum(h, "reclaim_runs"), jnum(h, "waits"));
}

void ctl_print_stats(const cJSON *reply)
{
	const cJSON *d, *m;
	uint64_t fs = jnum(jget(reply, "host"), "frame_size");
	char s1[24], s2[24];

	printf("%3s %-16s %-9s %14s %8s %8s %9s %8s %8s %10s %9s\n", "ID",
	       "NAME", "STATE", "INSTRET", "HELD", "TARGET", "POP-FAULT",
	       "SWAP-OUT", "SWAP-IN", "SHOOTDOWNS", "SD-NS-AVG");
	cJSON_ArrayForEach(d, jget(reply, "domains"))
	{
		m = jget(d, "mem");
		printf("%3" PRIu64 " %-16s %-9s %14" PRIu64 " %8s %8s %9" PRIu64
		       " %8" PRIu64 " %8" PRIu64 " %10" PRIu64 " %9.0f\n",
		       jnum(d, "id"), jstr(d, "name"), jstr(d, "state"),
		       jnum(d, "instret"),
		       fmt_size(jnum(m, "populated") * fs, s1),
		       fmt_size(jnum(m, "target") * fs, s2),
		       jnum(m, "populate_faults"), jnum(m, "swap_outs"),
		       jnum(m, "swap_ins"), jnum(d, "shootdowns"),
		       jdbl(d, "shootdown_ns_avg"));
	}
	/* Named by the manager: above target past the grace period. */
	cJSON_ArrayForEach(d, jget(reply, "domains"))
	{
		m = jget(d, "mem");
		if (cJSON_IsTrue(jget(m, "ignoring_balloon")))
			printf("%s ignores its balloon: above its target for "
			       "%.1f s\n",
			       jstr(d, "name"),
			       (double)jnum(m, "over_target_ms") / 1000);
	}
	ctl_print_host(jget(reply, "host"));
}

/* dom_mem_print_p2m's text already starts with a line naming the
 * domain and its allowances. */
void ctl_print_p2m(const cJSON *reply)
{
	fputs(jstr(reply, "p2m"), stdout);
	if (cJSON_IsTrue(jget(reply, "truncated")))
		printf("(truncated)\n");
}
