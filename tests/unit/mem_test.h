/* Tiny check macros shared by the memory manager's unit tests: one line
 * per failure, a count, "NAME ok" at the end. */
#ifndef ATOLL_TESTS_MEM_TEST_H
#define ATOLL_TESTS_MEM_TEST_H

#include <stdio.h>
#include <stdlib.h>

static int mt_failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("%s:%d: %s: check failed: %s\n", __FILE__,      \
			       __LINE__, __func__, #cond);                     \
			mt_failures++;                                         \
		}                                                              \
	} while (0)

#define CHECK_EQ(a, b)                                                         \
	do {                                                                   \
		long long _a = (long long)(a), _b = (long long)(b);            \
		if (_a != _b) {                                                \
			printf("%s:%d: %s: %s == %lld, expected %lld\n",       \
			       __FILE__, __LINE__, __func__, #a, _a, _b);      \
			mt_failures++;                                         \
		}                                                              \
	} while (0)

static inline int mt_finish(const char *name)
{
	if (mt_failures) {
		printf("%s: %d failures\n", name, mt_failures);
		return 1;
	}
	printf("%s ok\n", name);
	return 0;
}

#endif
