/* Two domains of one atoll talk through a grant and an event channel
 * (run by tests/io/io-pv.sh with `atoll run`):
 *   role=granter (domain 1): grants a page read-only to domain 2 (ref 8)
 *     and a page to domain 3 (ref 9), offers port 1 to domain 2, waits for
 *     the peer's event, answers on the same channel;
 *   role=peer (domain 2): binds to (1, 1) (retrying until the granter has
 *     offered it), copies the granted page with GNTTABOP_copy, tries what
 *     it may not (ref 9, the granter's gfn without a grant, a port not
 *     offered to it), sends an event, waits for the answer.
 * Prints "NAME ok" / "FAIL NAME ..." per check; exit 0 if all pass. */
#include "atoll/abi/hypercall.h"
#include "hcall_lib.h"
#include "lib_cmdline.h"
#include "pv_lib.h"
#include "rt.h"

#define WAIT_MS 10000 /* for the other domain */
#define MSG "from domain 1 through a grant"

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(4096)));
static uint8_t page[4096] __attribute__((aligned(4096)));

static void grant(grant_ref_t ref, domid_t dom, uint16_t flags)
{
	gnttab[ref].domid = dom;
	gnttab[ref].frame = (uintptr_t)page >> 12;
	__atomic_store_n(&gnttab[ref].flags, flags, __ATOMIC_SEQ_CST);
}

static int granter(void)
{
	evtchn_port_t port, other;

	hc_check("granter shared info", pv_shinfo_on(), 0);
	pv_arg.table = (struct gnttab_atoll_set_table){ 1 };
	pv_arg.table.gfn[0] = (uintptr_t)gnttab >> 12;
	hc_check("granter table", pv_gnt_op(GNTTABOP_atoll_set_table, 1), 0);
	memcpy(page, MSG, sizeof(MSG));
	grant(8, 2, GTF_permit_access | GTF_readonly);
	grant(9, 3, GTF_permit_access);
	pv_arg.alloc = (struct evtchn_alloc_unbound){ DOMID_SELF, 2 };
	hc_check("offer port", pv_ev_op(EVTCHNOP_alloc_unbound), 0);
	port = pv_arg.alloc.port;
	hc_check("offered port is 1", port, 1);
	pv_arg.alloc = (struct evtchn_alloc_unbound){ DOMID_SELF, 3 };
	hc_check("offer port to 3", pv_ev_op(EVTCHNOP_alloc_unbound), 0);
	other = pv_arg.alloc.port;
	hc_check("event from peer", pv_wait_upcalls(1, WAIT_MS), 1);
	hc_check("on the offered port", pv_seen(port), 1);
	hc_check("not on the other", pv_seen(other), 0);
	hc_check("answer", pv_port_op(EVTCHNOP_send, port), 0);
	/* Revoke: allowed now that nothing maps it. */
	hc_check("revoke",
		 __sync_bool_compare_and_swap(
			 &gnttab[8].flags, GTF_permit_access | GTF_readonly, 0),
		 1);
	return hc_finish("pv-granter");
}

/* Bind to the granter's port 1, retrying while it is not offered yet. */
static evtchn_port_t peer_bind(void)
{
	uint64_t end = wl_time() + (uint64_t)WAIT_MS * 10000;
	long rc;

	do {
		pv_arg.bind = (struct evtchn_bind_interdomain){ 1, 1 };
		rc = pv_ev_op(EVTCHNOP_bind_interdomain);
	} while (rc && wl_time() < end);
	hc_check("bind to granter", rc, 0);
	return pv_arg.bind.local_port;
}

static long peer_copy(uint32_t ref, uint16_t flags, uint64_t sgfn)
{
	pv_arg.copy = (struct gnttab_copy){ 0 };
	if (flags & GNTCOPY_source_gref)
		pv_arg.copy.source.u.ref = ref;
	else
		pv_arg.copy.source.u.gmfn = sgfn;
	pv_arg.copy.source.domid = 1;
	pv_arg.copy.dest.u.gmfn = (uintptr_t)page >> 12;
	pv_arg.copy.dest.domid = DOMID_SELF;
	pv_arg.copy.len = sizeof(MSG);
	pv_arg.copy.flags = flags;
	if (pv_gnt_op(GNTTABOP_copy, 1))
		return -1000;
	return pv_arg.copy.status;
}

static int peer(void)
{
	evtchn_port_t port;

	hc_check("peer shared info", pv_shinfo_on(), 0);
	port = peer_bind();
	hc_check("bind-time event", pv_wait_upcalls(1, WAIT_MS), 1);
	hc_check("copy granted page", peer_copy(8, GNTCOPY_source_gref, 0),
		 GNTST_okay);
	hc_check("copied bytes", memcmp(page, MSG, sizeof(MSG)), 0);
	hc_check("ref granted to domain 3",
		 peer_copy(9, GNTCOPY_source_gref, 0), GNTST_permission_denied);
	hc_check("granter's gfn without grant",
		 peer_copy(0, 0, (uintptr_t)page >> 12),
		 GNTST_permission_denied);
	pv_arg.bind = (struct evtchn_bind_interdomain){ 1, 2 };
	hc_check("bind to port offered to 3",
		 pv_ev_op(EVTCHNOP_bind_interdomain), -22);
	hc_check("send", pv_port_op(EVTCHNOP_send, port), 0);
	hc_check("answer from granter", pv_wait_upcalls(2, WAIT_MS), 2);
	hc_check("on our port", pv_seen(port), 1);
	hc_check("close", pv_port_op(EVTCHNOP_close, port), 0);
	return hc_finish("pv-peer");
}

int main(void)
{
	struct boot_info bi;
	char role[16];

	if (boot_info_read(rt_boot_dtb, &bi) ||
	    cmdline_get(bi.cmdline, "role", role, sizeof(role))) {
		rt_printf("FAIL pv-peer: no role= on the command line\n");
		return 1;
	}
	if (!memcmp(role, "granter", 8))
		return granter();
	return peer();
}
