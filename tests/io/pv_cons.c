/* A PV console front-end from inside a guest (S-mode, atoll's SBI, paging
 * off): grants a xencons_interface page to domain 0, offers it a port,
 * connects the console with __HYPERVISOR_atoll_pvdev_op, writes lines
 * through the out ring in batches (one event per batch; the last batch
 * overfills the ring, so the guest waits for atoll to make room), checks
 * the connect errors, disconnect and reconnect, then breaks the protocol (out_prod far past out_cons):
 * atoll must disconnect the device (unmapping the ring) while this domain
 * runs on; it exits with the console connected again.  The ring's lines
 * read "pvcons: ring line N of M". */
#include "atoll/abi/console.h"
#include "atoll/abi/grant_table.h"
#include "atoll/abi/grant_table_op.h"
#include "atoll/abi/hypercall.h"
#include "atoll/abi/pvdev.h"
#include "hcall_lib.h"
#include "lib_cmdline.h"
#include "pv_lib.h"
#include "rt.h"

#define RING_REF 8
#define LINES 200 /* the first half in batches of BATCH, then one batch */
#define BATCH 10

static struct grant_entry_v1 gnttab[512] __attribute__((aligned(4096)));
static struct xencons_interface ring __attribute__((aligned(4096)));
static struct pvdev_op op;
static evtchn_port_t port;
static unsigned full_waits;

/* atoll_pvdev_op(cmd, arg): the result, or -1000 + the SBI error. */
static long pvdev_raw(long cmd, long arg)
{
	long ret = 0, err = rt_sbi(ATOLL_SBI_EXT, __HYPERVISOR_atoll_pvdev_op,
				   cmd, arg, 0, &ret);

	return err ? -1000 + err : ret;
}

static long pvdev(long cmd, uint32_t type, uint32_t index, uint32_t ref,
		  uint32_t p)
{
	op = (struct pvdev_op){ type, index, ref, p };
	return pvdev_raw(cmd, (long)&op);
}

/* "pvcons: ring line I of N\n" into buf (64 bytes). */
static void format_line(char *buf, unsigned i, unsigned n)
{
	static const char head[] = "pvcons: ring line ";
	char *p = buf;
	unsigned v[2] = { i, n };

	for (const char *h = head; *h; h++)
		*p++ = *h;
	for (int k = 0; k < 2; k++) {
		char digits[12];
		int d = 0;

		do {
			digits[d++] = '0' + v[k] % 10;
			v[k] /= 10;
		} while (v[k]);
		while (d)
			*p++ = digits[--d];
		if (k == 0)
			for (const char *h = " of "; *h; h++)
				*p++ = *h;
	}
	*p++ = '\n';
	*p = 0;
}

/* A bound for what must happen, not a pace: on a loaded host atoll's
 * console thread may wait long for a core, and the waits return as soon
 * as it is done. */
#define DRAIN_MS 20000

/* Wait (bounded, ms) until atoll has consumed everything; 1 if it did. */
static int wait_drained(unsigned ms)
{
	uint64_t end = wl_time() + (uint64_t)ms * 10000;

	while (__atomic_load_n(&ring.out_cons, __ATOMIC_ACQUIRE) !=
	       ring.out_prod) {
		if (wl_time() > end)
			return 0;
	}
	return 1;
}

/* Push one string, waiting for space (atoll's event) when the ring is
 * full; the producer index is published once per string. */
static void ring_puts(const char *s)
{
	xencons_ring_idx_t prod = ring.out_prod;

	while (*s) {
		xencons_ring_idx_t cons =
			__atomic_load_n(&ring.out_cons, __ATOMIC_ACQUIRE);

		if (prod - cons == sizeof(ring.out)) {
			/* Full: publish, ask, wait for atoll to drain. */
			__atomic_store_n(&ring.out_prod, prod,
					 __ATOMIC_RELEASE);
			pv_port_op(EVTCHNOP_send, port);
			full_waits++;
			wait_drained(100);
			continue;
		}
		ring.out[XENCONS_IDX(prod, ring.out)] = *s++;
		prod++;
	}
	__atomic_store_n(&ring.out_prod, prod, __ATOMIC_RELEASE);
}

static void write_lines(void)
{
	char line[64];

	for (unsigned i = 1; i <= LINES; i++) {
		if (i == LINES / 2 + 1) {
			/* Let atoll drain and sleep: the big batch must fill
			 * the ring before atoll hears of it. */
			wait_drained(200);
			pv_wait_upcalls(~0u, 5);
		}
		format_line(line, i, LINES);
		ring_puts(line);
		if (i <= LINES / 2 ? i % BATCH == 0 : i == LINES)
			pv_port_op(EVTCHNOP_send, port);
	}
	hc_check("ring drained", wait_drained(DRAIN_MS), 1);
	hc_check("atoll's event seen", pv_wait_upcalls(1, DRAIN_MS) >= 1, 1);
	hc_check("port pending seen", pv_seen(port), 1);
}

/* Bad requests, each with Xen's error. */
static void bad_connects(void)
{
	hc_check("connect twice",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 0, RING_REF, port),
		 -17);
	hc_check("unknown type", pvdev(PVDEVOP_connect, 7, 0, RING_REF, port),
		 -22);
	hc_check("no block back-end",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_BLOCK, 0, RING_REF, port),
		 -19);
	hc_check("index too big",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, PVDEV_MAX_INDEX,
		       RING_REF, port),
		 -22);
	hc_check("ref not granted",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 1, 9, port), -1);
	hc_check("ref out of range",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 1, 100000, port),
		 -22);
	hc_check("port not offered",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 1, RING_REF, 1000),
		 -22);
	hc_check("port bound already",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 1, RING_REF, port),
		 -22);
	hc_check("disconnect not connected",
		 pvdev(PVDEVOP_disconnect, PVDEV_TYPE_CONSOLE, 2, 0, 0), -2);
	hc_check("unknown op", pvdev(7, PVDEV_TYPE_CONSOLE, 0, 0, 0), -38);
	hc_check("bad pointer", pvdev_raw(PVDEVOP_connect, 0x10), -14);
}

/* out_prod far past out_cons: atoll drops the device and unmaps the ring
 * (the grant's busy bits go), this domain carries on. */
static void hostile(void)
{
	uint64_t end = wl_time() + 100 * 10000ull;

	__atomic_store_n(&ring.out_prod, ring.out_cons + 100000,
			 __ATOMIC_RELEASE);
	pv_port_op(EVTCHNOP_send, port);
	while ((__atomic_load_n(&gnttab[RING_REF].flags, __ATOMIC_ACQUIRE) &
		GTF_writing) &&
	       wl_time() < end)
		;
	hc_check("hostile: ring unmapped",
		 gnttab[RING_REF].flags & (GTF_reading | GTF_writing), 0);
	hc_check("hostile: nothing consumed", ring.out_prod - ring.out_cons,
		 100000);
	hc_check("hostile: disconnect after drop",
		 pvdev(PVDEVOP_disconnect, PVDEV_TYPE_CONSOLE, 0, 0, 0), 0);
}

/* Connected again (a sane ring) and left connected: the domain's
 * teardown stops the back-end. */
static void connected_at_exit(void)
{
	ring.out_prod = ring.out_cons;
	hc_check("connect for exit",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 0, RING_REF, port),
		 0);
	ring_puts("pvcons: connected at exit\n");
	pv_port_op(EVTCHNOP_send, port);
	hc_check("drained before exit", wait_drained(DRAIN_MS), 1);
}

static void connect(void)
{
	pv_arg.alloc = (struct evtchn_alloc_unbound){ DOMID_SELF, 0 };
	hc_check("alloc unbound for domain 0", pv_ev_op(EVTCHNOP_alloc_unbound),
		 0);
	port = pv_arg.alloc.port;
	hc_check("connect console",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 0, RING_REF, port),
		 0);
	hc_check("ring mapped writable",
		 gnttab[RING_REF].flags & (GTF_reading | GTF_writing),
		 GTF_reading | GTF_writing);
}

int main(void)
{
	hc_check("register shared info", pv_shinfo_on(), 0);
	pv_arg.table = (struct gnttab_atoll_set_table){ 1 };
	pv_arg.table.gfn[0] = (uintptr_t)gnttab >> 12;
	hc_check("set grant table", pv_gnt_op(GNTTABOP_atoll_set_table, 1), 0);
	gnttab[RING_REF] =
		(struct grant_entry_v1){ 0, 0, (uintptr_t)&ring >> 12 };
	__atomic_store_n(&gnttab[RING_REF].flags, GTF_permit_access,
			 __ATOMIC_RELEASE);
	connect();
	bad_connects();
	write_lines();
	hc_check("ring was full at times", full_waits > 0, 1);
	hc_check("disconnect",
		 pvdev(PVDEVOP_disconnect, PVDEV_TYPE_CONSOLE, 0, 0, 0), 0);
	hc_check("ring unmapped",
		 gnttab[RING_REF].flags & (GTF_reading | GTF_writing), 0);
	hc_check("disconnect twice",
		 pvdev(PVDEVOP_disconnect, PVDEV_TYPE_CONSOLE, 0, 0, 0), -2);
	hc_check("reconnect",
		 pvdev(PVDEVOP_connect, PVDEV_TYPE_CONSOLE, 0, RING_REF, port),
		 0);
	ring_puts("pvcons: after reconnect\n");
	pv_port_op(EVTCHNOP_send, port);
	hc_check("drained after reconnect", wait_drained(DRAIN_MS), 1);
	hostile();
	rt_printf("pvcons: still running\n");
	connected_at_exit();
	return hc_finish("pv-cons");
}
