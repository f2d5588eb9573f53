/* Shared helpers of atoll's Linux userland (guest/linux/): every program is
 * a small static binary built with riscv64-linux-gnu-gcc -static, so each
 * includes this header rather than linking a library of its own. */
#ifndef ATOLL_GUEST_LINUX_UTIL_H
#define ATOLL_GUEST_LINUX_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Print "PROG: message" to stderr and exit 1. */
static inline __attribute__((noreturn, format(printf, 2, 3))) void die(
	const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A decimal count, or -1 if s is not one (no sign, no junk). */
static inline long long parse_count(const char *s)
{
	char *end;
	long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? -1 : v;
}

/* The pattern word at byte offset off for seed: what writers store and
 * verifiers expect (splitmix64, so every word differs). */
static inline uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	uint64_t z = seed + off * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void pattern_fill(void *buf, size_t len, uint64_t seed,
				uint64_t off)
{
	uint64_t *w = buf;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, off + i * 8);
}

/* Offset within buf of the first word that differs, or -1. */
static inline long pattern_check(const void *buf, size_t len, uint64_t seed,
				 uint64_t off)
{
	const uint64_t *w = buf;

	for (size_t i = 0; i < len / 8; i++)
		if (w[i] != pattern_word(seed, off + i * 8))
			return (long)(i * 8);
	return -1;
}

#endif
