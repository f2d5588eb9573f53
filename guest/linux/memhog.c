/* memhog: touch MIB MiB with a seeded pattern and verify it, PASSES times
 * (default 1), optionally holding it SECS seconds between passes; each
 * pass rewrites with a new seed, so stale pages (a balloon or swap bug
 * returning old or zeroed frames) show up as a mismatch.
 *
 *   memhog MIB [PASSES [SECS]]
 * prints `memhog: pass N: MIB MiB verified in S s` and exits 1 on the
 * first wrong word. */
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

static const char *prog = "memhog";

int main(int argc, char **argv)
{
	long long mib = argc > 1 ? parse_count(argv[1]) : -1;
	long long passes = argc > 2 ? parse_count(argv[2]) : 1;
	long long secs = argc > 3 ? parse_count(argv[3]) : 0;
	size_t len;
	char *p;

	setvbuf(stdout, 0, _IOLBF, 0);
	if (mib <= 0 || passes <= 0 || secs < 0) {
		fprintf(stderr, "usage: memhog MIB [PASSES [SECS]]\n");
		return 2;
	}
	len = (size_t)mib << 20;
	p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		die(prog, "cannot map %lld MiB: %s", mib, strerror(errno));
	for (long long pass = 1; pass <= passes; pass++) {
		uint64_t t0 = now_ns();
		long bad;

		pattern_fill(p, len, (uint64_t)pass, 0);
		if (secs)
			sleep((unsigned)secs);
		bad = pattern_check(p, len, (uint64_t)pass, 0);
		if (bad >= 0) {
			printf("memhog: FAIL: pass %lld: wrong data at byte"
			       " %ld\n",
			       pass, bad);
			return 1;
		}
		printf("memhog: pass %lld: %lld MiB verified in %.2f s\n", pass,
		       mib, (double)(now_ns() - t0) / 1e9);
	}
	munmap(p, len);
	return 0;
}
