/* Sizes as people write them (lib/size.h): a bare number is MiB, K/M/G/T
 * units in either case with an optional B or iB, "B" alone is bytes;
 * anything else is refused, and the human form always names its unit. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "lib/size.h"

static void ok(const char *s, uint64_t want)
{
	uint64_t v = 0;

	CHECK_MSG(size_parse(s, &v) == 0 && v == want, "'%s' -> %llu", s,
		  (unsigned long long)v);
}

static void bad(const char *s, int err)
{
	uint64_t v = 12345;

	CHECK_MSG(size_parse(s, &v) == err && v == 12345, "'%s' accepted", s);
}

static void fmt(uint64_t b, const char *want)
{
	char buf[SIZE_BUF];

	CHECK_MSG(!strcmp(size_format(b, buf), want), "%llu -> '%s'",
		  (unsigned long long)b, buf);
}

int main(void)
{
	ok("512", 512ull << 20);
	ok("32", 32ull << 20);
	ok("0", 0);
	ok("512M", 512ull << 20);
	ok("512m", 512ull << 20);
	ok("512MiB", 512ull << 20);
	ok("512MB", 512ull << 20);
	ok("1G", 1ull << 30);
	ok("1g", 1ull << 30);
	ok("64K", 64ull << 10);
	ok("2T", 2ull << 40);
	ok("4096B", 4096);
	ok("4096b", 4096);
	ok("8388608G", 1ull << 53); /* the largest a JSON number holds */
	bad("", -EINVAL);
	bad("M", -EINVAL);
	bad("12Q", -EINVAL);
	bad("1.5G", -EINVAL);
	bad("-4", -EINVAL);
	bad(" 4", -EINVAL);
	bad("4 M", -EINVAL);
	bad("4MM", -EINVAL);
	bad("4KiBs", -EINVAL);
	bad("4iB", -EINVAL);
	bad("8388609G", -ERANGE);
	bad("99999999999999999999999", -ERANGE);
	bad("9007199254740993B", -ERANGE);
	fmt(0, "0 MiB");
	fmt(512ull << 20, "512 MiB");
	fmt(12.5 * (1 << 20), "12.5 MiB");
	fmt(1ull << 30, "1 GiB");
	fmt(3ull << 29, "1.5 GiB");
	fmt(4096, "0.0 MiB");
	return check_done("size");
}
