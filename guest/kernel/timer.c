/* The tick: SBI set_timer every 1/TICK_HZ s; the tick drives sleep and
 * preemption. */
#include "kernel.h"

#define SIE_STIE (1ul << 5)

static uint64_t hz, interval, ticks, next;

static inline uint64_t rdtime(void)
{
	uint64_t t;
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

void timer_init(uint64_t timebase_hz)
{
	hz = timebase_hz;
	interval = hz / TICK_HZ;
	next = rdtime() + interval;
	sbi_set_timer(next);
	csr_set(sie, SIE_STIE);
}

/* One tick (or several, if the guest was descheduled): re-arm, then let
 * the scheduler wake sleepers and rotate. */
void timer_interrupt(void)
{
	uint64_t now = rdtime();

	while (next <= now) {
		next += interval;
		ticks++;
	}
	sbi_set_timer(next);
	sched_tick();
}

uint64_t timer_ticks(void)
{
	return ticks;
}

uint64_t timer_now_us(void)
{
	uint64_t t = rdtime();

	return t / hz * 1000000 + t % hz * 1000000 / hz;
}
