/* The PV core: registration of the grant table and the shared-info page
 * with atoll, the upcall's PLIC routing, grants, device connect and the
 * counters (docs/pv-io.md).  Event channels and the upcall handler are in
 * pv_evtchn.c. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "atoll/abi/grant_table_op.h"
#include "atoll/abi/hypercall.h"
#include "kernel.h"
#include "pv.h"
#include "pv_internal.h"

_Static_assert(offsetof(struct grant_entry_v1, flags) == 0 &&
		       offsetof(struct grant_entry_v1, domid) == 2,
	       "gnttab_end's word: flags low, domid high");

#define PLIC_NSRC 1024

#define GNT_FRAMES ATOLL_GNTTAB_MAX_FRAMES
#define GNT_ENTRIES (GNT_FRAMES * PAGE_SIZE / sizeof(struct grant_entry_v1))

struct shared_info pv_shinfo __attribute__((aligned(4096)));
static struct grant_entry_v1 gnt_table[GNT_ENTRIES]
	__attribute__((aligned(4096)));
/* Free references: a stack of the refs not in use. */
static grant_ref_t gnt_free[GNT_ENTRIES];
static unsigned gnt_nfree;

struct pv_stats pv_stats;
unsigned pv_irq;
static int pv_state; /* 0 not tried, 1 ready, < 0 the failure */

/* One hypercall with up to three arguments; counted.  The result, or
 * -ENOSYS when atoll does not answer the call at all. */
long pv_hcall(long nr, long cmd, void *arg, long count)
{
	struct sbiret r =
		sbi_call(ATOLL_SBI_EXT, nr, cmd, (long)(uintptr_t)arg, count);

	__atomic_fetch_add(&pv_stats.hypercalls, 1, __ATOMIC_RELAXED);
	return r.error ? -ENOSYS : r.value;
}

/* Hand the grant-table frames to atoll and fill the free-ref stack. */
static int pv_gnttab_init(void)
{
	struct gnttab_atoll_set_table t = { .nr_frames = GNT_FRAMES };
	long rc;

	for (unsigned i = 0; i < GNT_FRAMES; i++)
		t.gfn[i] = ((uintptr_t)gnt_table + i * PAGE_SIZE) >> PAGE_SHIFT;
	rc = pv_hcall(__HYPERVISOR_grant_table_op, GNTTABOP_atoll_set_table, &t,
		      1);
	if (rc)
		return (int)rc;
	gnt_nfree = 0;
	for (grant_ref_t r = GNT_ENTRIES - 1; r >= GNTTAB_NR_RESERVED_ENTRIES;
	     r--)
		gnt_free[gnt_nfree++] = r;
	return 0;
}

/* Every step of pv_init, in order; 0 or -errno. */
static int pv_init_once(const void *dtb)
{
	struct evtchn_atoll_shared_info si;
	uint32_t irq;
	int err;

	if (!sbi_on_atoll())
		return -ENODEV;
	err = fdt_find_u32(dtb, "atoll,evtchn", "interrupts", &irq);
	if (err)
		return err;
	if (!irq || irq >= PLIC_NSRC)
		return -ENODEV;
	pv_irq = irq;
	err = pv_gnttab_init();
	if (err)
		return err;
	/* Ports start masked until a front-end unmasks them. */
	memset(&pv_shinfo, 0, sizeof(pv_shinfo));
	memset(pv_shinfo.evtchn_mask, 0xff, sizeof(pv_shinfo.evtchn_mask));
	si.gfn = (uintptr_t)&pv_shinfo >> PAGE_SHIFT;
	err = (int)pv_hcall(__HYPERVISOR_event_channel_op,
			    EVTCHNOP_atoll_register_shared_info, &si, 0);
	if (err)
		return err;
	return plic_route(pv_irq, pv_upcall);
}

int pv_init(const void *dtb)
{
	if (!pv_state) {
		int err = pv_init_once(dtb);

		pv_state = err ? err : 1;
		if (err)
			printf("pv: not available (%d)\n", err);
		else
			printf("pv: grant table %u entries, upcall on PLIC "
			       "source %u\n",
			       (unsigned)GNT_ENTRIES, pv_irq);
	}
	return pv_state == 1 ? 0 : pv_state;
}

int pv_ready(void)
{
	return pv_state == 1;
}

int gnttab_grant(domid_t dom, const void *page, int readonly)
{
	unsigned long s = irq_save();
	struct grant_entry_v1 *e;
	grant_ref_t ref;

	if (!gnt_nfree) {
		irq_restore(s);
		return -ENOSPC;
	}
	ref = gnt_free[--gnt_nfree];
	irq_restore(s);
	e = &gnt_table[ref];
	e->domid = dom;
	e->frame = (uint32_t)((uintptr_t)page >> PAGE_SHIFT);
	/* atoll reads flags|domid in one word: frame and domid first. */
	__atomic_store_n(
		&e->flags,
		(uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0)),
		__ATOMIC_RELEASE);
	return (int)ref;
}

/* Revoke with a compare-and-swap on the entry's first word (flags in
 * its low half, domid in the high half: no 16-bit CAS on RV64), so a
 * mapping atoll takes meanwhile makes it fail instead of being lost. */
int gnttab_end(grant_ref_t ref)
{
	uint32_t *word, w;
	unsigned long s;

	if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= GNT_ENTRIES)
		return -EINVAL;
	word = (uint32_t *)&gnt_table[ref];
	w = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	do {
		if ((w & GTF_type_mask) != GTF_permit_access)
			return -EINVAL; /* not granted: never free it twice */
		if (w & (GTF_reading | GTF_writing))
			return -EBUSY;
	} while (!__atomic_compare_exchange_n(word, &w, w & 0xffff0000u, 0,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	s = irq_save();
	gnt_free[gnt_nfree++] = ref;
	irq_restore(s);
	return 0;
}

int pvdev_op(unsigned long cmd, void *op)
{
	return (int)pv_hcall(__HYPERVISOR_atoll_pvdev_op, (long)cmd, op, 0);
}

void pv_get_stats(struct pv_stats *st)
{
	st->upcalls = __atomic_load_n(&pv_stats.upcalls, __ATOMIC_RELAXED);
	st->notifies = __atomic_load_n(&pv_stats.notifies, __ATOMIC_RELAXED);
	st->hypercalls =
		__atomic_load_n(&pv_stats.hypercalls, __ATOMIC_RELAXED);
}
