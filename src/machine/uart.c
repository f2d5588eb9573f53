/* NS16550A UART, register-compatible with QEMU's serial device: 8 byte-wide
 * registers, any access width reads/writes the byte register at its
 * offset.  Output is written to the host console at once, so the
 * transmitter is always empty (LSR.THRE|TEMT).  Input comes from the host
 * console's buffer into a 16-byte receive FIFO (1 byte with FIFOs off).
 * The interrupt line is PLIC source 10; the interrupt identification
 * follows QEMU's priorities: line status > received data > THR empty >
 * modem status. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "machine/devices.h"
#include "io/chardev.h"

enum uart_reg { RBR_THR_DLL, IER_DLM, IIR_FCR, LCR, MCR, LSR, MSR, SCR };

#define IER_RDI 0x01
#define IER_THRI 0x02
#define IER_RLSI 0x04
#define IER_MSI 0x08
#define IIR_NO_INT 0x01
#define IIR_MSI 0x00
#define IIR_THRI 0x02
#define IIR_RDI 0x04
#define IIR_RLSI 0x06
#define IIR_ID 0x06
#define IIR_FIFO 0xc0
#define FCR_FE 0x01
#define FCR_RFR 0x02
#define FCR_XFR 0x04
#define LCR_DLAB 0x80
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_BI 0x10
#define LSR_INT_ANY 0x1e
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define MSR_DELTA 0x0f
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_DCD 0x80

#define UART_FIFO 16

struct uart {
	pthread_mutex_t lock;
	struct machine *m;
	uint8_t ier, iir, fcr, lcr, mcr, lsr, msr, scr;
	uint16_t divisor;
	uint8_t rx[UART_FIFO];
	unsigned rx_head, rx_count;
	uint8_t last_rx; /* what RBR reads with FIFOs off and nothing new */
	bool thr_ipending;
};

static unsigned uart_rx_room(const struct uart *u)
{
	return (u->fcr & FCR_FE ? UART_FIFO : 1) - u->rx_count;
}

static void uart_rx_push(struct uart *u, uint8_t c)
{
	if (!uart_rx_room(u)) {
		u->lsr |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count++) % UART_FIFO] = c;
}

/* Move host input into the receive FIFO while it has room.  In loopback
 * mode the host is disconnected.  Lock held. */
static void uart_refill(struct uart *u)
{
	uint8_t buf[UART_FIFO];
	size_t n;

	if (u->mcr & MCR_LOOP || !uart_rx_room(u))
		return;
	n = chardev_read(u->m->console, buf, uart_rx_room(u));
	for (size_t i = 0; i < n; i++)
		uart_rx_push(u, buf[i]);
}

/* Recompute IIR and drive the PLIC line.  Lock held. */
static void uart_update_irq(struct uart *u)
{
	uint8_t id = IIR_NO_INT;
	uint8_t lsr = u->lsr | (u->rx_count ? LSR_DR : 0);

	if (u->ier & IER_RLSI && lsr & LSR_INT_ANY)
		id = IIR_RLSI;
	else if (u->ier & IER_RDI && lsr & LSR_DR)
		id = IIR_RDI;
	else if (u->ier & IER_THRI && u->thr_ipending)
		id = IIR_THRI;
	else if (u->ier & IER_MSI && u->msr & MSR_DELTA)
		id = IIR_MSI;
	u->iir = id | (u->fcr & FCR_FE ? IIR_FIFO : 0);
	plic_set_irq(u->m->plic, VIRT_UART0_IRQ, id != IIR_NO_INT);
}

static uint8_t uart_read_rbr(struct uart *u)
{
	if (u->rx_count) {
		u->last_rx = u->rx[u->rx_head];
		u->rx_head = (u->rx_head + 1) % UART_FIFO;
		u->rx_count--;
	} else if (u->fcr & FCR_FE) {
		return 0;
	}
	u->lsr &= ~LSR_BI;
	uart_refill(u);
	return u->last_rx;
}

/* In loopback the modem outputs appear on the inputs (as QEMU). */
static uint8_t uart_read_msr(struct uart *u)
{
	uint8_t v;

	if (u->mcr & MCR_LOOP)
		return (u->mcr & 0x0c) << 4 | (u->mcr & 0x02) << 3 |
		       (u->mcr & 0x01) << 5;
	v = u->msr;
	u->msr &= ~MSR_DELTA;
	return v;
}

static uint8_t uart_read_reg(struct uart *u, unsigned reg)
{
	uint8_t v = 0;

	switch (reg) {
	case RBR_THR_DLL:
		if (u->lcr & LCR_DLAB)
			return u->divisor & 0xff;
		return uart_read_rbr(u);
	case IER_DLM: return u->lcr & LCR_DLAB ? u->divisor >> 8 : u->ier;
	case IIR_FCR:
		v = u->iir;
		if ((v & IIR_ID) == IIR_THRI && !(v & IIR_NO_INT))
			u->thr_ipending = false;
		return v;
	case LCR: return u->lcr;
	case MCR: return u->mcr;
	case LSR:
		uart_refill(u);
		v = u->lsr | LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0);
		u->lsr &= ~(LSR_BI | LSR_OE);
		return v;
	case MSR: return uart_read_msr(u);
	default: return u->scr;
	}
}

/* Transmit one byte: to the host, or back into the FIFO in loopback.
 * THR is empty again at once, which raises the THRE interrupt. */
static void uart_write_thr(struct uart *u, uint8_t c)
{
	if (u->mcr & MCR_LOOP)
		uart_rx_push(u, c);
	else
		chardev_write(u->m->console, &c, 1);
	u->thr_ipending = true;
}

static void uart_write_fcr(struct uart *u, uint8_t v)
{
	if (v == u->fcr)
		return;
	if ((v ^ u->fcr) & FCR_FE)
		v |= FCR_RFR | FCR_XFR; /* toggling FIFOs flushes them */
	if (v & FCR_RFR) {
		u->rx_head = 0;
		u->rx_count = 0;
	}
	u->fcr = v & 0xc9;
	uart_refill(u);
}

static void uart_write_reg(struct uart *u, unsigned reg, uint8_t v)
{
	switch (reg) {
	case RBR_THR_DLL:
		if (u->lcr & LCR_DLAB)
			u->divisor = (u->divisor & 0xff00) | v;
		else
			uart_write_thr(u, v);
		break;
	case IER_DLM:
		if (u->lcr & LCR_DLAB) {
			u->divisor = (uint16_t)((u->divisor & 0xff) | v << 8);
			break;
		}
		u->ier = v & 0x0f;
		u->thr_ipending = true; /* THR is always empty (as QEMU) */
		break;
	case IIR_FCR: uart_write_fcr(u, v); break;
	case LCR: u->lcr = v; break;
	case MCR:
		u->mcr = v & 0x1f;
		uart_refill(u);
		break;
	case LSR: break;
	case MSR: break;
	default: u->scr = v; break;
	}
}

static int uart_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	*val = uart_read_reg(u, (unsigned)off);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static int uart_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct uart *u = opaque;

	pthread_mutex_lock(&u->lock);
	uart_write_reg(u, (unsigned)off, (uint8_t)val);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

static const struct mmio_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

void uart_input_ready(struct uart *u)
{
	pthread_mutex_lock(&u->lock);
	uart_refill(u);
	uart_update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

/* Reset state as QEMU's: 9600 8N1, OUT2 set, CTS/DSR/DCD asserted. */
int uart_init(struct machine *m)
{
	struct uart *u = calloc(1, sizeof(*u));
	int err;

	if (!u)
		return -ENOMEM;
	pthread_mutex_init(&u->lock, 0);
	u->m = m;
	u->iir = IIR_NO_INT;
	u->mcr = MCR_OUT2;
	u->msr = MSR_DCD | MSR_DSR | MSR_CTS;
	u->divisor = 0x0c;
	err = machine_add_mmio(m, VIRT_UART0_BASE, 8, &uart_ops, u);
	if (err) {
		free(u);
		return err;
	}
	m->uart = u;
	return 0;
}

void uart_destroy(struct machine *m)
{
	if (!m->uart)
		return;
	pthread_mutex_destroy(&m->uart->lock);
	free(m->uart);
	m->uart = 0;
}
