/* The power key: a one-pin SiFive GPIO ("sifive,gpio0") whose pin is a
 * power button, wired in the device tree to a "gpio-keys" KEY_POWER key as
 * QEMU's Arm virt board wires its PL061 pin 3.  `atoll shutdown` presses
 * it (docs/control-api.md); Linux's gpio-keys driver turns the press into
 * KEY_POWER on /dev/input/event*, which atoll's init answers with an
 * orderly power-off, and atoll-os reads the pin on the interrupt itself.
 *
 * A press holds the pin high until the guest has read it high once (a
 * read of INPUT_VAL), then releases it: the guest sees both edges however
 * late it looks, and nothing runs on a host timer.  A guest without a
 * driver leaves the key pressed; a second press before the first was
 * read is refused (-EBUSY).
 *
 * Registers are the SiFive GPIO's (32-bit, naturally aligned), of which
 * only bit 0 exists.  The *_ip registers are write-1-to-clear; rise/fall
 * latch edges, high/low follow the level (clearing one that still holds
 * sets it again).  The PLIC line is the OR of ip & ie over the four kinds,
 * as the pin's own interrupt. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "machine/devices.h"

enum powerkey_reg {
	INPUT_VAL = 0x00,
	INPUT_EN = 0x04,
	OUTPUT_EN = 0x08,
	OUTPUT_VAL = 0x0c,
	PUE = 0x10,
	DS = 0x14,
	RISE_IE = 0x18,
	RISE_IP = 0x1c,
	FALL_IE = 0x20,
	FALL_IP = 0x24,
	HIGH_IE = 0x28,
	HIGH_IP = 0x2c,
	LOW_IE = 0x30,
	LOW_IP = 0x34,
	IOF_EN = 0x38,
	IOF_SEL = 0x3c,
	OUT_XOR = 0x40,
	REG_END = 0x44,
};

#define PIN 1u /* the one pin */

struct powerkey {
	pthread_mutex_t lock;
	struct machine *m;
	uint32_t reg[REG_END / 4];
	bool pressed; /* the pin */
};

static uint32_t *pk_reg(struct powerkey *k, enum powerkey_reg r)
{
	return &k->reg[r / 4];
}

/* Lock held: level bits from the pin, then the PLIC line. */
static void pk_update(struct powerkey *k)
{
	uint32_t line;

	*pk_reg(k, HIGH_IP) |= k->pressed ? PIN : 0;
	*pk_reg(k, LOW_IP) |= k->pressed ? 0 : PIN;
	line = (*pk_reg(k, RISE_IP) & *pk_reg(k, RISE_IE)) |
	       (*pk_reg(k, FALL_IP) & *pk_reg(k, FALL_IE)) |
	       (*pk_reg(k, HIGH_IP) & *pk_reg(k, HIGH_IE)) |
	       (*pk_reg(k, LOW_IP) & *pk_reg(k, LOW_IE));
	plic_set_irq(k->m->plic, VIRT_POWERKEY_IRQ, (line & PIN) != 0);
}

/* Lock held: move the pin, latching the edge. */
static void pk_set_pin(struct powerkey *k, bool pressed)
{
	if (pressed == k->pressed)
		return;
	k->pressed = pressed;
	*pk_reg(k, pressed ? RISE_IP : FALL_IP) |= PIN;
	pk_update(k);
}

static int pk_access_ok(uint64_t off, unsigned size)
{
	return size == 4 && !(off & 3);
}

static int pk_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct powerkey *k = opaque;

	*val = 0;
	if (!pk_access_ok(off, size))
		return -EINVAL;
	if (off >= REG_END)
		return 0;
	pthread_mutex_lock(&k->lock);
	if (off == INPUT_VAL) {
		bool in = k->pressed && (*pk_reg(k, INPUT_EN) & PIN);

		*val = in ? PIN : 0;
		/* Read high once: let go (the guest then sees the fall). */
		if (in)
			pk_set_pin(k, false);
	} else {
		*val = *pk_reg(k, (enum powerkey_reg)off);
	}
	pthread_mutex_unlock(&k->lock);
	return 0;
}

static int pk_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct powerkey *k = opaque;
	uint32_t v = (uint32_t)val & PIN;

	if (!pk_access_ok(off, size))
		return -EINVAL;
	if (off >= REG_END || off == INPUT_VAL)
		return 0;
	pthread_mutex_lock(&k->lock);
	switch (off) {
	case RISE_IP:
	case FALL_IP:
	case HIGH_IP:
	case LOW_IP: *pk_reg(k, (enum powerkey_reg)off) &= ~v; break;
	default: *pk_reg(k, (enum powerkey_reg)off) = v;
	}
	pk_update(k);
	pthread_mutex_unlock(&k->lock);
	return 0;
}

static const struct mmio_ops powerkey_ops = {
	.read = pk_read,
	.write = pk_write,
};

int powerkey_press(struct machine *m)
{
	struct powerkey *k = m->powerkey;
	int err = 0;

	if (!k)
		return -ENODEV;
	pthread_mutex_lock(&k->lock);
	if (k->pressed) {
		err = -EBUSY;
	} else {
		pk_set_pin(k, true);
	}
	pthread_mutex_unlock(&k->lock);
	return err;
}

int powerkey_init(struct machine *m)
{
	struct powerkey *k = calloc(1, sizeof(*k));
	int err;

	if (!k)
		return -ENOMEM;
	pthread_mutex_init(&k->lock, NULL);
	k->m = m;
	/* Released at reset: the level interrupt "low" is pending, as on
	 * the hardware; nothing is enabled yet. */
	*pk_reg(k, LOW_IP) = PIN;
	err = machine_add_mmio(m, VIRT_POWERKEY_BASE, VIRT_POWERKEY_SIZE,
			       &powerkey_ops, k);
	if (err) {
		pthread_mutex_destroy(&k->lock);
		free(k);
		return err;
	}
	m->powerkey = k;
	return 0;
}

void powerkey_destroy(struct machine *m)
{
	if (!m->powerkey)
		return;
	pthread_mutex_destroy(&m->powerkey->lock);
	free(m->powerkey);
	m->powerkey = NULL;
}
