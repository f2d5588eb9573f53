/* The PLIC from S-mode on this hart: route a source to a handler, then
 * claim, dispatch and complete on each supervisor external interrupt.
 * Handlers run in the trap (interrupts off). */
#include "kernel.h"

#define PLIC_HANDLERS 128 /* atoll's board has sources 1..95 */
#define SIE_SEIE (1ul << 9) /* supervisor external interrupts */

static plic_handler_t handlers[PLIC_HANDLERS];

static unsigned plic_ctx(void)
{
	return 2 * (unsigned)kernel_hartid + 1; /* S-mode context */
}

int plic_route(unsigned src, plic_handler_t fn)
{
	volatile uint32_t *en =
		(volatile uint32_t *)PLIC_ENABLE(plic_ctx()) + src / 32;

	if (!src || src >= PLIC_HANDLERS)
		return -22;
	handlers[src] = fn;
	*(volatile uint32_t *)PLIC_PRIO(src) = 1;
	*en |= 1u << (src % 32);
	*(volatile uint32_t *)PLIC_THRESHOLD(plic_ctx()) = 0;
	csr_set(sie, SIE_SEIE);
	return 0;
}

void plic_external_interrupt(void)
{
	volatile uint32_t *claim = (volatile uint32_t *)PLIC_CLAIM(plic_ctx());
	uint32_t src = *claim;

	if (!src)
		return;
	if (src < PLIC_HANDLERS && handlers[src])
		handlers[src]();
	*claim = src;
}
