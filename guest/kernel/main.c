/* atoll-os: boot, self-tests, then the workload the command line names;
 * its verdict becomes the exit status. */
#include <string.h>

#include "kernel.h"
#include "pv.h"

extern char _kernel_end[];

struct workload {
	const char *name;
	int (*run)(void);
};

static const struct workload workloads[] = {
	{ "idle", wl_idle },
	{ "cpu", wl_cpu },
	{ "memhog", wl_memhog },
	{ "fault", wl_fault },
	{ "echo", wl_echo },
	{ "blkbench", wl_blkbench },
	{ "netstream", wl_netstream },
	{ "pingpong", wl_pingpong },
	{ "ringbench", wl_ringbench },
	{ "udpecho", wl_udpecho },
	{ "iostream", wl_iostream },
	{ "pvhostile", wl_pvhostile },
	{ "share", wl_share },
};

static struct boot_info bi;
const void *kernel_dtb;

/* The workload named on the command line, or NULL. */
static const struct workload *workload_find(const char *name)
{
	for (size_t i = 0; i < sizeof(workloads) / sizeof(workloads[0]); i++)
		if (!strcmp(workloads[i].name, name))
			return &workloads[i];
	return NULL;
}

/* Paging, pages, threads, the tick; panics on what it cannot do. */
static void kernel_init(unsigned long hartid, const void *dtb)
{
	int err;

	trap_init();
	console_init();
	err = fdt_parse(dtb, &bi);
	if (err || !bi.ram_size)
		panic("no usable device tree at %p (%d)", dtb, err);
	if (!bi.timebase_hz)
		bi.timebase_hz = 10000000;
	cmdline_init(bi.bootargs);
	printf("atoll-os: hart %lu, RAM %#lx+%luM, timebase %lu Hz, on %s\n",
	       hartid, (unsigned long)bi.ram_base,
	       (unsigned long)(bi.ram_size >> 20),
	       (unsigned long)bi.timebase_hz,
	       sbi_on_atoll() ? "atoll" : "another SBI");
	printf("atoll-os: cmdline \"%s\"\n", bi.bootargs ? bi.bootargs : "");
	csr_set(sstatus, SSTATUS_FS_INITIAL);
	if (vm_init(&bi))
		panic("RAM %#lx+%#lx outside what Sv39 maps here",
		      (unsigned long)bi.ram_base, (unsigned long)bi.ram_size);
	/* Below the kernel: the firmware's (OpenSBI guards it with PMP). */
	if (page_init(&bi, bi.ram_base, (uintptr_t)_kernel_end))
		panic("no free pages");
	printf("atoll-os: %lu pages, %lu free\n", (unsigned long)page_total(),
	       (unsigned long)page_free_count());
	sched_init();
	timer_init(bi.timebase_hz);
	csr_set(sstatus, SSTATUS_SIE);
}

void kmain(unsigned long hartid, const void *dtb)
{
	const char *name;
	const struct workload *w;
	int failed = 0, rc;

	kernel_hartid = hartid;
	kernel_dtb = dtb;
	kernel_init(hartid, dtb);
	/* PV devices; console output moves to the PV console unless
	 * console=sbi (early output and panics stay on the UART). */
	if (sbi_on_atoll() && !pv_init(dtb) &&
	    strcmp(cmdline_get("console", "pv"), "sbi"))
		console_pv_start();
	if (sched_selftest()) {
		printf("sched: FAIL preemption\n");
		failed = 1;
	}
	if (vm_user_selftest()) {
		printf("user: FAIL U-mode program\n");
		failed = 1;
	}
	if (sbi_on_atoll() && strcmp(cmdline_get("balloon", "1"), "0"))
		balloon_start();
	powerkey_init(dtb);
	name = cmdline_get("workload", "idle");
	w = workload_find(name);
	if (!w) {
		printf("atoll-os: FAIL unknown workload '%s'\n", name);
		console_flush();
		poweroff(2);
	}
	rc = w->run();
	balloon_stop();
	if (rc || failed) {
		printf("atoll-os: FAIL (workload %s: %d)\n", name, rc);
		console_flush();
		poweroff(1);
	}
	/* end=reboot: reset instead (tests of on_reboot). */
	if (!strcmp(cmdline_get("end", "poweroff"), "reboot")) {
		printf("atoll-os: all ok, rebooting\n");
		console_flush();
		reboot();
	}
	printf("atoll-os: all ok, powering off\n");
	console_flush();
	poweroff(0);
}
