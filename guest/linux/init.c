/* /sbin/init of atoll's Linux root image: mounts proc, sys and devtmpfs,
 * configures lo and, if there is one, eth0 by DHCP, runs the commands the
 * kernel command line names in `atoll.run=` (words joined by ',', commands
 * by '+': atoll.run=clock+blk,verify,/dev/vdb,4+poweroff), then offers the
 * console prompt (shell.c).  A press of the power key (`atoll shutdown`)
 * powers off in order whatever init is doing (powerkey.c).  Every step prints one `atoll-linux:` line so a
 * test (or a person) can follow the boot. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "dhcp.h"
#include "netif.h"
#include "powerkey.h"
#include "shell.h"

#define DHCP_TIMEOUT_MS 30000

static void mount_one(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, MS_NOSUID | MS_NOEXEC * (type[0] != 'd'), 0) <
		    0 &&
	    errno != EBUSY)
		printf("atoll-linux: mount %s on %s: %s\n", type, dir,
		       strerror(errno));
}

/* fd as init's standard input, output and error. */
static void console_use(int fd)
{
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

// fds 0-2 on the console: the kernel gives init none if it could not open
// /dev/console before devtmpfs was there.
static void console_setup(void)
{
	int fd;

	if (fcntl(0, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0)
		console_use(fd);
}

/* The console as init's controlling terminal, so that Ctrl-C reaches the
 * program in the foreground (shell.c): /dev/console can never be one (the
 * kernel opens it as if O_NOCTTY), so open the device behind it, the last
 * name in /sys/class/tty/console/active (ttyS0, hvc0), as busybox's
 * cttyhack does.  Without it the prompt works as before. */
static void console_ctty(void)
{
	char names[128], path[sizeof(names) + 8], *name;
	int fd = open("/sys/class/tty/console/active", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, names, sizeof(names) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	names[n] = 0;
	names[strcspn(names, "\n")] = 0;
	name = strrchr(names, ' ');
	name = name ? name + 1 : names;
	snprintf(path, sizeof(path), "/dev/%s", name);
	if (setsid() < 0)
		return;
	fd = open(path, O_RDWR); /* a session leader's first tty: its ctty */
	if (fd >= 0)
		console_use(fd);
}

static void report_system(void)
{
	struct utsname u;
	struct sysinfo si;
	cpu_set_t set;

	uname(&u);
	sysinfo(&si);
	sched_getaffinity(0, sizeof(set), &set);
	printf("atoll-linux: init on Linux %s %s, %d cpus, %lu MiB\n",
	       u.release, u.machine, CPU_COUNT(&set),
	       (unsigned long)((unsigned long long)si.totalram * si.mem_unit >>
			       20));
}

static void network_setup(void)
{
	struct dhcp_lease l;
	char a[INET_ADDRSTRLEN], r[INET_ADDRSTRLEN];
	int err;

	if (!netif_up("lo"))
		netif_set_addr("lo", htonl(0x7f000001), htonl(0xff000000));
	if (!if_nametoindex("eth0")) {
		printf("atoll-linux: no eth0\n");
		return;
	}
	err = netif_up("eth0");
	if (!err)
		err = dhcp_configure("eth0", DHCP_TIMEOUT_MS, &l);
	if (err) {
		printf("atoll-linux: eth0: dhcp failed: %s\n", strerror(-err));
		return;
	}
	inet_ntop(AF_INET, &l.addr, a, sizeof(a));
	inet_ntop(AF_INET, &l.router, r, sizeof(r));
	printf("atoll-linux: eth0 %s/%d router %s lease %u s\n", a,
	       __builtin_popcount(l.mask), r, l.lease_secs);
}

// The value of `atoll.run=` on the kernel command line, or NULL.
static char *cmdline_run(char *buf, size_t size)
{
	int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, size - 1);
	char *p, *end;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (p = buf; (p = strstr(p, "atoll.run="));) {
		if (p == buf || p[-1] == ' ') {
			p += strlen("atoll.run=");
			end = p + strcspn(p, " \n");
			*end = '\0';
			return p;
		}
		p++;
	}
	return 0;
}

static void autorun(void)
{
	char buf[4096], *run = cmdline_run(buf, sizeof(buf)), *save = 0, *c;

	if (!run)
		return;
	for (c = strtok_r(run, "+", &save); c; c = strtok_r(0, "+", &save)) {
		int st;

		for (char *q = c; *q; q++)
			if (*q == ',')
				*q = ' ';
		printf("atoll-linux: run: %s\n", c);
		st = shell_run_line(c);
		printf("atoll-linux: run: status %d\n", st);
	}
}

int main(void)
{
	if (getpid() != 1) {
		fprintf(stderr, "init: must run as process 1\n");
		return 2;
	}
	mount_one("devtmpfs", "/dev", "devtmpfs");
	console_setup();
	setvbuf(stdout, 0, _IOLBF, 0);
	mount_one("proc", "/proc", "proc");
	mount_one("sysfs", "/sys", "sysfs");
	console_ctty();
	/* Taking the terminal back from a program's group must not stop init
	 * (SIGTTOU: pid 1 would retry the call forever); Ctrl-Z stops nothing:
	 * ignored here and, inherited through exec, in every program. */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	setenv("PATH", "/bin", 1);
	report_system();
	powerkey_watch();
	network_setup();
	autorun();
	printf("atoll-linux: ready (type help)\n");
	shell_loop();
	printf("atoll-linux: console closed, powering off\n");
	shell_halt(0);
	return 1;
}
