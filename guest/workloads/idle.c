/* idle: sleep for `ticks` ticks (default 50) and check the clock agrees. */
#include "kernel.h"

int wl_idle(void)
{
	long n = cmdline_long("ticks", 50);
	uint64_t t0 = timer_ticks(), us0 = timer_now_us(), dt, dus;

	if (n < 1 || n > 100000000) { /* up to ~11 days */
		printf("idle: bad ticks=%ld, using 50\n", n);
		n = 50;
	}
	/* Said before sleeping so a watcher sees this domain's console
	 * traffic while it idles, not only when it is about to exit. */
	printf("idle: sleeping %ld ticks\n", n);
	thread_sleep((uint64_t)n);
	dt = timer_ticks() - t0;
	dus = timer_now_us() - us0;
	printf("idle: slept %lu ticks, %lu us\n", (unsigned long)dt,
	       (unsigned long)dus);
	/* The tick may only be late, never early. */
	if (dt < (uint64_t)n || dus + 1000000 / TICK_HZ < (uint64_t)n * 10000) {
		printf("idle: FAIL woke early\n");
		return 1;
	}
	printf("idle: ok\n");
	return 0;
}
