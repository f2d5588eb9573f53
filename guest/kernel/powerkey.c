/* The power key (atoll's `atoll shutdown`): one SiFive GPIO pin on its
 * own PLIC source, found by the device tree's "sifive,gpio0" node.  A
 * press wakes a thread that says so and powers off the way the workload's
 * end does (console flushed, then SBI shutdown): atoll-os holds nothing
 * that outlives it, every block write it was answered is already durable. */
#include "kernel.h"
#include "pv.h"

#define GPIO_BASE 0x10060000ul /* in vm.c's device megapage */
#define GPIO_INPUT_VAL 0x00
#define GPIO_INPUT_EN 0x04
#define GPIO_RISE_IE 0x18
#define GPIO_RISE_IP 0x1c
#define PIN 1u

static struct pv_waiter pressed;

static volatile uint32_t *gpio(unsigned off)
{
	return (volatile uint32_t *)(GPIO_BASE + off);
}

static void powerkey_interrupt(void)
{
	*gpio(GPIO_RISE_IP) = PIN; /* write 1 to clear the edge */
	/* Reading the pin high is what lets atoll release the key. */
	if (*gpio(GPIO_INPUT_VAL) & PIN)
		pv_wake(&pressed);
}

static void powerkey_thread(void *arg)
{
	(void)arg;
	pv_wait(&pressed, 0);
	printf("atoll-os: power key: powering off\n");
	console_flush();
	poweroff(0);
}

void powerkey_init(const void *dtb)
{
	uint32_t irq;

	/* powerkey=0: a guest without a driver (tests of the key ignored). */
	if (!cmdline_long("powerkey", 1) ||
	    fdt_find_u32(dtb, "sifive,gpio0", "interrupts", &irq))
		return;
	if (!thread_create("powerkey", powerkey_thread, 0))
		return;
	*gpio(GPIO_INPUT_EN) = PIN;
	*gpio(GPIO_RISE_IP) = PIN;
	*gpio(GPIO_RISE_IE) = PIN;
	if (plic_route(irq, powerkey_interrupt))
		printf("powerkey: PLIC source %u out of range\n", irq);
}
