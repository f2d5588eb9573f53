/* The init's console prompt.  Built-ins are what a user needs to look
 * around without a userland of its own (echo, cat, ls, ip, mounts, sync,
 * sleep, poweroff); every other command is a program in /bin, run in the
 * foreground with the console as its terminal: in a process group of its
 * own that the terminal's Ctrl-C and Ctrl-\ reach (init's is not: pid 1
 * ignores what it has no handler for).  There is no job control: Ctrl-Z
 * is ignored. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dhcp.h"
#include "netif.h"
#include "shell.h"

#define MAX_ARGS 32

static void sh_cat(char **av)
{
	char buf[4096];

	for (int i = 1; av[i]; i++) {
		int fd = open(av[i], O_RDONLY | O_CLOEXEC);
		ssize_t n;

		if (fd < 0) {
			printf("cat: %s: %s\n", av[i], strerror(errno));
			continue;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
		close(fd);
	}
	fflush(stdout);
}

static void sh_ls(char **av)
{
	const char *path = av[1] ? av[1] : ".";
	DIR *d = opendir(path);
	struct dirent *e;

	if (!d) {
		printf("ls: %s: %s\n", path, strerror(errno));
		return;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			printf("%s%s\n", e->d_name,
			       e->d_type == DT_DIR ? "/" : "");
	closedir(d);
}

static int sh_dhcp(char **av)
{
	const char *ifname = av[1] ? av[1] : "eth0";
	struct dhcp_lease l;
	int err = netif_up(ifname);

	if (!err)
		err = dhcp_configure(ifname, 30000, &l);
	if (err) {
		printf("dhcp: %s: %s\n", ifname, strerror(-err));
		return 1;
	}
	netif_show(ifname);
	return 0;
}

void shell_halt(int reboot_instead)
{
	sync();
	reboot(reboot_instead ? RB_AUTOBOOT : RB_POWER_OFF);
	printf("%s: %s\n", reboot_instead ? "reboot" : "poweroff",
	       strerror(errno));
}

static int sh_exec(char **av)
{
	char path[256];
	pid_t pid;
	int st;

	if (strchr(av[0], '/'))
		snprintf(path, sizeof(path), "%s", av[0]);
	else
		snprintf(path, sizeof(path), "/bin/%s", av[0]);
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%s: fork: %s\n", av[0], strerror(errno));
		return 1;
	}
	if (pid == 0) {
		/* Both sides set the group and the foreground: whichever runs
		 * first, the program never reads the terminal as background. */
		setpgid(0, 0);
		tcsetpgrp(0, getpid());
		signal(SIGTTOU, SIG_DFL);
		execv(path, av);
		printf("%s: %s\n", av[0],
		       errno == ENOENT ? "command not found (try help)"
				       : strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	tcsetpgrp(0, pid); /* fails harmlessly without a terminal */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	tcsetpgrp(0, getpgrp());
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGINT) {
		printf("\n");
		return 128 + SIGINT;
	}
	if (WIFSIGNALED(st)) {
		printf("%s: killed by signal %d\n", av[0], WTERMSIG(st));
		return 128 + WTERMSIG(st);
	}
	return WEXITSTATUS(st);
}

static void sh_help(void)
{
	printf("built-ins: help echo cat ls ip dhcp mounts sync sleep"
	       " uptime poweroff reboot\n"
	       "programs:  ");
	fflush(stdout);
	char *ls[] = { "ls", "/bin", 0 };
	sh_ls(ls);
}

int shell_run_line(char *line)
{
	char *av[MAX_ARGS + 1], *save = 0, *w;
	int ac = 0;

	for (w = strtok_r(line, " \t\r\n", &save); w && ac < MAX_ARGS;
	     w = strtok_r(0, " \t\r\n", &save))
		av[ac++] = w;
	av[ac] = 0;
	if (!ac || av[0][0] == '#')
		return 0;
	if (!strcmp(av[0], "help")) {
		sh_help();
	} else if (!strcmp(av[0], "echo")) {
		for (int i = 1; i < ac; i++)
			printf("%s%s", av[i], i + 1 < ac ? " " : "");
		printf("\n");
	} else if (!strcmp(av[0], "cat")) {
		sh_cat(av);
	} else if (!strcmp(av[0], "ls")) {
		sh_ls(av);
	} else if (!strcmp(av[0], "ip")) {
		netif_show("lo");
		netif_show("eth0");
	} else if (!strcmp(av[0], "dhcp")) {
		return sh_dhcp(av);
	} else if (!strcmp(av[0], "mounts")) {
		char *m[] = { "cat", "/proc/mounts", 0 };
		sh_cat(m);
	} else if (!strcmp(av[0], "sync")) {
		sync();
	} else if (!strcmp(av[0], "sleep")) {
		struct timespec ts = { av[1] ? atoi(av[1]) : 1, 0 };
		nanosleep(&ts, 0);
	} else if (!strcmp(av[0], "uptime")) {
		char *m[] = { "cat", "/proc/uptime", 0 };
		sh_cat(m);
	} else if (!strcmp(av[0], "poweroff") || !strcmp(av[0], "reboot")) {
		shell_halt(av[0][0] == 'r');
		return 1;
	} else {
		return sh_exec(av);
	}
	return 0;
}

void shell_loop(void)
{
	char line[512];

	for (;;) {
		while (waitpid(-1, 0, WNOHANG) > 0)
			; /* orphans reparented to init */
		printf("atoll# ");
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin))
			return;
		shell_run_line(line);
		fflush(stdout);
	}
}
