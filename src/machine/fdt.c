/* The device tree, as QEMU 7.2's virt board generates it for the devices
 * atoll has (no PCI, flash, fw_cfg, RTC or PMU nodes).  Built with libfdt's
 * sequential-write API; a writer with a sticky error keeps the node code
 * free of error checks. */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>

#include "atoll/abi/ata_pio.h"
#include "atoll/abi/event_channel.h"
#include "machine/devices.h"
#include "machine/machine.h"

#define FDT_MAX_SIZE (64 * 1024)
#define RISCV_ISA "rv64imafdc_zicsr_zifencei_zicntr"
#define UART_CLOCK_HZ 3686400

/* Phandles: fixed numbers, so the tree is the same on every run. */
#define PH_PLIC 1
#define PH_TEST 2
#define PH_POWERKEY 32 /* above every PH_CPU and PH_INTC */
#define KEY_POWER 116 /* Linux's input event code */
#define PH_CPU(n) (3 + 2 * (n))
#define PH_INTC(n) (4 + 2 * (n))

/* Local interrupt numbers on a hart's interrupt controller. */
#define INTC_MSI 3
#define INTC_MTI 7
#define INTC_SEI 9
#define INTC_MEI 11

struct fdtw {
	void *fdt;
	int err;
};

static void fw_begin(struct fdtw *w, const char *name)
{
	if (!w->err)
		w->err = fdt_begin_node(w->fdt, name);
}

static void fw_end(struct fdtw *w)
{
	if (!w->err)
		w->err = fdt_end_node(w->fdt);
}

static void fw_prop(struct fdtw *w, const char *name, const void *v, int len)
{
	if (!w->err)
		w->err = fdt_property(w->fdt, name, v, len);
}

static void fw_u32(struct fdtw *w, const char *name, uint32_t v)
{
	if (!w->err)
		w->err = fdt_property_cell(w->fdt, name, v);
}

static void fw_str(struct fdtw *w, const char *name, const char *s)
{
	if (!w->err)
		w->err = fdt_property_string(w->fdt, name, s);
}

/* A property of n cells, converted to big-endian. */
static void fw_cells(struct fdtw *w, const char *name, const uint32_t *c,
		     unsigned n)
{
	fdt32_t be[4 * MACHINE_MAX_HARTS];

	for (unsigned i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(c[i]);
	fw_prop(w, name, be, (int)(n * sizeof(be[0])));
}

/* reg = <base size> with #address-cells = #size-cells = 2. */
static void fw_reg(struct fdtw *w, uint64_t base, uint64_t size)
{
	uint32_t c[4] = { base >> 32, (uint32_t)base, size >> 32,
			  (uint32_t)size };

	fw_cells(w, "reg", c, 4);
}

/* /cpus: one node per hart with its local interrupt controller. */
static void fdt_cpus(struct fdtw *w, unsigned nr_harts)
{
	char name[32];

	fw_begin(w, "cpus");
	fw_u32(w, "#address-cells", 1);
	fw_u32(w, "#size-cells", 0);
	fw_u32(w, "timebase-frequency", VIRT_TIMEBASE_HZ);
	for (unsigned i = 0; i < nr_harts; i++) {
		snprintf(name, sizeof(name), "cpu@%u", i);
		fw_begin(w, name);
		fw_u32(w, "phandle", PH_CPU(i));
		fw_str(w, "device_type", "cpu");
		fw_u32(w, "reg", i);
		fw_str(w, "status", "okay");
		fw_str(w, "compatible", "riscv");
		fw_str(w, "riscv,isa", RISCV_ISA);
		fw_str(w, "mmu-type", "riscv,sv48");
		fw_begin(w, "interrupt-controller");
		fw_u32(w, "#interrupt-cells", 1);
		fw_prop(w, "interrupt-controller", 0, 0);
		fw_str(w, "compatible", "riscv,cpu-intc");
		fw_u32(w, "phandle", PH_INTC(i));
		fw_end(w);
		fw_end(w);
	}
	fw_begin(w, "cpu-map");
	fw_begin(w, "cluster0");
	for (unsigned i = 0; i < nr_harts; i++) {
		snprintf(name, sizeof(name), "core%u", i);
		fw_begin(w, name);
		fw_u32(w, "cpu", PH_CPU(i));
		fw_end(w);
	}
	fw_end(w);
	fw_end(w);
	fw_end(w);
}

/* interrupts-extended: for each hart, <intc irq_a intc irq_b>. */
static void fw_per_hart_irqs(struct fdtw *w, unsigned nr_harts, uint32_t irq_a,
			     uint32_t irq_b)
{
	uint32_t c[4 * MACHINE_MAX_HARTS];

	for (unsigned i = 0; i < nr_harts; i++) {
		c[4 * i] = PH_INTC(i);
		c[4 * i + 1] = irq_a;
		c[4 * i + 2] = PH_INTC(i);
		c[4 * i + 3] = irq_b;
	}
	fw_cells(w, "interrupts-extended", c, 4 * nr_harts);
}

/* PLIC, CLINT and the test device. */
static void fdt_soc_core(struct fdtw *w, unsigned nr_harts)
{
	static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";
	static const char clint_compat[] = "sifive,clint0\0riscv,clint0";
	static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";

	fw_begin(w, "plic@c000000");
	fw_u32(w, "phandle", PH_PLIC);
	fw_u32(w, "riscv,ndev", VIRT_PLIC_NDEV);
	fw_reg(w, VIRT_PLIC_BASE, VIRT_PLIC_SIZE);
	fw_per_hart_irqs(w, nr_harts, INTC_MEI, INTC_SEI);
	fw_prop(w, "interrupt-controller", 0, 0);
	fw_prop(w, "compatible", plic_compat, sizeof(plic_compat));
	fw_u32(w, "#address-cells", 0);
	fw_u32(w, "#interrupt-cells", 1);
	fw_end(w);

	fw_begin(w, "clint@2000000");
	fw_per_hart_irqs(w, nr_harts, INTC_MSI, INTC_MTI);
	fw_reg(w, VIRT_CLINT_BASE, VIRT_CLINT_SIZE);
	fw_prop(w, "compatible", clint_compat, sizeof(clint_compat));
	fw_end(w);

	fw_begin(w, "test@100000");
	fw_u32(w, "phandle", PH_TEST);
	fw_reg(w, VIRT_TEST_BASE, VIRT_TEST_SIZE);
	fw_prop(w, "compatible", test_compat, sizeof(test_compat));
	fw_end(w);
}

/* UART and the virtio-mmio slots. */
static void fdt_soc_io(struct fdtw *w, const struct machine *m)
{
	char name[40];

	fw_begin(w, "serial@10000000");
	fw_u32(w, "interrupts", VIRT_UART0_IRQ);
	fw_u32(w, "interrupt-parent", PH_PLIC);
	fw_u32(w, "clock-frequency", UART_CLOCK_HZ);
	fw_reg(w, VIRT_UART0_BASE, VIRT_UART0_SIZE);
	fw_str(w, "compatible", "ns16550a");
	fw_end(w);

	/* Event-channel upcalls (docs/pv-io.md), as Xen on Arm names its
	 * event interrupt in its hypervisor node. */
	fw_begin(w, "atoll-evtchn");
	fw_str(w, "compatible", "atoll,evtchn");
	fw_u32(w, "interrupts", ATOLL_EVTCHN_IRQ);
	fw_u32(w, "interrupt-parent", PH_PLIC);
	fw_end(w);

	/* Highest slot first, as QEMU: the first device configured is the
	 * first Linux finds (vda).  Only slots with a device get a node. */
	for (int i = VIRT_VIRTIO_COUNT - 1; i >= 0; i--) {
		uint64_t base =
			VIRT_VIRTIO_BASE + (uint64_t)i * VIRT_VIRTIO_SIZE;

		if (!virtio_slot_dev(m, (unsigned)i))
			continue;
		snprintf(name, sizeof(name), "virtio_mmio@%llx",
			 (unsigned long long)base);
		fw_begin(w, name);
		fw_u32(w, "interrupts", VIRT_VIRTIO_IRQ + (uint32_t)i);
		fw_u32(w, "interrupt-parent", PH_PLIC);
		fw_reg(w, base, VIRT_VIRTIO_SIZE);
		fw_str(w, "compatible", "virtio,mmio");
		fw_end(w);
	}
}

/* The power key (powerkey.c): one GPIO pin, one PLIC source. */
static void fdt_powerkey(struct fdtw *w)
{
	static const char compat[] = "sifive,gpio0";
	char name[40];

	snprintf(name, sizeof(name), "gpio@%llx",
		 (unsigned long long)VIRT_POWERKEY_BASE);
	fw_begin(w, name);
	fw_u32(w, "phandle", PH_POWERKEY);
	fw_u32(w, "interrupts", VIRT_POWERKEY_IRQ);
	fw_u32(w, "interrupt-parent", PH_PLIC);
	fw_u32(w, "#interrupt-cells", 2);
	fw_prop(w, "interrupt-controller", 0, 0);
	fw_u32(w, "#gpio-cells", 2);
	fw_prop(w, "gpio-controller", 0, 0);
	fw_reg(w, VIRT_POWERKEY_BASE, VIRT_POWERKEY_SIZE);
	fw_prop(w, "compatible", compat, sizeof(compat));
	fw_end(w);
}

/* KEY_POWER on the power key's pin 0, active high (as QEMU's Arm virt). */
static void fdt_gpio_keys(struct fdtw *w)
{
	const uint32_t gpios[] = { PH_POWERKEY, 0, 0 };

	fw_begin(w, "gpio-keys");
	fw_str(w, "compatible", "gpio-keys");
	fw_begin(w, "power");
	fw_str(w, "label", "power");
	fw_u32(w, "linux,code", KEY_POWER);
	fw_cells(w, "gpios", gpios, 3);
	fw_end(w);
	fw_end(w);
}

/* The emulated ATA PIO disk (atoll/abi/ata_pio.h), polled: no interrupt. */
static void fdt_ata(struct fdtw *w)
{
	fw_begin(w, "ata@10020000");
	fw_reg(w, ATA_PIO_BASE, ATA_PIO_SIZE);
	fw_str(w, "compatible", "atoll,ata-pio");
	fw_end(w);
}

static void fdt_soc(struct fdtw *w, const struct machine *m)
{
	fw_begin(w, "soc");
	fw_u32(w, "#address-cells", 2);
	fw_u32(w, "#size-cells", 2);
	fw_str(w, "compatible", "simple-bus");
	fw_prop(w, "ranges", 0, 0);
	fdt_soc_io(w, m);
	if (m->powerkey)
		fdt_powerkey(w);
	if (m->ata)
		fdt_ata(w);
	fdt_soc_core(w, m->nr_harts);
	fw_end(w);
}

/* syscon-poweroff / syscon-reboot through the test device. */
static void fdt_syscon(struct fdtw *w, const char *node, const char *compat,
		       uint32_t value)
{
	fw_begin(w, node);
	fw_u32(w, "value", value);
	fw_u32(w, "offset", 0);
	fw_u32(w, "regmap", PH_TEST);
	fw_str(w, "compatible", compat);
	fw_end(w);
}

static void fdt_chosen(struct fdtw *w, const struct fdt_params *p)
{
	fw_begin(w, "chosen");
	if (p->initrd_end) {
		fdt64_t s = cpu_to_fdt64(p->initrd_start);
		fdt64_t e = cpu_to_fdt64(p->initrd_end);
		fw_prop(w, "linux,initrd-end", &e, sizeof(e));
		fw_prop(w, "linux,initrd-start", &s, sizeof(s));
	}
	if (p->bootargs)
		fw_str(w, "bootargs", p->bootargs);
	fw_str(w, "stdout-path", "/soc/serial@10000000");
	fw_end(w);
}

static void fdt_root(struct fdtw *w, struct machine *m,
		     const struct fdt_params *p)
{
	char name[40];

	fw_begin(w, "");
	fw_u32(w, "#address-cells", 2);
	fw_u32(w, "#size-cells", 2);
	fw_str(w, "compatible", "riscv-virtio");
	fw_str(w, "model", "riscv-virtio,qemu");
	fdt_chosen(w, p);
	fdt_syscon(w, "poweroff", "syscon-poweroff", 0x5555);
	fdt_syscon(w, "reboot", "syscon-reboot", 0x7777);
	if (m->powerkey)
		fdt_gpio_keys(w);
	snprintf(name, sizeof(name), "memory@%llx",
		 (unsigned long long)m->ram.base);
	fw_begin(w, name);
	fw_str(w, "device_type", "memory");
	fw_reg(w, m->ram.base, m->ram.size);
	fw_end(w);
	fdt_cpus(w, m->nr_harts);
	fdt_soc(w, m);
	fw_end(w);
}

int fdt_build(struct machine *m, const struct fdt_params *p, void **blob,
	      uint32_t *size)
{
	struct fdtw w = { malloc(FDT_MAX_SIZE), 0 };
	void *shrunk;

	if (!w.fdt)
		return -ENOMEM;
	w.err = fdt_create(w.fdt, FDT_MAX_SIZE);
	if (!w.err)
		w.err = fdt_finish_reservemap(w.fdt);
	fdt_root(&w, m, p);
	if (!w.err)
		w.err = fdt_finish(w.fdt);
	if (w.err) {
		free(w.fdt);
		return w.err == -FDT_ERR_NOSPACE ? -E2BIG : -EINVAL;
	}
	*size = fdt_totalsize(w.fdt);
	shrunk = realloc(w.fdt, *size);
	*blob = shrunk ? shrunk : w.fdt;
	return 0;
}
