/* The board: QEMU virt's memory map, its devices, how images are loaded and
 * the cpu_bus the harts use.  The machine layer knows devices and guest
 * memory; it knows nothing of host threads: the VM that runs it (src/vmm)
 * supplies the few services it needs through struct machine_host_ops. */
#ifndef ATOLL_MACHINE_MACHINE_H
#define ATOLL_MACHINE_MACHINE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/bus.h"
#include "cpu/hart.h"
#include "cpu/jit.h"
#include "machine/hostload.h"
#include "machine/ram.h"

struct dom_mem;
struct vswitch;
struct pvdev_net_env;

/* Memory map of QEMU's virt board (hw/riscv/virt.c). */
#define VIRT_TEST_BASE 0x00100000ULL
#define VIRT_TEST_SIZE 0x1000ULL
#define VIRT_CLINT_BASE 0x02000000ULL
#define VIRT_CLINT_SIZE 0x10000ULL
#define VIRT_PLIC_BASE 0x0c000000ULL
#define VIRT_PLIC_SIZE 0x600000ULL
#define VIRT_UART0_BASE 0x10000000ULL
#define VIRT_UART0_SIZE 0x100ULL /* in the FDT; 8 registers decode */
#define VIRT_UART0_IRQ 10
#define VIRT_VIRTIO_BASE 0x10001000ULL
#define VIRT_VIRTIO_SIZE 0x1000ULL
#define VIRT_VIRTIO_COUNT 8
#define VIRT_VIRTIO_IRQ 1 /* slot i uses PLIC source 1 + i */
/* The power key (powerkey.c): a SiFive GPIO where sifive_u has its. */
#define VIRT_POWERKEY_BASE 0x10060000ULL
#define VIRT_POWERKEY_SIZE 0x1000ULL
#define VIRT_POWERKEY_IRQ 12
#define VIRT_DRAM_BASE 0x80000000ULL

#define VIRT_TIMEBASE_HZ 10000000
#define VIRT_PLIC_NDEV 95 /* sources 1..95 */

#define MACHINE_MAX_HARTS 8
#define MACHINE_MAX_MMIO 32
#define MACHINE_MAX_TRAP_PAGES 2
#define MACHINE_RAM_MIN (1ULL << 20)
#define MACHINE_RAM_MAX (64ULL << 30)

/* How harts start (see docs in boot.c). */
enum boot_mode {
	BOOT_SBI, /* default: kernel in S-mode, atoll implements SBI */
	BOOT_BIOS_NONE, /* --bios none: kernel in M-mode at its entry */
	BOOT_BIOS_FILE, /* --bios FILE: firmware in M-mode, kernel after it */
};

/* A virtio device in the machine's virtio-mmio slots (virtio_slots.c):
 * the first configured takes the highest slot, as on QEMU, so the first
 * disk is /dev/vda. */
enum machine_virtio_type {
	MACHINE_VIRTIO_BLK,
	MACHINE_VIRTIO_RNG,
	MACHINE_VIRTIO_NET,
	MACHINE_VIRTIO_CONSOLE,
	MACHINE_VIRTIO_BALLOON,
};

struct machine_virtio {
	enum machine_virtio_type type;
	const char *file; /* blk: raw image; net: the -netdev id */
	bool readonly; /* blk */
	uint8_t mac[6]; /* net: all-zero for the vmm's default */
};

struct machine_config {
	uint64_t ram_size;
	unsigned nr_harts;
	enum boot_mode mode;
	const char *bios; /* firmware image when BOOT_BIOS_FILE */
	const char *kernel; /* ELF64 RISC-V executable or raw image */
	const char *initrd; /* or NULL */
	const char *disk; /* raw image for the PV block device, or NULL */
	/* PV network interface 0 on the host's switch (set by the vmm) with
	 * address mac, if net; all-zero mac: the vmm's default. */
	bool net;
	uint8_t mac[6];
	struct vswitch *vswitch;
	/* virtio-mmio devices, in slot order from the highest slot down. */
	struct machine_virtio virtio[VIRT_VIRTIO_COUNT];
	unsigned nr_virtio;
	const char *append; /* kernel command line, or NULL */
	const char *dtb_out; /* write the generated device tree here, or NULL */
	enum cpu_engine engine; /* interpreter or translator (cpu/jit.h) */
	/* Guest RAM (ram_size bytes at VIRT_DRAM_BASE): the domain's memory,
	 * created and destroyed by the vmm around the board. */
	struct dom_mem *mem;
	/* Console: prefix every output line with this (NULL: none); with
	 * console_detached the board reads no input and leaves the terminal
	 * alone (another domain owns it). */
	const char *console_prefix;
	bool console_detached;
};

/* One device's registers.  Offsets are relative to the region base and the
 * access lies entirely inside the region.  Return 0, or a negative value to
 * make the CPU raise an access fault (bad size or alignment); a write may
 * return -EAGAIN: the hart serves its TLB shootdowns and retries it. */
struct mmio_ops {
	int (*read)(void *opaque, uint64_t off, unsigned size, uint64_t *val);
	int (*write)(void *opaque, uint64_t off, unsigned size, uint64_t val);
};

struct mmio_region {
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *opaque;
};

/* What the board asks of the VM that runs it.  hart_* return SBI error
 * codes (sbi.h); they exist only while atoll implements SBI (BOOT_SBI). */
struct machine_host_ops {
	/* The guest ended (power off, reset, test finisher, HTIF exit) or the
	 * user quit: stop every hart; the process exits with `status`.  The
	 * first call wins.  Safe from any thread, including a hart's. */
	void (*exit)(void *ctx, int status);
	long (*hart_start)(void *ctx, uint64_t hartid, uint64_t addr,
			   uint64_t opaque);
	/* Called on h's own thread, from its sbi_call. */
	long (*hart_stop)(void *ctx, struct hart *h);
	/* Returns the HSM state (>= 0) or SBI_ERR_INVALID_PARAM. */
	long (*hart_status)(void *ctx, uint64_t hartid);
	long (*hart_suspend)(void *ctx, struct hart *h, uint64_t type,
			     uint64_t addr, uint64_t opaque);
	/* The user typed Ctrl-A x on this board's console: quit atoll.  NULL:
	 * exit(ctx, 0). */
	void (*quit)(void *ctx);
};

struct plic;
struct uart;
struct powerkey;
struct htif;
struct hostcon;
struct chardev;
struct ata;
struct virtio_slots;

struct machine {
	/* The guest asked for a reset (SBI SRST reboot, the test device's
	 * reset), not a power-off: set before machine_exit. */
	atomic_bool reboot_req;
	struct ram ram;
	struct cpu_bus bus; /* what every hart is given */
	struct cpu_ram_map ram_map; /* bus.ram_map: the P2M, inlined */
	unsigned nr_harts;
	struct hart *harts[MACHINE_MAX_HARTS]; /* set by machine_setup_hart */
	uint64_t time_base; /* mtime = mtime_now() - time_base, all harts */

	struct mmio_region mmio[MACHINE_MAX_MMIO];
	unsigned nr_mmio;
	/* RAM pages ram_page() refuses, so every access reaches MMIO. */
	uint64_t trap_pages[MACHINE_MAX_TRAP_PAGES];
	unsigned nr_trap_pages;

	struct plic *plic;
	/* Requests the board's devices are working on whose completions
	 * will interrupt soon (virtio-blk reads and writes): every hart's
	 * io_busy, so its WFI polls for them (cpu/trap.c). */
	_Atomic uint32_t io_busy;
	uint32_t wfi_poll_ticks; /* each hart's bound on that poll */
	struct hostload load; /* ... which polls only if this says so */
	struct uart *uart;
	struct powerkey *powerkey;
	struct htif *htif;
	struct hostcon *con; /* the host terminal: started, stopped, attached */
	struct chardev *console; /* its board port: UART, SBI DBCN, HTIF */
	struct disk *disk; /* PV block image (io/disk.h), or NULL */
	struct pvdev_net_env *net; /* PV network (io/pvdev.h), or NULL */
	struct vswitch *vswitch; /* the host's switch (virtio-net), or NULL */
	struct ata *ata; /* ATA PIO controller on that disk, or NULL */
	struct virtio_slots *virtio; /* the eight virtio-mmio slots */

	enum boot_mode mode;
	uint64_t entry; /* pc of every hart at reset */
	uint64_t fdt_addr; /* guest-physical address of the device tree */
	uint64_t fw_info_addr; /* --bios FILE: fw_dynamic_info for a2, or 0 */

	const struct machine_host_ops *host;
	void *host_ctx;
};

/* Build the board: RAM, devices, images, device tree.  No threads are
 * started and the terminal is untouched.  On error prints one line naming
 * the culprit and returns -errno (nothing is left allocated). */
int machine_create(struct machine **out, const struct machine_config *cfg,
		   const struct machine_host_ops *host, void *host_ctx);
void machine_destroy(struct machine *m);

/* Give hart h (after hart_init with m->bus, reset pc m->entry) its boot
 * state: a0/a1, time base, and in BOOT_SBI mode S-mode with delegation. */
void machine_setup_hart(struct machine *m, struct hart *h);

/* Start/stop the host side of the board (terminal raw mode, input thread). */
int machine_start(struct machine *m);
void machine_stop(struct machine *m);

/* Register a device.  Returns 0 or -ENOSPC / -EEXIST (overlap). */
int machine_add_mmio(struct machine *m, uint64_t base, uint64_t size,
		     const struct mmio_ops *ops, void *opaque);
/* Make ram_page() return NULL for a RAM page (it must also be covered by
 * an MMIO region).  Returns 0 or -ENOSPC. */
int machine_trap_ram_page(struct machine *m, uint64_t gpa_page);

/* End the VM with `status` (see machine_host_ops.exit). */
void machine_exit(struct machine *m, int status);
/* The guest asked for a reset: machine_exit, with reboot_req set (the VM
 * may restart it: on_reboot, docs/config.md). */
void machine_reboot(struct machine *m, int status);

/* The hart whose mhartid is `id`, or NULL. */
static inline struct hart *machine_hart(struct machine *m, uint64_t id)
{
	return id < m->nr_harts ? m->harts[id] : NULL;
}

/* Images and device tree (boot.c, fdt.c). */
int machine_load(struct machine *m, const struct machine_config *cfg);
struct fdt_params {
	const char *bootargs; /* or NULL */
	uint64_t initrd_start, initrd_end; /* both 0 if none */
};
/* Build the device tree into a malloc'd blob; returns 0 or -errno. */
int fdt_build(struct machine *m, const struct fdt_params *p, void **blob,
	      uint32_t *size);

/* The machine's SBI implementation (sbi.c): the bus's sbi_call. */
void sbi_call(struct machine *m, struct hart *h);

#endif
