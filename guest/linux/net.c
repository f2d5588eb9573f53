/* net: TCP and UDP to and from the host, for tests and benchmarks.
 *
 *   net tcp-echo PORT [N]        listen, echo each connection's bytes back,
 *                                exit after N connections (default: never)
 *   net tcp-send HOST PORT MIB   connect, send MIB MiB, close: MB/s
 *   net tcp-talk HOST PORT TEXT  connect, send TEXT + newline, print the
 *                                reply line
 *   net udp-echo PORT [N]        echo N datagrams (default: forever)
 *   net udp-ping HOST PORT N     send N datagrams, each answered within
 *                                2 s by an echo: round-trip times
 *
 * Servers print `net: listening on tcp|udp PORT` once they can accept, so
 * a test waits for that line instead of sleeping. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util.h"

static const char *prog = "net";

static struct sockaddr_in addr_of(const char *host, const char *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	long long p = parse_count(port);

	if (p <= 0 || p > 65535)
		die(prog, "bad port '%s'", port);
	a.sin_port = htons((uint16_t)p);
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		die(prog, "bad IPv4 address '%s'", host);
	return a;
}

static int listener(int type, const char *port)
{
	struct sockaddr_in a = addr_of("0.0.0.0", port);
	int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die(prog, "socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die(prog, "bind port %s: %s", port, strerror(errno));
	if (type == SOCK_STREAM && listen(fd, 8) < 0)
		die(prog, "listen: %s", strerror(errno));
	printf("net: listening on %s %s\n", type == SOCK_STREAM ? "tcp" : "udp",
	       port);
	return fd;
}

static int connect_to(const char *host, const char *port)
{
	struct sockaddr_in a = addr_of(host, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die(prog, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die(prog, "connect %s:%s: %s", host, port, strerror(errno));
	return fd;
}

static void write_all(int fd, const char *b, size_t n)
{
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w <= 0)
			die(prog, "send: %s",
			    w < 0 ? strerror(errno) : "closed");
		b += w;
		n -= (size_t)w;
	}
}

static void tcp_echo(const char *port, long long max)
{
	int lfd = listener(SOCK_STREAM, port);
	char buf[65536];

	for (long long served = 0; max < 0 || served < max; served++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int fd = accept4(lfd, (struct sockaddr *)&peer, &len,
				 SOCK_CLOEXEC);
		unsigned long long total = 0;
		ssize_t n;

		if (fd < 0)
			die(prog, "accept: %s", strerror(errno));
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			write_all(fd, buf, (size_t)n);
			total += (unsigned long long)n;
		}
		close(fd);
		printf("net: echoed %llu bytes to %s:%u\n", total,
		       inet_ntoa(peer.sin_addr), ntohs(peer.sin_port));
	}
	close(lfd);
}

static void tcp_send(const char *host, const char *port, long long mib)
{
	static char buf[1 << 20];
	int fd = connect_to(host, port);
	uint64_t t0 = now_ns();
	double s;

	memset(buf, 'a', sizeof(buf));
	for (long long i = 0; i < mib; i++)
		write_all(fd, buf, sizeof(buf));
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		; /* the peer has everything once it closes */
	s = (double)(now_ns() - t0) / 1e9;
	close(fd);
	printf("net: tcp-send %lld MiB in %.2f s: %.1f MB/s\n", mib, s,
	       (double)mib * (1 << 20) / 1e6 / s);
}

static void tcp_talk(const char *host, const char *port, const char *text)
{
	int fd = connect_to(host, port);
	char buf[512];
	size_t got = 0;
	ssize_t n;

	write_all(fd, text, strlen(text));
	write_all(fd, "\n", 1);
	while (got < sizeof(buf) - 1 &&
	       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		if (memchr(buf, '\n', got))
			break;
	}
	buf[got] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	close(fd);
	printf("net: reply '%s'\n", buf);
}

static void udp_echo(const char *port, long long max)
{
	int fd = listener(SOCK_DGRAM, port);
	char buf[65536];

	for (long long i = 0; max < 0 || i < max; i++) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&peer, &len);
		if (n < 0)
			die(prog, "recv: %s", strerror(errno));
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len);
	}
	close(fd);
	printf("net: udp-echo done\n");
}

static void udp_ping(const char *host, const char *port, long long n)
{
	struct sockaddr_in a = addr_of(host, port);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	uint64_t worst = 0, sum = 0;

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die(prog, "udp %s:%s: %s", host, port, strerror(errno));
	for (long long i = 0; i < n; i++) {
		char msg[32], buf[64];
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t t0 = now_ns(), dt;
		int len = snprintf(msg, sizeof(msg), "ping %lld", i);

		if (send(fd, msg, (size_t)len, 0) < 0 ||
		    poll(&p, 1, 2000) != 1 ||
		    recv(fd, buf, sizeof(buf), 0) != len ||
		    memcmp(buf, msg, (size_t)len))
			die(prog, "udp-ping %lld: no echo within 2 s", i);
		dt = now_ns() - t0;
		sum += dt;
		worst = dt > worst ? dt : worst;
	}
	close(fd);
	printf("net: udp-ping %lld echoes, avg %llu us, max %llu us\n", n,
	       (unsigned long long)(sum / (uint64_t)n / 1000),
	       (unsigned long long)(worst / 1000));
}

static void usage(void)
{
	fprintf(stderr,
		"usage: net tcp-echo PORT [N] | tcp-send HOST PORT MIB"
		" | tcp-talk HOST PORT TEXT\n"
		"       net udp-echo PORT [N] | udp-ping HOST PORT N\n");
	exit(2);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IOLBF, 0);
	if (argc < 3)
		usage();
	if (!strcmp(argv[1], "tcp-echo") || !strcmp(argv[1], "udp-echo")) {
		long long max = argc > 3 ? parse_count(argv[3]) : -1;
		if (argc > 3 && max <= 0)
			usage();
		if (argv[1][0] == 't')
			tcp_echo(argv[2], max);
		else
			udp_echo(argv[2], max);
	} else if (argc == 5 && !strcmp(argv[1], "tcp-send")) {
		long long mib = parse_count(argv[4]);
		if (mib <= 0)
			usage();
		tcp_send(argv[2], argv[3], mib);
	} else if (argc == 5 && !strcmp(argv[1], "tcp-talk")) {
		tcp_talk(argv[2], argv[3], argv[4]);
	} else if (argc == 5 && !strcmp(argv[1], "udp-ping")) {
		long long n = parse_count(argv[4]);
		if (n <= 0)
			usage();
		udp_ping(argv[2], argv[3], n);
	} else {
		usage();
	}
	return 0;
}
