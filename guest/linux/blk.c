/* blk: block device (or file) tests and benchmarks from inside Linux.
 *
 *   blk write  DEV MIB [SEED]   write MIB MiB of a seeded pattern, fsync
 *   blk verify DEV MIB [SEED]   read them back and compare
 *   blk seqread|seqwrite DEV MIB [QD [PASSES]]
 *                                         O_DIRECT 1 MiB requests: MB/s,
 *                                         one line per pass (default 1)
 *   blk randread|randwrite DEV MIB N [QD] O_DIRECT 4 KiB at random offsets
 *                                         in the first MIB MiB, N requests:
 *                                         IOPS
 *
 * QD (default 1) processes share the work, so up to QD requests are in
 * flight at once (sequential: process k takes the MiBs k, k + QD, ...).
 *
 * The pattern is util.h's, keyed by byte offset: a verify finds a block
 * written to the wrong place as surely as a corrupted one.  Benchmark
 * lines: `blk: seqread 64 MiB in 0.52 s: 123.4 MB/s qd 1`,
 * `blk: randread 2000 x 4 KiB in 1.10 s: 1818 IOPS, 7.1 MB/s qd 1`. */
#include <fcntl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define MiB (1024 * 1024)
#define SEQ_CHUNK MiB
#define RAND_CHUNK 4096
#define DEFAULT_SEED 1
#define QD_MAX 64
#define PASSES_MAX 100

static const char *prog = "blk";

static void *aligned_buf(size_t size)
{
	void *p;

	if (posix_memalign(&p, 4096, size))
		die(prog, "out of memory");
	return p;
}

static int open_dev(const char *dev, int flags)
{
	int fd = open(dev, flags | O_CLOEXEC);

	if (fd < 0)
		die(prog, "%s: %s", dev, strerror(errno));
	return fd;
}

static void full_pwrite(int fd, const void *b, size_t n, off_t off)
{
	ssize_t w = pwrite(fd, b, n, off);

	if (w != (ssize_t)n)
		die(prog, "write at %lld: %s", (long long)off,
		    w < 0 ? strerror(errno) : "short write");
}

static void full_pread(int fd, void *b, size_t n, off_t off)
{
	ssize_t r = pread(fd, b, n, off);

	if (r != (ssize_t)n)
		die(prog, "read at %lld: %s", (long long)off,
		    r < 0 ? strerror(errno) : "short read");
}

static void cmd_write(const char *dev, long long mib, uint64_t seed)
{
	int fd = open_dev(dev, O_WRONLY | O_DIRECT);
	char *b = aligned_buf(SEQ_CHUNK);

	for (long long i = 0; i < mib; i++) {
		pattern_fill(b, SEQ_CHUNK, seed, (uint64_t)i * SEQ_CHUNK);
		full_pwrite(fd, b, SEQ_CHUNK, (off_t)i * SEQ_CHUNK);
	}
	if (fsync(fd))
		die(prog, "fsync %s: %s", dev, strerror(errno));
	close(fd);
	printf("blk: wrote %lld MiB seed %llu to %s, flushed\n", mib,
	       (unsigned long long)seed, dev);
}

static void cmd_verify(const char *dev, long long mib, uint64_t seed)
{
	int fd = open_dev(dev, O_RDONLY | O_DIRECT);
	char *b = aligned_buf(SEQ_CHUNK);

	for (long long i = 0; i < mib; i++) {
		long bad;

		full_pread(fd, b, SEQ_CHUNK, (off_t)i * SEQ_CHUNK);
		bad = pattern_check(b, SEQ_CHUNK, seed,
				    (uint64_t)i * SEQ_CHUNK);
		if (bad >= 0) {
			printf("blk: FAIL: %s differs at byte %lld\n", dev,
			       i * SEQ_CHUNK + bad);
			exit(1);
		}
	}
	close(fd);
	printf("blk: verified %lld MiB seed %llu on %s\n", mib,
	       (unsigned long long)seed, dev);
}

static double secs_since(uint64_t t0)
{
	return (double)(now_ns() - t0) / 1e9;
}

/* Start qd - 1 worker processes: returns the caller's index (0 in the
 * parent, 1..qd-1 in the children). */
static int spawn(int qd)
{
	for (int k = 1; k < qd; k++) {
		pid_t p = fork();

		if (p < 0)
			die(prog, "fork: %s", strerror(errno));
		if (p == 0)
			return k;
	}
	return 0;
}

/* Worker k's end: children exit (status 0, or die's 1); the parent waits
 * for them all and fails if one did. */
static void join(int k)
{
	int st;

	if (k)
		exit(0);
	while (wait(&st) > 0)
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die(prog, "a worker failed");
}

static void cmd_seq(const char *dev, long long mib, int wr, int qd)
{
	int fd = open_dev(dev, (wr ? O_WRONLY : O_RDONLY) | O_DIRECT);
	char *b = aligned_buf(SEQ_CHUNK);
	uint64_t t0;
	double s;
	int k;

	pattern_fill(b, SEQ_CHUNK, 7, 0);
	t0 = now_ns();
	k = spawn(qd);
	for (long long i = k; i < mib; i += qd) {
		if (wr)
			full_pwrite(fd, b, SEQ_CHUNK, (off_t)i * SEQ_CHUNK);
		else
			full_pread(fd, b, SEQ_CHUNK, (off_t)i * SEQ_CHUNK);
	}
	join(k);
	if (wr && fsync(fd))
		die(prog, "fsync %s: %s", dev, strerror(errno));
	s = secs_since(t0);
	close(fd);
	printf("blk: %s %lld MiB in %.2f s: %.1f MB/s qd %d\n",
	       wr ? "seqwrite" : "seqread", mib, s, (double)mib * MiB / 1e6 / s,
	       qd);
}

static void cmd_rand(const char *dev, long long mib, long long n, int wr,
		     int qd)
{
	int fd = open_dev(dev, (wr ? O_WRONLY : O_RDONLY) | O_DIRECT);
	char *b = aligned_buf(RAND_CHUNK);
	uint64_t blocks = (uint64_t)mib * (MiB / RAND_CHUNK), x, t0;
	double s;
	int k;

	pattern_fill(b, RAND_CHUNK, 7, 0);
	t0 = now_ns();
	k = spawn(qd);
	if (getrandom(&x, sizeof(x), GRND_NONBLOCK) != sizeof(x))
		x = now_ns();
	x = (x ^ (uint64_t)k * 0x9e3779b97f4a7c15ULL) | 1;
	for (long long i = k; i < n; i += qd) {
		off_t off;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		off = (off_t)(x % blocks) * RAND_CHUNK;
		if (wr)
			full_pwrite(fd, b, RAND_CHUNK, off);
		else
			full_pread(fd, b, RAND_CHUNK, off);
	}
	join(k);
	if (wr && fsync(fd))
		die(prog, "fsync %s: %s", dev, strerror(errno));
	s = secs_since(t0);
	close(fd);
	printf("blk: %s %lld x 4 KiB in %.2f s: %.0f IOPS, %.1f MB/s qd %d\n",
	       wr ? "randwrite" : "randread", n, s, (double)n / s,
	       (double)n * RAND_CHUNK / 1e6 / s, qd);
}

static void usage(void)
{
	fprintf(stderr, "usage: blk write|verify DEV MIB [SEED]\n"
			"       blk seqread|seqwrite DEV MIB [QD [PASSES]]\n"
			"       blk randread|randwrite DEV MIB COUNT [QD]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long long mib, n, qd;
	const char *cmd, *dev;

	setvbuf(stdout, 0, _IOLBF, 0);
	if (argc < 4)
		usage();
	cmd = argv[1];
	dev = argv[2];
	mib = parse_count(argv[3]);
	if (mib <= 0)
		usage();
	if (!strcmp(cmd, "write") || !strcmp(cmd, "verify")) {
		long long seed = argc > 4 ? parse_count(argv[4]) : DEFAULT_SEED;
		if (seed < 0)
			usage();
		if (cmd[0] == 'w')
			cmd_write(dev, mib, (uint64_t)seed);
		else
			cmd_verify(dev, mib, (uint64_t)seed);
	} else if (!strcmp(cmd, "seqread") || !strcmp(cmd, "seqwrite")) {
		long long passes = argc > 5 ? parse_count(argv[5]) : 1;

		qd = argc > 4 ? parse_count(argv[4]) : 1;
		if (qd < 1 || qd > QD_MAX || passes < 1 || passes > PASSES_MAX)
			usage();
		while (passes--)
			cmd_seq(dev, mib, cmd[3] == 'w', (int)qd);
	} else if (!strcmp(cmd, "randread") || !strcmp(cmd, "randwrite")) {
		n = argc > 4 ? parse_count(argv[4]) : -1;
		qd = argc > 5 ? parse_count(argv[5]) : 1;
		if (n <= 0 || qd < 1 || qd > QD_MAX)
			usage();
		cmd_rand(dev, mib, n, cmd[4] == 'w', (int)qd);
	} else {
		usage();
	}
	return 0;
}
