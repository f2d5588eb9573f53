/* Event channels (src/io/evtchn*.c): binding between two domains, within
 * one domain and with a back-end; delivery into the shared info with the
 * mask rules and the upcall line; the errors of hostile arguments. */
#include <pthread.h>
#include <unistd.h>

#include "atoll/abi/hypercall.h"
#include "io/evtchn.h"
#include "check.h"

#include "io_test_util.h"

#define SI_A 0x80030ull /* shared info of domain 1 */
#define SI_B 0x80031ull

static struct mem_host mh;
static struct io_dom *da, *db;
static int level[3], raises[3]; /* upcall line per domain id */

static void upcall(void *ctx, int l)
{
	int id = (int)(intptr_t)ctx;

	raises[id] += l && !level[id];
	level[id] = l;
}

static struct shared_info *si_of(struct io_dom *d)
{
	return d->ev.si;
}

static bool pending(struct io_dom *d, evtchn_port_t p)
{
	return si_of(d)->evtchn_pending[p / 64] >> (p % 64) & 1;
}

/* The guest's handler: take the selector, clear upcall_pending, ack. */
static void guest_ack(struct io_dom *d)
{
	struct vcpu_info *v = &si_of(d)->vcpu_info[0];

	v->evtchn_upcall_pending = 0;
	v->evtchn_pending_sel = 0;
	memset(si_of(d)->evtchn_pending, 0, sizeof(si_of(d)->evtchn_pending));
	evtchn_resample(d);
}

static void test_interdomain(void)
{
	evtchn_port_t pa, pb;

	CHECK_EQ(evtchn_alloc_unbound(da, 2, &pa), 0);
	CHECK_EQ(pa, 1);
	CHECK_EQ(evtchn_bind_interdomain(db, 1, pa, &pb), 0);
	/* Before A's shared info exists the event waits. */
	CHECK_EQ(evtchn_send(db, pb), 0);
	CHECK_EQ(raises[1], 0);
	CHECK_EQ(evtchn_set_shared_info(da, 0x12345), -EINVAL);
	CHECK_EQ(evtchn_set_shared_info(da, SI_A), 0);
	CHECK_EQ(evtchn_set_shared_info(da, SI_A), -EBUSY);
	CHECK(pending(da, pa));
	CHECK_EQ(si_of(da)->vcpu_info[0].evtchn_upcall_pending, 1);
	CHECK_EQ(si_of(da)->vcpu_info[0].evtchn_pending_sel, 1);
	CHECK_EQ(level[1], 1);
	guest_ack(da);
	CHECK_EQ(level[1], 0);
	/* The other way. */
	CHECK_EQ(evtchn_set_shared_info(db, SI_B), 0);
	guest_ack(db); /* B got the bind-time event */
	CHECK_EQ(evtchn_send(da, pa), 0);
	CHECK(pending(db, pb));
	CHECK_EQ(level[2], 1);
	guest_ack(db);
	/* Close in B: A's port is unbound again, sends are dropped. */
	CHECK_EQ(evtchn_close(db, pb), 0);
	CHECK_EQ(evtchn_close(db, pb), -EINVAL);
	CHECK_EQ(evtchn_send(db, pb), -EINVAL);
	CHECK_EQ(da->ev.port[pa].state, EVTCHN_UNBOUND);
	CHECK_EQ(evtchn_send(da, pa), 0);
	CHECK(!pending(db, pb));
	CHECK_EQ(evtchn_bind_interdomain(db, 1, pa, &pb), 0);
	CHECK_EQ(evtchn_close(da, pa), 0);
	CHECK_EQ(db->ev.port[pb].state, EVTCHN_UNBOUND);
	CHECK_EQ(evtchn_close(db, pb), 0);
}

static void test_mask(void)
{
	evtchn_port_t p, q;
	struct shared_info *si = si_of(da);
	int before;

	CHECK_EQ(evtchn_alloc_unbound(da, DOMID_SELF, &p), 0);
	CHECK_EQ(evtchn_bind_interdomain(da, DOMID_SELF, p, &q), 0);
	guest_ack(da);
	si->evtchn_mask[p / 64] |= 1ull << (p % 64);
	before = raises[1];
	CHECK_EQ(evtchn_send(da, q), 0);
	CHECK(pending(da, p));
	CHECK_EQ(si->vcpu_info[0].evtchn_pending_sel, 0);
	CHECK_EQ(raises[1], before);
	CHECK_EQ(evtchn_unmask(da, p), 0);
	CHECK_EQ(si->evtchn_mask[p / 64] >> (p % 64) & 1, 0);
	CHECK_EQ(raises[1], before + 1);
	guest_ack(da);
	/* upcall_mask: bits set, no interrupt; resample raises later. */
	si->vcpu_info[0].evtchn_upcall_mask = 1;
	CHECK_EQ(evtchn_send(da, p), 0);
	CHECK(pending(da, q));
	CHECK_EQ(level[1], 0);
	si->vcpu_info[0].evtchn_upcall_mask = 0;
	evtchn_resample(da);
	CHECK_EQ(level[1], 1);
	guest_ack(da);
	CHECK_EQ(evtchn_close(da, p), 0);
	CHECK_EQ(da->ev.port[q].state, EVTCHN_UNBOUND); /* peer of itself */
	CHECK_EQ(evtchn_close(da, q), 0);
	CHECK_EQ(da->ev.port[q].state, EVTCHN_FREE);
}

static void test_backend(void)
{
	evtchn_port_t p, o;
	uint64_t n = 0;
	int fd;

	CHECK_EQ(evtchn_alloc_unbound(da, DOMID_BACKEND, &p), 0);
	CHECK_EQ(evtchn_alloc_unbound(da, 2, &o), 0);
	CHECK_EQ(evtchn_bind_backend(da, o), -EINVAL);
	CHECK_EQ(evtchn_bind_backend(da, 0), -EINVAL);
	CHECK_EQ(evtchn_notify(da, p), -EINVAL);
	fd = evtchn_bind_backend(da, p);
	CHECK(fd >= 0);
	CHECK_EQ(evtchn_bind_backend(da, p), -EINVAL);
	CHECK_EQ(evtchn_send(da, p), 0);
	CHECK_EQ(evtchn_send(da, p), 0);
	CHECK_EQ(read(fd, &n, sizeof(n)), 8);
	CHECK_EQ(n, 2);
	CHECK_EQ(evtchn_notify(da, p), 0);
	CHECK(pending(da, p));
	guest_ack(da);
	CHECK_EQ(evtchn_unbind_backend(da, p), 0);
	CHECK_EQ(evtchn_notify(da, p), -EINVAL);
	CHECK_EQ(da->ev.port[p].state, EVTCHN_UNBOUND);
	close(fd);
	fd = evtchn_bind_backend(da, p);
	CHECK(fd >= 0);
	CHECK_EQ(evtchn_close(da, p), 0); /* the guest goes away */
	CHECK_EQ(evtchn_notify(da, p), -EINVAL);
	close(fd);
	CHECK_EQ(evtchn_close(da, o), 0);
}

static void test_refusals(void)
{
	evtchn_port_t p, q, bad[] = { 0, ATOLL_EVTCHN_MAX_PORTS, 0xffffffffu };
	unsigned n = 0;

	for (unsigned k = 0; k < 3; k++) {
		CHECK_EQ(evtchn_send(da, bad[k]), -EINVAL);
		CHECK_EQ(evtchn_close(da, bad[k]), -EINVAL);
		CHECK_EQ(evtchn_bind_interdomain(db, 1, bad[k], &q), -EINVAL);
	}
	CHECK_EQ(evtchn_unmask(da, ATOLL_EVTCHN_MAX_PORTS), -EINVAL);
	CHECK_EQ(evtchn_send(da, 77), -EINVAL); /* free */
	CHECK_EQ(evtchn_alloc_unbound(da, 0xffff, &p), -EINVAL);
	CHECK_EQ(evtchn_alloc_unbound(da, 2, &p), 0);
	CHECK_EQ(evtchn_bind_interdomain(db, 9, p, &q), -ESRCH);
	CHECK_EQ(evtchn_bind_interdomain(da, DOMID_SELF, p, &q), -EINVAL);
	CHECK_EQ(evtchn_bind_interdomain(db, 1, p + 1, &q), -EINVAL);
	while (evtchn_alloc_unbound(db, 1, &q) == 0)
		n++;
	CHECK_EQ(evtchn_alloc_unbound(db, 1, &q), -ENOSPC);
	CHECK_EQ(n, ATOLL_EVTCHN_MAX_PORTS - 1);
	CHECK_EQ(evtchn_bind_interdomain(db, 1, p, &q), -ENOSPC);
	for (evtchn_port_t k = 1; k < ATOLL_EVTCHN_MAX_PORTS; k++)
		CHECK_EQ(evtchn_close(db, k), 0);
	CHECK_EQ(evtchn_close(da, p), 0);
}

/* Concurrency: one thread binds and closes channels between the domains
 * while two others send on whatever ports exist; every send must return
 * 0 or -EINVAL and the tables must end empty. */
#define RACE_ROUNDS 3000

static _Atomic int race_done;
static _Atomic unsigned race_bad;

static void *race_binder(void *arg)
{
	for (unsigned k = 0; k < RACE_ROUNDS; k++) {
		evtchn_port_t p, q = 0; /* close(0) is -EINVAL */

		if (evtchn_alloc_unbound(da, 2, &p))
			continue;
		if (evtchn_bind_interdomain(db, 1, p, &q) == 0 && (k & 1))
			evtchn_close(db, q);
		evtchn_close(da, p);
		if (!(k & 1))
			evtchn_close(db, q);
	}
	atomic_store(&race_done, 1);
	return NULL;
}

static void *race_sender(void *arg)
{
	struct io_dom *d = arg;

	for (unsigned k = 0; !atomic_load(&race_done); k++) {
		int rc = evtchn_send(d, 1 + k % 4);

		if (rc && rc != -EINVAL)
			atomic_fetch_add(&race_bad, 1);
		if (k % 64 == 0)
			evtchn_resample(d);
	}
	return NULL;
}

static void test_race(void)
{
	pthread_t t[3];

	pthread_create(&t[1], NULL, race_sender, da);
	pthread_create(&t[2], NULL, race_sender, db);
	pthread_create(&t[0], NULL, race_binder, NULL);
	for (int k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	CHECK_EQ(atomic_load(&race_bad), 0);
	for (evtchn_port_t p = 1; p < ATOLL_EVTCHN_MAX_PORTS; p++) {
		CHECK_EQ(da->ev.port[p].state, EVTCHN_FREE);
		CHECK_EQ(db->ev.port[p].state, EVTCHN_FREE);
	}
	guest_ack(da);
	guest_ack(db);
}

static long hcall(uint64_t cmd, const void *arg, size_t len)
{
	memcpy(it_gmem, arg, len);
	return evtchn_hcall(db, &it_guest, cmd, 0);
}

static void test_hcall(void)
{
	struct evtchn_alloc_unbound a = { DOMID_SELF, 1, 0 };
	struct evtchn_bind_interdomain b = { 0 };
	struct evtchn_status st = { DOMID_SELF, 0 };

	CHECK_EQ(hcall(EVTCHNOP_alloc_unbound, &a, sizeof(a)), 0);
	memcpy(&a, it_gmem, sizeof(a));
	CHECK(a.port > 0);
	st.port = a.port;
	CHECK_EQ(hcall(EVTCHNOP_status, &st, sizeof(st)), 0);
	memcpy(&st, it_gmem, sizeof(st));
	CHECK_EQ(st.status, EVTCHNSTAT_unbound);
	CHECK_EQ(st.u.unbound.dom, 1);
	b.remote_dom = 2;
	b.remote_port = a.port;
	CHECK_EQ(evtchn_bind_interdomain(da, 2, a.port, &b.local_port), 0);
	CHECK_EQ(hcall(EVTCHNOP_status, &st, sizeof(st)), 0);
	memcpy(&st, it_gmem, sizeof(st));
	CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
	CHECK_EQ(st.u.interdomain.dom, 1);
	CHECK_EQ(st.u.interdomain.port, b.local_port);
	CHECK_EQ(hcall(EVTCHNOP_send, &a.port, 4), 0);
	CHECK(pending(da, b.local_port));
	guest_ack(da);
	a.dom = 5;
	CHECK_EQ(hcall(EVTCHNOP_alloc_unbound, &a, sizeof(a)), -EPERM);
	st.dom = 1;
	CHECK_EQ(hcall(EVTCHNOP_status, &st, sizeof(st)), -EPERM);
	CHECK_EQ(hcall(77, &a, sizeof(a)), -ENOSYS);
	CHECK_EQ(evtchn_hcall(db, &it_guest, EVTCHNOP_send, 65534), -EFAULT);
	CHECK_EQ(hcall(EVTCHNOP_atoll_ack, &a, 0), 0);
	/* B goes away: A's end is unbound again. */
	io_dom_detach(2);
	CHECK_EQ(da->ev.port[b.local_port].state, EVTCHN_UNBOUND);
	CHECK_EQ(evtchn_send(da, b.local_port), 0);
	CHECK_EQ(evtchn_bind_interdomain(da, 2, a.port, &b.local_port), -ESRCH);
}

int main(void)
{
	struct dom_mem *ma, *mb;

	if (it_host(&mh, 512))
		return 1;
	ma = it_dom(&mh, 1);
	mb = it_dom(&mh, 2);
	if (!ma || !mb || io_dom_attach(ma, upcall, (void *)(intptr_t)1, &da) ||
	    io_dom_attach(mb, upcall, (void *)(intptr_t)2, &db))
		return 1;
	atomic_fetch_add(&db->refcnt, 1); /* kept past its detach */
	test_interdomain();
	test_mask();
	test_backend();
	test_refusals();
	test_race();
	test_hcall();
	CHECK_EQ(atomic_load(&mh.pool.ft[it_p2m(mb, SI_B).val].refs), 0);
	io_dom_put(db);
	io_dom_detach(1);
	dom_mem_destroy(ma);
	dom_mem_destroy(mb);
	CHECK_EQ(mpool_check(&mh.pool), 0);
	it_host_done(&mh);
	return check_done("evtchn");
}
