/* Tables for people from the control socket's replies.  A field missing
 * from the reply (another atoll version) prints as 0 or "?", never
 * crashes. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/ctl.h"
#include "lib/size.h"

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

/* MiB with one decimal: the one unit of `list`'s memory columns. */
static double mib(uint64_t bytes)
{
	return (double)bytes / (1 << 20);
}

void ctl_print_list(const cJSON *reply)
{
	const cJSON *d;

	printf("%3s %-16s %-9s %5s %10s %11s %11s %12s %9s %s\n", "ID", "NAME",
	       "STATE", "VCPUS", "HELD(MiB)", "TARGET(MiB)", "MAXMEM(MiB)",
	       "BALLOON(MiB)", "SWAP(MiB)", "TARGET-BY");
	cJSON_ArrayForEach(d, jget(reply, "domains"))
	{
		printf("%3" PRIu64 " %-16s %-9s %5" PRIu64
		       " %10.1f %11.1f %11.1f %12.1f %9.1f %s\n",
		       jnum(d, "id"), jstr(d, "name"), jstr(d, "state"),
		       jnum(d, "vcpus"), mib(jnum(d, "held_bytes")),
		       mib(jnum(d, "target_bytes")),
		       mib(jnum(d, "maxmem_bytes")),
		       mib(jnum(d, "ballooned_frames") << 12),
		       mib(jnum(d, "swapped_frames") << 12),
		       jstr(d, "target_set_by"));
	}
}

static void ctl_print_host(const cJSON *h)
{
	uint64_t fs = jnum(h, "frame_size");
	char s1[SIZE_BUF], s2[SIZE_BUF], s3[SIZE_BUF], s4[SIZE_BUF],
		s5[SIZE_BUF];

	printf("host: %s of machine memory, %s free, %s reserved but not "
	       "held; memory state %s\n",
	       size_format(jnum(h, "frames") * fs, s1),
	       size_format(jnum(h, "free") * fs, s2),
	       size_format(jnum(h, "reserved_unheld") * fs, s3),
	       jstr(h, "state"));
	printf("swap: %s, %s free; %s swapped out, %s swapped in; %" PRIu64
	       " reclaim runs, %" PRIu64 " waits for frames\n",
	       size_format(jnum(h, "swap_slots") * fs, s1),
	       size_format(jnum(h, "swap_free") * fs, s2),
	       size_format(jnum(h, "swap_outs") * fs, s4),
	       size_format(jnum(h, "swap_ins") * fs, s5),
	       jnum(h, "reclaim_runs"), jnum(h, "waits"));
}

void ctl_print_stats(const cJSON *reply)
{
	const cJSON *d, *m;
	uint64_t fs = jnum(jget(reply, "host"), "frame_size");

	printf("%3s %-16s %-9s %14s %10s %11s %9s %13s %12s %10s %9s\n", "ID",
	       "NAME", "STATE", "INSTRET", "HELD(MiB)", "TARGET(MiB)",
	       "POP-FAULT", "SWAP-OUT(MiB)", "SWAP-IN(MiB)", "SHOOTDOWNS",
	       "SD-NS-AVG");
	cJSON_ArrayForEach(d, jget(reply, "domains"))
	{
		m = jget(d, "mem");
		printf("%3" PRIu64 " %-16s %-9s %14" PRIu64
		       " %10.1f %11.1f %9" PRIu64 " %13.1f %12.1f %10" PRIu64
		       " %9.0f\n",
		       jnum(d, "id"), jstr(d, "name"), jstr(d, "state"),
		       jnum(d, "instret"), mib(jnum(m, "populated") * fs),
		       mib(jnum(m, "target") * fs), jnum(m, "populate_faults"),
		       mib(jnum(m, "swap_outs") * fs),
		       mib(jnum(m, "swap_ins") * fs), jnum(d, "shootdowns"),
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
