/* The virtual switch (src/io/vswitch.c): flooding of broadcast and
 * unknown destinations, learning, unicast to the learned port only, never
 * back to the sender, a removed port's addresses forgotten, refused
 * deliveries counted as drops, bad lengths ignored, the port limit, and
 * senders on several threads while ports come and go. */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "io/vswitch.h"
#include "mem_test.h"

#define NP 3

struct sink {
	unsigned frames;
	size_t last_len;
	uint8_t last_src;
	int refuse;
};

static int sink_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	struct sink *s = vswitch_port_priv(p);
	const uint8_t *f = frame;

	if (s->refuse)
		return -ENOBUFS;
	__atomic_fetch_add(&s->frames, 1, __ATOMIC_RELAXED);
	s->last_len = len;
	s->last_src = f[11];
	return 0;
}

static const struct vswitch_port_ops sink_ops = { sink_deliver };

/* A frame from address 02:..:src to dst (last byte; 0xff: broadcast). */
static void send(struct vswitch_port *p, uint8_t dst, uint8_t src, size_t len)
{
	uint8_t f[VSWITCH_FRAME_MAX + 1] = { 0 };

	memset(f, dst == 0xff ? 0xff : 0, 6);
	f[0] = dst == 0xff ? 0xff : 0x02;
	f[5] = dst;
	f[6] = 0x02;
	f[11] = src;
	vswitch_send(p, f, len);
}

static void test_learning(void)
{
	struct vswitch *sw;
	struct sink s[NP] = { 0 };
	struct vswitch_port *p[NP];
	struct vswitch_port_stats st;

	CHECK_EQ(vswitch_create(&sw), 0);
	for (int i = 0; i < NP; i++)
		p[i] = vswitch_port_add(sw, "t", &sink_ops, &s[i]);
	/* Broadcast from 1 on port 0: ports 1 and 2, not 0. */
	send(p[0], 0xff, 1, 60);
	CHECK_EQ(s[0].frames, 0);
	CHECK_EQ(s[1].frames, 1);
	CHECK_EQ(s[2].frames, 1);
	/* Unknown unicast floods; 2 is learned on port 1. */
	send(p[1], 9, 2, 60);
	CHECK_EQ(s[0].frames, 1);
	CHECK_EQ(s[2].frames, 2);
	/* Known: to the learned port only. */
	send(p[2], 1, 3, 100);
	CHECK_EQ(s[0].frames, 2);
	CHECK_EQ(s[1].frames, 1);
	CHECK_EQ(s[0].last_len, 100);
	CHECK_EQ(s[0].last_src, 3);
	send(p[0], 2, 1, 61);
	CHECK_EQ(s[1].frames, 2);
	CHECK_EQ(s[2].frames, 2);
	/* To an address learned on the sender's own port: nowhere. */
	send(p[0], 1, 4, 60);
	CHECK_EQ(s[1].frames + s[2].frames, 4);
	/* Address 1 moves to port 2. */
	send(p[2], 0xff, 1, 60);
	send(p[1], 1, 2, 60);
	CHECK_EQ(s[2].frames, 3);
	CHECK_EQ(s[0].frames, 3);
	/* Bad lengths: a drop at the sender, nothing delivered. */
	send(p[0], 0xff, 1, VSWITCH_FRAME_MIN - 1);
	send(p[0], 0xff, 1, VSWITCH_FRAME_MAX + 1);
	vswitch_port_get_stats(p[0], &st);
	CHECK_EQ(st.drops, 2);
	CHECK_EQ(st.tx_frames, 3);
	CHECK_EQ(st.tx_bytes, 181);
	CHECK_EQ(st.rx_frames, 3);
	/* Refused delivery: counted. */
	s[1].refuse = 1;
	send(p[0], 2, 1, 60);
	vswitch_port_get_stats(p[1], &st);
	CHECK_EQ(st.drops, 1);
	/* Port 1 goes: its address 2 is forgotten (floods again). */
	vswitch_port_remove(p[1]);
	send(p[0], 2, 1, 60);
	CHECK_EQ(s[2].frames, 4);
	vswitch_port_remove(p[0]);
	vswitch_port_remove(p[2]);
	vswitch_destroy(sw);
}

static void test_port_limit(void)
{
	struct vswitch *sw;
	struct sink s = { 0 };
	struct vswitch_port *p[VSWITCH_MAX_PORTS + 1];

	CHECK_EQ(vswitch_create(&sw), 0);
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++) {
		p[i] = vswitch_port_add(sw, "t", &sink_ops, &s);
		CHECK(p[i] != NULL);
	}
	CHECK(vswitch_port_add(sw, "t", &sink_ops, &s) == NULL);
	send(p[0], 0xff, 1, 60);
	CHECK_EQ(s.frames, VSWITCH_MAX_PORTS - 1);
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		vswitch_port_remove(p[i]);
	vswitch_destroy(sw);
}

struct racer {
	struct vswitch_port *p;
	uint8_t id;
};

static void *race_send(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 20000; i++)
		send(r->p, i & 1 ? 0xff : (uint8_t)(i % 7), r->id, 64);
	return NULL;
}

/* Senders on two threads while a third port comes and goes. */
static void test_race(void)
{
	struct vswitch *sw;
	struct sink s[3] = { 0 };
	struct racer r[2];
	pthread_t t[2];

	CHECK_EQ(vswitch_create(&sw), 0);
	/* Both ports before either sender: a sender that finished before the
	 * other port existed would leave that port's sink empty. */
	for (int i = 0; i < 2; i++) {
		r[i].p = vswitch_port_add(sw, "t", &sink_ops, &s[i]);
		r[i].id = (uint8_t)(i + 1);
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, race_send, &r[i]);
	for (int i = 0; i < 2000; i++) {
		struct vswitch_port *p =
			vswitch_port_add(sw, "t", &sink_ops, &s[2]);

		CHECK(p != NULL);
		vswitch_port_remove(p);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	CHECK(s[0].frames > 0 && s[1].frames > 0);
	for (int i = 0; i < 2; i++)
		vswitch_port_remove(r[i].p);
	vswitch_destroy(sw);
}

int main(void)
{
	test_learning();
	test_port_limit();
	test_race();
	return mt_finish("vswitch");
}
