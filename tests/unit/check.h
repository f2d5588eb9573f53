/* The one set of check macros of the host tests (tests/unit, tests/fuzz):
 * a failed check prints one line "FAIL file:line: what" and counts; the
 * test ends with `return check_done("name");`, which prints a summary and
 * gives the exit status (0 = every check held).  The count is atomic, so
 * threads may check too.
 *
 * A fuzz target defines CHECK_ABORTS before including this: a failed check
 * then prints "FAIL file:line: invariant broken: what" on stderr and aborts, which
 * libFuzzer reports as a crash with the input that caused it. */
#ifndef ATOLL_TESTS_CHECK_H
#define ATOLL_TESTS_CHECK_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static _Atomic int check_failures;
static _Atomic unsigned check_count;

#ifdef CHECK_ABORTS
#define CHECK_FAILED_()                                                        \
	do {                                                                   \
		fflush(stdout);                                                \
		abort();                                                       \
	} while (0)
#define CHECK_WHAT_ "invariant broken: "
#define CHECK_OUT_ stderr
#else
#define CHECK_OUT_ stdout
#define CHECK_FAILED_() check_failures++
#define CHECK_WHAT_ ""
#endif

/* Report a failure: printf-style message, no newline needed. */
#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(CHECK_OUT_, "FAIL %s:%d: " CHECK_WHAT_, __FILE__,      \
			__LINE__);                                             \
		fprintf(CHECK_OUT_, __VA_ARGS__);                              \
		fprintf(CHECK_OUT_, "\n");                                     \
		CHECK_FAILED_();                                               \
	} while (0)

#define CHECK(cond)                                                            \
	do {                                                                   \
		check_count++;                                                 \
		if (!(cond))                                                   \
			FAIL("%s", #cond);                                     \
	} while (0)

/* A check with its own message (printf-style) instead of the condition. */
#define CHECK_MSG(cond, ...)                                                   \
	do {                                                                   \
		check_count++;                                                 \
		if (!(cond))                                                   \
			FAIL(__VA_ARGS__);                                     \
	} while (0)

/* Integers (any width or sign) compared as 64-bit patterns; both values
 * printed in decimal and hex. */
#define CHECK_EQ(got, want)                                                    \
	do {                                                                   \
		uint64_t g_ = (uint64_t)(got), w_ = (uint64_t)(want);          \
		check_count++;                                                 \
		if (g_ != w_)                                                  \
			FAIL("%s = %lld (%#llx), want %lld (%#llx)", #got,     \
			     (long long)g_, (unsigned long long)g_,            \
			     (long long)w_, (unsigned long long)w_);           \
	} while (0)

/* The end of a test: "NAME: N checks, all passed" or "NAME: N of M checks
 * failed"; returns the exit status. */
static inline int check_done(const char *name)
{
	int f = check_failures;

	if (f) {
		printf("%s: %d of %u checks failed\n", name, f,
		       (unsigned)check_count);
		return 1;
	}
	printf("%s: %u checks, all passed\n", name, (unsigned)check_count);
	return 0;
}

#endif
