/* The power key: atoll presses KEY_POWER on a gpio-keys device (a pin of
 * its SiFive GPIO; docs/control-api.md, `atoll shutdown`), as ACPI's power
 * button reaches acpid or systemd-logind elsewhere.  A child of init waits
 * on /dev/input/event* for it, then powers off in order: every other
 * process gets SIGTERM and up to TERM_WAIT_S to go, then SIGKILL; the file
 * systems are synced and the root remounted read-only; then power off. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "powerkey.h"

#define TERM_WAIT_S 5

/* An open event device named "gpio-keys", or -1. */
static int powerkey_open(void)
{
	char path[64], name[64];

	for (int i = 0; i < 32; i++) {
		int fd;

		snprintf(path, sizeof(path), "/dev/input/event%d", i);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (ioctl(fd, EVIOCGNAME(sizeof(name) - 1), name) >= 0 &&
		    !strcmp(name, "gpio-keys"))
			return fd;
		close(fd);
	}
	return -1;
}

/* User processes left besides init and this one: kernel threads have an
 * empty command line (kill(-1) does not touch them either). */
static int users_left(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;
	pid_t self = getpid();

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		pid_t p = (pid_t)atoi(e->d_name);
		char path[64], c;
		int fd;

		if (p <= 1 || p == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/cmdline", p);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (read(fd, &c, 1) == 1)
			n++;
		close(fd);
	}
	closedir(d);
	return n;
}

static void power_off_in_order(void)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };

	printf("atoll-linux: power key: stopping processes\n");
	kill(-1, SIGTERM);
	for (int i = 0; i < TERM_WAIT_S * 10 && users_left(); i++)
		nanosleep(&tick, NULL);
	kill(-1, SIGKILL);
	sync();
	if (mount(NULL, "/", NULL, MS_REMOUNT | MS_RDONLY, NULL) < 0 &&
	    errno != EROFS)
		printf("atoll-linux: remount / read-only: %s\n",
		       strerror(errno));
	printf("atoll-linux: power key: powering off\n");
	fflush(stdout);
	reboot(RB_POWER_OFF);
	printf("atoll-linux: poweroff: %s\n", strerror(errno));
}

void powerkey_watch(void)
{
	struct input_event ev;
	int fd = powerkey_open();
	pid_t pid;

	if (fd < 0) {
		printf("atoll-linux: no power key\n");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("atoll-linux: power key: fork: %s\n", strerror(errno));
		close(fd);
		return;
	}
	if (pid > 0) {
		close(fd);
		return;
	}
	/* Out of the terminal's way: Ctrl-C at the prompt signals init's
	 * group, which must not take the power key with it.  kill(-1) from
	 * here spares init and this process. */
	setpgid(0, 0);
	while (read(fd, &ev, sizeof(ev)) == (ssize_t)sizeof(ev))
		if (ev.type == EV_KEY && ev.code == KEY_POWER && ev.value == 1)
			break;
	close(fd);
	power_off_in_order();
	_exit(1);
}
