/* hostload (src/machine/hostload.c): the host has a cpu to spare while
 * its runnable threads (the fourth field of /proc/loadavg, here a file of
 * our own in its format) are no more than its cpus; re-read at most once
 * a millisecond; without the file the answer is yes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "machine/hostload.h"

/* Make l read `text` as its /proc/loadavg, due for a read now. */
static void feed(struct hostload *l, int fd, const char *text)
{
	CHECK_EQ(ftruncate(fd, 0), 0);
	CHECK_EQ(pwrite(fd, text, strlen(text), 0), (ssize_t)strlen(text));
	l->fd = fd;
	atomic_store(&l->checked_ns, 0);
}

int main(void)
{
	char path[] = "/tmp/atoll-hostload-XXXXXX";
	int fd = mkstemp(path);
	struct hostload l;

	CHECK(fd >= 0);
	unlink(path);
	hostload_init(&l);
	CHECK(l.ncpu >= 1);
	hostload_spare(&l); /* the real file: any answer, no crash */
	hostload_destroy(&l);
	l.ncpu = 2;
	feed(&l, fd, "0.50 0.40 0.30 2/157 1234\n");
	CHECK(hostload_spare(&l));
	feed(&l, fd, "11.02 9.81 7.70 9/160 1240\n");
	CHECK(!hostload_spare(&l));
	/* Read at most once a millisecond: a new count waits for that. */
	CHECK_EQ(pwrite(fd, "0.01 0.02 0.03 1/150 1300\n", 26, 0), 26);
	CHECK(!hostload_spare(&l));
	usleep(2000);
	CHECK(hostload_spare(&l));
	/* Unreadable garbage counts as busy; no file at all as spare. */
	feed(&l, fd, "garbage\n");
	CHECK(!hostload_spare(&l));
	l.fd = -1;
	CHECK(hostload_spare(&l));
	close(fd);
	return check_done("hostload");
}
