/* clock: check that user space can read the time the way nearly every
 * Linux program does -- glibc's clock_gettime and gettimeofday through the
 * vDSO, i.e. `rdtime` in U-mode, which needs the firmware to have set
 * scounteren.TM.  Prints one line per check and `clock: PASS`, or
 * `clock: FAIL: reason` and exits 1.  Run as PID 1 (a test initramfs) it
 * powers the machine off afterwards so the emulator exits.
 *
 * usage: clock */
#include <sys/auxv.h>
#include <sys/reboot.h>
#include <sys/time.h>
#include <unistd.h>

#include "util.h"

#define CALLS 20000

static int failed;

static void fail(const char *what)
{
	printf("clock: FAIL: %s\n", what);
	failed = 1;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
}

// Many reads in a row: never backwards, and cheap enough to be the vDSO.
static void check_monotonic(void)
{
	struct timespec a, b;
	uint64_t t0 = now_ns(), per;

	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < CALLS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (ts_ns(&b) < ts_ns(&a)) {
			fail("CLOCK_MONOTONIC went backwards");
			return;
		}
		a = b;
	}
	per = (now_ns() - t0) / CALLS;
	printf("clock: monotonic ok, %llu ns per clock_gettime\n",
	       (unsigned long long)per);
}

// gettimeofday and CLOCK_REALTIME agree within a second.
static void check_realtime(void)
{
	struct timespec rt;
	struct timeval tv;
	long long d;

	if (clock_gettime(CLOCK_REALTIME, &rt) || gettimeofday(&tv, 0)) {
		fail("CLOCK_REALTIME or gettimeofday returned an error");
		return;
	}
	d = (long long)tv.tv_sec - (long long)rt.tv_sec;
	if (d < -1 || d > 1) {
		fail("gettimeofday and CLOCK_REALTIME disagree");
		return;
	}
	printf("clock: realtime ok, gettimeofday %lld.%06ld\n",
	       (long long)tv.tv_sec, (long)tv.tv_usec);
}

// A 100 ms sleep measured by the clock lasts at least 100 ms and not
// absurdly long: the clock runs at the rate the timer does.
static void check_rate(void)
{
	struct timespec req = { 0, 100000000 };
	uint64_t t0 = now_ns(), dt;

	nanosleep(&req, 0);
	dt = now_ns() - t0;
	if (dt < 100000000ULL || dt > 5000000000ULL) {
		fail("100 ms sleep measured out of range");
		return;
	}
	printf("clock: rate ok, 100 ms sleep took %llu us\n",
	       (unsigned long long)(dt / 1000));
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	printf("clock: vdso %s\n", getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
	check_monotonic();
	check_realtime();
	check_rate();
	if (!failed)
		printf("clock: PASS\n");
	if (getpid() == 1) {
		sync();
		reboot(RB_POWER_OFF);
	}
	return failed;
}
