/* The PV console back-end's input side (consback_in_pass): console input
 * goes into `in` up to its free room, wraps around, is published with
 * in_prod; atoll keeps its own in_prod whatever the guest writes there; an
 * in_cons more than the ring behind in_prod is a protocol error. */
#include <errno.h>
#include <string.h>

#include "atoll/abi/console.h"
#include "io/chardev.h"
#include "io/consback_internal.h"
#include "mem_test.h"

static char input[4096];
static size_t in_len, in_pos;

/* The host console's PV port: hands out what is left of input[]. */
static size_t con_read(void *ctx, void *buf, size_t n)
{
	size_t left = in_len - in_pos;

	n = n < left ? n : left;
	memcpy(buf, input + in_pos, n);
	in_pos += n;
	return n;
}

static const struct chardev_ops con_ops = { .read = con_read };
static struct chardev con = { &con_ops, NULL };

static void feed(const char *s)
{
	memmove(input, input + in_pos, in_len - in_pos);
	in_len -= in_pos;
	in_pos = 0;
	memcpy(input + in_len, s, strlen(s));
	in_len += strlen(s);
}

int main(void)
{
	static struct xencons_interface ring;
	struct pvdev dev = { .domid = 1 };
	struct consback cb = { 0 };
	char big[1500];

	dev.ring.ptr = &ring;
	CHECK_EQ(consback_in_pass(&dev, &cb), 0); /* no console: nothing */
	dev.env.con = &con;

	feed("hello\n");
	CHECK_EQ(consback_in_pass(&dev, &cb), 6);
	CHECK_EQ(ring.in_prod, 6);
	CHECK(!memcmp(ring.in, "hello\n", 6));
	CHECK(!cb.in_full);

	/* 1500 bytes with 6 unread: 1018 fit, the rest waits. */
	memset(big, 'x', sizeof(big));
	big[sizeof(big) - 1] = 0;
	feed(big);
	CHECK_EQ(consback_in_pass(&dev, &cb), 1018);
	CHECK(cb.in_full);
	CHECK_EQ(ring.in_prod, 1024);
	CHECK_EQ(consback_in_pass(&dev, &cb), 0); /* full: nothing moves */

	/* The guest reads 600 and scribbles on in_prod: atoll's index wins,
	 * the rest wraps around the ring. */
	ring.in_cons = 600;
	ring.in_prod = 77;
	CHECK_EQ(consback_in_pass(&dev, &cb), 481);
	CHECK_EQ(ring.in_prod, 1505);
	CHECK_EQ(ring.in[XENCONS_IDX(1504u, ring.in)], 'x');
	CHECK(!cb.in_full);

	/* in_cons past in_prod (or far behind it): disconnected. */
	ring.in_cons = 1600;
	feed("more");
	CHECK_EQ(consback_in_pass(&dev, &cb), -EPROTO);
	ring.in_cons = 1505 - 1025;
	CHECK_EQ(consback_in_pass(&dev, &cb), -EPROTO);
	return mt_finish("consback_in");
}
