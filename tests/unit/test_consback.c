/* The PV console back-end and device connect (src/io/pvdev.c,
 * consback.c): connect errors, output through the ring with wrap-around
 * and a guest scribbling over out_cons, atoll's events, a front-end whose
 * out_prod runs past the ring (dropped, unmapped), reconnect, disconnect
 * and domain teardown, the hypercall's argument errors. */
#include <pthread.h>
#include <time.h>

#include "atoll/abi/console.h"
#include "atoll/abi/hypercall.h"
#include "io/chardev.h"
#include "io/pvdev.h"
#include "mem_test.h"

#include "io_test_util.h"

#define TBL 0x80010ull /* grant table of domain 1 */
#define RING 0x80020ull /* the console page */
#define SI 0x80030ull /* shared info */
#define REF 8u
#define GPA(g) ((g) << PAGE_SHIFT)

static struct mem_host mh;
static struct io_dom *da;
static struct xencons_interface *ring; /* the guest's view */
static evtchn_port_t port;

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static char out[16384];
static size_t out_len;

static ssize_t con_write(void *ctx, const void *buf, size_t n)
{
	pthread_mutex_lock(&out_lock);
	if (n > sizeof(out) - out_len)
		n = sizeof(out) - out_len;
	memcpy(out + out_len, buf, n);
	out_len += n;
	pthread_mutex_unlock(&out_lock);
	return (ssize_t)n;
}

static const struct chardev_ops con_ops = { .write = con_write };
static struct chardev con = { &con_ops, NULL };
static const struct pvdev_env env = { .con = &con };

static size_t out_now(void)
{
	size_t n;

	pthread_mutex_lock(&out_lock);
	n = out_len;
	pthread_mutex_unlock(&out_lock);
	return n;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };

	nanosleep(&ts, NULL);
}

/* Wait up to 2 s for cond (evaluated until it holds); true if it did. */
#define WAIT_FOR(cond)                                                         \
	({                                                                     \
		int __i = 0;                                                   \
		bool __ok;                                                     \
		while (!(__ok = (cond)) && __i++ < 2000)                       \
			sleep_ms(1);                                           \
		__ok;                                                          \
	})

static uint16_t ref_flags(void)
{
	struct grant_entry_v1 e;

	dom_mem_read(da->mem, GPA(TBL) + REF * sizeof(e), &e, sizeof(e));
	return e.flags;
}

static bool port_pending(void)
{
	struct shared_info *si = da->ev.si;
	uint64_t bit = 1ull << (port % 64);
	bool was = __atomic_fetch_and(&si->evtchn_pending[port / 64], ~bit,
				      __ATOMIC_SEQ_CST) &
		   bit;

	return was;
}

static int port_state(void)
{
	int st;

	pthread_mutex_lock(&da->ev.lock);
	st = da->ev.port[port].state;
	pthread_mutex_unlock(&da->ev.lock);
	return st;
}

static struct pvdev_op op_of(uint32_t type, uint32_t index, uint32_t ref,
			     uint32_t p)
{
	return (struct pvdev_op){ type, index, ref, p };
}

/* Push n bytes as the front-end does, waiting for room. */
static void push(const char *s, size_t n)
{
	xencons_ring_idx_t prod = ring->out_prod;

	for (size_t i = 0; i < n; i++) {
		if (prod - __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) ==
		    sizeof(ring->out)) {
			__atomic_store_n(&ring->out_prod, prod,
					 __ATOMIC_RELEASE);
			evtchn_send(da, port);
			CHECK(WAIT_FOR(
				prod - __atomic_load_n(&ring->out_cons,
						       __ATOMIC_ACQUIRE) <
				sizeof(ring->out)));
		}
		ring->out[XENCONS_IDX(prod, ring->out)] = s[i];
		prod++;
	}
	__atomic_store_n(&ring->out_prod, prod, __ATOMIC_RELEASE);
	evtchn_send(da, port);
}

static void test_connect_errors(void)
{
	struct pvdev_op op;
	evtchn_port_t other;

	CHECK_EQ(evtchn_alloc_unbound(da, DOMID_BACKEND, &port), 0);
	CHECK_EQ(evtchn_alloc_unbound(da, DOMID_SELF, &other), 0);
	op = op_of(PVDEV_TYPE_MAX, 0, REF, port);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EINVAL);
	op = op_of(PVDEV_TYPE_CONSOLE, PVDEV_MAX_INDEX, REF, port);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EINVAL);
	op = op_of(PVDEV_TYPE_NET, 0, REF, port);
	CHECK_EQ(pvdev_connect(da, &op, &env), -ENODEV);
	op = op_of(PVDEV_TYPE_CONSOLE, 0, REF + 1, port);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EPERM);
	op = op_of(PVDEV_TYPE_CONSOLE, 0, GRANT_MAX_ENTRIES, port);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EINVAL);
	op = op_of(PVDEV_TYPE_CONSOLE, 0, REF, other);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EINVAL);
	op = op_of(PVDEV_TYPE_CONSOLE, 0, REF, 0);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EINVAL);
	/* Every failure undid its work. */
	CHECK_EQ(ref_flags(), GTF_permit_access);
	CHECK_EQ(port_state(), EVTCHN_UNBOUND);
	CHECK_EQ(pvdev_disconnect(da, PVDEV_TYPE_CONSOLE, 0), -ENOENT);
	CHECK_EQ(evtchn_close(da, other), 0);
}

static void test_output(void)
{
	struct pvdev_op op = op_of(PVDEV_TYPE_CONSOLE, 0, REF, port);
	char big[5000];

	push("early\n", 6); /* before the connect: still shown */
	CHECK_EQ(pvdev_connect(da, &op, &env), 0);
	CHECK_EQ(pvdev_connect(da, &op, &env), -EEXIST);
	CHECK_EQ(ref_flags(), GTF_permit_access | GTF_reading | GTF_writing);
	CHECK(WAIT_FOR(out_now() == 6));
	CHECK(WAIT_FOR(port_pending()));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	push(big, sizeof(big)); /* wraps around twice */
	CHECK(WAIT_FOR(out_now() == 6 + sizeof(big)));
	CHECK_EQ(memcmp(out, "early\n", 6), 0);
	CHECK_EQ(memcmp(out + 6, big, sizeof(big)), 0);
	/* A front-end scribbling over out_cons moves nothing for atoll. */
	__atomic_store_n(&ring->out_cons, 3, __ATOMIC_RELEASE);
	push("x\n", 2);
	CHECK(WAIT_FOR(out_now() == 8 + sizeof(big)));
	CHECK(WAIT_FOR(__atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) ==
		       ring->out_prod));
	CHECK_EQ(memcmp(out + 6 + sizeof(big), "x\n", 2), 0);
}

/* out_prod far past out_cons: dropped with a log line, ring unmapped, the
 * port unbound again; the guest may connect again. */
static void test_hostile(void)
{
	struct pvdev_op op = op_of(PVDEV_TYPE_CONSOLE, 0, REF, port);
	size_t before = out_now();

	__atomic_store_n(&ring->out_prod,
			 ring->out_cons + sizeof(ring->out) + 1,
			 __ATOMIC_RELEASE);
	evtchn_send(da, port);
	CHECK(WAIT_FOR(ref_flags() == GTF_permit_access));
	CHECK(WAIT_FOR(port_state() == EVTCHN_UNBOUND));
	CHECK_EQ(out_now(), before);
	ring->out_prod = ring->out_cons = 0;
	CHECK_EQ(pvdev_connect(da, &op, &env), 0);
	push("again\n", 6);
	CHECK(WAIT_FOR(out_now() == before + 6));
	CHECK_EQ(pvdev_disconnect(da, PVDEV_TYPE_CONSOLE, 0), 0);
	CHECK_EQ(pvdev_disconnect(da, PVDEV_TYPE_CONSOLE, 0), -ENOENT);
	CHECK_EQ(ref_flags(), GTF_permit_access);
	/* Teardown drops what is still connected. */
	CHECK_EQ(pvdev_connect(da, &op, &env), 0);
	op.index = 1;
	CHECK_EQ(pvdev_connect(da, &op, &env), -EINVAL); /* port taken */
	pvdev_domain_gone(1);
	CHECK_EQ(ref_flags(), GTF_permit_access);
	CHECK_EQ(port_state(), EVTCHN_UNBOUND);
}

static void test_hcall(void)
{
	struct pvdev_op op = op_of(PVDEV_TYPE_CONSOLE, 3, REF, port);

	memcpy(it_gmem + 64, &op, sizeof(op));
	CHECK_EQ(pvdev_hcall(da, &it_guest, 9, 64, &env), -ENOSYS);
	CHECK_EQ(pvdev_hcall(da, &it_guest, PVDEVOP_connect,
			     sizeof(it_gmem) - 8, &env),
		 -EFAULT);
	CHECK_EQ(pvdev_hcall(da, &it_guest, PVDEVOP_disconnect, 64, &env),
		 -ENOENT);
	CHECK_EQ(pvdev_hcall(da, &it_guest, PVDEVOP_connect, 64, &env), 0);
	CHECK_EQ(pvdev_hcall(da, &it_guest, PVDEVOP_disconnect, 64, &env), 0);
}

int main(void)
{
	struct dom_mem *ma;
	uint64_t tbl = TBL;
	struct grant_entry_v1 e = { GTF_permit_access, DOMID_BACKEND, RING };
	uint32_t mfn;
	void *p;

	if (it_host(&mh, 512))
		return 1;
	ma = it_dom(&mh, 1);
	if (!ma || io_dom_attach(ma, NULL, NULL, &da))
		return 1;
	CHECK_EQ(grant_set_table(da, &tbl, 1), 0);
	CHECK_EQ(evtchn_set_shared_info(da, SI), 0);
	CHECK_EQ(dom_mem_write(ma, GPA(TBL) + REF * sizeof(e), &e, sizeof(e)),
		 0);
	CHECK_EQ(io_pin(ma, RING, true, &p, &mfn), 0);
	ring = p;
	test_connect_errors();
	test_output();
	test_hostile();
	test_hcall();
	io_unpin(ma, mfn);
	io_dom_detach(1);
	dom_mem_destroy(ma);
	CHECK_EQ(mpool_check(&mh.pool), 0);
	it_host_done(&mh);
	return mt_finish("consback");
}
