/* VM lifecycle: create the board and the harts, run one host thread per
 * hart, end on the guest's request or a signal, report the exit status.
 *
 * Signals: SIGINT, SIGTERM and SIGHUP are blocked in every thread and read
 * by the main thread through a signalfd, so a signal never interrupts a
 * vCPU in the middle of an instruction; the main thread turns it into
 * vm_exit(128 + signo), which posts REQ_STOP to every hart.  The run loop
 * polls requests even while the guest spins with interrupts off. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cpu/trap.h"
#include "machine/diag.h"
#include "vmm/vcpu.h"

static const struct machine_host_ops vm_host_ops = {
	.exit = vm_exit,
	.hart_start = vm_hart_start,
	.hart_stop = vm_hart_stop,
	.hart_status = vm_hart_status,
	.hart_suspend = vm_hart_suspend,
};

void vm_exit(void *ctx, int status)
{
	struct vm *vm = ctx;
	uint64_t one = 1;

	pthread_mutex_lock(&vm->exit_lock);
	if (!vm->exiting) {
		vm->exiting = true;
		vm->status = status;
	}
	pthread_mutex_unlock(&vm->exit_lock);
	/* stopping first: a vCPU that sees REQ_STOP must also see it. */
	atomic_store(&vm->stopping, true);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		hart_request(&vm->vcpus[i].hart, REQ_STOP);
	hsm_wake_all(vm);
	if (write(vm->exit_fd, &one, sizeof(one)) < 0)
		diag_error("cannot signal VM exit: %s", strerror(errno));
}

static void *vcpu_main(void *arg)
{
	struct vcpu *v = arg;

	while (hsm_wait_runnable(v) == 0) {
		int r = hart_run(&v->hart);
		if (r == HART_EXIT_STOP || atomic_load(&v->vm->stopping))
			break;
		hsm_after_run(v);
	}
	return 0;
}

static int vm_create_vcpus(struct vm *vm)
{
	struct machine *m = vm->m;

	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int err = hart_init(&v->hart, i, m->entry, &m->bus);
		if (err)
			return err;
		v->vm = vm;
		v->hart.owner = v;
		machine_setup_hart(m, &v->hart);
		/* With atoll's SBI only hart 0 boots; the others wait
		 * for sbi_hart_start.  Firmware and bare-metal code see
		 * every hart come out of reset at once. */
		hsm_init(v, m->mode != BOOT_SBI || i == 0);
	}
	return 0;
}

int vm_create(struct vm **out, const struct vm_config *cfg)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	int err;

	if (!vm) {
		diag_error("out of memory");
		return -ENOMEM;
	}
	vm->nr_vcpus = cfg->machine.nr_harts;
	vm->stats = cfg->stats;
	pthread_mutex_init(&vm->hsm_lock, 0);
	pthread_mutex_init(&vm->exit_lock, 0);
	vm->exit_fd = eventfd(0, EFD_CLOEXEC);
	if (vm->exit_fd < 0) {
		err = -errno;
		diag_error("eventfd: %s", strerror(-err));
		goto err;
	}
	err = machine_create(&vm->m, &cfg->machine, &vm_host_ops, vm);
	if (err)
		goto err;
	err = vm_create_vcpus(vm);
	if (err) {
		diag_error("cannot create harts: %s", strerror(-err));
		goto err;
	}
	*out = vm;
	return 0;
err:
	vm_destroy(vm);
	return err;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	for (unsigned i = 0; vm->vcpus && i < vm->nr_vcpus; i++) {
		if (vm->vcpus[i].vm)
			pthread_cond_destroy(&vm->vcpus[i].wake);
		hart_destroy(&vm->vcpus[i].hart);
	}
	free(vm->vcpus);
	machine_destroy(vm->m);
	if (vm->exit_fd >= 0)
		close(vm->exit_fd);
	pthread_mutex_destroy(&vm->hsm_lock);
	pthread_mutex_destroy(&vm->exit_lock);
	free(vm);
}

static void vm_print_stats(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		const struct hart *h = &vm->vcpus[i].hart;
		fprintf(stderr,
			"atoll: stats hart=%u instret=%llu tlb_miss=%llu "
			"page_walks=%llu traps=%llu irqs=%llu wfi=%llu "
			"icache_fills=%llu icache_flushes=%llu "
			"tlb_flush_all=%llu tlb_flush_page=%llu\n",
			i, (unsigned long long)h->instret,
			(unsigned long long)h->stat_tlb_miss,
			(unsigned long long)h->stat_page_walks,
			(unsigned long long)h->stat_traps,
			(unsigned long long)h->stat_irqs,
			(unsigned long long)h->stat_wfi,
			(unsigned long long)h->stat_icache_fills,
			(unsigned long long)h->stat_icache_flushes,
			(unsigned long long)h->tlb.stat_flush_all,
			(unsigned long long)h->tlb.stat_flush_page);
	}
}

/* Start one thread per vCPU.  On failure the started ones are stopped
 * by the caller through vm_exit. */
static int vm_start_vcpus(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu *v = &vm->vcpus[i];
		int err = pthread_create(&v->thread, 0, vcpu_main, v);
		if (err) {
			diag_error("cannot start vCPU %u: %s", i,
				   strerror(err));
			return -err;
		}
		v->thread_started = true;
	}
	return 0;
}

/* Block until the VM exits or a signal arrives; a signal ends the VM. */
static void vm_wait(struct vm *vm, int sfd)
{
	struct pollfd pfd[2] = { { .fd = vm->exit_fd, .events = POLLIN },
				 { .fd = sfd, .events = POLLIN } };
	struct signalfd_siginfo si;

	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents)
			return;
		if (pfd[1].revents &&
		    read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			diag_error("terminating on signal %u (%s)",
				   si.ssi_signo, strsignal((int)si.ssi_signo));
			vm_exit(vm, 128 + (int)si.ssi_signo);
			return;
		}
	}
	vm_exit(vm, 1);
}

int vm_run(struct vm *vm)
{
	sigset_t set, old;
	int sfd, status = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	if (sfd < 0) {
		diag_error("signalfd: %s", strerror(errno));
		goto out_mask;
	}
	if (machine_start(vm->m))
		goto out_sfd;
	if (vm_start_vcpus(vm))
		vm_exit(vm, 1);
	else
		vm_wait(vm, sfd);
	for (unsigned i = 0; i < vm->nr_vcpus; i++)
		if (vm->vcpus[i].thread_started)
			pthread_join(vm->vcpus[i].thread, 0);
	machine_stop(vm->m);
	status = vm->status;
	if (vm->stats)
		vm_print_stats(vm);
out_sfd:
	if (sfd >= 0)
		close(sfd);
out_mask:
	pthread_sigmask(SIG_SETMASK, &old, 0);
	return status;
}
