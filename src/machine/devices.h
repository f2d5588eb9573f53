/* The board's devices.  Each one lives in its own file with a static const
 * mmio_ops table and an init function that allocates its state, registers
 * its MMIO window and hangs itself on the machine; destroy undoes init.
 * Every handler takes the device's own lock: harts call in concurrently. */
#ifndef ATOLL_MACHINE_DEVICES_H
#define ATOLL_MACHINE_DEVICES_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/machine.h"

/* SiFive test finisher (testdev.c). */
int testdev_init(struct machine *m);

/* CLINT: msip, mtimecmp, mtime (clint.c). */
int clint_init(struct machine *m);

/* PLIC (plic.c).  plic_set_irq drives source `irq`'s line (level
 * triggered); it may be called from any thread. */
int plic_init(struct machine *m);
void plic_destroy(struct machine *m);
void plic_set_irq(struct plic *p, unsigned irq, int level);

/* NS16550A on PLIC source VIRT_UART0_IRQ (uart.c).  uart_input_ready is
 * called by the console when host input arrived. */
int uart_init(struct machine *m);
void uart_destroy(struct machine *m);
void uart_input_ready(struct uart *u);

/* The power key on PLIC source VIRT_POWERKEY_IRQ (powerkey.c).
 * powerkey_press: 0, -EBUSY while an earlier press is unread, -ENODEV
 * without the device; any thread. */
int powerkey_init(struct machine *m);
void powerkey_destroy(struct machine *m);
int powerkey_press(struct machine *m);

/* The virtio-mmio slots (virtio_slots.c): the configured devices, the
 * others empty as QEMU shows them.  init opens images (one line naming a
 * bad one); start/stop run the devices' I/O threads. */
int virtio_slots_init(struct machine *m, const struct machine_config *cfg);
int virtio_slots_start(struct machine *m);
void virtio_slots_stop(struct machine *m);
void virtio_slots_destroy(struct machine *m);
/* The device in slot i, or NULL if the slot is empty. */
struct virtio_dev *virtio_slot_dev(const struct machine *m, unsigned i);

/* The ATA PIO disk on m->disk, only if there is one (ata.c, counters in
 * machine/ata.h). */
int ata_init(struct machine *m);
void ata_destroy(struct machine *m);

/* Spike/riscv-tests HTIF over the RAM page(s) of tohost/fromhost
 * (htif.c).  Returns 0 or -errno (addresses not 8-aligned RAM). */
int htif_init(struct machine *m, uint64_t tohost, uint64_t fromhost);
void htif_destroy(struct machine *m);
void htif_input_ready(struct htif *t);

#endif
