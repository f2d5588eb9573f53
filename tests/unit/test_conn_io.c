/* A reply's deadline (src/control/conn_io.c): a client that reads a large
 * reply slowly, for longer than limit_ms in all but taking some of it
 * every so often, gets all of it; a client that takes nothing is given up
 * on after about limit_ms; atoll's own time before the reply does not
 * count against the client. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "control/conn_io.h"

#define LIMIT_MS 1000
#define REPLY (256 << 10)

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void nap_ms(long ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&t, 0);
}

struct reader {
	int fd;
	size_t got;
	long pause_ms; /* between reads of 64 KiB */
};

/* Read to the end of the stream, pausing between reads. */
static void *reader_main(void *arg)
{
	struct reader *r = arg;
	static char buf[65536];
	ssize_t n;

	while ((n = read(r->fd, buf, sizeof(buf))) > 0) {
		r->got += (size_t)n;
		nap_ms(r->pause_ms);
	}
	return 0;
}

/* Send the reply through a socket pair with small buffers; the reader
 * pauses pause_ms after each read.  How many bytes arrived. */
static size_t send_through(long pause_ms, long built_ms, long *took_ms)
{
	static char reply[REPLY];
	int sv[2], small = 16384;
	struct reader r = { .pause_ms = pause_ms };
	struct conn c;
	pthread_t t;
	long t0;

	memset(reply, 'x', sizeof(reply));
	CHECK_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	r.fd = sv[1];
	c = (struct conn){ .fd = sv[0], .limit_ms = LIMIT_MS };
	clock_gettime(CLOCK_MONOTONIC, &c.t0);
	nap_ms(built_ms); /* atoll building the reply */
	CHECK_EQ(pthread_create(&t, 0, reader_main, &r), 0);
	t0 = now_ms();
	conn_send(&c, reply, sizeof(reply));
	*took_ms = now_ms() - t0;
	close(sv[0]);
	pthread_join(t, 0);
	close(sv[1]);
	return r.got;
}

int main(void)
{
	long took;

	/* Four reads a second, each of what the small buffers hold: 256 KiB
	 * takes seconds, over limit_ms, after a reply that took limit_ms to
	 * build: all of it arrives. */
	CHECK_EQ(send_through(250, LIMIT_MS, &took), REPLY);
	printf("conn_io: 256 KiB read slowly in %ld ms\n", took);
	CHECK(took > LIMIT_MS);
	/* A reader that stalls for longer than limit_ms between reads is
	 * given up on: the reply is cut. */
	CHECK(send_through(2 * LIMIT_MS, 0, &took) < REPLY);
	return check_done("conn_io");
}
