/* Trap dispatch: the timer interrupt, the event-channel upcall (supervisor
 * external interrupt), system calls from U-mode, and a
 * panic line for anything unexpected. */
#include "kernel.h"
#include "pv.h"

#define SCAUSE_IRQ (1ul << 63)
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define EXC_U_ECALL 8

#define SYS_EXIT 1
#define SYS_HELLO 2

extern char trap_entry[];

unsigned long kernel_hartid;
long user_exit_code = -1;
unsigned long user_interrupts;

void trap_init(void)
{
	csr_write(sscratch, 0);
	csr_write(stvec, (uintptr_t)trap_entry);
}

/* A system call from the U-mode test program (a7 = number). */
static void trap_syscall(struct trap_frame *f)
{
	f->x[0] += 4;
	switch (f->x[17]) {
	case SYS_EXIT: user_exit_code = (long)f->x[10]; thread_exit();
	case SYS_HELLO:
		printf("user: hello from U-mode (sp=%#lx)\n",
		       (unsigned long)f->x[2]);
		f->x[10] = 0;
		break;
	default: f->x[10] = (uint64_t)-38;
	}
}

void trap_handle(struct trap_frame *f)
{
	uint64_t cause = f->scause;

	if (cause & SCAUSE_IRQ) {
		if ((cause & ~SCAUSE_IRQ) == IRQ_S_TIMER) {
			if (!(f->sstatus & SSTATUS_SPP))
				user_interrupts++;
			timer_interrupt();
			return;
		}
		if ((cause & ~SCAUSE_IRQ) == IRQ_S_EXT) {
			/* Event channels, the power key: handlers may
			 * wake a thread. */
			plic_external_interrupt();
			sched_kick();
			return;
		}
		panic("unexpected interrupt scause=%#lx", (unsigned long)cause);
	}
	if (!(f->sstatus & SSTATUS_SPP)) {
		if (cause == EXC_U_ECALL) {
			trap_syscall(f);
			return;
		}
		printf("user: killed: scause=%lu sepc=%#lx stval=%#lx\n",
		       (unsigned long)cause, (unsigned long)f->x[0],
		       (unsigned long)f->stval);
		user_exit_code = -1;
		thread_exit();
	}
	panic("unexpected trap in the kernel: scause=%lu sepc=%#lx "
	      "stval=%#lx ra=%#lx",
	      (unsigned long)cause, (unsigned long)f->x[0],
	      (unsigned long)f->stval, (unsigned long)f->x[1]);
}
