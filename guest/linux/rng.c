/* rng: read BYTES (default 4096) from /dev/hwrng -- the virtio-rng device
 * when it is the current source -- and check they look random (not a
 * constant, every byte value present in a large enough sample).  Prints
 * the source, the rate and the first 16 bytes in hex. */
#include <fcntl.h>
#include <unistd.h>

#include "util.h"

static const char *prog = "rng";

static void show_source(void)
{
	char buf[128] = "";
	int fd = open("/sys/class/misc/hw_random/rng_current", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("rng: source %s\n", buf[0] ? buf : "(none)");
}

int main(int argc, char **argv)
{
	long long want = argc > 1 ? parse_count(argv[1]) : 4096;
	unsigned char *b;
	unsigned seen[256] = { 0 }, distinct = 0;
	long long got = 0;
	uint64_t t0;
	double s;
	int fd;

	setvbuf(stdout, 0, _IOLBF, 0);
	if (want < 16 || want > (64 << 20)) {
		fprintf(stderr, "usage: rng [BYTES >= 16]\n");
		return 2;
	}
	show_source();
	b = malloc((size_t)want);
	fd = open("/dev/hwrng", O_RDONLY | O_CLOEXEC);
	if (!b || fd < 0)
		die(prog, "/dev/hwrng: %s", strerror(errno));
	t0 = now_ns();
	while (got < want) {
		ssize_t n = read(fd, b + got, (size_t)(want - got));
		if (n <= 0)
			die(prog, "read: %s", n < 0 ? strerror(errno) : "EOF");
		got += n;
	}
	s = (double)(now_ns() - t0) / 1e9;
	for (long long i = 0; i < got; i++)
		distinct += !seen[b[i]]++;
	printf("rng: %lld bytes in %.3f s (%.1f KB/s), %u distinct values:",
	       got, s, (double)got / 1e3 / (s > 0 ? s : 1e-9), distinct);
	for (int i = 0; i < 16; i++)
		printf(" %02x", b[i]);
	printf("\n");
	if (got >= 4096 && distinct < 256) {
		printf("rng: FAIL: not every byte value in %lld bytes\n", got);
		return 1;
	}
	return 0;
}
