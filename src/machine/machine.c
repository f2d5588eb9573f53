/* The board: creation in a fixed order, the cpu_bus (RAM pages, MMIO
 * dispatch, SBI), and the hooks between devices and the host console. */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/csr.h"
#include "cpu/mmu.h"
#include "cpu/shootdown.h"
#include "io/disk.h"
#include "lib/hostfile.h"
#include "io/pvdev.h"
#include "machine/devices.h"
#include "lib/log.h"
#include "io/hostcon.h"
#include "machine/hostload.h"
#include "machine/machine.h"
#include "mem/dom_mem.h"

/* Exceptions an S-mode kernel handles itself.  OpenSBI delegates only
 * misaligned fetch, breakpoint, user ecall and page faults and emulates the
 * rest in M-mode; atoll has no M-mode firmware, so everything that can be
 * delegated is: misaligned accesses, access faults, illegal instructions,
 * breakpoint, user ecall, page faults (not ecall from S or M). */
#define SBI_MEDELEG 0xb1ffULL
#define SBI_MIDELEG (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define SBI_MCOUNTEREN 0xffffffffU /* every counter readable from S */
#define SBI_SCOUNTEREN 7U /* cycle, time, instret readable from U */
#define SBI_MCOUNTINHIBIT 0xfffffff8U /* hpm counters stopped */

/* The TLB-miss path reads the P2M directly (cpu_ram_map, bus.h): the same
 * answer as ram_page for a present page, with no call chain. */
static void machine_map_ram(struct machine *m)
{
	struct dom_mem_view v;

	dom_mem_view(m->ram.mem, &v);
	m->ram_map = (struct cpu_ram_map){ v.entries, v.first, v.nr, v.frames,
					   v.present };
	m->bus.ram_map = &m->ram_map;
}

static void *machine_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	struct machine *m = ctx;

	for (unsigned i = 0; i < m->nr_trap_pages; i++)
		if (m->trap_pages[i] == gpa_page)
			return 0;
	/* dom_mem_page answers NULL outside RAM (the P2M spans exactly
	 * it): no range check of our own on the TLB-miss path. */
	return dom_mem_page(m->ram.mem, gpa_page, write);
}

/* The bus's mem_wait: one bounded wait for the domain's memory (the CPU
 * retries the access after it, so one round is enough), serving this
 * hart's shootdowns before and after so that a reclaimer waiting for it
 * never waits long, and giving up at once when the hart must stop, pause
 * or serve another shootdown in its run loop. */
static void machine_mem_wait(void *ctx, struct hart *h)
{
	struct machine *m = ctx;
	const uint32_t leave = REQ_STOP | REQ_PAUSE | REQ_SHOOTDOWN;
	/* Read before the look at the requests: one posted after it bumps
	 * the word (hart_request) and so wakes the wait. */
	uint32_t seen = atomic_load(&h->wake_seq);

	hart_shootdown_service(h);
	if (atomic_load(&h->requests) & leave)
		return;
	dom_mem_wait_on(m->ram.mem, &h->wake_seq, seen);
	hart_shootdown_service(h);
}

/* The region holding all of [gpa, gpa + size), or NULL. */
static const struct mmio_region *machine_find_mmio(struct machine *m,
						   uint64_t gpa, unsigned size)
{
	for (unsigned i = 0; i < m->nr_mmio; i++) {
		const struct mmio_region *r = &m->mmio[i];
		if (gpa - r->base < r->size &&
		    size <= r->size - (gpa - r->base))
			return r;
	}
	return 0;
}

/* MMIO: the device whose window holds the whole access, else fault. */
static int machine_mmio_read(void *ctx, struct hart *h, uint64_t gpa,
			     unsigned size, uint64_t *val)
{
	const struct mmio_region *r = machine_find_mmio(ctx, gpa, size);

	*val = 0;
	if (!r)
		return -EFAULT;
	return r->ops->read(r->opaque, gpa - r->base, size, val);
}

static int machine_mmio_write(void *ctx, struct hart *h, uint64_t gpa,
			      unsigned size, uint64_t val)
{
	const struct mmio_region *r = machine_find_mmio(ctx, gpa, size);

	if (!r)
		return -EFAULT;
	if (size < 8)
		val &= (1ULL << (size * 8)) - 1;
	for (;;) {
		int err = r->ops->write(r->opaque, gpa - r->base, size, val);

		if (err != -EAGAIN)
			return err;
		/* The device's queues are busy with work that may wait for
		 * this hart's shootdown service: serve it, then retry. */
		hart_shootdown_service(h);
		if (atomic_load(&h->requests) & REQ_STOP)
			return 0;
		sched_yield();
	}
}

static void machine_sbi_call(void *ctx, struct hart *h)
{
	sbi_call(ctx, h);
}

/* The bus's wfi_poll: only while the host has a cpu to spare (polling on
 * a busy host takes cpu time the guest's own threads then lack). */
static bool machine_wfi_poll(void *ctx, struct hart *h)
{
	struct machine *m = ctx;

	return atomic_load(&m->io_busy) && hostload_spare(&m->load);
}

static const struct cpu_bus_ops machine_bus_ops = {
	.ram_page = machine_ram_page,
	.mem_wait = machine_mem_wait,
	.mmio_read = machine_mmio_read,
	.mmio_write = machine_mmio_write,
	.sbi_call = machine_sbi_call,
	.wfi_poll = machine_wfi_poll,
};

int machine_add_mmio(struct machine *m, uint64_t base, uint64_t size,
		     const struct mmio_ops *ops, void *opaque)
{
	if (m->nr_mmio == MACHINE_MAX_MMIO)
		return -ENOSPC;
	for (unsigned i = 0; i < m->nr_mmio; i++) {
		const struct mmio_region *r = &m->mmio[i];
		if (base < r->base + r->size && r->base < base + size)
			return -EEXIST;
	}
	m->mmio[m->nr_mmio++] = (struct mmio_region){ base, size, ops, opaque };
	return 0;
}

int machine_trap_ram_page(struct machine *m, uint64_t gpa_page)
{
	/* A trapped page must reach machine_ram_page on every miss. */
	m->ram_map.nr = 0;
	for (unsigned i = 0; i < m->nr_trap_pages; i++)
		if (m->trap_pages[i] == gpa_page)
			return 0;
	if (m->nr_trap_pages == MACHINE_MAX_TRAP_PAGES)
		return -ENOSPC;
	m->trap_pages[m->nr_trap_pages++] = gpa_page;
	return 0;
}

void machine_exit(struct machine *m, int status)
{
	m->host->exit(m->host_ctx, status);
}

void machine_reboot(struct machine *m, int status)
{
	atomic_store(&m->reboot_req, true);
	machine_exit(m, status);
}

static void machine_console_input(void *ctx)
{
	struct machine *m = ctx;

	uart_input_ready(m->uart);
	if (m->htif)
		htif_input_ready(m->htif);
}

static void machine_console_quit(void *ctx)
{
	struct machine *m = ctx;

	log_error("terminated by C-a x");
	if (m->host->quit)
		m->host->quit(m->host_ctx);
	else
		machine_exit(m, 0);
}

static const struct hostcon_ops machine_console_ops = {
	.quit = machine_console_quit,
};

/* Devices in address order; each registers its own MMIO window. */
static int machine_add_devices(struct machine *m,
			       const struct machine_config *cfg)
{
	int err;

	err = hostcon_create(&m->con, &machine_console_ops, m);
	if (!err)
		err = hostcon_configure(m->con, cfg->console_prefix,
					!cfg->console_detached);
	if (!err) {
		m->console = hostcon_port(m->con, HOSTCON_PORT_BOARD);
		chardev_set_ready(m->console, machine_console_input, m);
	}
	if (!err)
		err = testdev_init(m);
	if (!err)
		err = clint_init(m);
	if (!err)
		err = plic_init(m);
	if (!err)
		err = uart_init(m);
	if (!err)
		err = powerkey_init(m);
	if (!err)
		err = ata_init(m);
	return err;
}

int machine_create(struct machine **out, const struct machine_config *cfg,
		   const struct machine_host_ops *host, void *host_ctx)
{
	struct machine *m;
	int err;

	m = calloc(1, sizeof(*m));
	if (!m) {
		log_error("out of memory");
		return -ENOMEM;
	}
	m->nr_harts = cfg->nr_harts;
	m->mode = cfg->mode;
	m->host = host;
	m->host_ctx = host_ctx;
	m->bus = (struct cpu_bus){ &machine_bus_ops, m };
	m->time_base = mtime_now();
	m->vswitch = cfg->vswitch;
	hostload_init(&m->load);
	err = ram_init(&m->ram, cfg->mem, VIRT_DRAM_BASE, cfg->ram_size);
	if (err) {
		log_error("no guest RAM of %llu bytes: %s",
			  (unsigned long long)cfg->ram_size, strerror(-err));
		goto err_free;
	}
	machine_map_ram(m);
	if (cfg->disk) {
		err = disk_raw_open(cfg->disk, &m->disk);
		if (err) {
			log_error("disk %s: %s", cfg->disk,
				  hostfile_strerror(err));
			goto err_free;
		}
	}
	if (cfg->net && cfg->vswitch) {
		m->net = calloc(1, sizeof(*m->net));
		if (!m->net) {
			log_error("out of memory");
			err = -ENOMEM;
			goto err_destroy;
		}
		m->net->sw = cfg->vswitch;
		memcpy(m->net->mac, cfg->mac, sizeof(m->net->mac));
	}
	err = machine_add_devices(m, cfg);
	if (err) {
		log_error("cannot create devices: %s", strerror(-err));
		goto err_destroy;
	}
	/* After the console (virtio-console uses it); it names a bad image
	 * or back-end in its own line. */
	err = virtio_slots_init(m, cfg);
	if (err)
		goto err_destroy;
	err = machine_load(m, cfg);
	if (err)
		goto err_destroy;
	*out = m;
	return 0;

err_destroy:
	machine_destroy(m);
	return err;
err_free:
	hostload_destroy(&m->load);
	free(m);
	return err;
}

void machine_destroy(struct machine *m)
{
	if (!m)
		return;
	if (m->con)
		hostcon_stop(m->con);
	htif_destroy(m);
	uart_destroy(m);
	powerkey_destroy(m);
	virtio_slots_destroy(m); /* threads stopped before the PLIC goes */
	plic_destroy(m);
	ata_destroy(m);
	hostcon_destroy(m->con);
	disk_close(m->disk);
	free(m->net);
	hostload_destroy(&m->load);
	free(m);
}

/* See machine.h.  In BOOT_SBI mode the S-mode payload gets the state
 * Debian's OpenSBI (1.1, fw_jump/fw_dynamic) hands over: mstatus_init()
 * sets FS (F/D usable at once), scounteren = cycle/time/instret (so a
 * Linux process may rdtime through the vDSO), mcounteren = all counters,
 * mcountinhibit = all but cycle/instret; menvcfg stays 0 because atoll has
 * none of Zicbom/Zicboz/Svpbmt/Sstc that it would enable; and
 * sbi_hart_switch_mode() leaves stvec = the entry, sscratch = 0, sie = 0,
 * satp = 0, SIE = SPIE = 0.  mideleg matches.  medeleg delegates more than
 * OpenSBI's (breakpoint, user ecall, misaligned fetch, page faults): it
 * adds illegal instruction and access faults, which OpenSBI takes in M
 * only to redirect them to S unchanged (atoll has no M-mode code to do
 * that), and misaligned loads/stores, which atoll's CPU never raises (it
 * performs them, as OpenSBI emulates them). */
void machine_setup_hart(struct machine *m, struct hart *h)
{
	m->harts[h->mhartid] = h;
	h->time_base = m->time_base;
	h->io_busy = &m->io_busy;
	h->wfi_poll_ticks = m->wfi_poll_ticks;
	atomic_store(&h->stimecmp, UINT64_MAX);
	h->pc = m->entry;
	h->x[10] = h->mhartid;
	h->x[11] = m->fdt_addr;
	h->x[12] = m->fw_info_addr;
	if (m->mode != BOOT_SBI)
		return;
	h->sbi_in_host = true;
	h->medeleg = SBI_MEDELEG;
	h->mideleg = SBI_MIDELEG;
	h->mcounteren = SBI_MCOUNTEREN;
	h->scounteren = SBI_SCOUNTEREN;
	h->mcountinhibit = SBI_MCOUNTINHIBIT;
	h->menvcfg = 0;
	h->stvec = m->entry;
	h->sscratch = 0;
	h->satp = 0;
	csr_fs_dirty(h); /* F/D usable at once, as OpenSBI leaves it */
	h->priv = PRIV_S;
	mmu_update_ctx(h);
}

int machine_start(struct machine *m)
{
	int err = hostcon_start(m->con);

	if (err) {
		log_error("cannot set up the console: %s", strerror(-err));
		return err;
	}
	return virtio_slots_start(m);
}

void machine_stop(struct machine *m)
{
	virtio_slots_stop(m); /* before the domain's memory goes */
	hostcon_stop(m->con);
}
