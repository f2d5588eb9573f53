/* iostream: the demo's I/O domain.  One thread streams UDP datagrams to
 * the host through atoll's NAT uplink (10.0.2.2 is the host, as in QEMU's
 * user network) while the workload's own thread runs blkbench on the PV
 * disk; the verdict is ok if both are.
 *
 *   workload=iostream net_mb=N [port=P] [dst=A.B.C.D] + blkbench's options
 *
 * Prints `udpstream: bytes=N us=N MBps=X.X datagrams=N`.  UDP has no flow
 * control: what the host does not read in time is lost there, not here. */
#include "kernel.h"
#include "net.h"

#define DGRAM 1400

struct udpstream {
	uint64_t bytes;
	uint32_t dst;
	uint16_t port;
	int rc;
};

/* Send o->bytes in DGRAM-sized datagrams, each numbered. */
static void udpstream_run(void *arg)
{
	static uint8_t buf[DGRAM];
	struct udpstream *o = arg;
	uint64_t sent = 0, n = 0, t0 = timer_now_us(), us;
	int err = inet_init();

	if (err) {
		printf("udpstream: verdict FAIL no network (%d)\n", err);
		o->rc = 1;
		thread_exit();
	}
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	while (sent < o->bytes) {
		*(uint64_t *)buf = n;
		err = udp_send(o->dst, 40000, o->port, buf, sizeof(buf));
		if (err) {
			printf("udpstream: verdict FAIL send (%d)\n", err);
			o->rc = 1;
			thread_exit();
		}
		sent += sizeof(buf);
		n++;
	}
	us = timer_now_us() - t0;
	printf("udpstream: bytes=%lu us=%lu MBps=%lu.%lu datagrams=%lu\n",
	       (unsigned long)sent, (unsigned long)us,
	       (unsigned long)(sent / (us ? us : 1)),
	       (unsigned long)(sent * 10 / (us ? us : 1) % 10),
	       (unsigned long)n);
	printf("udpstream: verdict ok\n");
	thread_exit();
}

int wl_iostream(void)
{
	static struct udpstream o;
	struct thread *t;
	int rc;

	o.bytes = (uint64_t)cmdline_long("net_mb", 16) << 20;
	o.port = (uint16_t)cmdline_long("port", 9);
	if (inet_parse_ip(cmdline_get("dst", "10.0.2.2"), &o.dst)) {
		printf("iostream: verdict FAIL bad dst=\n");
		return 1;
	}
	t = thread_create("udpstream", udpstream_run, &o);
	if (!t) {
		printf("iostream: verdict FAIL no thread\n");
		return 1;
	}
	rc = wl_blkbench();
	thread_join(t);
	printf("iostream: verdict %s\n", rc || o.rc ? "FAIL" : "ok");
	return rc || o.rc;
}
