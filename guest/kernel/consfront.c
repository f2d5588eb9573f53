/* The PV console front-end: Xen's xencons_interface on a page granted to
 * atoll's console back-end (docs/pv-io.md).  Output is pushed a buffer at
 * a time with one event per push; when the ring is full the writer waits
 * for atoll's event (it sends one per pass that consumed bytes).  Input
 * (`in`) is read without blocking. */
#include <errno.h>
#include <string.h>

#include "atoll/abi/console.h"
#include "atoll/abi/ring.h"
#include "kernel.h"
#include "pv.h"

#define SPIN_US 200000 /* wait for room with interrupts off at most */

static union {
	struct xencons_interface intf;
	uint8_t page[4096];
} cons_page __attribute__((aligned(4096)));

static evtchn_port_t cons_port;
static int cons_ready, cons_bad_in;
static struct pv_waiter cons_waiter;

static void consfront_event(evtchn_port_t port, void *arg)
{
	pv_wake(&cons_waiter);
}

/* Grant the ring, offer a port to atoll, connect console 0. */
int consfront_init(void)
{
	struct pvdev_op op = { .type = PVDEV_TYPE_CONSOLE, .index = 0 };
	int ref, err;

	if (cons_ready)
		return 0;
	if (!pv_ready())
		return -ENODEV;
	ref = gnttab_grant(DOMID_BACKEND, &cons_page, 0);
	if (ref < 0)
		return ref;
	err = evtchn_alloc_unbound(DOMID_BACKEND, &cons_port);
	if (err)
		goto err_grant;
	evtchn_set_handler(cons_port, consfront_event, NULL);
	evtchn_unmask(cons_port);
	op.ring_ref = (uint32_t)ref;
	op.port = cons_port;
	err = pvdev_op(PVDEVOP_connect, &op);
	if (err)
		goto err_port;
	cons_ready = 1;
	return 0;
err_port:
	evtchn_close(cons_port);
err_grant:
	gnttab_end((grant_ref_t)ref);
	return err;
}

/* Room in `out`: atoll's out_cons read once; a value that claims more
 * than the ring was consumed counts as no room. */
static uint32_t consfront_room(void)
{
	struct xencons_interface *c = &cons_page.intf;
	uint32_t used = c->out_prod - ring_read_once(c->out_cons);

	return used > sizeof(c->out) ? 0 : (uint32_t)sizeof(c->out) - used;
}

/* Wait until atoll made room (or a bound passed): sleep on its event when
 * we may, else spin on out_cons.  0, or -ETIMEDOUT. */
static int consfront_wait_room(int can_sleep)
{
	uint64_t end = timer_now_us() + SPIN_US;

	while (!consfront_room()) {
		if (timer_now_us() >= end)
			return -ETIMEDOUT;
		if (can_sleep)
			pv_wait(&cons_waiter, 1);
	}
	return 0;
}

/* Put len bytes on the ring, one event per push; returns len or -errno
 * (-ENODEV not connected, -ETIMEDOUT atoll does not drain it). */
int consfront_write(const char *buf, size_t len, int can_sleep)
{
	struct xencons_interface *c = &cons_page.intf;
	size_t done = 0;

	if (!cons_ready)
		return -ENODEV;
	while (done < len) {
		uint32_t prod = c->out_prod, room = consfront_room(), n;

		if (!room) {
			if (consfront_wait_room(can_sleep))
				return -ETIMEDOUT;
			continue;
		}
		n = room < len - done ? room : (uint32_t)(len - done);
		for (uint32_t i = 0; i < n; i++)
			c->out[XENCONS_IDX(prod + i, c->out)] = buf[done + i];
		ring_wmb(); /* the bytes before the index that publishes them */
		ring_write_once(c->out_prod, prod + n);
		done += n;
		evtchn_notify(cons_port);
	}
	return (int)len;
}

/* Wait (spinning, bounded) until atoll consumed everything pushed. */
void consfront_drain(void)
{
	struct xencons_interface *c = &cons_page.intf;
	uint64_t end = timer_now_us() + SPIN_US;

	while (cons_ready && ring_read_once(c->out_cons) != c->out_prod &&
	       timer_now_us() < end)
		;
}

int consfront_getc(void)
{
	struct xencons_interface *c = &cons_page.intf;
	uint32_t cons, prod;
	int ch;

	if (!cons_ready)
		return -1;
	cons = c->in_cons;
	prod = ring_read_once(c->in_prod);
	if (prod == cons)
		return -1;
	if (prod - cons > sizeof(c->in)) {
		if (!cons_bad_in++)
			printf("consfront: in_prod %u is past in_cons %u by "
			       "more than the ring: ignored\n",
			       prod, cons);
		return -1;
	}
	ring_rmb(); /* in_prod before the byte it publishes */
	ch = (unsigned char)c->in[XENCONS_IDX(cons, c->in)];
	ring_mb();
	ring_write_once(c->in_cons, cons + 1);
	/* The ring was full: the back-end may be waiting for room. */
	if (prod - cons == sizeof(c->in))
		evtchn_notify(cons_port);
	return ch;
}

int consfront_getline(char *buf, size_t len, long *left)
{
	size_t n = 0;
	int ch;

	while (*left > 0) {
		ch = consfront_getc();
		if (ch < 0) {
			thread_sleep(1);
			(*left)--;
			continue;
		}
		if (ch == '\n') {
			buf[n] = 0;
			return 0;
		}
		if (ch != '\r' && n < len - 1)
			buf[n++] = (char)ch;
	}
	return -1;
}
