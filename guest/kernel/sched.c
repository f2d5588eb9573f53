/* Kernel threads with a round-robin scheduler: the tick preempts the
 * running thread (time slice = one tick); sleeping threads wake on the
 * tick.  One hart, so "locking" is turning interrupts off. */
#include <string.h>

#include "kernel.h"

#define KSTACK_SIZE 16384

enum { T_FREE, T_RUN, T_SLEEP, T_DEAD };

struct ctx {
	uint64_t ra, sp, s[12], fs[12];
};

struct thread {
	struct ctx ctx;
	const char *name;
	int state;
	uint64_t wake;
	char *kstack;
};

extern void ctx_switch(struct ctx *old, struct ctx *new);
extern char thread_trampoline[];

static struct thread threads[THREAD_MAX];
static char kstacks[THREAD_MAX][KSTACK_SIZE] __attribute__((aligned(16)));
static struct thread *cur, *idle;

/* Pick the next runnable thread after cur (idle if none) and switch to
 * it.  Interrupts must be off. */
static void schedule(void)
{
	struct thread *prev = cur, *next = idle;
	int start = (int)(cur - threads);

	for (int n = 1; n <= THREAD_MAX; n++) {
		struct thread *t = &threads[(start + n) % THREAD_MAX];

		if (t->state == T_RUN && t != idle) {
			next = t;
			break;
		}
	}
	if (next == prev)
		return;
	cur = next;
	ctx_switch(&prev->ctx, &next->ctx);
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("wfi");
}

/* The boot code becomes thread 0; the idle thread runs when no one can. */
void sched_init(void)
{
	cur = &threads[0];
	cur->name = "main";
	cur->state = T_RUN;
	idle = thread_create("idle", idle_loop, NULL);
	if (!idle)
		panic("sched: no idle thread");
}

/* A new runnable thread running fn(arg), or NULL if all slots are used. */
struct thread *thread_create(const char *name, void (*fn)(void *), void *arg)
{
	unsigned long s = irq_save();
	struct thread *t = NULL;

	for (int i = 1; i < THREAD_MAX; i++) {
		if (threads[i].state == T_FREE) {
			t = &threads[i];
			break;
		}
	}
	if (t) {
		memset(&t->ctx, 0, sizeof(t->ctx));
		t->name = name;
		t->kstack = kstacks[t - threads];
		t->ctx.ra = (uintptr_t)thread_trampoline;
		t->ctx.sp = (uintptr_t)(t->kstack + KSTACK_SIZE);
		t->ctx.s[0] = (uintptr_t)fn;
		t->ctx.s[1] = (uintptr_t)arg;
		t->state = T_RUN;
	}
	irq_restore(s);
	return t;
}

void thread_exit(void)
{
	irq_save();
	cur->state = T_DEAD;
	schedule();
	panic("thread_exit: dead thread %s ran again", cur->name);
}

void thread_yield(void)
{
	unsigned long s = irq_save();

	schedule();
	irq_restore(s);
}

/* Sleep at least n ticks (n = 0: just yield). */
void thread_sleep(uint64_t n)
{
	unsigned long s = irq_save();

	if (n) {
		cur->wake = timer_ticks() + n;
		cur->state = T_SLEEP;
	}
	schedule();
	irq_restore(s);
}

/* From the timer interrupt: wake sleepers, then rotate. */
void sched_tick(void)
{
	uint64_t now = timer_ticks();

	for (int i = 0; i < THREAD_MAX; i++)
		if (threads[i].state == T_SLEEP && threads[i].wake <= now)
			threads[i].state = T_RUN;
	schedule();
}

/* Make a sleeping thread runnable now. */
void thread_wake(struct thread *t)
{
	unsigned long s = irq_save();

	if (t->state == T_SLEEP)
		t->state = T_RUN;
	irq_restore(s);
}

struct thread *thread_current(void)
{
	return cur;
}

unsigned thread_index(void)
{
	return cur ? (unsigned)(cur - threads) : 0;
}

/* From an interrupt that may have woken a thread: leave the idle thread
 * now rather than at the next tick.  Interrupts are off. */
void sched_kick(void)
{
	if (cur == idle)
		schedule();
}

void *thread_kstack_top(void)
{
	return cur->kstack + KSTACK_SIZE;
}

int thread_alive(const struct thread *t)
{
	return t->state != T_DEAD;
}

/* Wait for t to end; its slot becomes free again. */
void thread_join(struct thread *t)
{
	while (t->state != T_DEAD)
		thread_sleep(1);
	t->state = T_FREE;
}

static volatile uint64_t spin_count[2];

static void sched_spinner(void *arg)
{
	uint64_t i = (uintptr_t)arg;
	uint64_t end = timer_ticks() + 10;

	while (timer_ticks() < end)
		spin_count[i]++;
}

/* Two busy threads that never yield both make progress: preemption works. */
int sched_selftest(void)
{
	struct thread *a = thread_create("spin0", sched_spinner, (void *)0);
	struct thread *b = thread_create("spin1", sched_spinner, (void *)1);

	if (!a || !b)
		return -12;
	thread_join(a);
	thread_join(b);
	printf("sched: preempted spinners counted %lu and %lu\n",
	       (unsigned long)spin_count[0], (unsigned long)spin_count[1]);
	return spin_count[0] && spin_count[1] ? 0 : -1;
}
