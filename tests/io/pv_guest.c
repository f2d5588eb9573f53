/* Event channels and grant copy from inside a guest (S-mode, atoll's SBI,
 * paging off so virtual = physical): registers its shared info and grant
 * table, binds a channel to itself, takes the upcall through PLIC source
 * ATOLL_EVTCHN_IRQ (claim, clear upcall_pending, ack, complete), checks
 * the mask rules, copies through a grant with GNTTABOP_copy, and passes
 * hostile arguments that must get Xen's errors.  Prints "NAME ok" or
 * "FAIL NAME ..." per check; exit 0 only if all pass. */
#include "atoll/abi/event_channel.h"
#include "atoll/abi/grant_table.h"
#include "atoll/abi/grant_table_op.h"
#include "atoll/abi/hypercall.h"
#include "atoll/abi/shared_info.h"
#include "hcall_lib.h"
#include "pv_lib.h"
#include "rt.h"

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(4096)));
static uint8_t src[4096] __attribute__((aligned(4096)));
static uint8_t dst[4096] __attribute__((aligned(4096)));

/* Upcalls so far, after waiting up to 50 ms for `want`. */
static unsigned wait_upcalls(unsigned want)
{
	return pv_wait_upcalls(want, 50);
}

/* Channel p <-> q inside this domain; returns q, *self = own domid. */
static evtchn_port_t bind_self(evtchn_port_t *pp, uint16_t *self)
{
	pv_arg.alloc = (struct evtchn_alloc_unbound){ DOMID_SELF, DOMID_SELF };
	hc_check("alloc_unbound", pv_ev_op(EVTCHNOP_alloc_unbound), 0);
	*pp = pv_arg.alloc.port;
	pv_arg.bind = (struct evtchn_bind_interdomain){ DOMID_SELF, *pp };
	hc_check("bind_interdomain self", pv_ev_op(EVTCHNOP_bind_interdomain),
		 0);
	pv_arg.status =
		(struct evtchn_status){ DOMID_SELF, pv_arg.bind.local_port };
	hc_check("status", pv_ev_op(EVTCHNOP_status), 0);
	hc_check("status interdomain", pv_arg.status.status,
		 EVTCHNSTAT_interdomain);
	hc_check("status peer port", pv_arg.status.u.interdomain.port, *pp);
	*self = pv_arg.status.u.interdomain.dom;
	return pv_arg.status.port;
}

static void test_events(uint16_t *self)
{
	evtchn_port_t p, q;

	hc_check("register shared info", pv_shinfo_on(), 0);
	pv_arg.shinfo.gfn = (uintptr_t)&pv_si >> 12;
	hc_check("register shared info twice",
		 pv_ev_op(EVTCHNOP_atoll_register_shared_info), -16);
	q = bind_self(&p, self);
	hc_check("bind-time upcall", wait_upcalls(1), 1);
	hc_check("send", pv_port_op(EVTCHNOP_send, q), 0);
	hc_check("upcall on send", wait_upcalls(2), 2);
	hc_check("pending port seen", pv_seen(p), 1);
	/* Masked: pending, no upcall; unmask delivers. */
	pv_si.evtchn_mask[p / 64] |= 1ull << (p % 64);
	hc_check("send masked", pv_port_op(EVTCHNOP_send, q), 0);
	hc_check("no upcall while masked", wait_upcalls(3), 2);
	hc_check("pending while masked", pv_si.evtchn_pending[p / 64] >> p & 1,
		 1);
	hc_check("unmask", pv_port_op(EVTCHNOP_unmask, p), 0);
	hc_check("upcall on unmask", wait_upcalls(3), 3);
	hc_check("no spurious interrupt", pv_spurious, 0);
	hc_check("send back", pv_port_op(EVTCHNOP_send, p), 0);
	hc_check("upcall on send back", wait_upcalls(4), 4);
	hc_check("close", pv_port_op(EVTCHNOP_close, q), 0);
	hc_check("send on unbound peer", pv_port_op(EVTCHNOP_send, p), 0);
	hc_check("close peer", pv_port_op(EVTCHNOP_close, p), 0);
}

static void test_hostile_events(void)
{
	long ret = 0;

	hc_check("send port 0", pv_port_op(EVTCHNOP_send, 0), -22);
	hc_check("send port 5000", pv_port_op(EVTCHNOP_send, 5000), -22);
	hc_check("send port -1", pv_port_op(EVTCHNOP_send, 0xffffffffu), -22);
	hc_check("close free port", pv_port_op(EVTCHNOP_close, 77), -22);
	pv_arg.bind = (struct evtchn_bind_interdomain){ 99, 1 };
	hc_check("bind to no domain", pv_ev_op(EVTCHNOP_bind_interdomain), -3);
	pv_arg.alloc = (struct evtchn_alloc_unbound){ 42, DOMID_SELF };
	hc_check("alloc for another", pv_ev_op(EVTCHNOP_alloc_unbound), -1);
	hc_check("unknown op", pv_ev_op(77), -38);
	hc_check("bad pointer sbi",
		 rt_sbi(ATOLL_SBI_EXT, __HYPERVISOR_event_channel_op,
			EVTCHNOP_send, HC_UNMAPPED_VA, 0, &ret),
		 0);
	hc_check("bad pointer", ret, -14);
}

static long copy(uint16_t flags, uint32_t sref, uint64_t dgfn, uint16_t len)
{
	pv_arg.copy = (struct gnttab_copy){ 0 };
	pv_arg.copy.source.u.ref = sref;
	pv_arg.copy.source.domid = DOMID_SELF;
	pv_arg.copy.source.offset = 16;
	pv_arg.copy.dest.u.gmfn = dgfn;
	pv_arg.copy.dest.domid = DOMID_SELF;
	pv_arg.copy.dest.offset = 32;
	pv_arg.copy.len = len;
	pv_arg.copy.flags = flags;
	if (pv_gnt_op(GNTTABOP_copy, 1))
		return -1000;
	return pv_arg.copy.status;
}

static void test_grant_copy(uint16_t self)
{
	uint64_t dgfn = (uintptr_t)dst >> 12;

	pv_arg.table = (struct gnttab_atoll_set_table){ 1 };
	pv_arg.table.gfn[0] = (uintptr_t)gnttab >> 12;
	hc_check("set grant table", pv_gnt_op(GNTTABOP_atoll_set_table, 1), 0);
	hc_check("set grant table twice",
		 pv_gnt_op(GNTTABOP_atoll_set_table, 1), -16);
	memcpy(src + 16, "through a grant", 16);
	gnttab[8] = (struct grant_entry_v1){ 0, self, (uintptr_t)src >> 12 };
	__atomic_store_n(&gnttab[8].flags, GTF_permit_access | GTF_readonly,
			 __ATOMIC_SEQ_CST);
	hc_check("copy", copy(GNTCOPY_source_gref, 8, dgfn, 16), GNTST_okay);
	hc_check("copied bytes", memcmp(dst + 32, "through a grant", 16), 0);
	hc_check("busy bits cleared", gnttab[8].flags,
		 GTF_permit_access | GTF_readonly);
	hc_check("copy bad ref", copy(GNTCOPY_source_gref, 600, dgfn, 16),
		 GNTST_bad_gntref);
	hc_check("copy too long", copy(GNTCOPY_source_gref, 8, dgfn, 4070),
		 GNTST_bad_copy_arg);
	hc_check("copy into read-only grant",
		 copy(GNTCOPY_source_gref | GNTCOPY_dest_gref, 8, 8, 16),
		 GNTST_permission_denied);
	hc_check("copy to a gfn outside RAM",
		 copy(GNTCOPY_source_gref, 8, 0x1234, 16), GNTST_bad_page);
	hc_check("copy count too big", pv_gnt_op(GNTTABOP_copy, 100000), -22);
	hc_check("grant op unknown", pv_gnt_op(77, 1), -38);
}

int main(void)
{
	uint16_t self = 0;

	test_events(&self);
	test_hostile_events();
	test_grant_copy(self);
	return hc_finish("pv-guest");
}
