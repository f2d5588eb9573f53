/* udpecho: answer UDP datagrams to `port` with the same bytes until
 * `count` have been echoed, or `idle` ticks pass without one after the
 * first (the NAT test sends them from the host through a hostfwd rule,
 * retransmitting until it sees each echo).
 *
 *   workload=udpecho port=P count=N [wait=TICKS] [idle=TICKS] [ip=A.B.C.D]
 *
 * Verdict FAIL if `wait` ticks pass without a first datagram. */
#include "kernel.h"
#include "net.h"

int wl_udpecho(void)
{
	static uint8_t buf[NET_FRAME_MAX];
	long port = cmdline_long("port", 7);
	long count = cmdline_long("count", 1);
	uint64_t wait = (uint64_t)cmdline_long("wait", 30 * TICK_HZ);
	uint64_t idle = (uint64_t)cmdline_long("idle", 0);
	long done = 0;
	int err;

	if (port < 1 || port > 65535 || count < 1) {
		printf("udpecho: verdict FAIL bad port=%ld or count=%ld\n",
		       port, count);
		return 1;
	}
	err = inet_init();
	if (err) {
		printf("udpecho: verdict FAIL no network (%d)\n", err);
		return 1;
	}
	printf("udpecho: listening on port %ld\n", port);
	while (done < count) {
		uint32_t src;
		uint16_t sport;
		int n = udp_recv((uint16_t)port, buf, sizeof(buf), &src, &sport,
				 done && idle ? idle : wait);

		if (n <= 0)
			break;
		err = udp_send(src, (uint16_t)port, sport, buf, (size_t)n);
		if (err) {
			printf("udpecho: cannot answer (%d)\n", err);
			break;
		}
		done++;
	}
	printf("udpecho: port=%ld echoed=%ld\n", port, done);
	if (!done || (done < count && !idle)) {
		printf("udpecho: verdict FAIL %ld of %ld echoed\n", done,
		       count);
		return 1;
	}
	printf("udpecho: verdict ok\n");
	return 0;
}
