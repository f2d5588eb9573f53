/* Shared by the benchmark workloads: counters read around a kernel and the
 * one machine-readable result line bench/run.sh parses.  Runs in M-mode on
 * atoll and QEMU alike (both provide the CLINT mtime at 10 MHz). */
#ifndef ATOLL_BENCH_H
#define ATOLL_BENCH_H

#include <stdint.h>

#include "rt.h"

#define BENCH_HZ 10000000ULL /* mtime frequency of QEMU virt */

struct bench_mark {
	uint64_t mtime;
	uint64_t instret;
};

/* Snapshot both counters; minstret is exact on atoll, not on QEMU. */
static inline struct bench_mark bench_now(void)
{
	struct bench_mark m;
	m.mtime = rt_mtime();
	m.instret = rt_csr_read(minstret);
	return m;
}

/* Start the result line `BENCH name=N ticks=T instret=I check=ok|bad`; the
 * caller may append " key=value" fields and must end it with a newline. */
static inline void bench_line(const char *name, struct bench_mark a,
			      struct bench_mark b, int ok)
{
	rt_printf("BENCH name=%s ticks=%lu instret=%lu check=%s", name,
		  (unsigned long)(b.mtime - a.mtime),
		  (unsigned long)(b.instret - a.instret), ok ? "ok" : "bad");
}

#endif
